#!/bin/sh
# ./run package: the Debian packages built from this tree with
# dpkg-buildpackage (debian/), checked with lintian and dpkg --contents,
# unpacked into a root made here (dpkg -x) where vitrine-ctl --help and
# vitrine-hub --help run from their installed paths, in French from the
# packaged translations, and the installed units pass systemd-analyze
# verify.
#
#   tests/test-packages.sh OUT_DIR
#
# The meson tree (build-deb/) is kept between runs: a second build only
# compiles what changed.
set -eu
# Made first: readlink -f names nothing under a folder that does not
# exist yet (a fresh clone has no build/).
mkdir -p "$1"
out=$(readlink -f "$1")
cd "$(dirname "$(readlink -f "$0")")/.."
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
fail() { n=$((n + 1)); echo "not ok $n $1"; exit 1; }

start=$(date +%s)
# Everything it writes goes to $out, never beside the source tree; the
# list of files and the steps a previous build made (kept by -nc) are not
# this one's: only its meson tree is.
rm -f debian/files debian/*.debhelper.log debian/debhelper-build-stamp
name=vitrine_$(dpkg-parsechangelog -S Version)_$(dpkg-architecture -qDEB_HOST_ARCH)
VITRINE_DEB_DIR=$out dpkg-buildpackage -b -nc -uc -us \
  --buildinfo-option=-u"$out" --buildinfo-file="$out/$name.buildinfo" \
  --changes-option=-u"$out" --changes-file="$out/$name.changes" \
  >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; fail "dpkg-buildpackage (log: $out/build.log)"; }
ok "dpkg-buildpackage -b in $(($(date +%s) - start)) s: $(cd "$out" && ls *.deb | tr '\n' ' ')"

# Lintian: no error; its warnings are printed.
lintian --fail-on error --suppress-tags bad-distribution-in-changes-file "$out"/*.changes >"$out/lintian.log" 2>&1 ||
  { cat "$out/lintian.log"; fail "lintian"; }
ok "lintian: no error ($(grep -c '^W:' "$out/lintian.log" || true) warnings, in $out/lintian.log)"

contents() { dpkg --contents "$out/$1"_*.deb | awk '{print $6}' | sed 's|^\./|/|'; }
expect() {
  package=$1; shift
  list=$(contents "$package")
  for path in "$@"; do
    echo "$list" | grep -qx "$path" || { echo "$list" | sed 's/^/# /'; fail "$package lacks $path"; }
  done
}
expect vitrine /usr/bin/vitrine /usr/bin/vitrine-ctl /usr/share/applications/fr.vitrine.Vitrine.desktop \
  /usr/share/metainfo/fr.vitrine.Vitrine.metainfo.xml /usr/share/glib-2.0/schemas/fr.vitrine.Vitrine.gschema.xml \
  /usr/share/locale/fr/LC_MESSAGES/vitrine.mo /usr/share/icons/hicolor/scalable/apps/fr.vitrine.Vitrine.svg
ok "dpkg --contents vitrine: the app, vitrine-ctl, desktop file, metainfo, schema, icon, French"
expect vitrine-hub /usr/bin/vitrine-hub /lib/systemd/system/vitrine-hub.service \
  /lib/systemd/system/vitrine-hub-privacy.service /lib/systemd/system/vitrine-hub-privacy.timer
contents vitrine-hub | grep -q "/usr/bin/vitrine$" && fail "vitrine-hub holds the kiosk app"
ok "dpkg --contents vitrine-hub: the server and its units, not the kiosk app"
expect vitrine-kiosk /usr/libexec/vitrine/vitrine-kiosk-session /lib/systemd/system/vitrine-kiosk.service \
  /lib/systemd/system/vitrine-kiosk-restart.timer /lib/systemd/system/apt-daily-upgrade.timer.d/vitrine-kiosk.conf \
  /usr/lib/systemd/logind.conf.d/vitrine-kiosk.conf /usr/lib/sysctl.d/50-vitrine-kiosk.conf /etc/pam.d/vitrine-kiosk \
  /etc/apt/apt.conf.d/52vitrine-kiosk-unattended-upgrades
ok "dpkg --contents vitrine-kiosk: the session, its units, PAM, logind, sysctl, unattended-upgrades"

fields() { dpkg-deb --field "$out/$1"_*.deb "$2"; }
fields vitrine-kiosk Depends | grep -q "cage" && fields vitrine-kiosk Depends | grep -q "vitrine (" &&
  fields vitrine Depends | grep -q "libzbar0 (>= 0.23.92-7+deb12u1)" &&
  ! dpkg-deb --info "$out"/vitrine-hub_*.deb postinst 2>/dev/null | grep -q "adduser" &&
  dpkg-deb --info "$out"/vitrine-kiosk_*.deb postinst | grep -q "systemctl.*enable.*vitrine-kiosk.service\|deb-systemd-helper.*vitrine-kiosk.service" &&
  ok "vitrine-kiosk depends on cage and vitrine, vitrine on ZBar with the CVE-2023-40889/40890 fixes; the hub's user made up by systemd, the kiosk enabled" ||
  fail "dependencies or maintainer scripts"

for deb in "$out"/*.deb; do dpkg -x "$deb" "$root"; done
help_ctl=$(LANGUAGE=fr LANG=C.UTF-8 VITRINE_LOCALEDIR="$root/usr/share/locale" "$root/usr/bin/vitrine-ctl" --help) ||
  fail "vitrine-ctl --help from the installed root"
echo "$help_ctl" | grep -q "^Utilisation" || { echo "$help_ctl" | head -5; fail "vitrine-ctl --help is not in French"; }
ok "vitrine-ctl --help from $root/usr/bin, in French: $(echo "$help_ctl" | sed -n 2p | sed 's/^ *//')"
help_hub=$(LANGUAGE=fr LANG=C.UTF-8 VITRINE_LOCALEDIR="$root/usr/share/locale" "$root/usr/bin/vitrine-hub" --help) ||
  fail "vitrine-hub --help from the installed root"
echo "$help_hub" | grep -q "serve" || fail "vitrine-hub --help"
ok "vitrine-hub --help from $root/usr/bin: $(echo "$help_hub" | sed -n 1p)"

mkdir -p "$root/etc" "$root/usr/lib/systemd"
cp -a /lib/systemd/system/. "$root/lib/systemd/system/"
cp "$(command -v systemctl)" "$root/usr/bin/"
units=$(cd "$root/lib/systemd/system" && ls vitrine-*)
# shellcheck disable=SC2086
verify=$(cd "$root/lib/systemd/system" && systemd-analyze verify --man=no --root="$root" $units 2>&1) && [ -z "$verify" ] ||
  { echo "$verify"; fail "systemd-analyze verify of the installed units"; }
ok "systemd-analyze verify of the installed units: $(echo $units)"
echo "1..$n"
