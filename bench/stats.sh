#!/bin/sh
# bench/stats.sh — statistics (issue 16), in one run:
#   1. generate N cases over ten years (2016–2025) of a national volume
#      (454 arrondissements; offences, persons, custodies, referrals; the
#      generator is deterministic) into SQLite and into PostgreSQL: the base
#      rows in bulk (COPY on PostgreSQL, one prepared INSERT on SQLite,
#      50,000 cases per transaction) with the per-row triggers a bulk load
#      replaces off (statistics, exchange outbox, feed) and the secondary
#      indexes (and on PostgreSQL the foreign keys) made after the rows are
#      in, then every case's facts set-based (stats_rebuild, the code the
#      system runs), a sample of ~1,000 cases checked against what the
#      triggers compute;
#   2. the national annual report of 2025 (stats_figures: every figure, the
#      previous year beside) against a plain GROUP BY over the same rows, on
#      each database: times and the ratio report/GROUP BY (aim: the report
#      under 1 s at N = 10,000,000);
#   3. what the statistics' triggers cost create-case (bench/create_case.c's
#      unit of work) on SQLite and on PostgreSQL: rate with / rate without,
#      interleaved.
# Prints JSON lines.
#
# usage: sh bench/stats.sh [N] [W]    N cases (default 10000000; on a shared
#                                     machine use e.g. 50000), W create-case
#                                     transactions for step 3 (default 2000)
# Environment: BUILD (default /tmp/build-bench-stats: a release build is made
# there if missing), SIJILL_BENCH_PG_URI (an admin URI; default: a throwaway
# cluster from tests/pg-cluster.sh), SKIP_PG=1 (SQLite only), SKIP_SQLITE=1
# (PostgreSQL only).
set -eu
N=${1:-10000000}
W=${2:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-/tmp/build-bench-stats}
[ -d "$build" ] || meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
ninja -C "$build" sijill bench/bench_stats >/dev/null
work=$(mktemp -d /tmp/sijill-bench-stats-XXXXXX)
pgdir=""
cleanup() {
	[ -n "$pgdir" ] && sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
export SIJILL_DATA="$root/data"
echo "{\"bench\":\"stats\",\"n\":$N,\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

mkdir -p "$work/write"
if [ "${SKIP_SQLITE:-0}" != 1 ]; then
	"$build/sijill" init --db "$work/stats.db" --demo --audit-key "$work/audit.key" >/dev/null
	"$build/bench/bench_stats" load "$work/stats.db" "$N"
	"$build/bench/bench_stats" report "$work/stats.db" 2025
	"$build/bench/bench_stats" write "$work/write/with.db" "$work/write/without.db" "$work/write/audit.key" "$W" \
		"$root/data"
fi

if [ "${SKIP_PG:-0}" != 1 ]; then
	if [ -n "${SIJILL_BENCH_PG_URI:-}" ]; then
		admin=$SIJILL_BENCH_PG_URI
	else
		pgdir="/tmp/pg-bench-stats-$$"  # the postgres user must reach it: not under mktemp -d (0700)
		admin=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
		# a bulk load of millions of rows: checkpoints by size every 1 GB of
		# WAL would write the same pages again and again (a throwaway cluster)
		psql "$admin" -qc "ALTER SYSTEM SET max_wal_size = '16GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '1h'" \
			-c "SELECT pg_reload_conf()" >/dev/null
	fi
	db_uri() { printf '%s' "$admin" | sed "s|/[^/?]*\(?.*\)\{0,1\}$|/$1\1|"; }
	name="bench_stats_$$"
	psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
	uri=$(db_uri "$name")
	"$build/sijill" init --db "$uri" --demo --audit-key "$work/audit-pg.key" >/dev/null
	"$build/bench/bench_stats" load "$uri" "$N"
	"$build/bench/bench_stats" report "$uri" 2025
	psql "$admin" -qc "DROP DATABASE $name" >/dev/null
	psql "$admin" -qc "CREATE DATABASE ${name}_w" >/dev/null
	psql "$admin" -qc "CREATE DATABASE ${name}_wo" >/dev/null
	"$build/bench/bench_stats" write "$(db_uri "${name}_w")" "$(db_uri "${name}_wo")" "$work/write/audit.key" "$W" \
		"$root/data"
	psql "$admin" -qc "DROP DATABASE ${name}_w" >/dev/null
	psql "$admin" -qc "DROP DATABASE ${name}_wo" >/dev/null
fi
echo "{\"bench\":\"stats-end\",\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
