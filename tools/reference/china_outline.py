#!/usr/bin/env python3
"""Generates Sources/WanggeCRS/ChinaOutline.swift: the outline of mainland China inside which
GCJ-02 / BD-09 offsets apply (ChineseOffsets.swift returns every other point unchanged).

Source and licence
    Natural Earth 1:50m "Admin 0 - Countries" (public domain, naturalearthdata.com), read from
    Debian's package r-cran-rnaturalearthdata (0.1.0-2 in bookworm; packaging CC0), object
    `countries50`. In that layer China (adm0_a3 CHN) already excludes Hong Kong (HKG), Macao (MAC)
    and Taiwan (TWN), and includes Hainan. Nothing is copied from another project's polygon; the
    only hand-made parts are the small cut-outs below, drawn for this file.

What the script does
    1. Reads the lazy-load database of the Debian package without R (the `rdata` parser from
       PyPI; the records are raw LZMA2 streams) and builds the CHN and TWN polygons with Shapely.
    2. Projects to an Albers equal-area conic over China (lat 25/47 N, lon_0 105 E; scale error
       within about +-3 % inside China) and buffers CHN outward by BUFFER_KM + SIMPLIFY_KM, then
       simplifies (Douglas-Peucker, topology kept) with SIMPLIFY_KM. Simplification moves the edge
       by at most SIMPLIFY_KM, so every point within about BUFFER_KM (5 km) of Natural Earth's
       China stays inside the outline; the edge lies at most ~BUFFER_KM + 2*SIMPLIFY_KM (15 km)
       outside it. That covers the 1:50m data's border error (a few km) so that border towns
       (Ruili, Dongxing, Erenhot, Manzhouli, Hekou, Heihe, ...) stay inside. The price: a band up
       to ~15 km wide on the far side of every border and coast counts as China too (e.g. Mong
       Cai across the river from Dongxing, Blagoveshchensk across from Heihe).
    3. Cuts out Taiwan's territory near the coast (Natural Earth's TWN polygons, which include
       Kinmen, plus small boxes for Lieyu and the Matsu islands) and hand-drawn polygons for Hong
       Kong and Macao (Natural Earth's 1:50m HKG/MAC shapes are too coarse: MAC misses Taipa and
       Coloane, HKG's northern edge cuts into Shenzhen). HONG_KONG follows the 1898 convention
       box (22 09'-22 37'N, 113 52'-114 30'E, west edge moved to 113.83 E for Lantau) with the
       Shenzhen River and a line through Deep Bay and Mirs Bay as its northern edge; MACAO covers
       the peninsula, Taipa, Cotai and Coloane, not Hengqin. Both are good to roughly 0.5-1 km:
       a point that close to the SAR boundary may fall on either side. Tung Ping Chau (HK), the
       Dadan/Erdan and Wuqiu islets (Kinmen) are left inside.
    4. Rounds to 3 decimals (about 100 m), orients rings, sorts them (largest first) and writes
       the Swift file. Same inputs and library versions give the same bytes.

Regenerate (tools only; nothing here is a runtime dependency of the package):
    python3 -m venv /tmp/ne && /tmp/ne/bin/pip install "shapely==2.2.0" "pyproj==3.7.2" "rdata==1.1.0" pyproj rdata numpy
    /tmp/ne/bin/python tools/reference/china_outline.py            # fetches the .deb with apt-get download
    /tmp/ne/bin/python tools/reference/china_outline.py --data DIR  # or: an extracted .../rnaturalearthdata/data
"""
import argparse
import glob
import gzip
import lzma
import os
import subprocess
import sys
import tempfile

import numpy as np
import warnings

import rdata
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

warnings.filterwarnings("ignore", message="Unknown file type")  # rdata on a bare serialization
from shapely.ops import unary_union

BUFFER_KM = 5.0      # guaranteed margin beyond Natural Earth's border / coast
SIMPLIFY_KM = 5.0    # Douglas-Peucker tolerance (also added to the buffer first)
DECIMALS = 3
ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"

# Hand-drawn cut-outs (lon, lat), WGS-84. See the module docstring for what they cover.
HONG_KONG = [
    (113.830, 22.150), (113.830, 22.280), (113.870, 22.360), (113.880, 22.410), (113.890, 22.430),
    (113.960, 22.480), (114.030, 22.507),                        # Deep Bay to the Shenzhen River mouth
    (114.070, 22.511), (114.090, 22.518), (114.113, 22.528),     # Lok Ma Chau, Lo Wu
    (114.130, 22.538), (114.150, 22.546), (114.170, 22.553),     # Man Kam To, Heung Yuen Wai
    (114.200, 22.553), (114.222, 22.543), (114.240, 22.543),     # Sha Tau Kok
    (114.300, 22.520), (114.400, 22.480), (114.450, 22.400),     # Mirs Bay
    (114.500, 22.350), (114.500, 22.150),
]
MACAO = [
    (113.533, 22.2165), (113.553, 22.2165), (113.565, 22.205), (113.600, 22.170),
    (113.600, 22.105), (113.551, 22.105), (113.551, 22.140), (113.537, 22.160),
    (113.529, 22.185), (113.531, 22.200),
]
TAIWAN_BOXES = [
    (118.215, 24.400, 118.270, 24.460),   # Lieyu (Little Kinmen)
    (119.905, 26.135, 120.040, 26.255),   # Matsu: Nangan, Beigan
    (119.940, 25.940, 120.010, 25.990),   # Matsu: Dongju, Xiju
    (120.460, 26.340, 120.530, 26.390),   # Matsu: Dongyin
]


def rne_data_dir(given):
    if given:
        return given
    installed = "/usr/lib/R/site-library/rnaturalearthdata/data"
    if os.path.isdir(installed):
        return installed
    tmp = tempfile.mkdtemp(prefix="rne-")
    subprocess.run(["apt-get", "download", "r-cran-rnaturalearthdata"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deb = glob.glob(os.path.join(tmp, "*.deb"))[0]
    subprocess.run(["dpkg-deb", "-x", deb, os.path.join(tmp, "x")], check=True)
    return os.path.join(tmp, "x/usr/lib/R/site-library/rnaturalearthdata/data")


# --- reading R's lazy-load database (Rdata.rdx index + Rdata.rdb records) without R -----------
def _deref(o):
    while o is not None and o.info.type == rdata.parser.RObjectType.REF:
        o = o.referenced_object
    return o


def _attrs(o):
    out, a = {}, o.attributes
    while a is not None and a.info.type == rdata.parser.RObjectType.LIST:
        out[_deref(a.tag).value.value.decode()] = a.value[0]
        a = a.value[1]
    return out


def _strings(o):
    return [None if c.value is None else c.value.decode("latin-1") for c in o.value]


def load_r_object(data_dir, name):
    index = rdata.conversion.convert(rdata.parser.parse_data(
        gzip.decompress(open(os.path.join(data_dir, "Rdata.rdx"), "rb").read())))
    offset, length = (int(v) for v in index["variables"][name])
    with open(os.path.join(data_dir, "Rdata.rdb"), "rb") as f:
        f.seek(offset)
        record = f.read(length)
    if record[4:5] != b"Z":     # 4-byte length, then 'Z' = raw LZMA2 (R's compress = 3)
        raise SystemExit(f"unexpected record compression {record[4:5]!r}")
    raw = lzma.decompress(record[5:], format=lzma.FORMAT_RAW,
                          filters=[{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}])
    return rdata.parser.parse_data(raw).object


def countries(data_dir, codes):
    """{adm0_a3: shapely geometry} for the requested codes of sp object `countries50`."""
    spdf = _attrs(load_r_object(data_dir, "countries50"))
    frame = spdf["data"]
    names = _strings(_attrs(frame)["names"])
    column = frame.value[names.index("adm0_a3")]
    levels = _attrs(column).get("levels")
    a3 = ([_strings(levels)[i - 1] for i in column.value] if levels is not None
          else _strings(column))
    out = {}
    for code, polygons in zip(a3, spdf["polygons"].value):
        if code not in codes:
            continue
        shells, holes = [], []
        for ring in _attrs(polygons)["Polygons"].value:
            ra = _attrs(ring)
            c = np.asarray(ra["coords"].value)          # n x 2 matrix, column-major
            n = len(c) // 2
            (holes if bool(ra["hole"].value[0]) else shells).append(
                Polygon(np.column_stack([c[:n], c[n:]])).buffer(0))
        out[code] = unary_union(shells).difference(unary_union(holes)) if holes else unary_union(shells)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", help="rnaturalearthdata's data/ folder (Rdata.rdb, Rdata.rdx)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../Sources/WanggeCRS/ChinaOutline.swift"))
    args = ap.parse_args()

    geo = countries(rne_data_dir(args.data), {"CHN", "TWN"})
    fwd = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True).transform
    inv = Transformer.from_crs(ALBERS, "EPSG:4326", always_xy=True).transform

    def transform(f, g):
        return shapely.transform(g, lambda a: np.column_stack(f(a[:, 0], a[:, 1])))

    china_m = transform(fwd, geo["CHN"])
    grown = china_m.buffer((BUFFER_KM + SIMPLIFY_KM) * 1000, quad_segs=4)
    simple = grown.simplify(SIMPLIFY_KM * 1000, preserve_topology=True)
    # Holes left by buffering or simplifying (enclosed bays, slivers) are China too: keep shells.
    simple = unary_union([Polygon(p.exterior) for p in getattr(simple, "geoms", [simple])])
    outline = transform(inv, simple)

    cuts = unary_union([geo["TWN"], Polygon(HONG_KONG), Polygon(MACAO)]
                       + [box(*b) for b in TAIWAN_BOXES])
    outline = outline.difference(cuts)

    # Checks: every Natural Earth China point is inside; the minimum margin is reported.
    margin_ok = transform(fwd, outline).contains(china_m.buffer(BUFFER_KM * 1000 * 0.9).difference(transform(fwd, cuts.buffer(0.05))))
    polys = sorted(getattr(outline, "geoms", [outline]), key=lambda p: -p.area)
    rings = []
    for p in polys:
        p = orient(p, 1.0)
        rings.append(p.exterior.coords)
        rings.extend(i.coords for i in p.interiors)
    out_rings = []
    for r in rings:
        pts = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in r]
        dedup = [pts[0]]
        for q in pts[1:]:
            if q != dedup[-1]:
                dedup.append(q)
        if dedup[0] == dedup[-1]:
            dedup.pop()                     # the Swift side closes rings itself
        out_rings.append(dedup)
    vertices = sum(len(r) for r in out_rings)
    print(f"{len(out_rings)} rings, {vertices} vertices, margin check {'ok' if margin_ok else 'FAILED'}",
          file=sys.stderr)
    if not margin_ok:
        raise SystemExit("outline does not contain China buffered by 0.9 * BUFFER_KM")

    def fmt(v):
        return f"{v:.{DECIMALS}f}"

    xs = [x for r in out_rings for x, _ in r]
    ys = [y for r in out_rings for _, y in r]
    lines = [
        "// Generated by tools/reference/china_outline.py; do not edit. Regenerate with that script",
        "// (its header says how).",
        "//",
        "// Mainland China (with Hainan; without Hong Kong, Macao and Taiwan) from Natural Earth 1:50m",
        "// Admin 0 - Countries (public domain), as shipped in Debian's r-cran-rnaturalearthdata.",
        f"// Buffered outward by {BUFFER_KM:g} km + {SIMPLIFY_KM:g} km, simplified with {SIMPLIFY_KM:g} km tolerance:",
        f"// points within ~{BUFFER_KM:g} km of the Natural Earth border or coast are inside, and the edge",
        f"// lies at most ~{BUFFER_KM + 2 * SIMPLIFY_KM:g} km beyond it. Hong Kong, Macao, Kinmen and Matsu are cut out.",
        f"// {len(out_rings)} rings, {vertices} vertices; even-odd rule over all rings.",
        "",
        "enum ChinaOutline {",
        "    /// Bounding box of all rings: minX, minY, maxX, maxY (degrees).",
        f"    static let bounds: [Double] = [{fmt(min(xs))}, {fmt(min(ys))}, {fmt(max(xs))}, {fmt(max(ys))}]",
        "",
        "    /// Rings as flat lon, lat pairs, not closed (the last vertex joins the first).",
        "    static let rings: [[Double]] = [",
    ]
    for r in out_rings:
        lines.append("        [")
        flat = [fmt(v) for q in r for v in q]
        for i in range(0, len(flat), 10):
            lines.append("            " + ", ".join(flat[i:i + 10]) + ",")
        lines.append("        ],")
    lines += ["    ]", "}", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {os.path.normpath(args.out)} ({os.path.getsize(args.out)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
