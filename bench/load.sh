#!/bin/sh
# bench/load.sh — load at saturation on loopback: a wrk mix of reads and
# writes (bench/load.lua: 4 reads in 5, complaints and case persons written)
# against a fresh `sijill serve` on SQLite (BACKEND=pg with
# SIJILL_TEST_PG_URI for PostgreSQL). Prints throughput, p50/p99, the answers
# by class and the server's RSS before and after; fails on any socket error,
# any 5xx, any unexpected 4xx, or RSS growing more than RSS_MAX_GROWTH_KB
# (default 262144) — memory must stay bounded.
#
# usage: sh bench/load.sh [SECONDS] [CONNECTIONS]   (default 30 s, 32)
#   BIN (default build/sijill), THREADS (server threads, default 4),
#   MAXCONN (the server's --max-connections, default 512),
#   TAP=1 prints one TAP line (used by `make test` with 5 s).
set -u
secs=${1:-30}
conns=${2:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/build/sijill}
tmp=$(mktemp -d /tmp/sijill-load-XXXXXX)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
	[ "${TAP:-0}" = 1 ] && { echo "1..1"; echo "not ok 1 - load: $*"; }
	echo "load.sh: $*" >&2
	exit 1
}
export SIJILL_DATA=${SIJILL_DATA:-$root/data}
db="$tmp/load.db"
if [ "${BACKEND:-sqlite}" = pg ]; then
	name="load_$$"
	psql "$SIJILL_TEST_PG_URI" -qc "CREATE DATABASE $name" >/dev/null 2>&1 || fail "cannot create the database"
	db="${SIJILL_TEST_PG_URI%/*}/$name"
fi
"$bin" init --db "$db" --demo --audit-key "$tmp/audit.key" >"$tmp/init.log" 2>&1 || fail "init failed"
"$bin" serve --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --audit-key "$tmp/audit.key" \
	--threads "${THREADS:-4}" --max-connections "${MAXCONN:-512}" 2>"$tmp/server.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/port" ] || fail "the server did not start"
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"
token=$(curl -sf -H 'Content-Type: application/json' -d '{"badge":"demo-officer","password":"demo-password"}' \
	"$base/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "login"
case_id=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
	-d '{"frame":"flagrant","offences":[{"code":"CP-505"}],"summary":"Charge"}' "$base/api/v1/cases" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') || fail "case"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
admin=$(curl -sf -H 'Content-Type: application/json' -d '{"badge":"demo-admin","password":"demo-password"}' \
	"$base/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "admin login"
metric() { v=$(curl -s -H "Authorization: Bearer $admin" "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'); echo "${v:-0}"; }
metrics() { echo "$(metric sijill_audit_batches_total) $(metric sijill_audit_batched_entries_total)" \
	"$(metric sijill_db_log_flushes_total) $(metric sijill_db_async_commits_total)"; }
# warm up (caches, statement caches, connection pool), then measure
TOKEN=$token CASE_ID=$case_id wrk -t2 -c"$conns" -d2s -s "$root/bench/load.lua" "$base" >/dev/null 2>&1
rss0=$(rss)
m0=$(metrics)
TOKEN=$token CASE_ID=$case_id wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s -s "$root/bench/load.lua" "$base" \
	>"$tmp/wrk.out" 2>&1
rss1=$(rss)
m1=$(metrics)
kill -0 "$pid" 2>/dev/null || fail "the server died under load"
line=$(grep '^RESULT ' "$tmp/wrk.out" | sed 's/^RESULT //')
[ -n "$line" ] || { cat "$tmp/wrk.out" >&2; fail "no result from wrk"; }
growth=$((rss1 - rss0))
echo "$line" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print("load: %d requests in %.1f s = %.0f req/s; p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (
    r["requests"], r["seconds"], r["rps"], r["p50_ms"], r["p99_ms"], r["max_ms"]))
print("      answers: %d 2xx, %d 4xx, %d 5xx, %d other; %d socket errors" % (
    r["2xx"], r["4xx"], r["5xx"], r["other"], r["socket_errors"]))
' >&2
echo "      server RSS: ${rss0} kB before, ${rss1} kB after (+${growth} kB)" >&2
# the measured run's audit batches and log flushes (the /metrics reads are not audited)
python3 -c '
import sys
b0, e0, f0, a0 = map(int, sys.argv[1].split()); b1, e1, f1, a1 = map(int, sys.argv[2].split())
nb, ne, nf, na = b1 - b0, e1 - e0, f1 - f0, a1 - a0
print("      audit: %d read entries in %d committer transactions (%.1f per transaction); %d log flushes; "
      "%d writes committed by a finisher (worker freed)" % (ne, nb, ne / nb if nb else 0.0, nf, na))
' "$m0" "$m1" >&2
bad=$(echo "$line" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(r["4xx"]+r["5xx"]+r["other"]+r["socket_errors"])')
[ "$bad" -eq 0 ] || fail "errors under load: $line"
[ "$growth" -le "${RSS_MAX_GROWTH_KB:-262144}" ] || fail "RSS grew by $growth kB"
kill "$pid"; wait "$pid"; st=$?; pid=""
[ $st -eq 0 ] || fail "the server exited with $st after the load"
[ "${BACKEND:-sqlite}" = pg ] && psql "$SIJILL_TEST_PG_URI" -qc "DROP DATABASE $name WITH (FORCE)" >/dev/null 2>&1
if [ "${TAP:-0}" = 1 ]; then
	echo "1..1"
	echo "ok 1 - load ${secs}s: $(echo "$line" | tr -d '{}"')"
fi
exit 0
