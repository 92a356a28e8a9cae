#!/bin/sh
# bench/crash.sh — crash consistency in full: `kill -9` at random moments of a
# mixed write load (cases, complaints, persons, PVs, users), ROUNDS rounds
# (default 100) on SQLite and on PostgreSQL. Every round checks that no
# acknowledged write is lost, that no record is half-written, and that
# `sijill audit verify` passes (tests/api/test_crash.c; `make test` runs it
# with 5 rounds).
#
# usage: sh bench/crash.sh [ROUNDS]      BUILD (default build-test) must hold
#        the test build (`make test-build`).
set -eu
rounds=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-test}
case $build in /*) ;; *) build="$root/$build" ;; esac
[ -x "$build/tests/api/test_api_crash" ] || { echo "crash.sh: build $build first (make test-build)" >&2; exit 2; }
pgdir=$(mktemp -d /tmp/sijill-crash-pg-XXXXXX)
trap 'sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true' EXIT INT TERM
SIJILL_TEST_PG_URI=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
export SIJILL_TEST_PG_URI SIJILL_CRASH_ROUNDS=$rounds CMOCKA_MESSAGE_OUTPUT=TAP
export SIJILL_BIN="$build/sijill" SIJILL_DATA="$root/data" SIJILL_SOURCE_ROOT="$root"
rc=0
for backend in sqlite pg; do
	SIJILL_TEST_BACKEND=$backend "$build/tests/api/test_api_crash" >"$build/crash-$backend.tap" 2>"$build/crash-$backend.err" || rc=1
	echo "$backend: $(grep '^# crash:' "$build/crash-$backend.err" || echo 'FAILED (see '"$build/crash-$backend.err"')')"
	grep -E '^(not ok|# LOST|# round .*(failed|half))' "$build/crash-$backend.tap" "$build/crash-$backend.err" || true
done
exit $rc
