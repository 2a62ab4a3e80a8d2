#!/usr/bin/env python3
"""A big grid file for memory measurements (docs/RELIABILITY.md, "Memory on big inputs").

    tools/gen_big_grids.py GRIDS.geojson OUT.geojson [--pieces 40] [--points N --points-out P.csv]

Every segment of every ring of GRIDS (a plan from `wangge partition`) is cut into PIECES equal
parts. The new vertices are computed from the segment's endpoints in one canonical order (the
lexicographically smaller endpoint first) and rounded to 9 decimals (0.1 mm: 7, as wangge writes,
moves them far enough off their segment to make a few grids invalid), so the two grids that share
a segment get the very same vertices: the file stays a valid tiling, grid for grid the same areas,
only far more coordinates (the bundled plan's 2.8 MB grids.geojson × 60 pieces ≈ 190 MB).
Properties are kept as they are.

--points N writes N seeded uniform points (id,lon,lat, 7 decimals) over the grids' bounding box,
for `wangge assign --in`.
"""
import argparse
import json
import os
import random


def near_segment(v, a, b, tolerance=1e-7):
    """Whether v lies within `tolerance` (degrees) of segment a–b, away from its ends."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return False
    t = ((v[0] - a[0]) * dx + (v[1] - a[1]) * dy) / length2
    if t <= 0 or t >= 1:
        return False
    px, py = a[0] + t * dx - v[0], a[1] + t * dy - v[1]
    return px * px + py * py <= tolerance * tolerance


def densify(ring, pieces, vertices=()):
    out = []
    for a, b in zip(ring, ring[1:]):
        out.append(a)
        # A vertex of the polygon touching this segment (a hole meeting its shell): rounded new
        # vertices there could cross it, so the segment stays as it is.
        box = (min(a[0], b[0]) - 1e-7, max(a[0], b[0]) + 1e-7, min(a[1], b[1]) - 1e-7, max(a[1], b[1]) + 1e-7)
        if any(box[0] <= v[0] <= box[1] and box[2] <= v[1] <= box[3] and near_segment(v, a, b) for v in vertices):
            continue
        forward = (a[0], a[1]) <= (b[0], b[1])
        p, q = (a, b) if forward else (b, a)
        inner = [[round(p[0] + (q[0] - p[0]) * i / pieces, 9), round(p[1] + (q[1] - p[1]) * i / pieces, 9)]
                 for i in range(1, pieces)]
        out.extend(inner if forward else inner[::-1])
    out.append(ring[-1])
    return out


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise SystemExit(f"gen_big_grids: a {geometry['type']} is not a grid")


def number(v):
    return format(v, ".9f").rstrip("0").rstrip(".")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("grids")
    ap.add_argument("out")
    ap.add_argument("--pieces", type=int, default=60)
    ap.add_argument("--points", type=int, default=0)
    ap.add_argument("--points-out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with open(args.grids, encoding="utf-8") as f:
        plan = json.load(f)
    xs, ys = [], []
    with open(args.out + ".tmp", "w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        for k, feature in enumerate(plan["features"]):
            polys = []
            for poly in polygons(feature["geometry"]):
                vertices = [c for ring in poly for c in ring]
                rings = [densify(ring, args.pieces, vertices) for ring in poly]
                xs.extend(c[0] for c in rings[0]); ys.extend(c[1] for c in rings[0])
                polys.append("[" + ",".join(
                    "[" + ",".join(f"[{number(c[0])},{number(c[1])}]" for c in ring) + "]" for ring in rings) + "]")
            geometry = ('{"type":"MultiPolygon","coordinates":[' + ",".join(polys) + "]}"
                        if feature["geometry"]["type"] == "MultiPolygon"
                        else '{"type":"Polygon","coordinates":' + polys[0] + "}")
            properties = json.dumps(feature.get("properties"), ensure_ascii=False, separators=(",", ":"))
            out.write(('' if k == 0 else ',\n') + '{"type":"Feature","properties":' + properties
                      + ',"geometry":' + geometry + '}')
        out.write("\n]}\n")
    os.replace(args.out + ".tmp", args.out)
    if args.points:
        rng = random.Random(args.seed)
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        with open(args.points_out, "w") as f:
            f.write("id,lon,lat\n")
            for i in range(args.points):
                f.write(f"{i},{rng.uniform(x0, x1):.7f},{rng.uniform(y0, y1):.7f}\n")


if __name__ == "__main__":
    main()
