#!/bin/sh
# build-web.sh SRC OUT — copy the web UI (SRC/web) and its pinned npm assets
# into OUT, the tree `sijill serve` serves. No network, no bundler.
set -eu
src=$1
out=$2
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cp -R "$src/web/." "$out.tmp/"
rm -f "$out.tmp/meson.build"
rm -rf "$out"
mv "$out.tmp" "$out"
