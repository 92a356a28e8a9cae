#!/bin/sh
# deps.sh — install what is missing: Debian packages (apt-get) and the web UI's
# pinned npm packages (npm ci). Quiet when everything is already there.
set -eu
pkgs="build-essential pkg-config meson ninja-build clang libclang-rt-14-dev
libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev sqlite3 libpq-dev
libutf8proc-dev libcurl4-openssl-dev liboath-dev libcmocka-dev libqrencode-dev zbar-tools poppler-utils
postgresql postgresql-contrib postgresql-15-auto-failover wrk nginx-light chromium nodejs curl python3"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
# The image may ship node/npm outside Debian's packages; either is fine.
if [ -f package-lock.json ]; then
	# npm writes node_modules/.package-lock.json last: an empty or half-made
	# node_modules (an interrupted install, a directory made by hand) has none.
	# (dash's -nt is false when the second file is missing, so test it first.)
	if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		npm ci --no-audit --no-fund --loglevel=error
	fi
fi
