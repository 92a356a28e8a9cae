#!/bin/sh
# bench/crash.sh — crash consistency in full: `kill -9` at random moments of a
# mixed load of writes (cases, complaints, persons, PVs, users) and audited
# reads (a case, a page of cases), ROUNDS rounds (default 200) on SQLite and on
# PostgreSQL. Every round checks that every request answered 2xx has its audit
# entry (found by the request id its client noted), that no acknowledged write
# is lost, that no record is half-written, and that `sijill audit verify`
# passes (tests/api/test_crash.c; `make test` runs it with 20 rounds).
#
# usage: sh bench/crash.sh [ROUNDS]      BUILD (default build-test) must hold
#        the test build (`make test-build`); MIN_MS/MAX_MS (default 200/1500):
#        how long the load runs before each kill.
set -eu
rounds=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-test}
case $build in /*) ;; *) build="$root/$build" ;; esac
[ -x "$build/tests/api/test_api_crash" ] || { echo "crash.sh: build $build first (make test-build)" >&2; exit 2; }
pgdir=$(mktemp -d /tmp/sijill-crash-pg-XXXXXX)
trap 'sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true' EXIT INT TERM
SIJILL_TEST_PG_URI=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
export SIJILL_TEST_PG_URI SIJILL_CRASH_ROUNDS=$rounds CMOCKA_MESSAGE_OUTPUT=TAP
export SIJILL_CRASH_MIN_MS=${MIN_MS:-200} SIJILL_CRASH_MAX_MS=${MAX_MS:-1500}
export SIJILL_BIN="$build/sijill" SIJILL_DATA="$root/data" SIJILL_SOURCE_ROOT="$root"
rc=0
for backend in sqlite pg; do
	SIJILL_TEST_BACKEND=$backend "$build/tests/api/test_api_crash" >"$build/crash-$backend.tap" 2>"$build/crash-$backend.err" || rc=1
	echo "$backend: $(grep '^# crash:' "$build/crash-$backend.err" || echo 'FAILED (see '"$build/crash-$backend.err"')')"
	grep -E '^(not ok|# LOST|# round .*(failed|half|no audit entry))' "$build/crash-$backend.tap" "$build/crash-$backend.err" || true
done
exit $rc
