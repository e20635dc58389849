#!/bin/sh
# The kiosk's session script starts vitrine again after a crash, and ends
# when vitrine exits cleanly (the administrator left kiosk mode). A stand-in
# vitrine crashes twice (SIGSEGV, then abort) before exiting cleanly.
set -eu
session=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/vitrine" <<'STANDIN'
#!/bin/sh
runs=$(($(cat "$VITRINE_TEST_RUNS" 2>/dev/null || echo 0) + 1))
echo "$runs" > "$VITRINE_TEST_RUNS"
echo "$*" > "$VITRINE_TEST_ARGS"
case $runs in
  1) kill -SEGV $$ ;;
  2) kill -ABRT $$ ;;
  *) exit 0 ;;
esac
STANDIN
chmod +x "$dir/vitrine"
export VITRINE_TEST_RUNS="$dir/runs" VITRINE_TEST_ARGS="$dir/args" VITRINE_RESTART_DELAY=0
PATH="$dir:$PATH" sh "$session" --inside --camera /dev/video0 2>"$dir/err"
runs=$(cat "$dir/runs")
args=$(cat "$dir/args")
echo "1..3"
[ "$runs" = 3 ] && echo "ok 1 started again after each crash (3 runs)" || { echo "not ok 1 runs: $runs"; exit 1; }
[ "$args" = "--kiosk --camera /dev/video0" ] && echo "ok 2 in kiosk mode, with its options" || { echo "not ok 2 args: $args"; exit 1; }
grep -q "starting it again" "$dir/err" && echo "ok 3 each restart said" || { echo "not ok 3"; exit 1; }
