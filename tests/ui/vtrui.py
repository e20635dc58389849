# The harness of the UI journeys (tests/ui/README.md): one journey, one
# kiosk, as a person in front of it would use it.
#
# A journey script calls run(journey, size=..., ...). The script then runs
# twice:
#
#   outside: a temporary folder (HOME, XDG dirs, the kiosk's data, the
#     federation's keys), the demo catalogue, an Xvfb of the journey's size,
#     then the same script again inside `dbus-run-session`; afterwards
#     everything is stopped and removed, whatever happened.
#   inside (VTR_UI_INNER=1): at-spi2-core on the session bus, accessibility
#     switched on in GSettings (dconf), metacity, the kiosk app
#     (build/src/app/vitrine --kiosk), then the journey, driven with dogtail:
#     nodes found in the accessibility tree, real key presses and pointer
#     clicks (dogtail.rawinput, XTest underneath).
#
# A failed journey says what it expected and lists what the screen showed.

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))

# How much slower than usual the app runs (VITRINE_TEST_SLOW, set by the
# sanitizers' test setup, as for the C tests): the waits grow with it.
SLOW = max(1, min(20, int(os.environ.get('VITRINE_TEST_SLOW', '1') or '1')))
# Whole journey, set-up included; meson's own timeout is above it.
JOURNEY_SECONDS = float(os.environ.get('VTR_UI_TIMEOUT', '75')) * SLOW
# How long a screen may take to show what a journey waits for.
WAIT_SECONDS = float(os.environ.get('VTR_UI_WAIT', '8')) * SLOW

# The demo kiosk's administrator PIN, as `./run demo` sets it.
ADMIN_PIN = '2468'


def _build_dir():
    return os.environ.get('VITRINE_BUILD_DIR') or os.path.join(SOURCE_ROOT, 'build')


def _program(env_name, *parts):
    return os.environ.get(env_name) or os.path.join(_build_dir(), *parts)


def _log(message):
    print('# ' + message, flush=True)


class JourneyFailed(Exception):
    pass


# ---------------------------------------------------------------------------
# Outside: folders, data, Xvfb, the D-Bus session.

def _prepare_data(tmp, ad, shop, prepare=None, admin_pin=True):
    """The kiosk's data folder with the demo catalogue, trusting a
    federation whose keys are made here; its administrator PIN set (see
    run() for @ad and @shop). Returns the data folder and the camera's
    folder of images."""
    hub = _program('VITRINE_HUB', 'src', 'hub', 'vitrine-hub')
    ctl = _program('VITRINE_CTL', 'src', 'ctl', 'vitrine-ctl')
    hub_dir = os.path.join(tmp, 'hub')
    data_dir = os.path.join(tmp, 'kiosk')
    keys = os.path.join(tmp, 'keys.json')

    env = _quiet_env(tmp)

    def call(*argv, stdin=None):
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=30, env=env)
        if done.returncode != 0:
            raise JourneyFailed('preparing the kiosk: %s failed: %s' % (' '.join(argv), done.stderr.strip()))
        return done.stdout

    call(hub, 'keys', 'init', '--data-dir', hub_dir)
    if shop:
        # A shop's own device: paired with the hub (run for the pairing
        # only) as the shop's, so the app opens with the counter.
        merchant, _, _ = shop
        served = subprocess.Popen([hub, 'serve', '--listen', '127.0.0.1:0', '--data-dir', hub_dir],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        try:
            url = served.stdout.readline().split()[-1]
            code = call(hub, 'device', 'add', 'Comptoir', '--merchant', str(merchant),
                        '--data-dir', hub_dir).strip().splitlines()[-1]
            call(ctl, 'pair', code, '--hub', url, '--data-dir', data_dir)
        finally:
            served.kill()
            served.wait()
    with open(keys, 'w') as f:
        f.write(call(hub, 'keys', 'export', '--data-dir', hub_dir))
    root = call(hub, 'keys', 'export', '--root', '--data-dir', hub_dir).strip()
    call(ctl, 'keys', 'import', keys, '--root', root, '--data-dir', data_dir)
    call(ctl, 'demo', 'load', '--data-dir', data_dir)
    if admin_pin:
        call(ctl, 'merchant', 'set-pin', 'admin', '--data-dir', data_dir, stdin=ADMIN_PIN + '\n')
    if shop:
        # The staff's PIN, and a customer's order waiting at the shop.
        # (No PIN: the merchant chooses it at the kiosk; no customer: no order.)
        merchant, pin, customer = shop
        if pin:
            call(ctl, 'merchant', 'set-pin', str(merchant), '--data-dir', data_dir, stdin=pin + '\n')
    if shop and customer:
        pickup = os.path.join(tmp, 'pickup-codes.txt')
        with open(pickup, 'w') as f:
            f.write(call(hub, 'sign', 'pickup', '--count', '2', '--data-dir', hub_dir))
        call(ctl, 'order', 'stock', pickup, '--data-dir', data_dir)
        call(ctl, 'order', 'create', '--merchant', str(merchant), '--items', '%d:1' % customer['product'],
             '--first-name', customer['name'], '--phone', customer['phone'], '--data-dir', data_dir)
    camera = _prepare_camera(tmp, ad, hub_dir, env)
    if prepare:
        # (cards) What a journey sets up itself: call(argv…), the programs,
        # the folders (its notes go in tmp: the inside has VTR_UI_TMP).
        prepare(call, hub, ctl, hub_dir, data_dir, camera, tmp)
    return data_dir, camera


def sign_card(call, hub, hub_dir, tmp):
    """A loyalty card signed by the federation, as the customer holds it;
    a journey's prepare step, read back by signed_card()."""
    code = call(hub, 'sign', 'card', '--data-dir', hub_dir).strip()
    with open(os.path.join(tmp, 'card.txt'), 'w') as f:
        f.write(code)


def signed_card():
    """The code sign_card() wrote, in the journey's process."""
    with open(os.path.join(os.environ['VTR_UI_TMP'], 'card.txt')) as f:
        return f.read().strip()


def _prepare_camera(tmp, ad, hub_dir, env):
    """The camera: a folder of images, each shown two seconds in turn (see
    vtr-camera.c), here a blank wall, and the product ad when one is held up."""
    hub = _program('VITRINE_HUB', 'src', 'hub', 'vitrine-hub')
    camera = os.path.join(tmp, 'camera')
    os.mkdir(camera)
    _blank_image(os.path.join(camera, 'blank.png'))
    if ad:
        product, merchant = ad
        argv = [hub, 'sign', 'product', str(product)]
        if merchant:
            argv += ['--merchant', str(merchant)]
        subprocess.run(argv + ['--png', os.path.join(camera, 'ad.png'), '--data-dir', hub_dir],
                       check=True, capture_output=True, timeout=30, env=env)
        os.remove(os.path.join(camera, 'blank.png'))
    return camera


class _Gateway:
    """A text-message gateway of the kind French providers offer, on
    127.0.0.1: each POST's JSON body is kept, one a line, in @log, and
    answered 200."""

    def __init__(self, log):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                with open(log, 'ab') as f:
                    f.write(body.replace(b'\n', b' ') + b'\n')
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.end_headers()
                self.wfile.write(b'{"status": "sent"}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/sms' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


_federation = []


def _prepare_federation(tmp, shop):
    """A federation that runs during the journey: its hub on 127.0.0.1
    with the demo catalogue and a text-message gateway, the kiosk app as
    the device of shop @shop (merchant id, staff PIN, customer), and a
    street kiosk (vitrine-ctl with its own folder) that customers order
    at. Returns the app's data folder."""
    hub = _program('VITRINE_HUB', 'src', 'hub', 'vitrine-hub')
    ctl = _program('VITRINE_CTL', 'src', 'ctl', 'vitrine-ctl')
    hub_dir = os.path.join(tmp, 'hub')
    data_dir = os.path.join(tmp, 'kiosk')
    street_dir = os.path.join(tmp, 'street')
    env = _quiet_env(tmp)
    merchant, pin, _ = shop

    def call(*argv, stdin=None):
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=60, env=env)
        if done.returncode != 0:
            raise JourneyFailed('preparing the federation: %s failed: %s' % (' '.join(argv), done.stderr.strip()))
        return done.stdout

    call(hub, 'keys', 'init', '--data-dir', hub_dir)
    call(hub, 'demo', '--data-dir', hub_dir)
    gateway = _Gateway(os.path.join(tmp, 'sms.jsonl'))
    _federation.append(gateway)
    with open(os.path.join(hub_dir, 'sms.conf'), 'w') as f:
        f.write('[gateway]\nurl = %s\n[retry]\nfirst = 1\nmax = 2\n' % gateway.url)
    served = subprocess.Popen([hub, 'serve', '--listen', '127.0.0.1:0', '--data-dir', hub_dir],
                              stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, 'hub.log'), 'a'),
                              text=True, env=env, start_new_session=True)
    _federation.append(served)
    url = served.stdout.readline().split()[-1]
    for name, folder, extra in (('Comptoir', data_dir, ['--merchant', str(merchant)]),
                                ('Kiosque Vieux-Port', street_dir, [])):
        code = call(hub, 'device', 'add', name, *extra, '--data-dir', hub_dir).strip().splitlines()[-1]
        call(ctl, 'pair', code, '--hub', url, '--data-dir', folder)
        call(ctl, 'sync', '--data-dir', folder)
    call(ctl, 'merchant', 'set-pin', 'admin', '--data-dir', data_dir, stdin=ADMIN_PIN + '\n')
    call(ctl, 'merchant', 'set-pin', str(merchant), '--data-dir', data_dir, stdin=pin + '\n')
    os.environ['VTR_UI_HUB_DIR'] = hub_dir
    os.environ['VTR_UI_STREET_DIR'] = street_dir
    return data_dir


def _quiet_env(tmp):
    """The programs besides the app run away from any display or session
    bus: nothing of theirs may start a bus (D-Bus autolaunch) that outlives
    the journey."""
    env = dict(os.environ)
    for name in ('DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS'):
        env.pop(name, None)
    env.update({'GSETTINGS_BACKEND': 'memory', 'GIO_USE_VFS': 'local', 'HOME': os.path.join(tmp, 'home'),
                'XDG_RUNTIME_DIR': os.path.join(tmp, 'run'), 'XDG_CONFIG_HOME': os.path.join(tmp, 'config')})
    return env


def _blank_image(path):
    import gi
    gi.require_version('GdkPixbuf', '2.0')
    from gi.repository import GdkPixbuf
    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, 640, 480)
    pixbuf.fill(0xf0f0f0ff)
    pixbuf.savev(path, 'png', [], [])


def _start_xvfb(size, tmp):
    """Xvfb on the first free display (-displayfd): returns (process, ':N')."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(write_end), '-screen', '0', size + 'x24',
                             '-nolisten', 'tcp', '-noreset'],
                            pass_fds=(write_end,), stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(tmp, 'xvfb.log'), 'w'),
                            start_new_session=True)
    os.close(write_end)
    number = b''
    deadline = time.monotonic() + 20
    with os.fdopen(read_end, 'rb', buffering=0) as f:
        while not number.endswith(b'\n') and time.monotonic() < deadline:
            chunk = f.read(16)
            if not chunk:
                break
            number += chunk
    if not number.strip():
        xvfb.kill()
        xvfb.wait()
        with open(os.path.join(tmp, 'xvfb.log'), errors='replace') as f:
            raise JourneyFailed('Xvfb did not start: %s' % f.read().strip()[-500:])
    return xvfb, ':' + number.decode().strip()


def _kill_group(process, grace=2.0):
    """Stops @process and everything in its process group: TERM, then KILL."""
    if process is None:
        return
    if not _terminating:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        pass


_terminating = False


def _on_term(signum, frame):
    # meson gives a test half a second after SIGTERM, then kills its group:
    # what is left is stopped at once (see _kill_group).
    global _terminating
    _terminating = True
    raise SystemExit(128 + signum)


def _die_with_parent(signum=signal.SIGKILL):
    """Asks for @signum when the parent dies, even by SIGKILL."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL('libc.so.6', use_errno=True).prctl(PR_SET_PDEATHSIG, signum)


def _outside(script, options):
    tmp = tempfile.mkdtemp(prefix='vitrine-ui-')
    xvfb = session = None
    status = 1
    signal.signal(signal.SIGTERM, _on_term)
    signal.signal(signal.SIGHUP, _on_term)
    try:
        env = dict(os.environ)
        # What other tests set to keep accessibility away: not here.
        for name in ('NO_AT_BRIDGE', 'GTK_A11Y', 'GSETTINGS_BACKEND', 'AT_SPI_BUS_ADDRESS',
                     'DBUS_SESSION_BUS_ADDRESS', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'G_DEBUG',
                     'LANGUAGE', 'GTK_MODULES'):
            env.pop(name, None)
        for name, sub in (('HOME', 'home'), ('XDG_CONFIG_HOME', 'config'), ('XDG_CACHE_HOME', 'cache'),
                          ('XDG_DATA_HOME', 'share'), ('XDG_STATE_HOME', 'state'),
                          ('XDG_RUNTIME_DIR', 'run'), ('TMPDIR', 'tmp')):
            path = os.path.join(tmp, sub)
            os.makedirs(path, mode=0o700)
            env[name] = path
        # dogtail keeps its scratch files under /tmp/dogtail-$LOGNAME.
        env['LOGNAME'] = 'vitrine-ui-%d' % os.getpid()

        started = time.monotonic()
        if options.get('federation'):
            data_dir = _prepare_federation(tmp, options['shop'])
            camera = _prepare_camera(tmp, None, os.environ['VTR_UI_HUB_DIR'], _quiet_env(tmp))
            env.update({name: os.environ[name] for name in ('VTR_UI_HUB_DIR', 'VTR_UI_STREET_DIR')})
            env['VTR_UI_FEDERATION'] = '1'
        else:
            data_dir, camera = _prepare_data(tmp, options.get('ad'), options.get('shop'), options.get('prepare'),
                                             options.get('admin_pin', True))
        xvfb, display = _start_xvfb(options['size'], tmp)
        env.update({'DISPLAY': display, 'GDK_BACKEND': 'x11', 'VTR_UI_INNER': '1', 'VTR_UI_TMP': tmp,
                    'VTR_UI_XVFB': str(xvfb.pid),
                    'VTR_UI_DATA_DIR': data_dir, 'VTR_UI_CAMERA': camera})
        _log('screen %s on %s, data in %s (%.1f s)' % (options['size'], display, tmp, time.monotonic() - started))
        session = subprocess.Popen(['dbus-run-session', '--', sys.executable, script] + sys.argv[1:],
                                   env=env, start_new_session=True, preexec_fn=_die_with_parent)
        try:
            status = session.wait(JOURNEY_SECONDS)
        except subprocess.TimeoutExpired:
            print('not ok: the journey took more than %d s: stopped' % JOURNEY_SECONDS, flush=True)
            _show_logs(tmp)
            status = 1
        _log('journey ended in %.1f s, status %d' % (time.monotonic() - started, status))
    except JourneyFailed as e:
        print('not ok: %s' % e, flush=True)
        status = 1
    finally:
        _kill_group(session)
        _kill_group(xvfb)
        for part in reversed(_federation):
            if isinstance(part, subprocess.Popen):
                _kill_group(part)
            else:
                part.close()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree('/tmp/dogtail-vitrine-ui-%d' % os.getpid(), ignore_errors=True)
    return status


def _show_logs(tmp):
    for name in ('app.log', 'metacity.log', 'xvfb.log'):
        path = os.path.join(tmp, name)
        if os.path.exists(path):
            with open(path, errors='replace') as f:
                lines = [l for l in f.read().splitlines()
                         if l.strip() and 'Screen coordinates not supported' not in l
                         and 'Buggy client sent a _NET_ACTIVE_WINDOW' not in l]
            if lines:
                print('--- %s (last lines)' % name)
                print('\n'.join(lines[-30:]))


# ---------------------------------------------------------------------------
# Inside: at-spi, dconf, metacity, the app, dogtail.

def _wait(what, ready, seconds=WAIT_SECONDS, step=0.05):
    from gi.repository import GLib
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = ready()
        except GLib.GError as error:
            # A busy app (a slow machine, a sanitized build) answers the
            # accessibility bus late: asked again until the deadline.
            if time.monotonic() > deadline:
                raise JourneyFailed('waited %.0f s for %s: %s' % (seconds, what, error.message))
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise JourneyFailed('waited %.0f s for %s' % (seconds, what))
        time.sleep(step)


def _name_has_owner(name):
    from gi.repository import Gio, GLib
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                          'NameHasOwner', GLib.Variant('(s)', (name,)), None, Gio.DBusCallFlags.NONE,
                          -1, None)
    return reply.unpack()[0]


def _root_has_wm():
    done = subprocess.run(['xprop', '-root', '_NET_SUPPORTING_WM_CHECK'], capture_output=True, text=True)
    return done.returncode == 0 and 'window id' in done.stdout


class _XTest:
    """Key presses straight through the XTEST extension, all flushed at once:
    what a USB barcode scanner (a keyboard typing in a burst) sends."""

    def __init__(self):
        self.x11 = ctypes.CDLL('libX11.so.6')
        self.xtst = ctypes.CDLL('libXtst.so.6')
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            raise JourneyFailed('cannot open the X display for XTEST')

    def burst(self, keysyms):
        codes = []
        for name in keysyms:
            code = self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(name.encode()))
            if code == 0:
                raise JourneyFailed('no key for %r on this keyboard map' % name)
            codes.append(code)
        started = time.monotonic()
        for code in codes:
            self.xtst.XTestFakeKeyEvent(self.display, code, 1, 0)
            self.xtst.XTestFakeKeyEvent(self.display, code, 0, 0)
        self.x11.XSync(self.display, 0)
        return time.monotonic() - started

    # The keys of the characters of a URL that are not named by themselves,
    # and those typed with Shift on the US keyboard map (Xvfb's).
    _NAMES = {':': 'colon', '/': 'slash', '.': 'period', '-': 'minus', '_': 'underscore', '~': 'asciitilde',
              '?': 'question', '=': 'equal', '&': 'ampersand', '+': 'plus', '%': 'percent', '#': 'numbersign'}
    _SHIFTED = set(':_~?&+%#')

    def burst_text(self, text):
        """@text typed as a scanner types it: capitals and symbols with
        Shift held, then Return, in one burst."""
        shift = self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(b'Shift_L'))
        events = []
        for char in list(text) + ['Return']:
            name = char if len(char) > 1 else self._NAMES.get(char, char)
            code = self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(name.encode()))
            if code == 0:
                raise JourneyFailed('no key for %r on this keyboard map' % char)
            shifted = len(char) == 1 and (char.isupper() or char in self._SHIFTED)
            events += ([(shift, 1)] if shifted else []) + [(code, 1), (code, 0)] + ([(shift, 0)] if shifted else [])
        started = time.monotonic()
        for code, down in events:
            self.xtst.XTestFakeKeyEvent(self.display, code, down, 0)
        self.x11.XSync(self.display, 0)
        return time.monotonic() - started

    def close(self):
        self.x11.XCloseDisplay(self.display)


class _XSettings:
    """An XSETTINGS manager holding Xft/DPI, as gnome-settings-daemon does
    for the desktop's large text (text-scaling-factor): GTK 4 on X11 takes
    its font resolution from there. Kept until the journey ends."""

    class _ClientMessage(ctypes.Structure):
        _fields_ = [('type', ctypes.c_int), ('serial', ctypes.c_ulong), ('send_event', ctypes.c_int),
                    ('display', ctypes.c_void_p), ('window', ctypes.c_ulong), ('message_type', ctypes.c_ulong),
                    ('format', ctypes.c_int), ('l', ctypes.c_long * 5)]

    class _Event(ctypes.Union):
        pass

    _Event._fields_ = [('xclient', _ClientMessage), ('pad', ctypes.c_long * 24)]

    def terminate(self):
        self.x11.XCloseDisplay(self.display)

    def wait(self, timeout=None):
        return 0

    def __init__(self, text_scale):
        import struct
        x11 = self.x11 = ctypes.CDLL('libX11.so.6')
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XCreateSimpleWindow.restype = ctypes.c_ulong
        x11.XCreateSimpleWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_int] * 2 + \
            [ctypes.c_uint] * 3 + [ctypes.c_ulong] * 2
        x11.XInternAtom.restype = ctypes.c_ulong
        x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x11.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                        ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        x11.XSetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
        x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
        x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.display = x11.XOpenDisplay(None)
        root = x11.XDefaultRootWindow(self.display)
        window = x11.XCreateSimpleWindow(self.display, root, 0, 0, 1, 1, 0, 0, 0)
        selection = x11.XInternAtom(self.display, b'_XSETTINGS_S0', 0)
        settings = x11.XInternAtom(self.display, b'_XSETTINGS_SETTINGS', 0)
        manager = x11.XInternAtom(self.display, b'MANAGER', 0)
        name = b'Xft/DPI'
        # Byte order (LSB first), serial, one setting: an integer, its name
        # padded to 4 bytes, its serial, the value in 1024ths of a dot per inch.
        data = struct.pack('<B3xII', 0, 0, 1)
        data += struct.pack('<BxH', 0, len(name)) + name + b'\0' * (-len(name) % 4)
        data += struct.pack('<Ii', 0, int(96 * text_scale * 1024))
        x11.XChangeProperty(self.display, window, settings, settings, 8, 0, data, len(data))
        x11.XSetSelectionOwner(self.display, selection, window, 0)
        event = self._Event()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = root
        event.xclient.message_type = manager
        event.xclient.format = 32
        event.xclient.l[0] = 0
        event.xclient.l[1] = selection
        event.xclient.l[2] = window
        x11.XSendEvent(self.display, root, 0, 1 << 17, ctypes.byref(event))  # StructureNotifyMask
        x11.XSync(self.display, 0)


class Kiosk:
    """The kiosk's window as a journey sees it: nodes found by role and name
    in the accessibility tree, taps and key presses as a person makes them."""

    def __init__(self, app, width, height, origin, tmp):
        self.app = app
        self.width = width
        self.height = height
        self.origin = origin
        self.tmp = tmp

    # -- the tree

    @property
    def frame(self):
        for child in self.app.children:
            if child.roleName == 'frame':
                return child
        raise JourneyFailed('the app shows no window')

    def extents(self, node):
        """(x, y, width, height) on the screen. GTK 4 knows only window
        coordinates; the window's origin on the screen is added."""
        import pyatspi
        x, y, w, h = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return (x + self.origin[0], y + self.origin[1], w, h)

    def showing(self, node):
        """Whether @node has a place on the screen: VISIBLE with a size.
        GTK 4.8 sets no SHOWING state below the window; it gives widgets
        never shown no size, but the pages of a stack shown before keep
        theirs: visible_nodes() tells those apart."""
        import pyatspi
        try:
            if not node.getState().contains(pyatspi.STATE_VISIBLE):
                return False
            x, y, w, h = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            return w > 0 and h > 0
        except NotImplementedError:
            return True  # no Component (a stack's page): its parent decided
        except Exception:
            return False

    # Roles that always draw something where they lie.
    INKED = ('label', 'push button', 'toggle button', 'image', 'entry', 'text', 'heading', 'check box')

    def _screenshot(self):
        import gi
        gi.require_version('Gdk', '3.0')
        from gi.repository import Gdk
        root = Gdk.get_default_root_window()
        shot = Gdk.pixbuf_get_from_window(root, 0, 0, self.width, self.height)
        return (shot.get_pixels(), shot.get_rowstride(), shot.get_n_channels())

    def _inked(self, shot, place):
        """Whether the screen has something drawn (not one flat colour)
        at @place (x, y, width, height)."""
        pixels, stride, channels = shot
        x, y, w, h = place
        x0, y0 = max(0, x + 1), max(0, y + 1)
        x1, y1 = min(self.width, x + w - 1), min(self.height, y + h - 1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return False
        first = None
        differ = total = 0
        for py in range(y0, y1, max(1, (y1 - y0) // 16)):
            row = py * stride
            for px in range(x0, x1, max(1, (x1 - x0) // 60)):
                i = row + px * channels
                colour = (pixels[i], pixels[i + 1], pixels[i + 2])
                if first is None:
                    first = colour
                total += 1
                if abs(colour[0] - first[0]) + abs(colour[1] - first[1]) + abs(colour[2] - first[2]) > 60:
                    differ += 1
        return differ >= max(2, total // 200)

    def _place(self, node, memo):
        """(role, extents on the screen) of a node that has a place; (role,
        None) for one without a Component (a stack's page); None for one
        not visible or without a size. Read once per walk: every property
        is a D-Bus call (GTK 4 offers no cache)."""
        key = id(node)
        if key in memo:
            return memo[key][1]
        import pyatspi
        place = None
        try:
            if node.getState().contains(pyatspi.STATE_VISIBLE):
                role = node.roleName
                try:
                    x, y, w, h = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
                    if w > 0 and h > 0:
                        place = (role, (x + self.origin[0], y + self.origin[1], w, h))
                except NotImplementedError:
                    place = (role, None)
        except Exception:
            place = None
        memo[key] = (node, place)
        return place

    def _children(self, node, memo):
        try:
            children = [node.getChildAtIndex(i) for i in range(node.childCount)]
        except Exception:
            return []
        return [c for c in children if c is not None and self._place(c, memo) is not None]

    def _drawn_share(self, page, shot, memo, sample=10):
        """The share of @page's first drawing nodes (labels, buttons,
        images…) with something drawn where they lie; None: it has none."""
        places = []
        todo = [page]
        while todo and len(places) < sample:
            node = todo.pop(0)
            for child in self._children(node, memo):
                role, place = self._place(child, memo)
                if place is not None and role in self.INKED:
                    places.append(place)
                todo.append(child)
        if not places:
            return None
        return sum(1 for p in places if self._inked(shot, p)) / len(places)

    def _alternatives(self, children, memo):
        """Groups of @children of which only one can be on the screen: the
        pages of a stack (GtkStack, AdwViewStack: no Component of their
        own), and containers lying exactly on one another (AdwLeaflet,
        AdwCarousel pages give the same place to all their children)."""
        groups = []
        pages = [c for c in children if self._place(c, memo)[1] is None]
        if len(pages) >= 2:
            groups.append(pages)
        same_place = {}
        for c in children:
            place = self._place(c, memo)[1]
            if place is not None:
                try:
                    if c.childCount > 0:
                        same_place.setdefault(place, []).append(c)
                except Exception:
                    pass
        groups += [group for group in same_place.values() if len(group) >= 2]
        return groups

    def _walk(self, node, shot, roles, memo):
        found = []
        children = self._children(node, memo)
        for group in self._alternatives(children, memo) if shot is not None else []:
            # Only the one drawn on the screen now.
            shares = [(self._drawn_share(p, shot, memo), i) for i, p in enumerate(group)]
            known = [(share, i) for share, i in shares if share is not None]
            if known:
                best = group[max(known)[1]]
                children = [c for c in children if c is best or all(c is not p for p in group)]
        for child in children:
            if roles is None or self._place(child, memo)[0] in roles:
                found.append(child)
            found += self._walk(child, shot, roles, memo)
        return found

    def visible_nodes(self, node=None, roles=None):
        """Every node on the screen now (depth first), of @roles only if
        given. Of a stack's pages, only the one drawn: GTK 4.8 keeps the
        pages shown before in the tree with their last place, so the page
        whose labels, buttons and images have something drawn where they
        lie (a screenshot) is the one shown (see _alternatives)."""
        return self._walk(node or self.frame, self._screenshot(), roles, {})

    def text_of(self, node):
        """What a node says: a label its text, anything else its name."""
        name = node.name or ''
        if node.roleName == 'label':
            try:
                t = node.queryText()
                return t.getText(0, t.characterCount) or name
            except Exception:
                pass
        return name

    def wait_entry_text(self, node, text, seconds=None):
        """The entry's text once it reads @text, capitals aside (keys
        typed are handled in turn: a slow app is still typing them), or
        what it holds after @seconds."""
        deadline = time.monotonic() + (WAIT_SECONDS if seconds is None else seconds)
        while True:
            held = self.entry_text(node)
            if held.lower() == text.lower() or time.monotonic() > deadline:
                return held
            time.sleep(0.1)

    def entry_text(self, node):
        """The text typed in an entry."""
        try:
            t = node.queryText()
            return t.getText(0, t.characterCount)
        except Exception:
            pass
        for child in node.children:
            if child.roleName in ('text', 'entry'):
                return self.entry_text(child)
        return ''

    def describe(self, node):
        x, y, w, h = self.extents(node)
        words = "%s '%s' at %d,%d %dx%d" % (node.roleName, self.text_of(node), x, y, w, h)
        if node.roleName in ('entry', 'text'):
            words += " holding '%s'" % self.entry_text(node)
        return words

    def screen_dump(self):
        """The shown screen's nodes that carry words, one a line."""
        lines = []
        try:
            for node in self.visible_nodes():
                words = self.text_of(node)
                if words and not words.startswith(('Gtk', 'Adw')):
                    lines.append('  ' + self.describe(node))
        except Exception as e:
            lines.append('  (the tree could not be read: %s)' % e)
        return '\n'.join(lines) or '  (nothing with a name is shown)'

    def fail(self, message):
        raise JourneyFailed(message)

    def save_screenshot(self, name):
        """The screen as a PNG in VTR_UI_SCREENSHOTS (if set): what a person
        would have seen when the journey failed."""
        folder = os.environ.get('VTR_UI_SCREENSHOTS')
        if not folder:
            return
        import gi
        gi.require_version('Gdk', '3.0')
        from gi.repository import Gdk
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name.replace(' ', '-') + '.png')
        Gdk.pixbuf_get_from_window(Gdk.get_default_root_window(), 0, 0, self.width, self.height).savev(
            path, 'png', [], [])
        print('The screen is in %s' % path, flush=True)

    def find(self, role, name, seconds=WAIT_SECONDS, within=None, exact=True, what=None):
        """The shown node of @role named @name, waiting up to @seconds."""

        def match():
            for node in self.visible_nodes(within, roles=(role,) if isinstance(role, str) else role):
                words = self.text_of(node)
                if (words == name) if exact else (name.lower() in words.lower()):
                    return node
            return None

        try:
            return _wait('%s %r on the screen' % (role, name), match, seconds)
        except JourneyFailed:
            roles = (role,) if isinstance(role, str) else role
            words = ' or '.join(roles)
            others = ["'%s'" % self.text_of(n) for n in self.visible_nodes(within, roles=roles)]
            self.fail(what or "expected %s %s named '%s' on the screen; %s" % (
                'an' if words[0] in 'aeiou' else 'a', words, name,
                'the %s shown are named %s' % (words, ', '.join(others[:12])) if others
                else 'there is no %s' % words))

    def find_role(self, role, seconds=WAIT_SECONDS):
        """The first shown node of @role (a role or a tuple of roles)."""
        roles = (role,) if isinstance(role, str) else role
        try:
            return _wait('a %s' % ' or '.join(roles), lambda: next(iter(self.visible_nodes(roles=roles)), None),
                         seconds)
        except JourneyFailed:
            self.fail('expected a %s on the screen; there is none' % ' or '.join(roles))

    def wait_for_text(self, text, seconds=WAIT_SECONDS, roles=None, what=None):
        """Waits until a shown node (of @roles) says @text (case-insensitive
        substring); returns it."""

        def match():
            for node in self.visible_nodes(roles=roles):
                if text.lower() in self.text_of(node).lower():
                    return node
            return None

        try:
            return _wait(repr(text), match, seconds)
        except JourneyFailed:
            self.fail(what or "expected the screen to show '%s'; it does not" % text)

    def absent(self, role, name, seconds=1.0):
        """True if no shown node of @role is named @name (after @seconds
        for the screen to settle)."""
        time.sleep(seconds)
        return all(self.text_of(n) != name for n in self.visible_nodes(roles=(role,)))

    # -- a person's hands

    def tap(self, node, what=None):
        """A pointer click at the centre of @node, where a finger would land."""
        x, y, w, h = self.extents(node)
        cx, cy = x + w // 2, y + h // 2
        if w <= 0 or h <= 0 or not (0 <= cx < self.width and 0 <= cy < self.height):
            self.fail('%s is not on the screen to be tapped (%s)' % (what or self.describe(node),
                                                                      self.describe(node)))
        from dogtail import rawinput
        rawinput.absoluteMotion(cx, cy)
        rawinput.click(cx, cy)

    def tap_button(self, name, seconds=WAIT_SECONDS):
        node = self.find(('push button', 'toggle button'), name, seconds)
        self.tap(node, "the button '%s'" % name)
        return node

    def tap_pin(self, pin, confirm):
        """A PIN tapped on the on-screen keypad, a key a digit, then @confirm."""
        for digit in pin:
            self.tap_button(digit)
        self.tap_button(confirm)

    def type(self, text):
        """Each character pressed and released on the keyboard."""
        from dogtail import rawinput
        rawinput.typeText(text)

    def press(self, key):
        from dogtail import rawinput
        rawinput.pressKey(key)

    def put_away_ad(self):
        """The person lowers the product ad: the camera sees a blank wall
        from its next picture on (within two seconds)."""
        camera = os.environ['VTR_UI_CAMERA']
        _blank_image(os.path.join(camera, 'blank.png'))
        ad = os.path.join(camera, 'ad.png')
        if os.path.exists(ad):
            os.remove(ad)
        self.ad_put_away = time.monotonic()

    def camera_settled(self):
        """Waits until the camera has moved past the ad put away (a picture
        lasts two seconds; some more for a loaded machine)."""
        left = getattr(self, 'ad_put_away', 0) + 3.5 - time.monotonic()
        if left > 0:
            time.sleep(left)

    def street(self, *argv):
        """`vitrine-ctl ARGV --json` at the street kiosk of the federation
        (run(federation=True)): its output, one JSON object a line, read."""
        import json
        tmp = os.environ['VTR_UI_TMP']
        done = subprocess.run([_program('VITRINE_CTL', 'src', 'ctl', 'vitrine-ctl'), *argv, '--json',
                               '--data-dir', os.environ['VTR_UI_STREET_DIR']],
                              capture_output=True, text=True, timeout=60, env=_quiet_env(tmp))
        if done.returncode != 0:
            raise JourneyFailed('at the street kiosk, vitrine-ctl %s failed: %s'
                                % (' '.join(argv), (done.stderr or done.stdout).strip()))
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    def texts(self):
        """The text messages the federation's gateway was given, in order."""
        import json
        path = os.path.join(os.environ['VTR_UI_TMP'], 'sms.jsonl')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for_texts(self, count, seconds, what):
        """Waits until the gateway was given @count messages; returns them."""
        try:
            _wait(what, lambda: len(self.texts()) >= count, seconds)
        except JourneyFailed:
            raise JourneyFailed('%s: the gateway had %s' % (what, self.texts()))
        return self.texts()

    def hold_up_pickup(self, number):
        """The customer holds their pickup code for order @number up to the
        camera (signed by the federation, as on their ticket)."""
        camera = os.environ['VTR_UI_CAMERA']
        hub = _program('VITRINE_HUB', 'src', 'hub', 'vitrine-hub')
        subprocess.run([hub, 'sign', 'pickup', number, '--png', os.path.join(camera, 'ad.png'),
                        '--data-dir', os.environ['VTR_UI_HUB_DIR']],
                       check=True, capture_output=True, timeout=30, env=_quiet_env(os.environ['VTR_UI_TMP']))
        blank = os.path.join(camera, 'blank.png')
        if os.path.exists(blank):
            os.remove(blank)

    def scanner_text(self, text):
        """A USB scanner reading a code's @text (a card's URL): every key
        and Return in one burst; returns the seconds it took."""
        xtest = _XTest()
        try:
            return xtest.burst_text(text)
        finally:
            xtest.close()

    def scanner(self, digits):
        """A USB barcode scanner reading @digits: keys then Return in one
        burst; returns the seconds the burst took to reach the X server."""
        xtest = _XTest()
        try:
            return xtest.burst(list(digits) + ['Return'])
        finally:
            xtest.close()


def _x_window():
    """The kiosk's X window: (x, y, width, height, fullscreen) or None."""
    done = subprocess.run(['xwininfo', '-name', 'Vitrine'], capture_output=True, text=True)
    values = {}
    for line in done.stdout.splitlines():
        key, _, value = line.strip().partition(':')
        if key in ('Absolute upper-left X', 'Absolute upper-left Y', 'Width', 'Height'):
            values[key] = int(value)
        elif key == 'Map State':
            values[key] = value.strip()
    if len(values) < 5 or values['Map State'] != 'IsViewable':
        return None
    state = subprocess.run(['xprop', '-name', 'Vitrine', '_NET_WM_STATE'], capture_output=True, text=True)
    return (values['Absolute upper-left X'], values['Absolute upper-left Y'], values['Width'], values['Height'],
            '_NET_WM_STATE_FULLSCREEN' in state.stdout)


def _inside(journey, options):
    tmp = os.environ['VTR_UI_TMP']
    width, height = (int(v) for v in options['size'].split('x'))
    # dbus-run-session dies with the program outside (killed outright):
    # then a SIGTERM here, to clean up (see _orphaned).
    global _session_pid
    _session_pid = os.getppid()
    signal.signal(signal.SIGTERM, _on_term)
    _die_with_parent(signal.SIGTERM)
    children = []
    started = time.monotonic()

    def spawn(argv, log, env=None):
        p = subprocess.Popen(argv, stdout=open(os.path.join(tmp, log), 'a'), stderr=subprocess.STDOUT,
                             env=env, stdin=subprocess.DEVNULL)
        children.append(p)
        return p

    kiosk = None
    try:
        # at-spi2-core: the accessibility bus, with the registry on it.
        spawn(['/usr/libexec/at-spi-bus-launcher', '--launch-immediately'], 'at-spi.log')
        _wait('the accessibility bus (org.a11y.Bus)', lambda: _name_has_owner('org.a11y.Bus'))
        from gi.repository import Gio
        interface = Gio.Settings.new('org.gnome.desktop.interface')
        interface.set_boolean('toolkit-accessibility', True)
        Gio.Settings.sync()
        _wait('toolkit-accessibility to read true', lambda: interface.get_boolean('toolkit-accessibility'))
        # The kiosk's own language is the journey's (the administrator's
        # choice): the staff's screens and the idle reset come back to it.
        schemas = Gio.SettingsSchemaSource.new_from_directory(os.path.join(_build_dir(), 'data'),
                                                              Gio.SettingsSchemaSource.get_default(), False)
        kiosk_settings = Gio.Settings.new_full(schemas.lookup('fr.vitrine.Vitrine', False), None, None)
        kiosk_settings.set_string('language', options['language'])
        Gio.Settings.sync()

        spawn(['metacity', '--sm-disable', '--compositor=none'], 'metacity.log')
        _wait('metacity to manage the screen', _root_has_wm)
        if options['text_scale'] != 1:
            children.append(_XSettings(options['text_scale']))

        build = _build_dir()
        app_env = dict(os.environ)
        app_env.update({
            'GSETTINGS_SCHEMA_DIR': os.path.join(build, 'data'),
            'VITRINE_LOCALEDIR': os.path.join(build, 'po'),
            'LANGUAGE': options['language'],
            'GSK_RENDERER': 'cairo',
            'VITRINE_AUDIO_SINK': 'fakesink',
            'VITRINE_PRINTER': 'pdf:' + os.path.join(tmp, 'ticket.pdf'),
        })
        # VTR_UI_GSK_RENDERER=gl: the journey on the renderer ./run demo and
        # kiosks use (software GL here: slow frames), rather than cairo.
        if os.environ.get('VTR_UI_GSK_RENDERER'):
            app_env['GSK_RENDERER'] = os.environ['VTR_UI_GSK_RENDERER']
            app_env.pop('GDK_DEBUG', None)
        if os.environ.get('VTR_UI_FEDERATION'):
            # The shop's device syncs every two seconds, not thirty.
            app_env['VITRINE_SYNC_INTERVAL'] = '2'
        for name in ('VTR_UI_INNER', 'NO_AT_BRIDGE', 'GTK_A11Y'):
            app_env.pop(name, None)
        camera = os.environ['VTR_UI_CAMERA']
        argv = [_program('VITRINE_APP', 'src', 'app', 'vitrine'), '--kiosk',
                '--data-dir', os.environ['VTR_UI_DATA_DIR'], '--camera', camera]
        app_process = spawn(argv, 'app.log', app_env)

        # dogtail, quick: no pauses after actions, no log files.
        from dogtail.config import config
        config.logDebugToFile = False
        config.logDebugToStdOut = False
        config.actionDelay = 0.15
        config.typingDelay = 0.04
        config.defaultDelay = 0.1
        config.searchBackoffDuration = 0.1
        from dogtail import tree

        def find_app():
            if app_process.poll() is not None:
                raise JourneyFailed('the app exited with status %d at start' % app_process.returncode)
            for a in tree.root.applications():
                if a.name == 'vitrine':
                    return a
            return None

        app = _wait('the app on the accessibility bus', find_app, 20 * SLOW)
        kiosk = Kiosk(app, width, height, (0, 0), tmp)

        # The window mapped fullscreen (kiosk mode), its size settled. GTK's
        # accessible coordinates are the window's own, inside the margins it
        # keeps around its content (5 px each side under metacity 3.46
        # without a compositor): the origin on the screen is the X window's
        # plus half the difference.
        last = []

        def window_settled():
            if app_process.poll() is not None:
                raise JourneyFailed('the app exited with status %d at start' % app_process.returncode)
            try:
                xwin = _x_window()
                frame = kiosk.frame
                _, _, fw, fh = kiosk.extents(frame)
            except Exception:
                return False
            if xwin is None or not xwin[4] or fw <= 0:
                return False
            now = (xwin, fw, fh)
            settled = last and last[-1] == now
            last.append(now)
            if settled:
                kiosk.origin = (xwin[0] + (xwin[2] - fw) // 2, xwin[1] + (xwin[3] - fh) // 2)
            return settled

        _wait('the kiosk window shown fullscreen', window_settled, 20 * SLOW, step=0.2)
        _log('kiosk ready in %.1f s' % (time.monotonic() - started))
        journey(kiosk)
        _log('ok in %.1f s' % (time.monotonic() - started))
        print('ok - %s' % options['name'], flush=True)
        return 0
    except JourneyFailed as e:
        print('not ok - %s: %s' % (options['name'], e), flush=True)
        if kiosk is not None:
            print('The screen showed:\n' + kiosk.screen_dump(), flush=True)
            kiosk.save_screenshot(options['name'])
        _show_logs(tmp)
        return 1
    except Exception:
        print('not ok - %s: the journey broke:' % options['name'], flush=True)
        traceback.print_exc()
        if kiosk is not None:
            print('The screen showed:\n' + kiosk.screen_dump(), flush=True)
            kiosk.save_screenshot(options['name'])
        _show_logs(tmp)
        return 1
    finally:
        for p in reversed(children):
            p.terminate()
        for p in reversed(children):
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        _orphaned(tmp)


_session_pid = None


def _orphaned(tmp):
    """If the program outside was killed outright (SIGKILL: no cleaning up),
    this one does its work: the session's processes (the bus, what it
    started) stopped, the folders removed."""
    if os.getppid() == _session_pid:
        return  # dbus-run-session is alive, and the program outside with it
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree('/tmp/dogtail-' + os.environ.get('LOGNAME', ''), ignore_errors=True)
    try:
        os.killpg(int(os.environ['VTR_UI_XVFB']), signal.SIGKILL)
    except (KeyError, ValueError, ProcessLookupError):
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(0, signal.SIGTERM)


def run(journey, size='1920x1080', language='fr', ad=None, shop=None, text_scale=1, prepare=None,
        federation=False, admin_pin=True):
    """Runs @journey (a function taking a Kiosk) on a screen of @size, the
    kiosk in @language; @ad = (product id, merchant id or 0): the camera
    looks at that product ad, signed by the federation; @shop = (merchant
    id, staff PIN, customer): the kiosk is that shop's device, with that PIN,
    and an order placed by @customer ({'name', 'phone', 'product'});
    @text_scale: the desktop's large text (1.5: 150 %), through XSETTINGS;
    @prepare: a function that sets up more data before the app starts (see
    _prepare_data());
    @federation: the hub runs during the journey, with a text-message
    gateway and a street kiosk (Kiosk.street), the app being @shop's device
    (its customer unused), synced every two seconds;
    @admin_pin: False for a kiosk whose administrator's PIN is not chosen
    yet (the first "Administration" asks for it)."""
    options = {'size': size, 'language': language, 'ad': ad, 'shop': shop, 'text_scale': text_scale,
               'prepare': prepare, 'federation': federation, 'admin_pin': admin_pin,
               'name': ' '.join([os.path.splitext(os.path.basename(sys.argv[0]))[0]] + sys.argv[1:])}
    if os.environ.get('VTR_UI_INNER') == '1':
        sys.exit(_inside(journey, options))
    sys.exit(_outside(os.path.abspath(sys.argv[0]), options))
