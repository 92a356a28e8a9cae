#!/bin/sh
# run.sh — build the libFuzzer targets with clang (ASan + UBSan + libFuzzer)
# and run each for a bounded time on its committed corpus.
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_BUILD     build directory (default build-fuzz)
#   FUZZ_TARGETS   which targets (default: all)
#   FUZZ_JOBS      libFuzzer -jobs per target (default 1)
#
# New inputs that add coverage go to a scratch directory, then are merged
# (-merge=1) into tests/fuzz/corpus/<target>/ so the corpus only grows by
# inputs that matter; commit them. A crash leaves crash-* files in
# $FUZZ_BUILD/artifacts/ and makes this script exit 1.
# Prints, per target, the number of inputs tried (libFuzzer's "#N").
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
secs=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-build-fuzz}
targets=${FUZZ_TARGETS:-"text ident import dispatch query csv"}
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
		-Dfuzz=true -Dtests=true >"$build.setup.log" 2>&1 || { cat "$build.setup.log"; exit 1; }
fi
ninja -C "$build" $(for t in $targets; do printf 'tests/fuzz/fuzz_%s ' "$t"; done) || exit 1
mkdir -p "$build/artifacts"
export SIJILL_DATA="$root/data"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
total=0
for t in $targets; do
	corpus="tests/fuzz/corpus/$t"
	new="$build/new-$t"
	rm -rf "$new"
	mkdir -p "$new" "$corpus"
	log="$build/fuzz-$t.log"
	"$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=8192 -timeout=20 -rss_limit_mb=4096 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" "$new" "$corpus" >"$log" 2>&1
	st=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
	runs=${runs:-0}
	total=$((total + runs))
	if [ $st -ne 0 ]; then
		echo "fuzz_$t: FAILED after $runs inputs (see $log and $build/artifacts/)"
		grep -E 'ERROR|SUMMARY|fuzz:' "$log" | head -5
		rc=1
		continue
	fi
	"$build/tests/fuzz/fuzz_$t" -merge=1 "$corpus" "$new" >"$build/merge-$t.log" 2>&1
	added=$(grep -o '[0-9]* new files' "$build/merge-$t.log" | grep -o '^[0-9]*' | head -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	echo "fuzz_$t: $runs inputs in ${secs}s, $cov, 0 crashes; corpus +${added:-0} files"
done
echo "fuzzing: $total inputs tried, $([ $rc -eq 0 ] && echo 0 || echo some) failures"
exit $rc
