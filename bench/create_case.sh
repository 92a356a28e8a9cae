#!/bin/sh
# bench/create_case.sh — create-case throughput (issue #3): a case + 2 persons +
# 1 offence + its event and audit entry in one transaction through sijill,
# against a bare SQLite loop inserting the same rows at the same durability
# (WAL, synchronous=FULL, one transaction per case), in one run. Prints one
# JSON line and the ratio sijill/bare (aim >= 0.5).
#
# usage: sh bench/create_case.sh [N]        (N cases, default 2000)
# Environment: BUILD (default /tmp/build-bench-case: an optimised build is
# made there if missing).
set -eu
N=${1:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-/tmp/build-bench-case}
[ -d "$build" ] || meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
ninja -C "$build" bench/bench_create_case >/dev/null   # always: the bench measures this tree
exec "$build/bench/bench_create_case" "$N" "$root/data"
