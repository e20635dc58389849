#!/bin/sh
# The kiosk's and the hub's systemd units (data/systemd), as installed:
# `systemd-analyze verify` in a root holding systemd's own units, the
# session script and the real vitrine-hub where the units expect them;
# any warning (an unknown key, a bad calendar) fails. Then what the kiosk
# needs of them: started at boot as its own user on tty1 without a getty,
# started again whatever stops it, a watchdog any of its processes may
# feed, nothing that waits for the network or a device, a nightly restart;
# no login prompt on another console, no SysRq; updates at night.
#
#   test-kiosk-units.sh SOURCE_ROOT VITRINE_HUB
set -eu
src=$1
hub=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
units=$root/usr/lib/systemd/system
mkdir -p "$root/usr/lib/systemd" "$root/usr/libexec/vitrine" "$root/usr/bin" "$root/etc"
cp -a /lib/systemd/system "$root/usr/lib/systemd/"
cp "$src"/data/systemd/*.service "$src"/data/systemd/*.timer "$units/"
cp "$src/data/vitrine-kiosk-session" "$root/usr/libexec/vitrine/"
cp "$hub" "$root/usr/bin/vitrine-hub"
cp "$(command -v systemctl)" "$root/usr/bin/systemctl"
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
fail() { n=$((n + 1)); echo "not ok $n $1"; exit 1; }
key() { sed -n "s/^$2=//p" "$units/$1"; }

echo "1..11"
cd "$units"
names=$(cd "$src/data/systemd" && ls *.service *.timer)
# shellcheck disable=SC2086
out=$(systemd-analyze verify --man=no --root="$root" $names 2>&1) && [ -z "$out" ] &&
  ok "systemd-analyze verify: $(echo $names)" || { echo "$out"; fail "systemd-analyze verify"; }

[ "$(key vitrine-kiosk.service User)" = vitrine-kiosk ] && [ "$(key vitrine-kiosk.service TTYPath)" = /dev/tty1 ] &&
  grep -qx "Conflicts=getty@tty1.service" vitrine-kiosk.service && [ -n "$(key vitrine-kiosk.service PAMName)" ] &&
  grep -qx "WantedBy=multi-user.target" vitrine-kiosk.service &&
  ok "the kiosk starts at boot as vitrine-kiosk on tty1, with a logind session, instead of a login prompt" ||
  fail "the kiosk session's user, console, PAM or target"

[ "$(key vitrine-kiosk.service Restart)" = always ] && [ "$(key vitrine-kiosk.service StartLimitIntervalSec)" = 0 ] &&
  ok "systemd starts the session again whatever stopped it, and never gives up" || fail "Restart"

[ "$(key vitrine-kiosk.service WatchdogSec)" -gt 0 ] && [ "$(key vitrine-kiosk.service NotifyAccess)" = all ] &&
  ok "a watchdog the app under Cage may feed" || fail "WatchdogSec, NotifyAccess"

if grep -E "^(After|Wants|Requires|BindsTo)=.*(network-online|\.device|cups|\.mount)" vitrine-kiosk.service; then
  fail "the session waits for the network, a device or a printer"
else
  ok "the session waits for no network, camera or printer"
fi

grep -v '^ *#' "$src/data/vitrine-kiosk-session" | grep -E "cage .*-s( |$)" &&
  fail "the session script passes -s to cage" || ok "no cage -s in the session script"

calendar=$(key vitrine-kiosk-restart.timer OnCalendar)
next=$(systemd-analyze calendar "$calendar" | sed -n 's/^ *Next elapse: //p')
[ "$(key vitrine-kiosk-restart.service ExecStart)" = "/usr/bin/systemctl try-restart vitrine-kiosk.service" ] &&
  [ -n "$next" ] && ok "the session restarts every night at $calendar (next: $next)" || fail "the nightly restart"

[ "$(sed -n 's/^NAutoVTs=//p' "$src/data/kiosk/logind-vitrine-kiosk.conf")" = 0 ] &&
  [ "$(sed -n 's/^ReserveVT=//p' "$src/data/kiosk/logind-vitrine-kiosk.conf")" = 0 ] &&
  ok "logind starts no login prompt on another console" || fail "logind.conf.d"
grep -qx "kernel.sysrq = 0" "$src/data/kiosk/sysctl-vitrine-kiosk.conf" && ok "no SysRq from the keyboard" || fail "sysctl"

hour_of() { echo "$1" | sed -n 's/^[^ ]* 0*\([0-9][0-9]*\):.*/\1/p'; }
upgrade=$(sed -n 's/^OnCalendar=\(.\)/\1/p' "$src/data/kiosk/apt-daily-upgrade-night.conf")
systemd-analyze calendar "$upgrade" >/dev/null &&
  [ "$(hour_of "$upgrade")" -lt 6 ] && [ "$(hour_of "$upgrade")" -lt "$(hour_of "$calendar")" ] &&
  grep -q '"origin=Vitrine,label=Vitrine";' "$src/data/kiosk/52vitrine-kiosk-unattended-upgrades" &&
  ok "updates from the federation's repository at $upgrade, before the nightly restart" || fail "the night's updates"

[ "$(key vitrine-hub.service User)" = vitrine-hub ] && [ "$(key vitrine-hub.service StateDirectory)" = vitrine-hub ] &&
  ok "the hub runs as its own user with its data in /var/lib/vitrine-hub" || fail "the hub's user"
