#!/bin/sh
# The phone pages of the hub (src/hub/vtr-hub-web.c) in headless Chromium
# at a phone's size, for the README: docs/screenshots/web-*.png.
#
# Usage: tests/web-screenshots.sh [BUILD-DIR] [OUT-DIR]
# Needs chromium (apt-get install chromium). French, from BUILD-DIR/po.
set -eu
build=${1:-build}
out=${2:-docs/screenshots}
hub=$build/src/hub/vitrine-hub
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
export VITRINE_HUB_DATA_DIR="$data" VITRINE_LOCALEDIR="$build/po" LC_ALL=C.UTF-8 LANGUAGE=fr

"$hub" keys init --host vtr13.fr >/dev/null
"$hub" demo >/dev/null
"$hub" serve --listen 127.0.0.1:0 >"$data/out" 2>"$data/log" &
pid=$!
while ! grep -q Listening "$data/out"; do sleep 0.1; done
url=$(sed -n 's/^Listening on \(.*[0-9]\)\/*$/\1/p' "$data/out")
path() { sed 's|^HTTPS://[^/]*||'; }

shot() {
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --lang=fr-FR \
    --window-size=390,844 --screenshot="$out/web-$1.png" "$url$2" >/dev/null 2>&1
  echo "$out/web-$1.png"
}

shot product "$("$hub" sign product 1 --merchant 35 | path)?lang=fr"
shot shop "$("$hub" sign merchant 35 | path)?lang=fr"
shot reserve "/reserve?product=1&merchant=35&lang=fr"
shot card "$("$hub" sign card | path)?lang=fr"
shot pickup "$("$hub" sign pickup WEB-0042 | path)?lang=fr"
shot forged "$("$hub" sign product 1 --merchant 35 | path | sed 's|/M35/|/M36/|')?lang=fr"
shot search "/search?q=pain&lang=fr"
