#!/usr/bin/env python3
"""Builds the intake evaluation fixtures from the hand-written sources in this directory.

    python tools/intake_eval/build_intake_eval.py [--jionlp PATH/china_location.zip]

Sources: main/<category>.txt and holdout/<category>.txt, one address a line:

    input | truth | note

The input is written by hand; the truth key names the expected place, and this script
resolves it to codes from the raw bundled data only (boundaries/source/divisions.tsv,
boundaries/villages.geojson, boundaries/addresses/*.csv, boundaries/landmarks.geojson,
boundaries/areas.geojson with shapely for the area -> village test) and refuses a key that
does not hold in that data. It never reads the gazetteer or the matcher.

Truth keys:
    V T V                 matched: village V of township T
    G T V N [H]           matched: group N (and house H) of village V; the group/house must exist
    H T S N               matched: the village of house number N on street S in township T (addresses CSV;
                          refused when that number names houses in two villages)
    HN S N                matched: as H without a township: N on S must be in one village district-wide
    S T S                 matched: street S of township T, all of whose houses lie in one village
    SN S                  matched: street S, all of whose houses (any township) lie in one village
    HW T S N TYPED        matched: as H, typed with a wrong generic (TYPED, e.g. 街 for 巷): TYPED must not
                          exist in T and S must be the only street of T with its stem
    SW T S TYPED          the same for a street without a number
    L NAME [NAME2]        matched: the village containing the landmark / area NAME (areas by geometry);
                          with NAME2 both must lie in the same village
    A T/V T/V ...         ambiguous between these villages
    AS S [T]              ambiguous: every village with houses on street S (in township T if given)
    AH T S N              ambiguous: the villages whose houses carry number N on street S in T
    AHN S N               ambiguous: as AH without a township (number N on S in several villages)
    O DIV [TOWN [VIL]]    outside: county-level division DIV (or a city); TOWN/VIL checked in jionlp.
                          expected_township is the county for Leshan's other counties (乐山市 holds
                          沙湾区 too), city + county elsewhere (眉山市东坡区), or the city alone
"""
import argparse
import csv
import glob
import io
import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
B = os.path.join(ROOT, "boundaries")
ERRORS = []
CATEGORIES = ["full", "bare", "typo", "landmark", "street", "conflict", "ambiguous", "outside", "mixed"]
HEADER = ["id", "category", "input", "expected_status", "expected_township", "expected_village",
          "expected_village_code", "expected_candidates", "note"]


def load():
    d = {}
    div = list(csv.DictReader(open(os.path.join(B, "source", "divisions.tsv"), encoding="utf-8"), delimiter="\t"))
    vil = json.load(open(os.path.join(B, "villages.geojson"), encoding="utf-8"))["features"]
    d["code"] = {}
    d["by_code"] = {}
    for f in vil:
        p = f["properties"]
        d["code"][(p["township"], p["name"])] = p["code"]
        d["by_code"][p["code"]] = (p["township"], p["name"])
    real = {(r["township"], r["village"]) for r in div}
    assert real == set(d["code"]), "divisions.tsv and villages.geojson disagree"
    rows = []
    for fn in sorted(glob.glob(os.path.join(B, "addresses", "*.csv"))):
        rows += list(csv.DictReader(open(fn, encoding="utf-8")))
    d["groups"] = {}
    d["houses"] = {}
    d["streets"] = {}
    for r in rows:
        if r["kind"] == "group":
            d["groups"].setdefault((r["village_code"], int(r["group"])), set()).add(int(r["number"]))
        else:
            d["houses"].setdefault((r["township"], r["street"], int(r["number"])), set()).add(r["village_code"])
            d["streets"].setdefault(r["street"], set()).add((r["township"], r["village_code"]))
    d["geo_streets"] = {}
    for f in json.load(open(os.path.join(B, "streets.geojson"), encoding="utf-8"))["features"]:
        d["geo_streets"].setdefault(f["properties"]["town"], set()).add(f["properties"]["name"])
    lm = json.load(open(os.path.join(B, "landmarks.geojson"), encoding="utf-8"))["features"]
    d["landmarks"] = {}
    for f in lm:
        d["landmarks"].setdefault(f["properties"]["name"], set()).add(f["properties"]["village_code"])
    # areas: the village is found by geometry (largest overlap), not taken from the properties
    from shapely.geometry import shape
    polys = [(f["properties"]["code"], shape(f["geometry"])) for f in vil]
    for f in json.load(open(os.path.join(B, "areas.geojson"), encoding="utf-8"))["features"]:
        g = shape(f["geometry"])
        best = max(polys, key=lambda cp: g.intersection(cp[1]).area if g.intersects(cp[1]) else 0.0)
        share = g.intersection(best[1]).area / g.area
        assert share > 0.99, (f["properties"]["name"], share)
        name = f["properties"]["name"]
        parent = f["properties"].get("parent")
        key = name if parent is None else parent + name
        d["landmarks"].setdefault(key, set()).add(best[0])
        if parent is None or name not in ("游客中心", "观景台", "森林步道", "游客服务区", "园区管委会"):
            d["landmarks"].setdefault(name, set()).add(best[0])
    return d


def load_jionlp(path):
    if not path or not os.path.exists(path):
        return None
    with zipfile.ZipFile(path) as z:
        text = z.read(z.namelist()[0]).decode("utf-8")
    tree = {}
    city = county = town = None
    for line in io.StringIO(text):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        name = line.strip().split("\t")[0]
        if depth == 1:
            city = name
            tree.setdefault(city, {})
        elif depth == 2:
            county = name
            tree[city].setdefault(county, {})
        elif depth == 3:
            town = name
            tree[city][county].setdefault(town, set())
        elif depth == 4:
            tree[city][county][town].add(name)
    return tree


def resolve(d, jio, key, where):
    t = key.split()
    k = t[0]

    def code(tw, v):
        c = d["code"].get((tw, v))
        if not c:
            raise ValueError(f"{where}: no village {tw} {v}")
        return c

    if k == "V":
        return "matched", code(t[1], t[2]), []
    if k == "G":
        c = code(t[1], t[2])
        g = int(t[3])
        if (c, g) not in d["groups"]:
            raise ValueError(f"{where}: {t[2]} has no group {g}")
        if len(t) > 4 and int(t[4]) not in d["groups"][(c, g)]:
            raise ValueError(f"{where}: {t[2]} {g}组 has no house {t[4]}")
        return "matched", c, []
    if k == "H":
        cs = d["houses"].get((t[1], t[2], int(t[3])))
        if not cs:
            raise ValueError(f"{where}: no house {t[1]} {t[2]} {t[3]}")
        if len(cs) > 1:
            raise ValueError(f"{where}: house {t[1]} {t[2]} {t[3]} is in {sorted(cs)}")
        return "matched", next(iter(cs)), []
    if k == "HN":
        cs = set()
        for (tw, st, n), c in d["houses"].items():
            if st == t[1] and n == int(t[2]):
                cs |= c
        if len(cs) != 1:
            raise ValueError(f"{where}: {t[1]} {t[2]} without township is in {sorted(cs)}")
        return "matched", next(iter(cs)), []
    if k == "S":
        cs = {c for tw, c in d["streets"].get(t[2], ()) if tw == t[1]}
        if len(cs) != 1:
            raise ValueError(f"{where}: street {t[1]} {t[2]} is in {sorted(cs)}")
        return "matched", next(iter(cs)), []
    if k == "SN":
        cs = {c for tw, c in d["streets"].get(t[1], ())}
        if len(cs) != 1:
            raise ValueError(f"{where}: street {t[1]} (any township) is in {sorted(cs)}")
        return "matched", next(iter(cs)), []
    if k in ("HW", "SW"):
        # wrong generic: t[-1] is what was typed; the true street must be the only one with its stem
        tw, real, typed = t[1], t[2], t[-1]
        names = {st for st, v in d["streets"].items() if any(x == tw for x, _ in v)} | d["geo_streets"].get(tw, set())
        if typed in names:
            raise ValueError(f"{where}: {typed} exists in {tw}")
        same = [st for st in names if st[:-1] == real[:-1]]
        if same != [real]:
            raise ValueError(f"{where}: stem of {real} is shared in {tw}: {same}")
        if k == "HW":
            return resolve(d, jio, f"H {tw} {real} {t[3]}", where)
        return resolve(d, jio, f"S {tw} {real}", where)
    if k == "L":
        cs = set()
        for name in t[1:]:
            c = d["landmarks"].get(name)
            if not c:
                raise ValueError(f"{where}: no landmark/area {name}")
            cs |= c
        if len(cs) != 1:
            raise ValueError(f"{where}: landmark(s) {t[1:]} lie in {sorted(cs)}")
        return "matched", next(iter(cs)), []
    if k == "A":
        cs = sorted(code(*x.split("/")) for x in t[1:])
        assert len(cs) >= 2, where
        return "ambiguous", "", cs
    if k == "AS":
        cs = sorted(c for tw, c in d["streets"].get(t[1], ()) if len(t) < 3 or tw == t[2])
        if len(cs) < 2:
            raise ValueError(f"{where}: street {t[1:]} is not ambiguous: {cs}")
        return "ambiguous", "", cs
    if k == "AH":
        cs = sorted(d["houses"].get((t[1], t[2], int(t[3])), ()))
        if len(cs) < 2:
            raise ValueError(f"{where}: house {t[1:]} is not ambiguous: {cs}")
        return "ambiguous", "", cs
    if k == "AHN":
        cs = set()
        for (tw, st, n), c in d["houses"].items():
            if st == t[1] and n == int(t[2]):
                cs |= c
        if len(cs) < 2:
            raise ValueError(f"{where}: {t[1]} {t[2]} without township is not ambiguous: {sorted(cs)}")
        return "ambiguous", "", sorted(cs)
    if k == "O":
        if jio is not None and len(t) > 2:
            # a county name may exist in several cities (市中区): the one holding the town
            cities = [cy for cy, counties in jio.items() for cn, towns in counties.items()
                      if cn == t[1] and t[2] in towns and (len(t) < 4 or t[3] in towns[t[2]])]
            if len(cities) != 1:
                raise ValueError(f"{where}: jionlp has {len(cities)} places {' '.join(t[2:])} in {t[1]}")
            # Leshan's own counties are named alone (乐山市 also holds 沙湾区); elsewhere city + county
            return "outside", t[1] if cities[0] == "乐山市" else cities[0] + t[1], []
        elif jio is not None:
            known = set(jio) | {cn for city in jio.values() for cn in city}
            if t[1] not in known:
                raise ValueError(f"{where}: jionlp has no division {t[1]}")
        return "outside", t[1], []
    raise ValueError(f"{where}: unknown truth key {key!r}")


def check_consistency(d, cat, inp, status, vcode, where):
    """Hand-writing slips: a matched row that names a Shawan township other than its truth's."""
    if status != "matched" or cat in ("typo",):
        return
    tw = d["by_code"][vcode][0]
    named = [x for x in {t for t, _ in d["code"]} if x in inp]
    if named and tw not in named:
        raise ValueError(f"{where}: input names {named} but the truth is in {tw}")


def sources(part, cat):
    """The hand-written file, then the templated one (tools/intake_eval/templates.py), if present."""
    for fn in (os.path.join(HERE, part, cat + ".txt"), os.path.join(HERE, part, "generated", cat + ".txt")):
        if os.path.exists(fn):
            yield fn


def build(d, jio, part, prefix):
    out = []
    seen = set()
    for cat in CATEGORIES:
        for fn in sources(part, cat):
            for n, line in enumerate(open(fn, encoding="utf-8"), 1):
                row = read_line(d, jio, cat, fn, n, line.rstrip("\n"), seen)
                if row:
                    out.append(row)
    return [[f"{prefix}{i:04d}"] + r for i, r in enumerate(out, 1)]


def read_line(d, jio, cat, fn, n, line, seen):
    if not line.strip() or line.startswith("#"):
        return None
    where = f"{os.path.relpath(fn, HERE)}:{n}"
    parts = line.split(" | ")
    if len(parts) != 3:
        ERRORS.append(f"{where}: want 'input | truth | note', got {line!r}")
        return None
    inp = parts[0]  # kept exactly as typed: stray spaces are part of the test
    key, note = parts[1].strip(), parts[2].strip()
    if "\t" in line:
        ERRORS.append(f"{where}: tab in line")
        return None
    if inp in seen:
        ERRORS.append(f"{where}: duplicate input {inp!r}")
        return None
    seen.add(inp)
    try:
        status, what, cands = resolve(d, jio, key, where)
        if status == "matched":
            check_consistency(d, cat, inp, status, what, where)
    except (ValueError, KeyError, IndexError) as e:
        ERRORS.append(str(e))
        return None
    if status == "matched":
        tw, vn = d["by_code"][what]
        return [cat, inp, status, tw, vn, what, "", note]
    if status == "ambiguous":
        return [cat, inp, status, "", "", "", ";".join(cands), note]
    return [cat, inp, status, what, "", "", "", note]


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(HEADER) + "\n")
        for r in rows:
            assert all("\t" not in x and "\n" not in x for x in r), r
            f.write("\t".join(r) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jionlp", default=os.path.join(ROOT, "tools", ".venv", "lib", "python3.11", "site-packages",
                                                     "jionlp", "dictionary", "china_location.zip"))
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "Tests", "WanggeGazetteerTests", "Fixtures"))
    a = ap.parse_args()
    d = load()
    jio = load_jionlp(a.jionlp)
    if jio is None:
        print(f"note: {a.jionlp} not found; outside rows are not checked against jionlp", file=sys.stderr)
    main_rows = build(d, jio, "main", "E")
    hold_rows = build(d, jio, "holdout", "H")
    if ERRORS:
        raise SystemExit("\n".join(ERRORS) + f"\n{len(ERRORS)} error(s)")
    overlap = {r[2] for r in main_rows} & {r[2] for r in hold_rows}
    if overlap:
        raise SystemExit(f"inputs in both files: {sorted(overlap)[:10]}")
    os.makedirs(a.out_dir, exist_ok=True)
    write(os.path.join(a.out_dir, "intake-eval.tsv"), main_rows)
    write(os.path.join(a.out_dir, "intake-eval-holdout.tsv"), hold_rows)
    for name, rows in (("intake-eval.tsv", main_rows), ("intake-eval-holdout.tsv", hold_rows)):
        counts = {}
        for r in rows:
            counts[r[1]] = counts.get(r[1], 0) + 1
        print(name, len(rows), " ".join(f"{c}={counts.get(c, 0)}" for c in CATEGORIES))


if __name__ == "__main__":
    main()
