#!/bin/sh
# The kiosk's session script (data/vitrine-kiosk-session), run for real
# with stand-ins for vitrine and cage in PATH:
#  - it starts vitrine again after each crash (SIGSEGV, abort), after an
#    error exit and after the app is killed from outside (kill -9), and
#    ends when vitrine exits cleanly (the administrator left kiosk mode);
#  - it starts Cage without -s (no VT switching: Ctrl-Alt-F2 cannot leave
#    the kiosk), and Cage runs the script itself for the loop;
#  - the app does not inherit the compositor's WATCHDOG_PID.
set -eu
session=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/vitrine" <<'STANDIN'
#!/bin/sh
runs=$(($(cat "$VITRINE_TEST_RUNS" 2>/dev/null || echo 0) + 1))
echo "$runs" > "$VITRINE_TEST_RUNS"
echo "$*" > "$VITRINE_TEST_ARGS"
echo "${WATCHDOG_PID:-unset}" > "$VITRINE_TEST_WATCHDOG"
case $runs in
  1) kill -SEGV $$ ;;
  2) kill -ABRT $$ ;;
  3) exit 3 ;;
  4) echo $$ > "$VITRINE_TEST_PID"; exec sleep 60 ;;
  *) exit 0 ;;
esac
STANDIN
# Cage as the session script starts it: its options, then the command.
cat > "$dir/cage" <<'STANDIN'
#!/bin/sh
echo "$*" > "$VITRINE_TEST_CAGE"
while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift
exec "$@"
STANDIN
chmod +x "$dir/vitrine" "$dir/cage"
export VITRINE_TEST_RUNS="$dir/runs" VITRINE_TEST_ARGS="$dir/args" VITRINE_RESTART_DELAY=0
export VITRINE_TEST_PID="$dir/pid" VITRINE_TEST_CAGE="$dir/cage-args" VITRINE_TEST_WATCHDOG="$dir/watchdog"
export WATCHDOG_PID=1 WATCHDOG_USEC=30000000
unset VITRINE_COMPOSITOR DISPLAY
PATH="$dir:$PATH" sh "$session" --camera /dev/video0 2>"$dir/err" &
session_pid=$!
# The fourth run hangs until killed from outside, as by kill -9 or the OOM killer.
i=0
while [ ! -s "$dir/pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$dir/pid" ] && kill -KILL "$(cat "$dir/pid")"
wait $session_pid
session_status=$?
runs=$(cat "$dir/runs")
args=$(cat "$dir/args")
cage_args=$(cat "$dir/cage-args")
echo "1..7"
[ "$runs" = 5 ] && echo "ok 1 started again after two crashes, an error and kill -9 (5 runs)" ||
  { echo "not ok 1 runs: $runs"; exit 1; }
[ "$session_status" = 0 ] && echo "ok 2 a clean exit ends the session" ||
  { echo "not ok 2 session status: $session_status"; exit 1; }
[ "$args" = "--kiosk --camera /dev/video0" ] && echo "ok 3 in kiosk mode, with its options" ||
  { echo "not ok 3 args: $args"; exit 1; }
[ "$(grep -c "starting it again" "$dir/err")" = 4 ] && echo "ok 4 each restart said" ||
  { echo "not ok 4"; cat "$dir/err"; exit 1; }
case " $cage_args " in
  *" -s "*) echo "not ok 5 cage allows VT switching: cage $cage_args"; exit 1 ;;
  *" -- "*) echo "ok 5 cage without -s (no VT switching): cage $cage_args" ;;
  *) echo "not ok 5 cage args: $cage_args"; exit 1 ;;
esac
case "$cage_args" in
  *"-- $session --inside --camera /dev/video0") echo "ok 6 cage runs the session's loop" ;;
  *) echo "not ok 6 cage args: $cage_args"; exit 1 ;;
esac
[ "$(cat "$dir/watchdog")" = unset ] && echo "ok 7 the app does not inherit the compositor's WATCHDOG_PID" ||
  { echo "not ok 7 WATCHDOG_PID: $(cat "$dir/watchdog")"; exit 1; }
