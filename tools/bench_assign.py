#!/usr/bin/env python3
"""Benchmark `wangge assign` against Shapely 2 and GeoPandas on the same seeded points.

    python3 -m venv tools/.venv && tools/.venv/bin/pip install shapely geopandas pyproj
    swift build -c release --product wangge && .build/release/wangge partition
    tools/.venv/bin/python tools/bench_assign.py [--sizes 1000000 10000000] [--gpd-sizes 1000000]

Points: uniform over the grids' bounding box (seeded numpy), 7 decimals, CSV id,lon,lat; written
once to out/bench/ (git-ignored) and reused.

Timed:
  * wangge: the whole command under /usr/bin/time -v (start-up, grid index build, reading and
    parsing the CSV, writing a CSV with grid code/name/village/township for every row): wall
    time and peak RSS.
  * Shapely 2, two methods, the faster one is the reference figure: (a) STRtree over the grids,
    tree.query(points, predicate="covered_by") (creating the point geometries is included);
    (b) each grid prepared, an envelope filter on the coordinate arrays, then
    shapely.intersects_xy (== covers for a point). Reading the CSV is NOT included (printed apart).
  * GeoPandas sjoin(points, grids, predicate="within"), points_from_xy included, CSV read not.
Checks: for every point, wangge's grid equals the single grid whose Shapely `covers` is true
(or no grid, status outside); points covered by ≥ 2 grids (on a shared edge) must get the lowest
code with status edge. A sample of outside points is checked against Shapely distances in the
same metric CRS (nearest grid, distance within 0.051 m: 0.1 m output rounding + < 1 mm lattice).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import shapely
import geopandas as gpd
from pyproj import Transformer

SHAWAN_TM = "+proj=tmerc +lat_0=0 +lon_0=103.6 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"


def generate(path, n, bbox, seed):
    if os.path.exists(path):
        return
    rng = np.random.default_rng(seed)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("id,lon,lat\n")
        step = 1_000_000
        for s in range(0, n, step):
            m = min(step, n - s)
            x = rng.uniform(bbox[0], bbox[2], m)
            y = rng.uniform(bbox[1], bbox[3], m)
            ids = np.arange(s, s + m)
            lines = "\n".join(f"{i},{a:.7f},{b:.7f}" for i, a, b in zip(ids.tolist(), x.tolist(), y.tolist()))
            f.write(lines + "\n")
    os.replace(tmp, path)


def run_wangge(binary, grids, src, dst):
    cmd = ["/usr/bin/time", "-v", binary, "assign", "--grids", grids, "--in", src, "--out", dst, "--quiet"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(p.stderr)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    summary = [l for l in p.stderr.splitlines() if l.startswith("wangge assign:")]
    return wall, rss_kb / 1024, summary[-1] if summary else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--gpd-sizes", type=int, nargs="*", default=[1_000_000], help="sizes GeoPandas runs on")
    ap.add_argument("--grids", default="out/grids.geojson")
    ap.add_argument("--binary", default=".build/release/wangge")
    ap.add_argument("--workdir", default="out/bench")
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--nearest-sample", type=int, default=2000)
    ap.add_argument("--lib-bench", default=".build/release/assign-bench", help="swift build -c release --product assign-bench")
    ap.add_argument("--repeat", type=int, default=3, help="runs of the fastest Shapely method (best is kept)")
    ap.add_argument("--e2e-sizes", type=int, nargs="*", default=[1_000_000], help="sizes for the Shapely CSV→CSV pipeline")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)

    grids = gpd.read_file(args.grids)
    grids = grids.sort_values("code").reset_index(drop=True)
    codes = grids["code"].to_numpy()
    polys = grids.geometry.values
    bbox = shapely.total_bounds(polys)
    print(f"grids: {len(grids)} from {args.grids}; bbox {bbox.round(4).tolist()}")
    print(f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), geopandas {gpd.__version__}")

    rows = []
    for n in args.sizes:
        src = os.path.join(args.workdir, f"points_{n}_{args.seed}.csv")
        t0 = time.perf_counter(); generate(src, n, bbox, args.seed + n); tg = time.perf_counter() - t0
        dst = os.path.join(args.workdir, f"assigned_{n}.csv")
        print(f"\n== {n:,} points ({src}, {os.path.getsize(src) / 1e6:.0f} MB{'' if tg < 0.5 else f', generated in {tg:.1f} s'})")

        wall, rss, summary = run_wangge(args.binary, args.grids, src, dst)
        print(f"wangge assign        {wall:8.2f} s  {n / wall:12,.0f} pts/s  peak RSS {rss:.0f} MB  (CSV in → CSV out, end to end)")
        print(f"  {summary}")
        lib_rate = None
        if os.path.exists(args.lib_bench):
            p = subprocess.run([args.lib_bench, args.grids, src], capture_output=True, text=True)
            for l in p.stdout.splitlines():
                print("  assign-bench: " + l)
                m = re.match(r"locate: \d+ points in ([0-9.]+) s", l)  # best of 5
                if m:
                    lib_rate = n / float(m.group(1))

        t0 = time.perf_counter()
        df = pd.read_csv(src, usecols=["lon", "lat"], dtype={"lon": "float64", "lat": "float64"})
        t_read = time.perf_counter() - t0
        x = df["lon"].to_numpy(); y = df["lat"].to_numpy()
        del df
        print(f"(pandas read_csv of the same file: {t_read:.2f} s — not counted below)")

        # Shapely (a): STRtree.query with a predicate.
        t0 = time.perf_counter()
        pts = shapely.points(x, y)
        tree = shapely.STRtree(polys)
        pairs = tree.query(pts, predicate="covered_by")
        t_tree = time.perf_counter() - t0
        del pts
        print(f"shapely STRtree.query(covered_by) {t_tree:8.2f} s  {n / t_tree:12,.0f} pts/s")

        # Shapely (b): prepared polygon per grid + envelope filter on the coordinate arrays.
        # Best of --repeat runs (wangge's locate figure is best of 5), each preparing afresh.
        t_prep = float("inf")
        for _ in range(args.repeat):
            fresh = shapely.from_wkb(shapely.to_wkb(polys))
            t0 = time.perf_counter()
            owner_b = np.full(n, -1, dtype=np.int64)
            for i, poly in enumerate(fresh):
                shapely.prepare(poly)
                x0, y0, x1, y1 = poly.bounds
                idx = np.nonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))[0]
                hit = shapely.intersects_xy(poly, x[idx], y[idx])
                sel = idx[hit]
                first = owner_b[sel] < 0
                owner_b[sel[first]] = i
            t_prep = min(t_prep, time.perf_counter() - t0)
        print(f"shapely prepared + envelope + intersects_xy (best of {args.repeat}) {t_prep:8.2f} s  {n / t_prep:12,.0f} pts/s")
        t_shapely = min(t_tree, t_prep)
        best = "STRtree.query" if t_tree <= t_prep else "prepared+envelope"

        t_e2e = None
        if n in args.e2e_sizes:
            # The same job as the CLI with Shapely: read the CSV, locate (fastest method), write a CSV.
            t0 = time.perf_counter()
            df = pd.read_csv(src)
            xx = df["lon"].to_numpy(); yy = df["lat"].to_numpy()
            own = np.full(n, -1, dtype=np.int64)
            for i, poly in enumerate(polys):
                x0, y0, x1, y1 = poly.bounds
                idx = np.nonzero((xx >= x0) & (xx <= x1) & (yy >= y0) & (yy <= y1))[0]
                sel = idx[shapely.intersects_xy(poly, xx[idx], yy[idx])]
                own[sel[own[sel] < 0]] = i
            g = grids.iloc[np.where(own >= 0, own, 0)]
            for col, src_col in (("grid_code", "code"), ("grid_name", "name"), ("village", "village"), ("township", "township")):
                df[col] = np.where(own >= 0, g[src_col].to_numpy(), "")
            df["status"] = np.where(own >= 0, "inside", "outside")
            df.to_csv(os.path.join(args.workdir, f"shapely_{n}.csv"), index=False)
            t_e2e = time.perf_counter() - t0
            del df, g, own
            print(f"shapely CSV→CSV (read_csv, prepared+envelope, to_csv; no nearest grid) {t_e2e:8.2f} s  {n / t_e2e:12,.0f} pts/s")

        # Reference: the grids that cover each point.
        cover_count = np.bincount(pairs[0], minlength=n)
        order = np.lexsort((pairs[1], pairs[0]))
        p0, p1 = pairs[0][order], pairs[1][order]
        first_idx = np.full(n, -1, dtype=np.int64)
        uniq, pos = np.unique(p0, return_index=True)
        first_idx[uniq] = p1[pos]  # lowest code among covering grids (grids sorted by code)
        del pairs, order, p0, p1

        # GeoPandas sjoin.
        t_gpd = None
        if n in args.gpd_sizes:
            t0 = time.perf_counter()
            gp = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=grids.crs)
            joined = gpd.sjoin(gp, grids[["code", "geometry"]], how="left", predicate="within")
            t_gpd = time.perf_counter() - t0
            del gp, joined
            print(f"geopandas sjoin(within)     {t_gpd:8.2f} s  {n / t_gpd:12,.0f} pts/s")
        else:
            print("geopandas sjoin: not run at this size (--gpd-sizes)")

        # Compare with wangge's output.
        out = pd.read_csv(dst, usecols=["grid_code", "status", "nearest_grid", "distance_m"], dtype={"grid_code": "string", "nearest_grid": "string", "status": "string"})
        assert len(out) == n, (len(out), n)
        code_index = {c: i for i, c in enumerate(codes)}
        ours = out["grid_code"].map(lambda c: code_index.get(c, -1) if isinstance(c, str) else -1).to_numpy(dtype=np.int64)
        status = out["status"].to_numpy()
        single = cover_count <= 1
        mism_single = int(np.count_nonzero(single & (ours != first_idx)))
        multi = cover_count >= 2
        mism_multi = int(np.count_nonzero(multi & ((ours != first_idx) | (status != "edge"))))
        mism_b = int(np.count_nonzero(single & (owner_b != first_idx)))
        print(f"check vs shapely covers: {int(np.count_nonzero(single)):,} points in ≤1 grid, {mism_single} differ; "
              f"{int(np.count_nonzero(multi))} on shared edges, {mism_multi} not given the lowest code; "
              f"(method b vs a: {mism_b} differ); wangge status edge: {int(np.count_nonzero(status == 'edge'))}")

        # Nearest grid for a sample of outside points, in the same metric CRS.
        outside = np.nonzero(cover_count == 0)[0]
        if len(outside) and args.nearest_sample:
            rng = np.random.default_rng(1)
            sample = rng.choice(outside, size=min(args.nearest_sample, len(outside)), replace=False)
            tr = Transformer.from_crs("EPSG:4326", SHAWAN_TM, always_xy=True)
            mx, my = tr.transform(x[sample], y[sample])
            mgrids = grids.to_crs(SHAWAN_TM).geometry.values
            mpts = shapely.points(mx, my)
            d = np.stack([shapely.distance(g, mpts) for g in mgrids])  # grids × sample
            ref_d = d.min(axis=0)
            ref_g = d.argmin(axis=0)
            our_g = out["nearest_grid"].to_numpy()[sample]
            our_d = out["distance_m"].to_numpy()[sample]
            # Output is rounded to 0.1 m (±0.05) and projected through a lattice (< 1 mm): allow 0.051 m.
            bad_d = int(np.count_nonzero(np.abs(our_d - ref_d) > 0.051))
            # The nearest grid may tie (a vertex shared by two grids): accept any grid at the same distance.
            bad_g = sum(1 for k in range(len(sample)) if abs(d[code_index[our_g[k]], k] - ref_d[k]) > 0.002)
            print(f"nearest grid, {len(sample)} outside points vs shapely distance (the district metric CRS): {bad_g} wrong grid, {bad_d} distance off by > 0.051 m (max |Δ| {np.abs(our_d - ref_d).max():.3f} m)")
        del out

        rows.append((n, wall, rss, t_shapely, best, t_gpd, t_read, lib_rate, t_e2e))

    print("\n== summary (points/s)")
    print("same job, coordinates already in memory: wangge GridIndex.locate (assign-bench) vs shapely / geopandas query")
    for n, wall, rss, t_s, best, t_g, t_read, lib_rate, t_e2e in rows:
        if lib_rate:
            line = f"{n:>11,}  wangge locate {lib_rate:12,.0f}  shapely[{best}] {n / t_s:11,.0f}  ×{lib_rate * t_s / n:5.1f}"
            if t_g:
                line += f"  geopandas sjoin {n / t_g:10,.0f}  ×{lib_rate * t_g / n:5.1f}"
            print(line)
    print("end to end: `wangge assign` CSV→CSV (incl. start-up, nearest grid for outside points, output) vs the query-only figures above")
    for n, wall, rss, t_s, best, t_g, t_read, lib_rate, t_e2e in rows:
        line = f"{n:>11,}  wangge {n / wall:12,.0f} (peak RSS {rss:.0f} MB)  vs shapely query ×{t_s / wall:4.1f}"
        if t_g:
            line += f"  vs geopandas sjoin ×{t_g / wall:4.1f}"
        if t_e2e:
            line += f"  vs shapely CSV→CSV ×{t_e2e / wall:4.1f}"
        print(line)


if __name__ == "__main__":
    main()
