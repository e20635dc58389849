#!/usr/bin/env python3
# The Debian packages' contents, without building them (./run package
# builds them): every file `meson install` puts in place goes into exactly
# one package of debian/*.install, and every line there names something
# meson installs; the packages depend on what they need.
#
#   test-package-contents.py BUILD_DIR SOURCE_ROOT
import json
import os
import re
import subprocess
import sys

build, source = sys.argv[1], sys.argv[2]
tests = 0


def ok(text):
    global tests
    tests += 1
    print(f"ok {tests} {text}", flush=True)


def fail(text):
    print(f"not ok {tests + 1} {text}", flush=True)
    sys.exit(1)


print("1..5", flush=True)
options = json.loads(subprocess.check_output(["meson", "introspect", "--buildoptions", build]))
prefix = next(o["value"] for o in options if o["name"] == "prefix")
installed = json.loads(subprocess.check_output(["meson", "introspect", "--installed", build]))


def relative(path):
    """An installed path as debian/*.install names it, without the prefix."""
    path = os.path.relpath(path, prefix) if path.startswith(prefix + "/") else path.lstrip("/")
    return path


# Tests and benchmarks are not installed; everything else is.
files = sorted(relative(p) for p in installed.values())
if not files:
    fail("meson installs nothing")


def debian_entry(line):
    # debian/rules sets the prefix to /usr and the units to /lib/systemd/system.
    line = line.strip()
    if line.startswith("usr/"):
        return line[len("usr/"):]
    return line


owners = {f: [] for f in files}
unused = []
packages = {}
for name in ("vitrine", "vitrine-hub", "vitrine-kiosk"):
    path = os.path.join(source, "debian", name + ".install")
    entries = [debian_entry(line) for line in open(path, encoding="utf-8") if line.strip()]
    packages[name] = entries
    for entry in entries:
        matched = [f for f in files if f == entry or f.startswith(entry + "/")]
        if not matched:
            unused.append(f"{name}: {entry}")
        for f in matched:
            owners[f].append(name)
if unused:
    fail(f"debian/*.install names what meson does not install: {unused}")
ok(f"every line of debian/*.install names files meson installs ({len(files)} files)")

orphans = [f for f, o in owners.items() if not o]
twice = [f"{f}: {o}" for f, o in owners.items() if len(o) > 1]
if orphans or twice:
    fail(f"in no package: {orphans}; in two: {twice}")
ok("every installed file is in exactly one package")


def owned(name):
    return [f for f, o in owners.items() if name in o]


hub, kiosk, app = owned("vitrine-hub"), owned("vitrine-kiosk"), owned("vitrine")
if "bin/vitrine-hub" not in hub or any(f.startswith("bin/vitrine") and f != "bin/vitrine-hub" for f in hub):
    fail(f"vitrine-hub: {hub}")
if not {"bin/vitrine", "bin/vitrine-ctl"} <= set(app):
    fail(f"vitrine: {app}")
if not any(f.endswith("vitrine-kiosk.service") for f in kiosk) or "libexec/vitrine/vitrine-kiosk-session" not in kiosk:
    fail(f"vitrine-kiosk: {kiosk}")
ok(f"vitrine: {len(app)} files (app, vitrine-ctl); vitrine-hub: {len(hub)} (server, units); "
   f"vitrine-kiosk: {len(kiosk)} (session, units, PAM, updates)")

control = open(os.path.join(source, "debian", "control"), encoding="utf-8").read()
stanzas = {re.search(r"^Package: (\S+)", s, re.M).group(1): s
           for s in control.split("\n\n") if s.startswith("Package:")}
depends = {k: re.search(r"^Depends:(.*?)(?=^\S)", v + "\nX", re.M | re.S).group(1) for k, v in stanzas.items()}
# Cage will not start without Xwayland, even for a Wayland-only app; the
# app wants a session bus (GtkApplication), the user bus of its session.
if any(p not in depends["vitrine-kiosk"]
       for p in ("cage", "xwayland", "unattended-upgrades", "libpam-systemd", "dbus-user-session")):
    fail(f"vitrine-kiosk depends on {depends['vitrine-kiosk']}")
if "libzbar0 (>= 0.23.92-7+deb12u1)" not in depends["vitrine"]:
    fail("vitrine does not require ZBar with the CVE-2023-40889/40890 fixes")
ok("vitrine-kiosk depends on cage, xwayland, libpam-systemd, dbus-user-session and unattended-upgrades; vitrine on ZBar 0.23.92-7+deb12u1 (CVE fixes)")

rules = open(os.path.join(source, "debian", "rules"), encoding="utf-8").read()
if "-Dsystemdsystemunitdir=/lib/systemd/system" not in rules or "-Dtests=false" not in rules:
    fail("debian/rules configures meson otherwise than this test assumes")
ok("debian/rules: units in /lib/systemd/system, no test suite in the packages")
