#!/bin/sh
# chroot-test.sh DEB [DIR] — install the package on a clean Debian 12 in a
# chroot and check it as an operator would. Needs root, debootstrap and the
# Debian archive (the mirror the host's apt uses); not part of `make test`
# (minutes, and a download), run after `make deb`:
#   sh tests/deb/chroot-test.sh sijill_0.1.0_amd64.deb
# Checks: the package installs with its dependencies; the `sijill` system
# user and /var/lib/sijill exist; the first install created the database;
# `man sijill-serve` shows the text of `sijill serve --help`; the server starts
# from /etc/sijill/sijill.conf as the sijill user and answers /healthz; a
# reinstall (upgrade) copies the database before migrating; a database
# migrated by a newer sijill makes the configuration step fail, untouched.
# systemd does not run in a chroot: `systemctl start` is checked where it can be.
set -eu
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=${2:-/tmp/sijill-chroot}
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }
in_root() { chroot "$dir" "$@"; }

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
if [ ! -x "$dir/usr/bin/apt-get" ]; then
	debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
		{ echo "debootstrap failed: see $dir.debootstrap.log" >&2; exit 1; }
fi
mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
trap 'umount "$dir/proc" 2>/dev/null || true' EXIT
# a chroot reused from an earlier run starts clean (this directory only)
in_root dpkg --purge sijill >/dev/null 2>&1 || true
rm -rf "$dir/var/lib/sijill"
cp "$deb" "$dir/tmp/sijill.deb"
in_root apt-get update -q >/dev/null
if in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/sijill.deb man-db curl >"$dir/tmp/install.log" 2>&1; then
	ok "apt-get install ./sijill.deb on a clean Debian 12 (with its dependencies)"
else
	not_ok "install"; tail -n 30 "$dir/tmp/install.log" >&2
fi
check "the sijill system user exists" in_root getent passwd sijill
check "/var/lib/sijill belongs to sijill, mode 0700" sh -c "[ \"\$(chroot $dir stat -c %U:%a /var/lib/sijill)\" = sijill:700 ]"
check "the first install created the database" test -f "$dir/var/lib/sijill/sijill.db"
check "/etc/sijill/sijill.conf is a conffile" sh -c "grep -qx /etc/sijill/sijill.conf $dir/var/lib/dpkg/info/sijill.conffiles"
in_root sh -c 'MANWIDTH=80 man -P cat sijill-serve' >"$dir/tmp/man.txt" 2>&1 || true
check "man sijill-serve works and shows the --help text" grep -q "Serve the web interface and the JSON API" "$dir/tmp/man.txt"
check "man 5 sijill.conf documents max_connections_per_ip" sh -c "MANWIDTH=80 chroot $dir man -P cat 5 sijill.conf | grep -q max_connections_per_ip"
# serve as the unit would (without systemd): the config file, the sijill user
sed -i 's/^#listen = .*/listen = 127.0.0.1:18080/' "$dir/etc/sijill/sijill.conf"
in_root runuser -u sijill -- /usr/bin/sijill serve --config /etc/sijill/sijill.conf >"$dir/tmp/serve.log" 2>&1 &
pid=$!
i=0
while ! in_root curl -sf http://127.0.0.1:18080/healthz >"$dir/tmp/healthz.json" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
check "the server starts from /etc/sijill/sijill.conf as sijill and answers /healthz" grep -q '"status":"ok"' "$dir/tmp/healthz.json"
# $pid is the chroot command; the server is runuser's child inside it: stop
# the server itself (it would otherwise outlive the test and hold proc)
pkill -f '^/usr/bin/sijill serve --config /etc/sijill/sijill.conf' 2>/dev/null || true
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
sed -i 's/^listen = 127.0.0.1:18080/#listen = 127.0.0.1:8080/' "$dir/etc/sijill/sijill.conf"
# upgrade: the same package again runs the migration step, after a copy
in_root dpkg -i /tmp/sijill.deb >"$dir/tmp/upgrade.log" 2>&1 && ok "reinstall (upgrade path) configures" || not_ok "reinstall"
check "the upgrade copied the database first (/var/lib/sijill/pre-upgrade)" sh -c "ls $dir/var/lib/sijill/pre-upgrade/*.db"
# downgrade: a database migrated beyond this binary is refused, untouched
python3 - "$dir/var/lib/sijill/sijill.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"); c.commit()
PY
if in_root dpkg -i /tmp/sijill.deb >"$dir/tmp/downgrade.log" 2>&1; then
	not_ok "a database migrated by a newer sijill is refused"
else
	grep -q "Refusing to downgrade" "$dir/tmp/downgrade.log" && ok "a database migrated by a newer sijill is refused (configuration fails, clear message)" ||
		not_ok "downgrade message"
fi
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
	echo "# systemd runs here: dpkg -i the package on the host and systemctl start sijill to check the unit"
else
	echo "# systemd is not running on this machine: the unit was not started (checked: files, user, serve as sijill)"
fi
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
