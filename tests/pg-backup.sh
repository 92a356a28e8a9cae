#!/bin/sh
# pg-backup.sh — the central's backup procedure (dist/pg-backup/README.md), run
# for real: a PostgreSQL 15 primary with WAL archiving, a sijill server on it,
# four clients writing cases while pg_basebackup copies the cluster; then the
# primary is lost, the base backup is verified (pg_verifybackup), restored into
# a new directory and recovered from the archive, the audit chain verifies,
# and a sijill server on the restored cluster answers every acknowledged case.
#
#   BIN=build-test/sijill sh tests/pg-backup.sh      (TAP=1: TAP output, for meson)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BIN:-$root/build-test/sijill}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export SIJILL_DATA=${SIJILL_DATA:-$root/data}
work=$(mktemp -d /tmp/sijill-pgbk-XXXXXX)
chmod 755 "$work"
pg=$work/pg
srv_pid="" srv2_pid="" restored=""
n=0 failed=0

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
say() { echo "# $*"; }
cleanup() {
	[ -z "$srv_pid" ] || kill "$srv_pid" 2>/dev/null || true
	[ -z "$srv2_pid" ] || kill "$srv2_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	[ -z "$restored" ] || (cd / && as_pg "$PG_BIN/pg_ctl" -D "$restored" -m immediate -w stop) >/dev/null 2>&1 || true
	sh "$root/tests/pg-cluster.sh" stop "$pg" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

psql_() { "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# start_sijill DB PORTFILE LOG: a server in the background; sets $started_pid
start_sijill() {
	"$bin" serve --db "$1" --audit-key "$work/audit.key" --listen 127.0.0.1:0 --port-file "$2" --quiet \
		--threads 4 2>>"$3" &
	started_pid=$!
	i=0
	while [ ! -s "$2" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$2" ] || { echo "# sijill did not start; see $3" >&2; cat "$3" >&2; exit 1; }
}

login() { # PORT BADGE -> token
	curl -sf -X POST -H 'Content-Type: application/json' \
		-d "{\"badge\":\"$2\",\"password\":\"demo-password\"}" "http://127.0.0.1:$1/api/v1/session" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

writer() { # PORT TOKEN OUT
	while [ ! -f "$work/stop" ]; do
		curl -s -o "$3.body" -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
			-H "Authorization: Bearer $2" \
			-d '{"frame":"preliminary","offences":[{"code":"CP-505"}],"summary":"sauvegarde centrale"}' \
			"http://127.0.0.1:$1/api/v1/cases" >"$3.code" || true
		if [ "$(cat "$3.code")" = 201 ]; then
			python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$3.body" >>"$3"
		fi
	done
}

[ "${TAP:-}" = 1 ] && echo "TAP version 13"
uri=$(sh "$root/tests/pg-cluster.sh" start "$pg")
port=${uri##*:}
port=${port%%/*}
arch=$pg/archive
mkdir "$arch"
[ "$(id -u)" -ne 0 ] || chown postgres "$arch"
psql_ "$uri" -c "ALTER SYSTEM SET archive_mode = on" \
	-c "ALTER SYSTEM SET archive_command = 'test ! -f $arch/%f && cp %p $arch/%f.tmp && mv $arch/%f.tmp $arch/%f'" \
	-c "ALTER SYSTEM SET archive_timeout = 60"
(cd / && as_pg "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/log" -w -t 60 -o "-p $port" restart) >/dev/null
psql_ "$uri" -c "CREATE DATABASE sj"
db="postgresql://postgres@127.0.0.1:$port/sj"
"$bin" init --db "$db" --demo --audit-key "$work/audit.key" >/dev/null

start_sijill "$db" "$work/port1" "$work/sijill1.log"
srv_pid=$started_pid
p1=$(cat "$work/port1")
k=0
for b in demo-officer demo-opj demo-chief demo-officer2; do
	k=$((k + 1))
	tok=$(login "$p1" "$b")
	writer "$p1" "$tok" "$work/acked.$k" &
done
sleep 1
t0=$(date +%s%N)
if "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$work/base" -Fp -X none \
	--checkpoint=fast --manifest-checksums=SHA256 >"$work/basebackup.log" 2>&1; then
	ok "pg_basebackup while 4 clients write"
else
	not_ok "pg_basebackup while 4 clients write"; cat "$work/basebackup.log" >&2
fi
t1=$(date +%s%N)
sleep 1
: >"$work/stop"
wait_writers=0
while [ $wait_writers -lt 100 ] && [ "$(jobs -p | wc -l)" -gt 1 ]; do sleep 0.1; wait_writers=$((wait_writers + 1)); done
kill "$srv_pid" 2>/dev/null || true
wait "$srv_pid" 2>/dev/null || true
srv_pid=""
cat "$work"/acked.[1-4] | sort -u >"$work/acked"
acked=$(wc -l <"$work/acked")
say "acknowledged cases: $acked; base backup took $(( (t1 - t0) / 1000000 )) ms"
# every acknowledged write reaches the archive, then the primary is lost
seg=$(psql_ "$uri" -c "SELECT pg_walfile_name(pg_switch_wal())")
i=0
while [ ! -f "$arch/$seg" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$arch/$seg" ] && ok "WAL archived up to $seg" || not_ok "WAL segment $seg was not archived"
(cd / && as_pg "$PG_BIN/pg_ctl" -D "$pg/data" -m immediate -w stop) >/dev/null

if "$PG_BIN/pg_verifybackup" -n "$work/base" >"$work/verify.log" 2>&1; then
	ok "pg_verifybackup: the base backup matches its manifest"
else
	not_ok "pg_verifybackup"; cat "$work/verify.log" >&2
fi
# one changed byte is found
cp -a "$work/base" "$work/base-bad"
f=$(find "$work/base-bad/base" -type f -size +8k | head -n 1)
printf '\001' | dd of="$f" bs=1 seek=4000 conv=notrunc 2>/dev/null
if "$PG_BIN/pg_verifybackup" -n "$work/base-bad" >/dev/null 2>&1; then
	not_ok "a corrupted base backup is refused by pg_verifybackup"
else
	ok "a corrupted base backup is refused by pg_verifybackup"
fi
rm -rf "$work/base-bad"

# restore into a fresh directory and recover from the archive
restored=$work/restored
cp -a "$work/base" "$restored"
port2=$((port + 1))
while "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port2" -t 1 >/dev/null 2>&1 || [ $? -ne 2 ]; do port2=$((port2 + 1)); done
cat >>"$restored/postgresql.auto.conf" <<CONF
restore_command = 'cp $arch/%f %p'
archive_mode = off
CONF
touch "$restored/recovery.signal"
[ "$(id -u)" -ne 0 ] || chown -R postgres "$restored"
chmod 700 "$restored"
# A port that looked free can be taken before the postmaster binds it (other
# servers on this machine listen on ephemeral ports): try the next one then.
tries=0
until (cd / && as_pg "$PG_BIN/pg_ctl" -D "$restored" -l "$pg/restored.log" -w -t 120 -o "-p $port2" start) >/dev/null; do
	tries=$((tries + 1))
	if [ $tries -ge 5 ] || ! grep -q "could not bind\|already in use" "$pg/restored.log" 2>/dev/null; then
		tail -n 20 "$pg/restored.log" >&2 2>/dev/null
		break
	fi
	port2=$((port2 + 1))
done
uri2="postgresql://postgres@127.0.0.1:$port2/sj"
i=0
while [ "$(psql_ "$uri2" -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" != f ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(psql_ "$uri2" -c 'SELECT pg_is_in_recovery()')" = f ] && ok "restored cluster recovered from the archive and takes writes" ||
	not_ok "restored cluster is still in recovery"
if "$bin" audit verify --db "$uri2" --audit-key "$work/audit.key" --quiet >"$work/audit.log" 2>&1; then
	ok "audit chain of the restored cluster: $(cat "$work/audit.log")"
else
	not_ok "audit chain of the restored cluster"; cat "$work/audit.log" >&2
fi
start_sijill "$uri2" "$work/port2" "$work/sijill2.log"
srv2_pid=$started_pid
p2=$(cat "$work/port2")
tok=$(login "$p2" demo-admin)
present=0
while read -r id; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$p2/api/v1/cases/$id")
	[ "$code" != 200 ] || present=$((present + 1))
done <"$work/acked"
if [ "$acked" -gt 0 ] && [ "$present" -eq "$acked" ]; then
	ok "restored server answers every acknowledged case ($present of $acked)"
else
	not_ok "restored server answers every acknowledged case ($present of $acked)"
fi
kill "$srv2_pid" 2>/dev/null || true
wait "$srv2_pid" 2>/dev/null && ok "restored server stopped cleanly" || not_ok "restored server exit status"
srv2_pid=""
echo "1..$n"
echo "$((n - failed)) passed, $failed failed" >&2
[ $failed -eq 0 ]
