#!/usr/bin/env python3
# The Flatpak manifest's rules (flatpak-builder cannot download here, so
# its --show-manifest check is done by reading the manifest):
#  - a GNOME runtime still supported (47 or later), the SDK of the same;
#  - ZBar 0.23.93, with the fixes for CVE-2023-40889 and CVE-2023-40890,
#    pinned by its release commit and its tarball's sha256;
#  - every source from outside pinned: an archive or file by sha256, a git
#    source by commit (a tag or branch alone moves);
#  - permissions no wider than the app uses: no --filesystem=home/host, no
#    --env naming ~ (Flatpak does not expand it), no session or system bus
#    access, --socket=cups for printing, and each permission said why;
# and the AppStream metainfo the build installs passes
# `appstreamcli validate`.
#
#   test-flatpak-manifest.py MANIFEST METAINFO
import json
import xml.etree.ElementTree as ET
import re
import subprocess
import sys

manifest_path, metainfo = sys.argv[1], sys.argv[2]
tests = 0


def ok(text):
    global tests
    tests += 1
    print(f"ok {tests} {text}", flush=True)


def fail(text):
    print(f"not ok {tests + 1} {text}", flush=True)
    sys.exit(1)


print("1..7", flush=True)
manifest = json.load(open(manifest_path, encoding="utf-8"))

runtime = manifest.get("runtime-version", "")
if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk" \
        or not runtime.isdigit() or int(runtime) < 47:
    fail(f"runtime {manifest.get('runtime')} {runtime}: GNOME 47 or later")
ok(f"org.gnome.Platform {runtime} (GNOME 43 went out of support in 2023)")

modules = {m["name"]: m for m in manifest["modules"]}
zbar = modules.get("zbar")
source = zbar["sources"][0] if zbar else {}
if not re.search(r"zbar-0\.23\.93\.tar", source.get("url", "")) \
        or source.get("sha256") != "83be8f85fc7c288fd91f98d52fc55db7eedbddcf10a83d9221d7034636683fa0" \
        or source.get("x-commit") != "bb05ec54eec57f8397cb13fb9161372a281a1219":
    fail(f"ZBar source: {source}")
ok("ZBar 0.23.93 (CVE-2023-40889, CVE-2023-40890 fixed), commit bb05ec54 and sha256 83be8f85")

unpinned = []
for module in manifest["modules"]:
    for s in module.get("sources", []):
        kind = s.get("type")
        if kind == "dir":
            continue  # this repository itself
        if kind in ("archive", "file") and re.fullmatch(r"[0-9a-f]{64}", s.get("sha256", "")):
            continue
        if kind == "git" and re.fullmatch(r"[0-9a-f]{40}", s.get("commit", "")):
            continue
        if kind == "patch" and s.get("path"):
            continue
        unpinned.append(f"{module['name']}: {s}")
if unpinned:
    fail(f"sources not pinned: {unpinned}")
ok(f"every outside source pinned by sha256 or commit ({', '.join(m for m in modules if m != 'vitrine')})")

args = manifest.get("finish-args", [])
wide = [a for a in args if re.match(r"--filesystem=(home|host)", a) or a.startswith("--socket=session-bus")
        or a.startswith("--socket=system-bus") or (a.startswith("--env=") and "~" in a)
        or a.startswith("--talk-name=") or a.startswith("--system-talk-name=")]
if wide:
    fail(f"permissions wider than the app uses: {wide}")
if "--socket=cups" not in args:
    fail("no --socket=cups: tickets cannot reach a CUPS printer")
ok(f"permissions: {' '.join(args)}")

why = manifest.get("x-finish-args-why", {})
if sorted(why) != sorted(args):
    fail(f"permissions without a reason: {sorted(set(args) - set(why))}")
if "--device=all" in args and "v4l2src" not in why["--device=all"]:
    fail("--device=all without saying why the camera portal does not serve")
ok("each permission says why (--device=all: the webcam through v4l2src, USB ticket printers)")

result = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", metainfo],
                        capture_output=True, text=True)
if result.returncode != 0:
    fail(f"appstreamcli validate: {result.stdout}{result.stderr}")
ok(f"appstreamcli validate {metainfo.split('/')[-1]}: {result.stdout.strip().splitlines()[-1]}")

component = ET.parse(metainfo).getroot()
homepage = component.findtext("url[@type='homepage']") or ""
shots = component.findall("screenshots/screenshot/image")
releases = component.findall("releases/release")
rating = {a.get("id"): a.text for a in component.findall("content_rating/content_attribute")}
if not homepage.startswith("https://") or len(shots) < 3 or not all(i.text.startswith("https://") for i in shots):
    fail(f"homepage {homepage!r}, {len(shots)} screenshots")
if not releases or releases[0].find("description") is None:
    fail("no release with its description")
if component.find("content_rating").get("type") != "oars-1.1" or rating.get("social-info") != "intense":
    fail(f"content rating {rating}: a customer's name and phone identify them (social-info intense)")
ok(f"metainfo: homepage {homepage}, {len(shots)} screenshots, release {releases[0].get('version')}, "
   f"OARS social-info {rating['social-info']} (the name and phone of an order)")
