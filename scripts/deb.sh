#!/bin/sh
# deb.sh [OUTDIR] — build the Debian package sijill_VERSION_ARCH.deb (`make deb`).
#
# The documented equivalent of dpkg-buildpackage without debhelper: meson
# builds a release binary, the files are staged as they will be installed,
# dpkg-shlibdeps computes the library dependencies, dpkg-deb builds the
# archive (owned by root). Only Debian packages are used (dpkg-dev, python3).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root}
build=$root/build-deb
cd "$root"
version=$(sed -n "s/^  version : '\([^']*\)',/\1/p" meson.build)
arch=$(dpkg --print-architecture)
if ! command -v dpkg-shlibdeps >/dev/null 2>&1; then
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get install -y -q --no-install-recommends dpkg-dev
fi
[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=release --prefix=/usr -Dtests=false >/dev/null
ninja -C "$build" >/dev/null
pkg=$build/pkg
rm -rf "$pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/share/sijill" "$pkg/lib/systemd/system" "$pkg/etc/sijill" \
	"$pkg/usr/share/man" "$pkg/usr/share/doc/sijill"
install -m 0755 -s "$build/sijill" "$pkg/usr/bin/sijill"
cp -R "$build/webroot" "$pkg/usr/share/sijill/web"
mkdir -p "$pkg/usr/share/sijill/data"
cp -R data/. "$pkg/usr/share/sijill/data/"
install -m 0644 dist/sijill.service "$pkg/lib/systemd/system/sijill.service"
# the conffile is the sample the binary prints, so it documents this version
"$build/sijill" serve --config-sample >"$pkg/etc/sijill/sijill.conf"
chmod 0640 "$pkg/etc/sijill/sijill.conf"
SIJILL_VERSION=$version python3 scripts/man.py "$build/sijill" "$pkg/usr/share/man"
gzip -9n "$pkg"/usr/share/man/man*/*
install -m 0644 dist/debian/README.Debian "$pkg/usr/share/doc/sijill/README.Debian"
install -m 0644 dist/pg-backup/README.md "$pkg/usr/share/doc/sijill/pg-backup.md"
install -m 0644 dist/debian/copyright "$pkg/usr/share/doc/sijill/copyright"
for f in postinst prerm postrm; do install -m 0755 "dist/debian/$f" "$pkg/DEBIAN/$f"; done
echo /etc/sijill/sijill.conf >"$pkg/DEBIAN/conffiles"
# library dependencies, as dpkg-shlibdeps finds them (it wants debian/control)
shl=$build/shlibdeps
rm -rf "$shl"
mkdir -p "$shl/debian"
printf 'Source: sijill\n\nPackage: sijill\nArchitecture: any\n' >"$shl/debian/control"
deps=$(cd "$shl" && dpkg-shlibdeps -O "$pkg/usr/bin/sijill" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$deps" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CTL
Package: sijill
Version: $version
Architecture: $arch
Maintainer: sijill team <sijill@localhost>
Installed-Size: $size
Depends: $deps, adduser, passwd
Suggests: postgresql-client-15, jq
Section: misc
Priority: optional
Description: police district information system (DGSN)
 One program serving the JSON API and the web interface (Arabic and French)
 for a Moroccan police district: cases, PVs, custody, seizures, the national
 person index and registers, with a tamper-evident audit log. A station runs
 on SQLite; central on PostgreSQL.
CTL
mkdir -p "$out"
deb="$out/sijill_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
