#!/usr/bin/python3
"""Writes a small synthetic OpenStreetMap file (OSM XML) around a point:
a grid of named streets, a few buildings, a basin of water and a park,
tagged as OpenStreetMap tags them. It stands in for a real extract where
none can be had (docs/tiles.md): the demo's map and the tests are drawn
from it.

    data/tiles/synthetic-osm.py OUT.osm [--center LAT,LON] [--size METRES]
"""

import argparse
import math
import sys
from xml.sax.saxutils import quoteattr

STREETS = ["La Canebière", "Quai du Port", "Rue de la République", "Rue Paradis",
           "Rue Saint-Ferréol", "Cours Belsunce", "Rue de Rome", "Quai de Rive-Neuve"]


class Writer:
    def __init__(self, out):
        self.out = out
        self.next_id = 1
        self.nodes = []
        self.ways = []

    def node(self, lat, lon):
        self.nodes.append((self.next_id, lat, lon))
        self.next_id += 1
        return self.next_id - 1

    def way(self, refs, tags):
        self.ways.append((self.next_id, refs, tags))
        self.next_id += 1

    def write(self):
        o = self.out
        o.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        o.write('<osm version="0.6" generator="vitrine synthetic-osm.py">\n')
        for i, lat, lon in self.nodes:
            o.write(f'  <node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
        for i, refs, tags in self.ways:
            o.write(f'  <way id="{i}" version="1">\n')
            for r in refs:
                o.write(f'    <nd ref="{r}"/>\n')
            for k, v in tags.items():
                o.write(f'    <tag k={quoteattr(k)} v={quoteattr(v)}/>\n')
            o.write('  </way>\n')
        o.write('</osm>\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--center", default="43.2965,5.3698")
    parser.add_argument("--size", type=float, default=1200.0,
                        help="side of the square drawn, in metres")
    args = parser.parse_args()
    lat0, lon0 = (float(v) for v in args.center.split(","))
    dlat = 1.0 / 111320.0
    dlon = 1.0 / (111320.0 * math.cos(math.radians(lat0)))
    half = args.size / 2.0

    def at(x, y):  # metres east and north of the centre
        return lat0 + y * dlat, lon0 + x * dlon

    w = Writer(None)

    def polygon(points, tags):
        refs = [w.node(*at(x, y)) for x, y in points]
        w.way(refs + [refs[0]], tags)

    # Water and a park first, so streets and buildings are drawn over them.
    polygon([(-half, -half), (-half * 0.2, -half), (-half * 0.2, -half * 0.4), (-half, -half * 0.4)],
            {"natural": "water", "name": "Vieux-Port"})
    polygon([(half * 0.3, half * 0.3), (half * 0.8, half * 0.3), (half * 0.8, half * 0.8), (half * 0.3, half * 0.8)],
            {"leisure": "park", "name": "Jardin"})
    step = args.size / 6.0
    n = 0
    for i in range(-2, 3):
        for direction in ("ew", "ns"):
            c = i * step
            if direction == "ew":
                a, b = at(-half, c), at(half, c)
            else:
                a, b = at(c, -half), at(c, half)
            kind = "primary" if i == 0 else "residential"
            w.way([w.node(*a), w.node(*b)],
                  {"highway": kind, "name": STREETS[n % len(STREETS)]})
            n += 1
    # Blocks of buildings between the streets.
    for i in range(-2, 2):
        for j in range(-2, 2):
            x, y = i * step + step * 0.2, j * step + step * 0.2
            if x < -half * 0.2 and y < -half * 0.4:
                continue  # the water
            polygon([(x, y), (x + step * 0.6, y), (x + step * 0.6, y + step * 0.6), (x, y + step * 0.6)],
                    {"building": "yes"})
    out = open(args.out, "w", encoding="utf-8")
    w.out = out
    w.write()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
