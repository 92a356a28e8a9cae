#!/bin/sh
# run.sh BUILD — run every suite and end with one line "N passed, N failed".
#
# Starts a throwaway PostgreSQL cluster (tests/pg-cluster.sh) so the black-box
# suites run against both databases, runs meson's suites (unit + api, TAP),
# the browser suite when present, and sums the TAP results.
set -u
build=${1:-build-test}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
case $build in /*) ;; *) build="$root/$build" ;; esac
pgdir=$(mktemp -d /tmp/sijill-pg-XXXXXX)
cleanup() { sh tests/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

if ! SIJILL_TEST_PG_URI=$(sh tests/pg-cluster.sh start "$pgdir"); then
	echo "run.sh: could not start PostgreSQL for the tests" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
export SIJILL_TEST_PG_URI

meson test -C "$build" --print-errorlogs --no-rebuild --num-processes 2 >"$build/meson-test.out" 2>&1
meson_rc=$?
tail -n 40 "$build/meson-test.out"

browser_tap=""
if [ -f tests/browser/run.mjs ] && [ ! -d node_modules/playwright-core ]; then
	# a suite that cannot start is a failure, never a silent skip
	browser_tap="$build/browser.tap"
	printf '1..1\nnot ok 1 - browser suite: node_modules/playwright-core is missing (run sh scripts/deps.sh)\n' >"$browser_tap"
	cat "$browser_tap"
elif [ -f tests/browser/run.mjs ]; then
	browser_tap="$build/browser.tap"
	SIJILL_BIN="$build/sijill" SIJILL_DATA="$root/data" \
		node tests/browser/run.mjs >"$browser_tap" 2>"$build/browser.err"
	brc=$?
	echo "browser suite exit $brc" >>"$build/browser.err"
	# a driver that died part-way reported only what it reached: count the death
	if [ $brc -ne 0 ] && ! grep -q '^not ok' "$browser_tap"; then
		echo "not ok - browser suite exited $brc (see $build/browser.err)" >>"$browser_tap"
	fi
	cat "$browser_tap" | grep -E '^(not ok|# )' || true
fi

python3 tests/summarize.py "$build/meson-logs/testlog.json" $browser_tap
rc=$?
[ $meson_rc -eq 0 ] || rc=1
exit $rc
