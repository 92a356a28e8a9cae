#!/bin/sh
# bench/failover.sh — central's failover on pg_auto_failover, measured.
#
# In a temporary directory, on loopback ports: a pg_auto_failover monitor, a
# primary and a synchronous secondary (Debian's postgresql-15-auto-failover),
# two `sijill serve` processes on the multi-host URI
#   postgresql://postgres@127.0.0.1:P1,127.0.0.1:P2/sijill?target_session_attrs=read-write
# and a client (bench/failover_client.py) writing cases continuously through
# both, each write with its own Idempotency-Key, retried with the same key on
# 503 or a connection error. Then, ROUNDS times in a row, at a random moment:
# the primary node is killed with kill -9 (its pg_autoctl keeper and its
# PostgreSQL together: the machine is lost), the time to the first write
# acknowledged after the kill is measured, the old node is brought back (it
# rejoins as the new secondary) and `sijill audit verify` must pass. Last, a
# planned `pg_autoctl perform switchover`, measured as the longest stretch
# without an acknowledged write. At the end: 0 acknowledged writes lost, 0
# duplicated, no 500 at any time, replays byte-identical.
#
# The anchor, measured in the same run (ANCHOR=1, the default): one failover
# with pg_auto_failover's default timeouts. The tuned timeouts are set after
# it (see tune() and docs/internals/ops.md for each value and why).
#
# usage: sh bench/failover.sh [ROUNDS]    (default 10)
#   BIN=path/to/sijill (default build/sijill), ANCHOR=0 skips the anchor,
#   SWITCHOVER=0 skips the switchover, TAP=1 prints TAP (the short form in
#   `make test`: tests/meson.build runs ROUNDS=1 ANCHOR=0 TAP=1).
# As root, PostgreSQL and pg_autoctl run as the postgres user (as
# tests/pg-cluster.sh does). Everything is stopped and removed at the end.
set -u
rounds=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$root/build/sijill}
ANCHOR=${ANCHOR:-1}
SWITCHOVER=${SWITCHOVER:-1}
TAP=${TAP:-0}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
WAIT_S=${WAIT_S:-180}        # a bound on every wait (a failure, not a figure)
case $BIN in /*) ;; *) BIN="$root/$BIN" ;; esac

tapn=0
tap_ok() { tapn=$((tapn + 1)); [ "$TAP" = 1 ] && echo "ok $tapn - $*"; return 0; }
tap_fail() { tapn=$((tapn + 1)); failed=1; if [ "$TAP" = 1 ]; then echo "not ok $tapn - $*"; else echo "FAILED: $*"; fi; }
say() { if [ "$TAP" = 1 ]; then echo "# $*"; else echo "$*"; fi; }
failed=0

if ! command -v pg_autoctl >/dev/null 2>&1 || [ ! -x "$PG_BIN/pg_ctl" ]; then
	if [ "$TAP" = 1 ]; then echo "1..0 # SKIP pg_autoctl (postgresql-15-auto-failover) is not installed"; exit 0; fi
	echo "failover.sh: needs pg_autoctl (apt-get install postgresql-15-auto-failover; scripts/deps.sh does)" >&2
	exit 2
fi
[ -x "$BIN" ] || { echo "failover.sh: no sijill binary at $BIN (make build)" >&2; exit 2; }

W=$(mktemp -d /tmp/sijill-failover-XXXXXX)
sj_pids=""
client_pid=""
cleanup() {
	: >"$W/stop" 2>/dev/null
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	for p in $sj_pids; do kill "$p" 2>/dev/null; done
	for n in n1 n2 monitor; do node_kill "$n" TERM; done
	sleep 1
	for n in n1 n2 monitor; do node_kill "$n" KILL; done
	for p in $sj_pids; do kill -KILL "$p" 2>/dev/null; done
	[ -n "$client_pid" ] && kill -KILL "$client_pid" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "failover.sh: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# aspg CMD...: PostgreSQL and pg_autoctl run as postgres when we are root;
# pg_autoctl keeps its configuration and state under $W, not in a home.
cat >"$W/aspg" <<EOF
#!/bin/sh
export XDG_CONFIG_HOME=$W/xdg-config XDG_DATA_HOME=$W/xdg-data XDG_RUNTIME_DIR=$W/xdg-run
export PG_CONFIG=$PG_BIN/pg_config PATH=$PG_BIN:\$PATH
cd /
if [ "\$(id -u)" -eq 0 ]; then
	exec runuser -u postgres -- env XDG_CONFIG_HOME=\$XDG_CONFIG_HOME XDG_DATA_HOME=\$XDG_DATA_HOME \
		XDG_RUNTIME_DIR=\$XDG_RUNTIME_DIR PG_CONFIG=\$PG_CONFIG PATH=\$PATH "\$@"
fi
exec "\$@"
EOF
chmod 755 "$W/aspg"
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "failover.sh: no postgres user" >&2; exit 2; }
	chown postgres "$W"
	chmod 755 "$W"
fi
aspg() { "$W/aspg" "$@"; }
now() { date +%s.%N; }
elapsed() { echo "$2 $1" | awk '{printf "%.1f", $1 - $2}'; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# node_kill NAME SIG: signal the whole process group of `pg_autoctl run`
# for that node (the keeper and its PostgreSQL), started by node_start.
node_kill() {
	f="$W/$1.pgid"
	[ -f "$f" ] || return 0
	g=$(cat "$f")
	case $g in '' | *[!0-9]*) return 0 ;; esac
	/bin/kill -s "$2" -- "-$g" 2>/dev/null   # procps kill: dash's builtin takes no "--" before a group
	[ "$2" = KILL ] && rm -f "$f"
	return 0
}
node_start() {
	setsid "$W/aspg" pg_autoctl run --pgdata "$W/$1" >>"$W/$1.log" 2>&1 &
	echo $! >"$W/$1.pgid"   # setsid from a non-leader execs in place: this pid leads the group
}

mon() { "$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$PM" -U postgres -d pg_auto_failover -c "$1" 2>/dev/null; }
# states: "port:reported:goal" per node
states() { mon "SELECT nodeport || ':' || reportedstate || ':' || goalstate FROM pgautofailover.node ORDER BY nodeid"; }
primary_name() {
	for s in $(states); do
		case $s in "$P1:primary:primary" | "$P1:wait_primary:"*) echo n1; return ;; "$P2:primary:primary" | "$P2:wait_primary:"*) echo n2; return ;; esac
	done
}
port_of() { [ "$1" = n1 ] && echo "$P1" || echo "$P2"; }
sync_standbys() {
	"$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$(port_of "$1")" -U postgres -d sijill \
		-c "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync','quorum')" 2>/dev/null
}
# wait_healthy: one primary, one secondary, replicating synchronously
wait_healthy() {
	t=0
	while [ $t -lt $WAIT_S ]; do
		s=$(states | tr '\n' ' ')
		case $s in
		*":primary:primary"*":secondary:secondary"* | *":secondary:secondary"*":primary:primary"*)
			p=$(primary_name)
			[ -n "$p" ] && [ "$(sync_standbys "$p")" = 1 ] && return 0 ;;
		esac
		sleep 1
		t=$((t + 1))
	done
	echo "failover.sh: the formation did not become healthy in ${WAIT_S}s: $s" >&2
	return 1
}

PM=$(free_port); P1=$(free_port); P2=$(free_port)
while [ "$P1" = "$PM" ] || [ "$P2" = "$PM" ] || [ "$P2" = "$P1" ]; do P1=$(free_port); P2=$(free_port); done
say "pg_auto_failover $(pg_autoctl version 2>/dev/null | head -n 1 | awk '{print $NF}'): monitor :$PM, nodes :$P1 :$P2, directory $W"

# --- the formation ---
aspg pg_autoctl create monitor --pgdata "$W/monitor" --pgport "$PM" --hostname 127.0.0.1 --auth trust --no-ssl \
	>>"$W/monitor.log" 2>&1 || { tap_fail "create the monitor (see $W/monitor.log)"; KEEP=1; exit 1; }
aspg pg_autoctl config set --pgdata "$W/monitor" postgresql.listen_addresses 127.0.0.1 >>"$W/monitor.log" 2>&1
node_start monitor
MURI="postgres://autoctl_node@127.0.0.1:$PM/pg_auto_failover?sslmode=disable"
t=0; until mon "SELECT 1" >/dev/null && [ "$(mon 'SELECT 1')" = 1 ]; do sleep 1; t=$((t + 1)); [ $t -lt 60 ] || break; done
for n in n1 n2; do
	p=$(port_of $n)
	aspg pg_autoctl create postgres --pgdata "$W/$n" --pgport "$p" --pghost 127.0.0.1 --listen 127.0.0.1 \
		--hostname 127.0.0.1 --name "$n" --dbname sijill --monitor "$MURI" --auth trust --no-ssl \
		>>"$W/$n.log" 2>&1 || { tap_fail "create node $n (see $W/$n.log)"; exit 1; }
	node_start $n
	if [ $n = n1 ]; then
		t=0; until states | grep -q "^$P1:single:single$"; do sleep 1; t=$((t + 1)); [ $t -lt $WAIT_S ] || break; done
	fi
done
wait_healthy || { tap_fail "the formation came up"; exit 1; }
tap_ok "monitor, primary and synchronous secondary are up"

# --- sijill on the multi-host URI ---
URI="postgresql://postgres@127.0.0.1:$P1,127.0.0.1:$P2/sijill?target_session_attrs=read-write&connect_timeout=2"
KEY="$W/audit.key"
"$BIN" init --db "$URI" --demo --audit-key "$KEY" >"$W/init.log" 2>&1 || { tap_fail "sijill init (see $W/init.log)"; exit 1; }
TOKEN=$("$BIN" user token --badge demo-officer --label failover --db "$URI" --audit-key "$KEY" 2>>"$W/init.log" | head -n 1)
ports=""
for i in 1 2; do
	"$BIN" serve --db "$URI" --listen 127.0.0.1:0 --port-file "$W/sj$i.port" --audit-key "$KEY" --threads 4 \
		>"$W/sj$i.log" 2>&1 &
	sj_pids="$sj_pids $!"
done
for i in 1 2; do
	t=0; until [ -s "$W/sj$i.port" ]; do sleep 0.2; t=$((t + 1)); [ $t -lt 150 ] || break; done
	ports="$ports${ports:+,}$(cat "$W/sj$i.port" 2>/dev/null)"
done
case $ports in *,?*) ;; *) tap_fail "two sijill servers started (see $W/sj*.log)"; exit 1 ;; esac
python3 "$root/bench/failover_client.py" run --ports "$ports" --token "$TOKEN" --log "$W/client.jsonl" \
	--stop "$W/stop" --writers 2 &
client_pid=$!
sleep 2
tap_ok "two sijill servers ($ports) and a writing client"

# verify: the audit chain of the database verifies
verify() {
	"$BIN" audit verify --db "$URI" --audit-key "$KEY" >"$W/verify.out" 2>&1
}

# one_failover LABEL: kill the primary at a random moment, measure, bring it back
one_failover() {
	wait_healthy || return 1
	sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN{printf "%.2f", 0.5 + (s % 300) / 100}')"
	victim=$(primary_name)
	[ -n "$victim" ] || { echo "failover.sh: no primary" >&2; return 1; }
	tk=$(now)
	node_kill "$victim" KILL
	ack=""
	t=0
	while [ -z "$ack" ] && [ $t -lt $((WAIT_S * 5)) ]; do
		sleep 0.2
		t=$((t + 1))
		ack=$(python3 "$root/bench/failover_client.py" first-ack --log "$W/client.jsonl" --after "$tk")
	done
	[ -n "$ack" ] || { echo "failover.sh: no write acknowledged ${WAIT_S}s after the kill" >&2; return 1; }
	ft=$(elapsed "$tk" "$ack")
	hz1=$(healthz)          # the new primary runs alone (wait_primary): degraded
	node_start "$victim"   # it rejoins: demoted, rewound, the new secondary
	wait_healthy || return 1
	sleep 1
	hz2=$(healthz)          # a synchronous standby again: ok
	verify || { echo "failover.sh: audit verify failed after $1: $(cat "$W/verify.out")" >&2; return 1; }
	echo "$ft $hz1 $hz2"
}

# healthz: "status/replication.state" of the first sijill server
healthz() {
	curl -s --max-time 10 "http://127.0.0.1:${ports%%,*}/healthz" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin); print("%s/%s" % (d.get("status"), (d.get("replication") or {}).get("state")))
except ValueError:
    print("unreadable")'
}

tune() {
	# monitor (pgautofailover.* GUCs; defaults in brackets): detect a dead node fast
	for kv in "health_check_period = 1000" "health_check_timeout = 1000" "health_check_max_retries = 1" \
		"health_check_retry_delay = 500" "node_considered_unhealthy_timeout = 4000" "primary_demote_timeout = 10000"; do
		"$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$PM" -U postgres -d pg_auto_failover \
			-c "ALTER SYSTEM SET pgautofailover.$kv" >>"$W/tune.log" 2>&1
	done
	"$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$PM" -U postgres -d pg_auto_failover -c "SELECT pg_reload_conf()" >>"$W/tune.log" 2>&1
	# keepers: a primary cut off from monitor and standby demotes itself after
	# network_partition_timeout [20 s]; it must stay below primary_demote_timeout
	for n in n1 n2; do
		aspg pg_autoctl config set --pgdata "$W/$n" timeout.network_partition_timeout 5 >>"$W/tune.log" 2>&1
		aspg pg_autoctl reload --pgdata "$W/$n" >>"$W/tune.log" 2>&1
	done
}

anchor=""
if [ "$ANCHOR" = 1 ]; then
	if anchor=$(one_failover anchor); then
		anchor=${anchor%% *}
		say "anchor: failover with pg_auto_failover's default timeouts: first write ${anchor} s after kill -9"
	else
		tap_fail "anchor failover"; anchor=""
	fi
fi
tune
tap_ok "tuned timeouts set (docs/internals/ops.md)"
times=""
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	if res=$(one_failover "round $i"); then
		set -- $res
		ft=$1
		times="$times $ft"
		say "failover $i/$rounds: kill -9 of the primary -> first acknowledged write after ${ft} s; audit chain verifies; /healthz while alone: $2, after the rejoin: $3"
		tap_ok "failover $i: service resumed on the new primary, audit chain verifies"
		if [ "$2" = degraded/no-sync-standby ] && [ "$3" = ok/sync ]; then
			tap_ok "failover $i: /healthz degraded without a synchronous standby, ok with one"
		else
			tap_fail "failover $i: /healthz said $2 while the primary ran alone and $3 after the rejoin"
		fi
	else
		tap_fail "failover $i"
		break
	fi
done

sw=""
if [ "$SWITCHOVER" = 1 ] && [ $failed = 0 ] && wait_healthy; then
	sleep 2
	secondary=n1; [ "$(primary_name)" = n1 ] && secondary=n2
	t0=$(now)
	aspg pg_autoctl perform switchover --pgdata "$W/$secondary" >>"$W/switchover.log" 2>&1
	src=$?
	sleep 2
	t1=$(now)
	sw=$(python3 "$root/bench/failover_client.py" gap --log "$W/client.jsonl" --from "$t0" --to "$t1")
	if [ $src = 0 ] && wait_healthy && verify; then
		say "switchover (pg_autoctl perform switchover): longest stretch without an acknowledged write ${sw} s"
		tap_ok "planned switchover, audit chain verifies"
	else
		tap_fail "planned switchover (see $W/switchover.log)"
	fi
fi

# --- the outcome ---
: >"$W/stop"
wait "$client_pid" 2>/dev/null
client_pid=""
p=$(primary_name)
"$PG_BIN/psql" -X -qAt -F "$(printf '\t')" -h 127.0.0.1 -p "$(port_of "${p:-n1}")" -U postgres -d sijill \
	-c "SELECT id, summary FROM cases WHERE summary LIKE 'failover %'" >"$W/cases.tsv" 2>"$W/cases.err"
if out=$(python3 "$root/bench/failover_client.py" check --log "$W/client.jsonl" --cases "$W/cases.tsv"); then
	say "$out"
	tap_ok "0 acknowledged writes lost, 0 duplicated, no 500, replays identical"
else
	say "$out"
	tap_fail "writes lost, duplicated or answered 500"
fi
if verify; then tap_ok "audit verify at the end"; else tap_fail "audit verify at the end: $(cat "$W/verify.out")"; fi
grep -h '"status":500' "$W"/sj*.log 2>/dev/null | head -n 3 | sed 's/^/# 500 in log: /'
# the servers stop cleanly on SIGTERM (a sanitizer report would make the exit status non-zero)
rcs=""
for p in $sj_pids; do kill -TERM "$p" 2>/dev/null; wait "$p"; rcs="$rcs$?"; done
sj_pids=""
if [ "$rcs" = 00 ]; then tap_ok "both sijill servers exit 0"; else tap_fail "a sijill server exited with $rcs (see $W/sj*.log)"; fi

if [ -n "$times" ]; then
	echo "$times" | tr ' ' '\n' | awk -v a="$anchor" -v sw="$sw" -v tap="$TAP" '
		NF { n++; s += $1; if (max == "" || $1 > max) max = $1; if (min == "" || $1 < min) min = $1 }
		END {
			p = tap == 1 ? "# " : ""
			printf "%skill -9 failovers: %d, time to first write after the kill: mean %.1f s, min %.1f s, max %.1f s (aim <= 25 s)\n", p, n, s / n, min, max
			if (a != "") printf "%sratio tuned mean / default-timeouts anchor (%.1f s): %.2f\n", p, a, (s / n) / a
			if (sw != "") printf "%sswitchover gap %.1f s (aim <= 3 s)%s\n", p, sw, a != "" ? sprintf(", ratio to the anchor %.3f", sw / a) : ""
		}'
fi
[ "$TAP" = 1 ] && echo "1..$tapn"
exit $failed
