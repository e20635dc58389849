#!/usr/bin/env python3
# The kiosk's watchdog (src/app/vtr-watchdog.c) as systemd sees it: the
# real vitrine, on the display (Xvfb), with $NOTIFY_SOCKET on a real
# datagram socket made here, as vitrine-kiosk.service (WatchdogSec=,
# NotifyAccess=all) would give it.
#
#  1. it says READY=1 once the camera's first frame reaches the screen,
#     then WATCHDOG=1 every half $WATCHDOG_USEC from its main loop;
#  2. frozen (SIGSTOP), it goes silent, so systemd would restart it;
#  3. with no camera (unplugged), a printer that does not answer and no
#     network, it keeps running and keeps saying WATCHDOG=1;
#  4. a watchdog meant for another process ($WATCHDOG_PID) is left alone.
#
#   test-kiosk-watchdog.py VITRINE CAMERA_IMAGE
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

vitrine, image = sys.argv[1], sys.argv[2]
slow = int(os.environ.get("VITRINE_TEST_SLOW", "1"))
tests = 0
senders = set()


def ok(text):
    global tests
    tests += 1
    print(f"ok {tests} {text}", flush=True)


def fail(text):
    print(f"not ok {tests + 1} {text}", flush=True)
    sys.exit(1)


def start(tmp, camera, watchdog_pid=None, name="notify"):
    path = os.path.join(tmp, name)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    # Who sent each message: the app, not a program it started.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sock.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="2000000",
               # A printer that does not answer, a hub that is not there.
               VITRINE_PRINTER="tcp:127.0.0.1:9")
    env.pop("WATCHDOG_PID", None)
    if watchdog_pid is not None:
        env["WATCHDOG_PID"] = str(watchdog_pid)
    app = subprocess.Popen([vitrine, "--kiosk", "--camera", camera,
                            "--data-dir", os.path.join(tmp, "data-" + name)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return app, sock


def messages(sock, seconds, until=None):
    """Every datagram received within SECONDS (or up to the one UNTIL
    names), with its arrival time, and its sender's process id."""
    got = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sock.settimeout(max(end - time.monotonic(), 0.01))
        try:
            data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            break
        pid = next((struct.unpack("i", payload[:4])[0] for level, kind, payload in ancillary
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), None)
        senders.add(pid)
        got.append((time.monotonic(), data.decode()))
        if until and until in got[-1][1].split("\n"):
            break
    return got


def stop(app):
    if app.poll() is None:
        app.send_signal(signal.SIGCONT)
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


print("1..5", flush=True)
with tempfile.TemporaryDirectory() as tmp:
    app, sock = start(tmp, image)
    try:
        # Up until READY=1, then 3 s more.
        got = messages(sock, 20 * slow, until="READY=1")
        ready = [t for t, m in got if "READY=1" in m.split("\n")]
        pings = [t for t, m in got if m == "WATCHDOG=1"]
        if not ready:
            fail(f"no READY=1 in 20 s: {[m for _, m in got][:5]} {app.stderr.read1().decode() if app.poll() is not None else ''}")
        if senders != {app.pid}:
            fail(f"messages from {senders}, not only the app ({app.pid})")
        ok("READY=1 from the app once the camera shows its first frame")
        later = messages(sock, 5)
        pings += [t for t, m in later if m == "WATCHDOG=1"]
        after = [t for t in pings if t > ready[0]]
        if len(after) < 4:
            fail(f"only {len(after)} WATCHDOG=1 in 5 s after READY=1")
        gaps = [b - a for a, b in zip(after, after[1:])]
        # systemd restarts the app past WATCHDOG_USEC without one.
        if max(gaps) > 2.0 * slow:
            fail(f"a gap of {max(gaps):.2f} s between WATCHDOG=1, over WATCHDOG_USEC (2 s)")
        ok(f"WATCHDOG=1 every {sum(gaps) / len(gaps):.2f} s (WATCHDOG_USEC 2 s), at most {max(gaps):.2f} s apart")
        # A frozen main loop says nothing.
        app.send_signal(signal.SIGSTOP)
        messages(sock, 0.3)
        frozen = [m for _, m in messages(sock, 2.5)]
        if frozen:
            fail(f"a stopped app still said {frozen}")
        ok("a frozen app goes silent: systemd would restart it")
    finally:
        stop(app)
        sock.close()

    # The camera unplugged (a device that is not there), the printer and
    # the hub unreachable: the app runs on and says so to the watchdog.
    app, sock = start(tmp, "v4l2src device=/dev/video-unplugged", name="unplugged")
    try:
        got = messages(sock, 8 * slow)
        pings = [t for t, m in got if m == "WATCHDOG=1"]
        if app.poll() is not None:
            fail(f"vitrine stopped ({app.returncode}) without a camera: {app.stderr.read().decode()[-500:]}")
        if len(pings) < 5 or time.monotonic() - pings[-1] > 2.0 * slow:
            fail(f"{len(pings)} WATCHDOG=1 in 8 s without a camera")
        ok(f"no camera, printer or network: still running, {len(pings)} WATCHDOG=1 in 8 s")
    finally:
        stop(app)
        sock.close()

    # WATCHDOG_PID names another process: READY=1 may go, no WATCHDOG=1.
    app, sock = start(tmp, image, watchdog_pid=1, name="other")
    try:
        got = [m for _, m in messages(sock, 4 * slow)]
        if "WATCHDOG=1" in got or app.poll() is not None:
            fail(f"fed another process's watchdog: {got[:5]}")
        ok("a watchdog meant for another process is left alone")
    finally:
        stop(app)
        sock.close()
