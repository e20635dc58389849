#!/bin/sh
# The hub's systemd unit (data/systemd/vitrine-hub.service): systemd's
# own checker finds nothing wrong with it, it keeps its hardening (its
# exposure under systemd-analyze security stays "OK"), and its command
# line starts the real hub with the credentials and state directory
# systemd gives it.
#
# Usage: test-hub-unit.sh UNIT VITRINE-HUB TLS-DIR
set -eu
unit=$1
hub=$2
tls=$3
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
pid=

echo "1..4"

# The unit as installed, with the binary where this build put it.
sed "s|/usr/bin/vitrine-hub|$hub|" "$unit" > "$tmp/vitrine-hub.service"
if said=$(systemd-analyze verify "$tmp/vitrine-hub.service" 2>&1) && [ -z "$said" ]; then
  echo "ok 1 systemd-analyze verify finds nothing to say"
else
  echo "not ok 1 systemd-analyze verify: $said"
fi

missing=
for directive in DynamicUser=yes ProtectSystem=strict StateDirectory=vitrine-hub \
                 LoadCredential=tls.key: LoadCredential=tls.crt: NoNewPrivileges=yes CapabilityBoundingSet=; do
  grep -q "^$directive" "$unit" || missing="$missing $directive"
done
if [ -z "$missing" ]; then
  echo "ok 2 the unit keeps its hardening directives"
else
  echo "not ok 2 missing:$missing"
fi

score=$(systemd-analyze security --offline=yes "$tmp/vitrine-hub.service" 2>/dev/null |
        sed -n 's/.*exposure level for vitrine-hub.service: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk "BEGIN { exit !($score <= 2.0) }"; then
  echo "ok 3 exposure level $score (at most 2.0)"
else
  echo "not ok 3 exposure level '${score}' is above 2.0"
fi

# ExecStart as systemd runs it: %S is the state root, %d the credentials,
# $VITRINE_HUB_OPTIONS empty (no /etc/default/vitrine-hub).
mkdir -p "$tmp/state" "$tmp/credentials"
cp "$tls/cert.pem" "$tmp/credentials/tls.crt"
cp "$tls/key.pem" "$tmp/credentials/tls.key"
command=$(sed -n 's/^ExecStart=//p' "$tmp/vitrine-hub.service" |
          sed "s|%S/|$tmp/state/|g; s|%d/|$tmp/credentials/|g; s|\[::\]:8443|127.0.0.1:0|; s| \$VITRINE_HUB_OPTIONS||")
$command > "$tmp/out" 2> "$tmp/err" &
pid=$!
for _ in $(seq 1 100); do
  [ -s "$tmp/out" ] && break
  sleep 0.1
done
if grep -q '^Listening on https://127.0.0.1:' "$tmp/out" && [ -f "$tmp/state/vitrine-hub/hub.db" ]; then
  echo "ok 4 the unit's command line serves over TLS from its state directory"
else
  echo "not ok 4 the unit's command line did not start the hub: $(cat "$tmp/err")"
fi
