#!/bin/sh
# bench/run.sh — every benchmark, each printing its ratio against its anchor
# measured in the same run (`make bench`). Long ones take arguments; see each.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "== authenticated GET /api/v1/me vs nginx static file (issue 2)"; sh bench/me.sh build 10 32
echo "== create-case vs bare SQLite loop (issue 3)"; sh bench/create_case.sh 2000
echo "== person search vs pg_trgm and FTS5 at 100,000 persons (issue 4; sh bench/search.sh 1000000 for 1M)"; sh bench/search.sh 100000 1000
echo "== audited case read vs nginx, SQLite and PostgreSQL (issue 21)"; sh bench/audited_read.sh 10 32
echo "== load: read/write mix at saturation, SQLite (issue 6, 21)"; THREADS=48 MAXCONN=48 BIN=build/sijill sh bench/load.sh 30 32
echo "== load: read/write mix at saturation, PostgreSQL (issue 21)"
pgdir=$(mktemp -d /tmp/sijill-run-pg-XXXXXX)
if uri=$(sh tests/pg-cluster.sh start "$pgdir"); then
	THREADS=48 MAXCONN=48 BACKEND=pg SIJILL_TEST_PG_URI=$uri BIN=build/sijill sh bench/load.sh 30 32
	sh tests/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1
else
	echo "run.sh: no PostgreSQL cluster for load.sh"
fi
echo "== crash rounds (issue 6, 21; needs make test-build)"; sh bench/crash.sh 20
echo "== central failover on pg_auto_failover: 10 kill -9 rounds + a switchover, ratio to default timeouts (issue 19; ~10 min)"; sh bench/failover.sh 10
