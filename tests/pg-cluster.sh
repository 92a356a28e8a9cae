#!/bin/sh
# pg-cluster.sh — a throwaway PostgreSQL 15 cluster for the tests.
#
#   sh tests/pg-cluster.sh start DIR   create and start a cluster in DIR; print
#                                      its admin URI (one line) on stdout
#   sh tests/pg-cluster.sh stop DIR    stop it (immediate) and remove DIR
#
# The server listens on 127.0.0.1 only, on a free port picked here, with its
# unix socket inside DIR; trust authentication, fsync on. PostgreSQL refuses
# to run as root, so as root the cluster belongs to the `postgres` user.
# Logs (initdb, pg_ctl, server) go to DIR/log, never to stdout.
set -eu

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
MARK=.sijill-pg-cluster          # only a directory holding this is ever removed
PORT_TRIES=40

die() {
	echo "pg-cluster.sh: $*" >&2
	exit 1
}

usage() {
	die "usage: pg-cluster.sh start|stop DIR"
}

# as_pg CMD... runs a PostgreSQL binary as the cluster's owner.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

random_port() {
	# 20000..59999, from the kernel's randomness (POSIX sh has no $RANDOM)
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((20000 + n % 40000))
}

start() {
	dir=$1
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
	: >"$dir/$MARK"
	mkdir "$dir/sock"
	: >"$dir/log"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "no postgres user to run the cluster as"
		chown -R postgres "$dir"
	fi
	cd /  # the postgres user may not be able to enter the caller's directory

	as_pg "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-locale -E UTF8 \
		>>"$dir/log" 2>&1 || die "initdb failed (see $dir/log)"
	cat >>"$dir/data/postgresql.conf" <<EOF

# tests/pg-cluster.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
max_connections = 200
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
EOF

	tries=0
	port=$(random_port)
	while [ $tries -lt $PORT_TRIES ]; do
		tries=$((tries + 1))
		port=$((port + 1))
		[ $port -lt 60000 ] || port=20000
		# pg_isready exits 2 when nothing answers: the port looks free.
		rc=0
		"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1 || rc=$?
		[ $rc -eq 2 ] || continue
		echo "pg-cluster.sh: starting on port $port" >>"$dir/log"
		if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o "-p $port" start \
			>>"$dir/log" 2>&1; then
			# started: make sure it is ours that answers, and that it accepts connections
			if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 30 \
				>/dev/null 2>&1; then
				echo "postgresql://postgres@127.0.0.1:$port/postgres"
				return 0
			fi
			as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >>"$dir/log" 2>&1 || true
		fi
		# the port was taken between the check and the start: try the next one
	done
	die "could not start PostgreSQL after $PORT_TRIES ports (see $dir/log)"
}

stop() {
	dir=$1
	[ -d "$dir" ] || return 0
	dir=$(cd "$dir" && pwd)
	[ "$dir" != / ] && [ -f "$dir/$MARK" ] || die "$dir was not made by pg-cluster.sh; not removing it"
	rc=0
	if [ -f "$dir/data/postmaster.pid" ]; then
		(cd / && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop) \
			>>"$dir/log" 2>&1 || rc=$?
		if [ $rc -ne 0 ]; then
			# never delete the files under a live server: kill the postmaster we started
			pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
			case $pid in
			'' | *[!0-9]*) ;;
			*) kill -KILL "$pid" 2>/dev/null || true ;;
			esac
		fi
	fi
	rm -rf "$dir"
	[ $rc -eq 0 ] || die "pg_ctl stop failed (exit $rc)"
}

[ $# -eq 2 ] && [ -n "$2" ] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
