#!/usr/bin/python3
"""Renders an MBTiles map for vitrine-hub from an OpenStreetMap extract,
with Debian's tools only (docs/tiles.md):

  osmium-tool   cuts the extract to an area and keeps what the map draws
                (osmium extract, osmium tags-filter), then writes it as
                GeoJSON (osmium export);
  python3-mapnik draws 256 px PNG tiles of it with data/tiles/style.xml.

    data/tiles/make-tiles.py EXTRACT OUT.mbtiles
        [--bbox W,S,E,N | --polygon AREA.poly|AREA.geojson]
        [--minzoom 13] [--maxzoom 18] [--name NAME]

EXTRACT is any file osmium reads (.osm.pbf from a download site, .osm).
Then: vitrine-hub tiles import OUT.mbtiles.
"""

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

import mapnik

HERE = os.path.dirname(os.path.abspath(__file__))
ATTRIBUTION = "© OpenStreetMap contributors"
FONTS = "/usr/share/fonts/truetype/dejavu"
EARTH = 20037508.342789244  # half the Web Mercator world, in metres
# What the style draws: everything else is left out before the export.
KEEP = ["w/highway", "w/building", "w/natural=water", "w/waterway", "w/leisure=park,garden",
        "w/landuse=grass,recreation_ground,forest,basin,reservoir",
        "r/type=multipolygon"]


def run(*argv):
    subprocess.run(argv, check=True)


def tile_at(lat, lon, z):
    n = 1 << z
    lat = max(-85.0511, min(85.0511, lat))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_box(z, x, y):
    size = 2 * EARTH / (1 << z)
    return mapnik.Box2d(-EARTH + x * size, EARTH - (y + 1) * size, -EARTH + (x + 1) * size, EARTH - y * size)


def data_bbox(path):
    """W, S, E, N of the data in an OSM file, as osmium computes it."""
    out = subprocess.run(["osmium", "fileinfo", "-e", "-g", "data.bbox", path],
                         check=True, capture_output=True, text=True).stdout.strip()
    # "(W,S,E,N)"
    return [float(v) for v in out.strip("()").split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract")
    parser.add_argument("out")
    parser.add_argument("--bbox", help="W,S,E,N in degrees: the area cut from the extract")
    parser.add_argument("--polygon", help="the area cut from the extract (.poly or GeoJSON: a département)")
    parser.add_argument("--minzoom", type=int, default=13)
    parser.add_argument("--maxzoom", type=int, default=18)
    parser.add_argument("--name", default="Vitrine")
    parser.add_argument("--style", default=os.path.join(HERE, "style.xml"))
    args = parser.parse_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vitrine-tiles-") as work:
        cut = os.path.join(work, "cut.osm.pbf")
        kept = os.path.join(work, "kept.osm.pbf")
        geojson = os.path.join(work, "map.geojson")

        # 1. Cut the area (complete ways: a street crossing the edge is whole).
        if args.bbox or args.polygon:
            area = ["-b", args.bbox] if args.bbox else ["-p", args.polygon]
            run("osmium", "extract", *area, "-s", "complete_ways", "--overwrite", "-o", cut, args.extract)
        else:
            run("osmium", "cat", "--overwrite", "-o", cut, args.extract)
        # 2. Keep what the style draws, then export it as GeoJSON.
        run("osmium", "tags-filter", "--overwrite", "-o", kept, cut, *KEEP)
        run("osmium", "export", "--overwrite", "-f", "geojson", "--geometry-types=linestring,polygon",
            "-o", geojson, kept)
        if args.bbox:
            west, south, east, north = (float(v) for v in args.bbox.split(","))
        else:
            west, south, east, north = data_bbox(kept)

        # 3. Draw the tiles.
        if os.path.isdir(FONTS):
            mapnik.register_fonts(FONTS)
        with open(args.style, encoding="utf-8") as f:
            style = f.read().replace("@GEOJSON@", geojson)
        m = mapnik.Map(256, 256)
        mapnik.load_map_from_string(m, style, False, HERE)
        m.buffer_size = 64

        if os.path.exists(args.out):
            os.unlink(args.out)
        temporary = args.out + ".part"
        if os.path.exists(temporary):
            os.unlink(temporary)
        db = sqlite3.connect(temporary)
        db.executescript("""
            CREATE TABLE metadata (name TEXT, value TEXT);
            CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
            CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
        """)
        metadata = {
            "name": args.name,
            "format": "png",
            "type": "baselayer",
            "version": "1",
            "description": "Vitrine, rendered by data/tiles/make-tiles.py",
            "attribution": ATTRIBUTION,
            "bounds": f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}",
            "center": f"{(west + east) / 2:.6f},{(south + north) / 2:.6f},{min(16, args.maxzoom)}",
            "minzoom": str(args.minzoom),
            "maxzoom": str(args.maxzoom),
        }
        db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
        count = size = 0
        for z in range(args.minzoom, args.maxzoom + 1):
            x0, y0 = tile_at(north, west, z)
            x1, y1 = tile_at(south, east, z)
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    m.zoom_to_box(tile_box(z, x, y))
                    image = mapnik.Image(256, 256)
                    mapnik.render(m, image)
                    png = image.tostring("png8:z=9")
                    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, png))
                    count += 1
                    size += len(png)
            db.commit()
        db.close()
        os.replace(temporary, args.out)
    print(f"{args.out}: {count} tiles, zoom {args.minzoom}-{args.maxzoom}, "
          f"bounds {west:.5f},{south:.5f},{east:.5f},{north:.5f}, {size // 1000} KB, "
          f"{time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
