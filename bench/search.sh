#!/bin/sh
# bench/search.sh — national person search (issue #4): sijill against
# PostgreSQL pg_trgm and SQLite FTS5 trigram, in one run, on the same
# synthetic population and the same queries with known answers.
#
# usage: sh bench/search.sh [N] [QUERIES]
#   N        persons (default 100000; 1000000 and 10000000 work, slowly)
#   QUERIES  queries (default 1000), each with its known answer
#
# Environment: BUILD (default /tmp/build-search-rel: an optimised build is
# made there if missing), KEEP=1 keeps the scratch directory, SKIP_PG=1,
# SKIP_FTS=1. Prints one JSON line per engine and a summary with the
# ratios against the targets (p50 <= 5 ms and recall@10 >= 0.95 at 1M;
# >= 10x faster than pg_trgm at equal or better recall).
set -eu
N=${1:-100000}
NQ=${2:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-/tmp/build-search-rel}
tmp=$(mktemp -d /tmp/sijill-search-bench-XXXXXX)
pgdir=$(mktemp -u -d /tmp/sijill-search-bench-pg-XXXXXX)  # outside $tmp: postgres must enter it
cleanup() {
	[ -d "$pgdir" ] && sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true
	[ "${KEEP:-0}" = 1 ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

say() { echo "search.sh: $*" >&2; }

if [ ! -x "$build/sijill" ]; then
	say "building an optimised sijill in $build"
	[ -d "$build" ] || meson setup "$build" "$root" --buildtype=release -Dtests=false >/dev/null
	ninja -C "$build" >/dev/null
fi
bench="$build/search_bench"
say "compiling bench/search_bench.c"
# shellcheck disable=SC2046
cc -O2 -D_GNU_SOURCE -I"$root/src" -I/usr/include/postgresql "$root/bench/search_bench.c" \
	"$build/libsijillcore.a" -o "$bench" \
	$(pkg-config --libs libmicrohttpd jansson libsodium sqlite3 libpq libutf8proc liboath libcurl) -lpthread -lm

say "generating $N persons and $NQ queries (seeded)"
t=$(date +%s)
python3 "$root/bench/gen_persons.py" "$N" "$tmp/data" --queries "$NQ"
say "  $(($(date +%s) - t)) s"

export SIJILL_DATA="$root/data"
say "sijill: init + import persons"
t=$(date +%s)
"$build/sijill" init --db "$tmp/sijill.db" >/dev/null
"$build/sijill" import persons --quiet --db "$tmp/sijill.db" "$tmp/data/persons.jsonl" >&2
sijill_load=$(($(date +%s) - t))
sqlite3 "$tmp/sijill.db" "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
sijill_size=$(du -k "$tmp/sijill.db" | cut -f1)
say "  loaded in $sijill_load s, database $sijill_size KiB"

# the same persons as one text per person: Latin and Arabic names, lower
# case, accents folded (what a trigram engine is given)
python3 - "$tmp/data/persons.jsonl" "$tmp/people.tsv" <<'PY'
import json, sys, unicodedata
def fold(s):
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c))
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in f:
        p = json.loads(line)
        name = " ".join(p.get(k, "") for k in ("first_name_lat", "last_name_lat", "first_name_ar", "last_name_ar") if p.get(k))
        o.write("%s\t%s\t%s\n" % (p.get("cin", ""), p.get("birth_date", "\\N"), fold(name).replace("\t", " ")))
PY

results="$tmp/results.jsonl"
: >"$results"
say "sijill: $NQ queries"
"$bench" sijill "$tmp/sijill.db" "$tmp/data/queries.jsonl" | tee -a "$results"

if [ "${SKIP_FTS:-0}" != 1 ]; then
	say "SQLite FTS5 trigram: load"
	t=$(date +%s)
	python3 - "$tmp/people.tsv" "$tmp/fts.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE VIRTUAL TABLE bench_fts USING fts5(cin UNINDEXED, birth_date UNINDEXED, name, tokenize='trigram')")
with open(sys.argv[1], encoding="utf-8") as f:
    db.executemany("INSERT INTO bench_fts (cin, birth_date, name) VALUES (?, ?, ?)",
                   (line.rstrip("\n").split("\t") for line in f))
db.commit()
db.execute("INSERT INTO bench_fts(bench_fts) VALUES ('optimize')")
db.commit()
PY
	say "  $(($(date +%s) - t)) s, $(du -k "$tmp/fts.db" | cut -f1) KiB"
	"$bench" fts5 "$tmp/fts.db" "$tmp/data/queries.jsonl" | tee -a "$results"
fi

if [ "${SKIP_PG:-0}" != 1 ]; then
	say "PostgreSQL pg_trgm: cluster, load, GIN index"
	uri=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
	t=$(date +%s)
	chmod 644 "$tmp/people.tsv"
	psql -q -v ON_ERROR_STOP=1 "$uri" >/dev/null <<SQL
CREATE EXTENSION pg_trgm;
CREATE TABLE bench_people (cin TEXT, birth_date TEXT, name TEXT);
\\copy bench_people FROM '$tmp/people.tsv'
CREATE INDEX bench_people_trgm ON bench_people USING GIN (name gin_trgm_ops);
VACUUM ANALYZE bench_people;
SQL
	pg_size=$(psql -tA "$uri" -c "SELECT pg_total_relation_size('bench_people') / 1024")
	say "  $(($(date +%s) - t)) s, table + index $pg_size KiB"
	"$bench" pgtrgm "$uri" "$tmp/data/queries.jsonl" | tee -a "$results"
fi

python3 - "$results" "$N" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[r["engine"]] = r
n = int(sys.argv[2])
s = rows.get("sijill")
print()
print("persons: %d" % n)
print("%-8s %9s %9s %10s %12s %10s" % ("engine", "p50 ms", "p99 ms", "recall@10", "cross-script", "rss KiB"))
for k in ("sijill", "pgtrgm", "fts5"):
    if k in rows:
        r = rows[k]
        print("%-8s %9.3f %9.3f %10.3f %12s %10d" % (k, r["p50_ms"], r["p99_ms"], r["recall_at_10"],
                                                    r["cross_script_found"], r["max_rss_kb"]))
if s:
    print("target p50 <= 5 ms: %s; recall@10 >= 0.95: %s" % (
        "met" if s["p50_ms"] <= 5 else "MISSED", "met" if s["recall_at_10"] >= 0.95 else "MISSED"))
    for k in ("pgtrgm", "fts5"):
        if k in rows and rows[k]["p50_ms"] > 0:
            r = rows[k]
            print("vs %-6s: %.1fx faster at p50, recall %.3f vs %.3f" % (
                k, r["p50_ms"] / max(s["p50_ms"], 1e-6), s["recall_at_10"], r["recall_at_10"]))
PY
