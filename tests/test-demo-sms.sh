#!/bin/sh
# The demo's SMS gateway (data/demo/sms-gateway.py, started by ./run demo):
# the hub's messages reach it, in the hub's own format, and are shown.
#
# Usage: test-demo-sms.sh GATEWAY.py VITRINE-HUB
set -eu
gateway=$1
hub=$2
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

echo "1..3"
python3 "$gateway" "$dir/sms.txt" "$dir" > "$dir/shown" &
pid=$!
i=0
while [ ! -f "$dir/sms.conf" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if LANGUAGE=fr LC_ALL=C.UTF-8 "$hub" sms test 0612345678 --data-dir "$dir" > "$dir/said" 2>&1; then
  echo "ok 1 the hub sent its test message through the demo's gateway"
else
  echo "not ok 1 the hub could not send through the demo's gateway: $(cat "$dir/said")"
fi
i=0
while ! grep -q "SMS à +33612345678 : " "$dir/shown" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if grep -q "SMS à +33612345678 : ." "$dir/shown" && grep -q "SMS à +33612345678" "$dir/sms.txt"; then
  echo "ok 2 the message is shown and kept: $(cat "$dir/sms.txt")"
else
  echo "not ok 2 the message was not shown: $(cat "$dir/shown")"
fi
# It holds what could be a gateway's credentials: the hub says "chmod 600"
# at each start for a file others can read.
mode=$(stat -c %a "$dir/sms.conf")
if [ "$mode" = 600 ]; then
  echo "ok 3 the gateway writes the hub's sms.conf for its owner only (0600)"
else
  echo "not ok 3 the gateway wrote the hub's sms.conf $mode, not 600"
fi
