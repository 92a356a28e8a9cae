#!/bin/sh
# bench/mobile.sh — the mobile CNIE units (issue 14), in one run:
#
#  1. enrolments per second on the kit, sealed and queued: THREADS operators
#     (bench/mobile_client.py) each open an application, capture ten fingers
#     and a face from `sijill device-sim` (signed, chained), post them, sign
#     off (offline checks) and have the supervisor approve (packet sealed,
#     encrypted to central, in the outbox) — PER_DAY x DAYS applications (aim:
#     >= 50/s, the server side never the bottleneck); the anchor, measured in
#     the same run by the same client, is GET /api/v1/me on the kit: the ratio
#     says how many plain authenticated requests one enrolment costs;
#  2. the kit syncs; central (PostgreSQL) validates and deduplicates every
#     packet by its background job (every 5 s, rounds of at most 500; the time
#     runs from the sync's end to the last packet recorded, so it includes up
#     to one interval of waiting) (decrypt, hash, kit and device signatures, chain, quality, the
#     search engine against INDEX persons of bench/gen_persons.py): packets per
#     second, and the anchor: national person searches per second on the same
#     index in the same run (GET /api/v1/persons/search).
#
# usage: sh bench/mobile.sh [PER_DAY [DAYS [INDEX [THREADS]]]]   (default 300 5 100000 4)
# The issue asks for an index of 1,000,000 persons: on this shared machine the
# default is 100,000 (say which you ran). BUILD: an optimised build (made if missing).
set -eu
PER_DAY=${1:-300}
DAYS=${2:-5}
INDEX=${3:-100000}
THREADS=${4:-4}
N=$((PER_DAY * DAYS))
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-/tmp/build-bench-mobile}
[ -d "$build" ] || meson setup "$build" "$root" --buildtype=debugoptimized -Dwerror=false -Dtests=false >/dev/null
ninja -C "$build" sijill webroot >/dev/null
bin=$build/sijill
export SIJILL_DATA="$root/data"
work=$(mktemp -d /tmp/sijill-bench-mob-XXXXXX)
pgdir=$(mktemp -d /tmp/sijill-pg-mob-XXXXXX)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work" "$pgdir"
}
trap cleanup EXIT INT TERM
admin=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
/usr/lib/postgresql/15/bin/psql -X -q -At "$admin" -c "CREATE DATABASE mob_central"
central=$(echo "$admin" | sed 's|/postgres$|/mob_central|')
ck=$work/central.key
"$bin" init --db "$central" --demo --audit-key "$ck" >/dev/null 2>&1
python3 "$root/bench/gen_persons.py" "$INDEX" "$work/pop" --queries 200 >/dev/null
"$bin" import persons --db "$central" --audit-key "$ck" --quiet "$work/pop/persons.jsonl" >/dev/null 2>&1 || true
code=$("$bin" node add --db "$central" --unit AR-CASA-OULFA --audit-key "$ck" | awk '/enrolment code/ {print $NF}')
serve() {   # serve DB KEY NAME: starts a server, sets $port
	"$bin" serve --db "$1" --listen 127.0.0.1:0 --port-file "$work/$3.port" --audit-key "$2" --threads 4 \
		>"$work/$3.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$work/$3.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat "$work/$3.port")
}
# central validates by its background job (job.c), every 5 s (the setting's
# least): a round of 500 packets against a large index outlasts one HTTP
# request (connection_timeout), so the bench never asks for it by request
"$bin" settings set mobile.validate_interval_s 5 --db "$central" --audit-key "$ck" >/dev/null
serve "$central" "$ck" central
cport=$port
curl_() { curl -sf -H 'Content-Type: application/json' "$@"; }
atok=$(curl_ -d '{"badge":"demo-admin","password":"demo-password"}' "http://127.0.0.1:$cport/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
ctok=$(curl_ -d '{"badge":"demo-chief","password":"demo-password"}' "http://127.0.0.1:$cport/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# the simulated device, registered at central
dport=$((40000 + $$ % 20000))
"$bin" device-sim --port "$dport" --key "$work/dev.key" --images "$work/img" >"$work/dev.out" 2>&1 &
pids="$pids $!"
sleep 0.5
pub=$(awk '{print $NF}' "$work/dev.out")
curl_ -H "Authorization: Bearer $atok" -d "{\"serial\":\"SIM-FP-0001\",\"kind\":\"finger\",\"make\":\"sijill\",\"model\":\"device-sim\",\"public_key\":\"$pub\"}" \
	"http://127.0.0.1:$cport/api/v1/mobile/devices" >/dev/null
tour=$(curl_ -H "Authorization: Bearer $ctok" -d '{"kit":"KIT-BENCH","vehicle":"Fourgon","starts_on":"2026-01-01","ends_on":"2030-12-31","supervisor":"demo-chief","operators":["demo-officer"],"stops":[{"day":"2026-01-02","commune":"COM-RABAT","place":"Ecole","place_kind":"school","opens":"08:00","closes":"18:00","slot_minutes":30,"per_slot":100}]}' \
	"http://127.0.0.1:$cport/api/v1/mobile/tours" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# the kit joins and is provisioned
kit=$work/kit.db
"$bin" init --db "$kit" --demo >/dev/null 2>&1
serve "$kit" "$kit.audit-key" kit
kport=$port
"$bin" node join --db "$kit" --central "http://127.0.0.1:$cport" --code "$code" >/dev/null
sleep 2.5
"$bin" sync --db "$kit" >/dev/null 2>&1
load0=$(cut -d' ' -f1 /proc/loadavg)
kitres=$(python3 "$root/bench/mobile_client.py" kit "http://127.0.0.1:$kport" "http://127.0.0.1:$dport" "$work/img" "$tour" "$N" "$THREADS")
anchor=$(python3 "$root/bench/mobile_client.py" anchor "http://127.0.0.1:$kport" 2000 "$THREADS")
"$bin" sync --db "$kit" >/dev/null 2>&1
t0=$(date +%s.%N)
validated=0
psql_() { /usr/lib/postgresql/15/bin/psql -X -q -At "$central" -c "$1"; }
sent=$(psql_ "SELECT COUNT(*) FROM xchg_rows WHERE tbl = 'mob_packets'")
while [ "$validated" -lt "$sent" ]; do
	sleep 0.5
	validated=$(psql_ "SELECT COUNT(*) FROM mob_received")
done
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc -l)
# the anchor at central: person searches on the same index
q0=$(date +%s.%N)
nq=0
head -n 200 "$work/pop/queries.jsonl" | python3 -c '
import json, sys, urllib.parse
for l in sys.stdin:
    print(urllib.parse.quote(json.loads(l)["q"]))' >"$work/q.txt"
while read -r q; do
	curl -s -o /dev/null -H "Authorization: Bearer $atok" "http://127.0.0.1:$cport/api/v1/persons/search?q=$q&purpose=bench"
	nq=$((nq + 1))
done <"$work/q.txt"
q1=$(date +%s.%N)
load1=$(cut -d' ' -f1 /proc/loadavg)
loaded=$(psql_ "SELECT COUNT(*) FROM persons")   # what the import really put in the index
python3 - "$kitres" "$anchor" "$validated" "$secs" "$nq" "$(echo "$q1 - $q0" | bc -l)" "$loaded" "$load0" "$load1" <<'PY'
import json, sys
k, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
v, vs, nq, qs, idx = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
out = {"bench": "mobile", "enrolments": k["enrolments"], "enrol_per_s": k["per_s"], "enrol_errors": k["errors"],
       "anchor_me_per_s": a["per_s"], "me_requests_per_enrolment": round(a["per_s"] / k["per_s"], 1) if k["per_s"] else None,
       "index_persons": idx, "packets_validated": v, "validate_per_s": round(v / vs, 1) if vs else None,
       "anchor_search_per_s": round(nq / qs, 1) if qs else None,
       "validate_vs_search": round((v / vs) / (nq / qs), 2) if vs and qs and nq else None,
       "loadavg": [float(sys.argv[8]), float(sys.argv[9])]}
print(json.dumps(out))
print("kit: %s enrolments sealed and queued at %.1f/s (aim >= 50/s); anchor GET /me %.1f/s (%s plain requests per enrolment)"
      % (k["enrolments"], k["per_s"], a["per_s"], out["me_requests_per_enrolment"]))
print("central: %d packets validated and deduplicated at %s/s against %d persons; anchor person search %s/s (ratio %s)"
      % (v, out["validate_per_s"], idx, out["anchor_search_per_s"], out["validate_vs_search"]))
if k["errors"]:
    print("errors:", k["first_error"])
PY
