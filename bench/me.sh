#!/bin/sh
# bench/me.sh — authenticated GET /api/v1/me throughput (wrk) against nginx
# serving a static JSON file of the same size, on the same machine, in one run.
# Prints both rates and the ratio sijill/nginx (issue: aim >= 0.25 on SQLite).
#
# usage: sh bench/me.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -eu
build=${1:-build}
secs=${2:-10}
conns=${3:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/sijill"
[ -x "$bin" ] || { echo "bench/me.sh: build first ($bin missing)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench/me.sh: wrk is missing (make deps)" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "bench/me.sh: nginx is missing" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d /tmp/sijill-bench-XXXXXX)
spid=""; npid=""; www=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null || true
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	sleep 0.3
	rm -rf "$tmp"; [ -n "$www" ] && rm -rf "$www"
}
trap cleanup EXIT INT TERM

export SIJILL_DATA="$root/data"
"$bin" init --db "$tmp/db" --demo >/dev/null
"$bin" serve --db "$tmp/db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet 2>"$tmp/server.log" &
spid=$!
i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
port=$(cat "$tmp/port")
token=$(curl -s -X POST -H 'Content-Type: application/json' \
	-d '{"badge":"demo-officer","password":"demo-password"}' "http://127.0.0.1:$port/api/v1/session" |
	python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/me" >"$tmp/me.json"
size=$(wc -c <"$tmp/me.json")

# nginx's workers run as nobody: in mktemp's 0700 directory they answered
# 403, so nginx was measured serving "403 Forbidden" (found with issue 21).
# The served file lives in a directory of its own they may read.
www=$(mktemp -d /tmp/sijill-bench-www-XXXXXX)
chmod 755 "$www"
cp "$tmp/me.json" "$www/me.json"
chmod 644 "$www/me.json"
nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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
	{ echo "bench/me.sh: nginx did not start:" >&2; cat "$tmp/nginx-start.log" "$tmp/nginx-error.log" >&2 2>/dev/null; exit 1; }
sleep 0.3
curl -sf "http://127.0.0.1:$nport/me.json" | cmp -s - "$tmp/me.json" ||
	{ echo "bench/me.sh: nginx does not serve the same bytes" >&2; exit 1; }

rate() { sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p'; }
echo "GET /api/v1/me: $size bytes; wrk -t2 -c$conns -d${secs}s"
wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$nport/me.json" >"$tmp/wrk-nginx.txt"
wrk -t2 -c"$conns" -d"${secs}s" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/me" >"$tmp/wrk-sijill.txt"
n=$(rate <"$tmp/wrk-nginx.txt")
s=$(rate <"$tmp/wrk-sijill.txt")
errs=$(grep -E 'Non-2xx|Socket errors' "$tmp/wrk-sijill.txt" || true)
nerrs=$(grep -E 'Non-2xx|Socket errors' "$tmp/wrk-nginx.txt" || true)
echo "nginx static file : $n req/s ${nerrs:+($nerrs)}"
echo "sijill /api/v1/me : $s req/s ${errs:+($errs)}"
python3 -c "print('ratio sijill/nginx: %.3f' % ($s / $n))"
