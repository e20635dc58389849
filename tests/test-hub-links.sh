#!/bin/sh
# vitrine-hub runs on a server: it draws QR codes (libvtr-qr) but links no
# printing (CUPS), no PDF reading (poppler), no GTK and no camera.
#
# Two views of it: the libraries the binary asks the dynamic loader for
# (its ELF NEEDED entries), and what the build handed the linker. Meson
# links with --as-needed, which drops an unused -lcups from NEEDED, so the
# first view alone would not see a hub built against the printing library.
#
# Usage: test-hub-links.sh VITRINE-HUB BUILD-DIR SUBPATH
set -eu
hub=$1
build_dir=$2
target=$3
unwanted='cups|poppler|gtk|adwaita|gst|zbar|vtr-print|vtr-app|vtr-scan'

echo "1..2"

if command -v readelf >/dev/null; then
  needed=$(readelf -d "$hub" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
else
  needed=$(objdump -p "$hub" | sed -n 's/^ *NEEDED *//p')
fi
if [ -z "$needed" ]; then
  echo "not ok 1 no NEEDED entry read from $hub"
  exit 1
fi
found=$(printf '%s\n' "$needed" | grep -E -i "$unwanted" || true)
if [ -z "$found" ]; then
  echo "ok 1 the hub binary needs none of: $unwanted"
else
  echo "not ok 1 the hub binary needs:" $found
  exit 1
fi

link=$(ninja -C "$build_dir" -t commands "$target" | tail -n 1)
case $link in
  *"$target"*) ;;
  *) echo "not ok 2 no link command for $target"; exit 1 ;;
esac
found=$(printf '%s\n' $link | grep -E -i "^-l($unwanted)|lib($unwanted)[^/]*\.a\$" || true)
if [ -z "$found" ]; then
  echo "ok 2 the hub is linked without: $unwanted"
else
  echo "not ok 2 the hub is linked with:" $found
  exit 1
fi
