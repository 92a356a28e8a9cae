#!/bin/sh
# bench/exchange.sh — the exchange with central (issue 12), in one run:
#
#  1. catch-up of a node 30 days offline at a busy station's volume (60 cases
#     a day, each with 2 persons, offence, links, custody, 2 PVs, 3 events and
#     4 audit entries: the outbox row count is printed): `sijill sync` over
#     HTTP to a central `sijill serve` on PostgreSQL (aim < 60 s);
#  2. records applied per second at central during that catch-up (aim >=
#     2,000 changes/s), and the ratio to a bare PostgreSQL insert loop of
#     the same rows at the same durability (a prepared INSERT … ON CONFLICT,
#     400 rows per transaction, synchronous_commit on: aim >= 0.3);
#  3. fault rounds (tests/api/test_exchange.c fault_rounds: a proxy cutting
#     pushes at random bytes, kill -9 of central, of the pusher, of the node
#     under continuous writes; after each round every table's digest equal):
#     ROUNDS of them (default 200) with central on PostgreSQL; since the pull
#     (issue 12) central also applies every row into its own tables and
#     witnesses the signed heads during them.
#
# usage: sh bench/exchange.sh [DAYS [ROUNDS]]     (default 30 200; ROUNDS 0 skips 3)
# Environment: BUILD (default /tmp/build-bench-xchg, an optimised (debugoptimized, as make build) build made
# there if missing); the fault rounds use build-test (make test-build).
set -eu
DAYS=${1:-30}
ROUNDS=${2:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-/tmp/build-bench-xchg}
# -Dwerror=false: at -O2, gcc 12 warns of possible truncation in src/cases (on main, not this bench's)
[ -d "$build" ] || meson setup "$build" "$root" --buildtype=debugoptimized -Dwerror=false -Dtests=false >/dev/null
ninja -C "$build" sijill webroot bench/bench_exchange >/dev/null
bin=$build/sijill
export SIJILL_DATA="$root/data"
work=$(mktemp -d /tmp/sijill-bench-xchg-XXXXXX)
pgdir=$(mktemp -d /tmp/sijill-pg-xchg-XXXXXX)   # its own: the postgres user must reach it
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work" "$pgdir"
}
trap cleanup EXIT INT TERM
admin=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
psql_() { /usr/lib/postgresql/15/bin/psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
psql_ "$admin" -c "CREATE DATABASE xchg_central" -c "CREATE DATABASE xchg_bare"
central=$(echo "$admin" | sed 's|/postgres$|/xchg_central|')
bare=$(echo "$admin" | sed 's|/postgres$|/xchg_bare|')
ck=$work/central.key
"$bin" init --db "$central" --demo --audit-key "$ck" >/dev/null 2>&1
code=$("$bin" node add --db "$central" --unit AR-CASA-OULFA --audit-key "$ck" | awk '/enrolment code/ {print $NF}')
"$bin" serve --db "$central" --listen 127.0.0.1:0 --port-file "$work/port" --audit-key "$ck" --threads 4 \
	>"$work/central.log" 2>&1 &
server=$!
i=0
while [ ! -s "$work/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$work/port")
node=$work/node.db
"$bin" init --db "$node" --demo >/dev/null 2>&1
"$bin" node join --db "$node" --central "http://127.0.0.1:$port" --code "$code" >/dev/null
"$bin" sync --db "$node" >/dev/null 2>&1   # the node's own setup rows
rows=$("$build/bench/bench_exchange" gen "$node" "$DAYS" "$node.audit-key")
t0=$(date +%s.%N)
"$bin" sync --db "$node" 2>/dev/null >/dev/null
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc -l)
bare_s=$("$build/bench/bench_exchange" bare "$bare" "$node")
applied=$(psql_ "$central" -c "SELECT count(*) FROM xchg_rows")
quar=$(psql_ "$central" -c "SELECT count(*) FROM xchg_quarantine")
rate=$(echo "$rows / $secs" | bc -l)
bare_rate=$(echo "$rows / $bare_s" | bc -l)
ratio=$(echo "$rate / $bare_rate" | bc -l)
printf '{"bench":"exchange","days":%d,"cases":%d,"outbox_rows":%d,"rows_at_central":%d,"quarantined":%d,"catchup_s":%.2f,"changes_per_s":%.0f,"bare_pg_per_s":%.0f,"ratio":%.2f}\n' \
	"$DAYS" $((DAYS * 60)) "$rows" "$applied" "$quar" "$secs" "$rate" "$bare_rate" "$ratio"
echo "catch-up of $DAYS days ($((DAYS * 60)) cases, $rows changes): $(printf %.1f "$secs") s (aim < 60 s)"
echo "applied at central: $(printf %.0f "$rate") changes/s (aim >= 2000); bare PostgreSQL loop $(printf %.0f "$bare_rate")/s; ratio $(printf %.2f "$ratio") (aim >= 0.3)"
if [ "$ROUNDS" -gt 0 ]; then
	tb=$root/build-test
	[ -x "$tb/tests/api/test_api_exchange" ] || { echo "fault rounds: run make test-build first" >&2; exit 1; }
	echo "fault rounds: $ROUNDS with central on PostgreSQL (build-test, sanitizers on)"
	CMOCKA_MESSAGE_OUTPUT=TAP SIJILL_BIN="$tb/sijill" SIJILL_TEST_BACKEND=pg SIJILL_TEST_PG_URI="$admin" SIJILL_XCHG_ROUNDS=$ROUNDS \
		SIJILL_SOURCE_ROOT="$root" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		"$tb/tests/api/test_api_exchange" 2>&1 | grep -E '^(ok|not ok|# [0-9]+ fault rounds)'
fi
