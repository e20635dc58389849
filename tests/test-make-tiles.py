#!/usr/bin/python3
"""The making of the map's tiles (issue 22, docs/tiles.md): a synthetic
OpenStreetMap file of a few streets of the Marseille pilot area, cut with
osmium and drawn with mapnik by data/tiles/make-tiles.py; the MBTiles it
makes has tiles at zoom 13 to 18 that decode as 256 px PNG images with
the streets drawn, the licence's credit, and the real vitrine-hub imports
it.

    test-make-tiles.py SOURCE_ROOT   (VITRINE_HUB: the hub to import with)
"""

import math
import os
import sqlite3
import subprocess
import sys
import tempfile

import mapnik

CENTER = (43.2965, 5.3698)
failures = 0
number = 0


def check(condition, what):
    global failures, number
    number += 1
    print(("ok" if condition else "not ok") + f" {number} {what}", flush=True)
    if not condition:
        failures += 1


def tile_at(lat, lon, z):
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def main():
    root = sys.argv[1]
    tiles_dir = os.path.join(root, "data", "tiles")
    with tempfile.TemporaryDirectory(prefix="vitrine-make-tiles-") as work:
        osm = os.path.join(work, "pilot.osm")
        out = os.path.join(work, "pilot.mbtiles")
        subprocess.run(["/usr/bin/python3", os.path.join(tiles_dir, "synthetic-osm.py"), osm,
                        "--center", f"{CENTER[0]},{CENTER[1]}", "--size", "500"], check=True)
        # A box smaller than the streets: osmium cuts them.
        made = subprocess.run(["/usr/bin/python3", os.path.join(tiles_dir, "make-tiles.py"), osm, out,
                               "--bbox", "5.3670,43.2945,5.3726,43.2985"],
                              capture_output=True, text=True)
        print("# " + (made.stdout + made.stderr).strip().replace("\n", "\n# "))
        check(made.returncode == 0 and os.path.exists(out), "make-tiles.py makes an MBTiles file")
        if made.returncode != 0:
            print(f"1..{number}")
            return 1

        db = sqlite3.connect(out)
        meta = dict(db.execute("SELECT name, value FROM metadata"))
        check(meta.get("attribution") == "© OpenStreetMap contributors", "its credit is OpenStreetMap's")
        check(meta.get("format") == "png" and meta.get("minzoom") == "13" and meta.get("maxzoom") == "18",
              "its metadata says PNG, zoom 13 to 18")
        zooms = [z for (z,) in db.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY 1")]
        check(zooms == list(range(13, 19)), f"tiles at every zoom from 13 to 18 (has {zooms})")

        decoded = True
        for z, data in db.execute("SELECT zoom_level, tile_data FROM tiles"):
            image = mapnik.Image.fromstring(data)
            decoded = decoded and image.width() == 256 and image.height() == 256
        check(decoded, "every tile decodes as a 256 px PNG image")

        # At zoom 18, the tile at the centre holds a street (the synthetic
        # streets cross there): more than the background's colour.
        x, y = tile_at(CENTER[0], CENTER[1], 18)
        row = db.execute("SELECT tile_data FROM tiles WHERE zoom_level = 18 AND tile_column = ? AND tile_row = ?",
                         (x, (1 << 18) - 1 - y)).fetchone()
        colours = set()
        if row:
            image = mapnik.Image.fromstring(row[0])
            for py in range(0, 256, 4):
                for px in range(0, 256, 4):
                    colours.add(image.get_pixel(px, py))
        check(row is not None and len(colours) >= 3, f"the centre's tile at zoom 18 draws streets ({len(colours)} colours)")
        db.close()

        # The hub takes it.
        hub_dir = os.path.join(work, "hub")
        imported = subprocess.run([os.environ["VITRINE_HUB"], "tiles", "import", out, "--data-dir", hub_dir],
                                  capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"))
        check(imported.returncode == 0 and "Map imported" in imported.stdout,
              "vitrine-hub tiles import takes it: " + (imported.stdout + imported.stderr).strip().replace("\n", " "))
    print(f"1..{number}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
