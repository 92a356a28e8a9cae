#!/bin/sh
# bench/mobile_acceptance.sh — issue 14's black-box acceptance at the issue's own size: the
# kit ↔ central test of tests/api/test_mobile.c (a tour planned at central, the kit joined and
# provisioned, offline enrolments, the wanted man, the cross-script double, the missing finger,
# ten rejected by the supervisor, back online: every approved packet at central exactly once,
# dedup, the mock ABIS without a name or CIN, statuses back in one exchange, hand-over with a
# 1:1 check and one refused without) with 300 enrolments a day for 5 days instead of make
# test's 30 a day for 2 — the same assertions, on SQLite and on PostgreSQL.
#
# usage: sh bench/mobile_acceptance.sh [PER_DAY [DAYS]]   (default 300 5; needs make test-build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
per_day=${1:-300}
days=${2:-5}
pgdir=$(mktemp -d /tmp/sijill-pg-XXXXXX)
trap 'sh tests/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true' EXIT INT TERM
SIJILL_TEST_PG_URI=$(sh tests/pg-cluster.sh start "$pgdir")
# the ASan build validates a round of 500 packets in more than make test's 60 s HTTP timeout
export SIJILL_TEST_PG_URI SIJILL_MOB_PER_DAY=$per_day SIJILL_MOB_DAYS=$days SIJILL_TEST_HTTP_TIMEOUT=900
start=$(date +%s)
meson test -C build-test --no-rebuild --print-errorlogs --timeout-multiplier 20 api-mobile-sqlite api-mobile-pg
echo "mobile acceptance: $per_day a day for $days days, both databases, in $(( $(date +%s) - start )) s"
