#!/bin/sh
# bench/audited_read.sh — an audited read at the speed of a plain read? In one
# run, on one case: `GET /api/v1/cases/{id}` (every read of a case audited,
# the answer sent only once its audit entry is durable) against nginx serving
# the same bytes as a static file, on SQLite and on PostgreSQL (a throwaway
# cluster, tests/pg-cluster.sh). wrk 2 threads x CONNS connections, SECS
# seconds each, nginx measured right before sijill each time. Prints both
# rates, the ratio sijill/nginx, p50/p99, errors, and the audit batches the
# group committer achieved (entries per transaction and per log flush).
# Also fsync latency measured in the same run (the shared disk sets the pace).
# Issue 21 aims: >= 0.3x nginx, p99 <= 20 ms, 0 errors.
#
# usage: sh bench/audited_read.sh [SECS] [CONNS]    (default 10 s, 32)
#   BIN (default build/sijill), THREADS (server threads, default 48), MAXCONN
#   (--max-connections, default THREADS: one connection per worker thread),
#   BACKENDS (default "sqlite pg"), PERF (a path prefix: perf record -g of the
#   server during its measured run, PERF-<backend>.data).
set -eu
secs=${1:-10}
conns=${2:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/build/sijill}
threads=${THREADS:-48}
maxconn=${MAXCONN:-$threads}
backends=${BACKENDS:-sqlite pg}
[ -x "$bin" ] || { echo "audited_read.sh: build first ($bin missing)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "audited_read.sh: wrk is missing (make deps)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "audited_read.sh: nginx is missing" >&2; exit 1; }

tmp=$(mktemp -d /tmp/sijill-audread-XXXXXX)
# nginx's workers run as nobody: the served file lives in a directory they
# may read (not beside the audit key)
www=$(mktemp -d /tmp/sijill-audread-www-XXXXXX)
chmod 755 "$www"
spid=""
pgdir=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
	[ -n "$pgdir" ] && sh "$root/tests/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1
	sleep 0.2
	rm -rf "$tmp" "$www"
}
trap cleanup EXIT INT TERM
export SIJILL_DATA=${SIJILL_DATA:-$root/data}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
metric() { curl -s -H "Authorization: Bearer $admin" "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
# wrk_line FILE: "rate p50 p99 errors"
wrk_line() {
	awk '
		/^Requests\/sec:/ {rate = $2}
		/^ +50%/ {p50 = $2}
		/^ +99%/ {p99 = $2}
		/Non-2xx or 3xx responses:/ {err += $NF}
		/Socket errors:/ {gsub(",", ""); err += $4 + $6 + $8 + $10}
		END {printf "%s %s %s %d\n", rate, p50, p99, err}' "$1"
}
ms() { # wrk latency ("812.00us", "3.41ms", "1.02s") in ms
	python3 -c "
import sys
v = sys.argv[1]
for u, f in (('us', 0.001), ('ms', 1.0), ('s', 1000.0)):
    if v.endswith(u):
        print('%.2f' % (float(v[:-len(u)]) * f)); break
" "$1"
}

# cpu_ticks PID...: user+system clock ticks the processes (and their threads) used so far
cpu_ticks() { for p in "$@"; do awk '{print $14 + $15}' "/proc/$p/stat"; done | awk '{t += $1} END {print t + 0}'; }
nginx_pids() { echo "$(cat "$tmp/nginx.pid") $(pgrep -P "$(cat "$tmp/nginx.pid")" | tr '\n' ' ')"; }
hz=$(getconf CLK_TCK)

nport=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $tmp/cb; proxy_temp_path $tmp/pt; fastcgi_temp_path $tmp/ft;
  uwsgi_temp_path $tmp/ut; scgi_temp_path $tmp/st;
  server { listen 127.0.0.1:$nport; root $www; location / { } }
}
CONF
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx-start.log" ||
	{ echo "audited_read.sh: nginx did not start:" >&2; cat "$tmp/nginx-start.log" >&2; exit 1; }

fsync_rate() { # the disk, right now: fdatasync of 4 KiB appends for 2 s
	python3 - "$tmp/fsync.probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
lat, t = [], time.time()
while time.time() - t < 2:
    a = time.time(); os.write(fd, b"x" * 4096); os.fdatasync(fd); lat.append(time.time() - a)
os.close(fd); os.unlink(sys.argv[1]); lat.sort()
print("%.0f fdatasync/s (p50 %.2f ms, p99 %.2f ms)" % (len(lat) / 2, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000))
PY
}
echo "disk: $(fsync_rate)"
echo "audited case read vs nginx: wrk -t2 -c$conns -d${secs}s; sijill --threads $threads --max-connections $maxconn; $(nproc) cores;" \
	"load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $backends; do
	db="$tmp/$backend.db"
	if [ "$backend" = pg ]; then
		if [ -z "$pgdir" ]; then
			# its own directory: the postgres user cannot enter $tmp (0700)
			pgdir=$(mktemp -d /tmp/sijill-audread-pg-XXXXXX)
			uri=$(sh "$root/tests/pg-cluster.sh" start "$pgdir")
		fi
		psql "$uri" -qc "CREATE DATABASE audread" >/dev/null
		db="${uri%/*}/audread"
	fi
	"$bin" init --db "$db" --demo --audit-key "$tmp/$backend.key" >/dev/null
	rm -f "$tmp/port"
	"$bin" serve --db "$db" --listen 127.0.0.1:0 --port-file "$tmp/port" --audit-key "$tmp/$backend.key" \
		--threads "$threads" --max-connections "$maxconn" --quiet 2>"$tmp/server-$backend.log" &
	spid=$!
	i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	base="http://127.0.0.1:$(cat "$tmp/port")"
	login() { curl -sf -H 'Content-Type: application/json' -d "{\"badge\":\"$1\",\"password\":\"demo-password\"}" \
		"$base/api/v1/session" | json '["token"]'; }
	token=$(login demo-officer)
	admin=$(login demo-admin)
	case_id=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-d '{"frame":"flagrant","offences":[{"code":"CP-505"}],"summary":"Vol a l arrache, boulevard Oulfa","persons":[{"role":"victim","person":{"last_name_lat":"Bennani","first_name_lat":"Amina"}}]}' \
		"$base/api/v1/cases" | json '["id"]')
	curl -sf -H "Authorization: Bearer $token" "$base/api/v1/cases/$case_id" >"$www/case.json"
	chmod 644 "$www/case.json"
	size=$(wc -c <"$www/case.json")
	curl -sf "http://127.0.0.1:$nport/case.json" | cmp -s - "$www/case.json" ||
		{ echo "audited_read.sh: nginx does not serve the case's bytes" >&2; exit 1; }
	# warm up both
	wrk -t2 -c"$conns" -d2s "http://127.0.0.1:$nport/case.json" >/dev/null 2>&1
	wrk -t2 -c"$conns" -d2s -H "Authorization: Bearer $token" "$base/api/v1/cases/$case_id" >/dev/null 2>&1
	nc0=$(cpu_ticks $(nginx_pids))
	wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$nport/case.json" >"$tmp/wrk-nginx-$backend.txt"
	nc1=$(cpu_ticks $(nginx_pids))
	b1=$(metric sijill_audit_batches_total); e1=$(metric sijill_audit_batched_entries_total)
	f1=$(metric sijill_db_log_flushes_total)
	sc0=$(cpu_ticks "$spid")
	ppid=""
	if [ -n "${PERF:-}" ]; then
		perf record ${PERF_OPTS:--g} -o "$PERF-$backend.data" -p "$spid" -- sleep "$secs" >/dev/null 2>&1 &
		ppid=$!
	fi
	wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" "$base/api/v1/cases/$case_id" \
		>"$tmp/wrk-sijill-$backend.txt"
	sc1=$(cpu_ticks "$spid")
	[ -n "$ppid" ] && wait "$ppid"
	b2=$(metric sijill_audit_batches_total); e2=$(metric sijill_audit_batched_entries_total)
	f2=$(metric sijill_db_log_flushes_total)
	bmax=$(metric sijill_audit_batch_max)
	set -- $(wrk_line "$tmp/wrk-nginx-$backend.txt"); nr=$1; np50=$(ms "$2"); np99=$(ms "$3"); nerr=$4
	set -- $(wrk_line "$tmp/wrk-sijill-$backend.txt"); sr=$1; sp50=$(ms "$2"); sp99=$(ms "$3"); serr=$4
	# the entries of the measured run only (the metric reads themselves are not audited)
	nb=$((b2 - b1)); ne=$((e2 - e1)); nf=$((f2 - f1))
	kill "$spid"; wait "$spid" || { echo "audited_read.sh: the server exited with an error" >&2; exit 1; }
	spid=""
	vout=$("$bin" audit verify --db "$db" --audit-key "$tmp/$backend.key" 2>&1) || { echo "audit verify failed: $vout" >&2; exit 1; }
	python3 - "$backend" "$size" "$nr" "$np50" "$np99" "$nerr" "$sr" "$sp50" "$sp99" "$serr" "$nb" "$ne" "$bmax" "$nf" \
		"$((nc1 - nc0))" "$((sc1 - sc0))" "$hz" "$secs" "$(nproc)" <<'PY'
import sys
(backend, size, nr, np50, np99, nerr, sr, sp50, sp99, serr, nb, ne, bmax, nf, nticks, sticks, hz, secs, ncpu) = sys.argv[1:]
nr, sr = float(nr), float(sr)
nb, ne, nf = int(nb), int(ne), int(nf)
print("%-10s GET /api/v1/cases/{id}, %s bytes" % (backend, size))
print("  nginx static file  : %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %s" % (nr, float(np50), float(np99), nerr))
print("  sijill audited read: %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %s" % (sr, float(sp50), float(sp99), serr))
print("  ratio sijill/nginx : %.3f   (aim >= 0.3; p99 aim <= 20 ms)" % (sr / nr))
print("  audit group commit : %d entries in %d transactions (%.1f per transaction, at most %s) and %d log flushes:"
      " %.1f entries per fsync" % (ne, nb, ne / nb if nb else 0.0, bmax, nf, ne / nf if nf else 0.0))
# the CPU one request costs each server (its own processes only; wrk and the
# database server not counted): the ceiling the cores set, whatever the disk
hz, secs, ncpu = float(hz), float(secs), int(ncpu)
ncpu_s, scpu_s = int(nticks) / hz, int(sticks) / hz
nreq, sreq = nr * secs, sr * secs
if nreq and sreq and ncpu_s and scpu_s:
    print("  CPU per request    : nginx %.0f us, sijill %.0f us (x%.0f): %d cores would carry at most %.0f sijill"
          " audited reads/s, %.0f nginx answers/s" % (ncpu_s / nreq * 1e6, scpu_s / sreq * 1e6,
          (scpu_s / sreq) / (ncpu_s / nreq), ncpu, ncpu * sreq / scpu_s, ncpu * nreq / ncpu_s))
PY
	echo "  audit verify       : $vout"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); disk: $(fsync_rate)"
