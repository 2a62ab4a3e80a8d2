#!/usr/bin/env python3
"""Side-by-side: our Regionalizer vs PySAL spopt (SKATER, Region-K-means) vs METIS (pymetis).

    tools/.venv/bin/python tools/compare_partition.py PROBLEM.json --report out/compare

Every method gets the same blocks, adjacency, weights and k per village, from one "partition
problem" file (docs/PARTITION.md). All results are scored by the same code (`score_village`).
Villages with k = 1 are trivial for every method (one region, no solver call) and are left out
of the aggregates and timings.

Timing scope is the same for every method: from the problem's in-memory lists to a label per
node, i.e. building the method's own graph structure plus solving; parsing the problem file and
writing results are excluded.
  * ours:   `partition-bench solve` (release build), Swift ContinuousClock, per village median of
            --repetitions after one warm-up pass (PartitionGraph construction + partition);
  * METIS:  time.perf_counter, per village median of --repetitions after one warm-up call
            (CSR arrays + pymetis.part_graph);
  * spopt:  time.perf_counter, per village median of --spopt-repetitions (default 1; the
            solvers are slow) (libpysal W from the edges + DataFrame + model.solve()).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import deque

TOLERANCE = 0.10
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --------------------------------------------------------------------------- problem


class Village:
    def __init__(self, raw: dict):
        self.code = str(raw["code"])
        self.k = int(raw["k"])
        self.weights = [float(x) for x in raw["weights"]]
        self.n = len(self.weights)
        self.areas = [float(x) for x in raw.get("areas") or [0.0] * self.n]
        self.perimeters = [float(x) for x in raw.get("perimeters") or [0.0] * self.n]
        self.edges = [(int(a), int(b), float(l)) for a, b, l in raw["edges"]]
        self.centroids = raw.get("centroids")
        self.neighbours: list[list[int]] = [[] for _ in range(self.n)]
        seen = set()
        for a, b, _ in self.edges:
            key = (min(a, b), max(a, b))
            if a == b or key in seen:
                continue
            seen.add(key)
            self.neighbours[a].append(b)
            self.neighbours[b].append(a)
        for nb in self.neighbours:
            nb.sort()
        # Deduplicated edge list (a < b) for the perimeter computation.
        lengths = {}
        for a, b, l in self.edges:
            if a != b:
                lengths[(min(a, b), max(a, b))] = l
        self.unique_edges = [(a, b, l) for (a, b), l in sorted(lengths.items())]


# --------------------------------------------------------------------------- shared metrics


def score_village(v: Village, labels) -> dict:
    """The one metric code every method is judged by.

    Regions are the distinct labels; if a method returns fewer than k, the missing ones count as
    empty regions (load 0, not contiguous). Mean load = total weight / number of regions.
    """
    distinct = sorted(set(int(x) for x in labels))
    index = {lab: i for i, lab in enumerate(distinct)}
    r_count = max(v.k, len(distinct))
    region = [index[int(x)] for x in labels]
    load = [0.0] * r_count
    area = [0.0] * r_count
    perim = [0.0] * r_count
    size = [0] * r_count
    for node, r in enumerate(region):
        load[r] += v.weights[node]
        area[r] += v.areas[node]
        perim[r] += v.perimeters[node]
        size[r] += 1
    for a, b, l in v.unique_edges:
        if region[a] == region[b]:
            perim[region[a]] -= 2 * l
    mean = sum(v.weights) / r_count
    ratios = [x / mean if mean > 0 else 0.0 for x in load]
    dev = [x - 1 for x in ratios]
    sd = math.sqrt(sum((x - mean) ** 2 for x in load) / r_count)
    pp = [4 * math.pi * area[r] / perim[r] ** 2 if perim[r] > 0 else 0.0 for r in range(r_count)]
    # Contiguity: BFS inside each region on the given adjacency.
    contiguous = [False] * r_count
    members = [[] for _ in range(r_count)]
    for node, r in enumerate(region):
        members[r].append(node)
    for r in range(r_count):
        if not members[r]:
            continue
        seen = {members[r][0]}
        queue = deque([members[r][0]])
        while queue:
            x = queue.popleft()
            for y in v.neighbours[x]:
                if region[y] == r and y not in seen:
                    seen.add(y)
                    queue.append(y)
        contiguous[r] = len(seen) == len(members[r])
    return {
        "regions": r_count,
        "regionsReturned": len(distinct),
        "maxMeanRatio": max(ratios),
        "minMeanRatio": min(ratios),
        "cv": sd / mean if mean > 0 else 0.0,
        "withinTol": sum(1 for d in dev if abs(d) <= TOLERANCE + 1e-9),
        "allWithinTol": all(abs(d) <= TOLERANCE + 1e-9 for d in dev),
        "contiguousRegions": sum(contiguous),
        "allContiguous": all(contiguous),
        "meanPP": sum(pp) / r_count,
        "pp": pp,
        # Diagnostic only (not a criterion): our Regionalizer's objective with its defaults
        # (τ = 0.10, ρ = 100, λ = 0.05), to tell a search weakness from a different trade-off.
        "objectiveF": sum(d * d for d in dev) + 100 * sum(max(0.0, abs(d) - TOLERANCE) ** 2 for d in dev)
        + (0.05 * (1 - sum(pp) / r_count) if any(x > 0 for x in v.perimeters) else 0.0),
    }


# --------------------------------------------------------------------------- methods


def run_ours(problem_path: str, villages: list[Village], binary: str, repetitions: int, seed: int,
             restarts: int = 8):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ours.json")
        cmd = [binary, "solve", problem_path, out, "--repetitions", str(repetitions), "--seed", str(seed),
               "--restarts", str(restarts)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"our solver failed ({' '.join(cmd)}):\n{proc.stderr}")
        with open(out) as f:
            result = json.load(f)
    by_code = {r["code"]: r for r in result["villages"]}
    runs = []
    for v in villages:
        r = by_code.get(v.code)
        if r is None or r.get("error"):
            runs.append({"labels": None, "seconds": None, "error": (r or {}).get("error", "missing")})
        else:
            runs.append({"labels": r["regions"], "seconds": r["seconds"], "error": None})
    return runs, result


def timed(fn, repetitions: int, warmup: bool):
    if warmup:
        fn()
    times, labels = [], None
    for _ in range(repetitions):
        t0 = time.perf_counter()
        labels = fn()
        times.append(time.perf_counter() - t0)
    return labels, statistics.median(times)


def metis_solver(v: Village, contiguous: bool, edge_weights: bool):
    import pymetis

    def solve():
        xadj = [0]
        adjncy = []
        eweights = []
        lengths = {}
        if edge_weights:
            for a, b, l in v.unique_edges:
                lengths[(a, b)] = l
        for node in range(v.n):
            for u in v.neighbours[node]:
                adjncy.append(u)
                if edge_weights:
                    eweights.append(max(1, round(lengths[(min(node, u), max(node, u))])))
            xadj.append(len(adjncy))
        vweights = [max(0, round(w)) for w in v.weights]
        kwargs = {"xadj": xadj, "adjncy": adjncy, "vweights": vweights}
        if edge_weights:
            kwargs["eweights"] = eweights
        if contiguous:
            # METIS_OPTION_CONTIG is honoured by the k-way scheme only (pymetis picks recursive
            # bisection for k ≤ 8 by default, which ignores it).
            kwargs["recursive"] = False
            kwargs["options"] = pymetis.Options(contig=True)
        cuts, parts = pymetis.part_graph(v.k, **kwargs)
        return list(parts)

    return solve


def spopt_frame(v: Village, attribute: str):
    import pandas as pd

    if attribute == "centroids":
        if not v.centroids:
            raise ValueError("problem has no centroids")
        return pd.DataFrame({"x": [c[0] for c in v.centroids], "y": [c[1] for c in v.centroids]}), ["x", "y"]
    return pd.DataFrame({"w": v.weights}), ["w"]


def spopt_w(v: Village):
    from libpysal.weights import W

    neighbors = {i: list(v.neighbours[i]) for i in range(v.n)}
    return W(neighbors, silence_warnings=True)


def skater_solver(v: Village, attribute: str, floor_share: float | None):
    from spopt.region import Skater

    def solve():
        frame, attrs = spopt_frame(v, attribute)
        w = spopt_w(v)
        floor = -math.inf if floor_share is None else math.floor(floor_share * v.n / v.k)
        model = Skater(frame, w, attrs, n_clusters=v.k, floor=floor, trace=False, islands="increase")
        model.solve()
        return [int(x) for x in model.labels_]

    return solve


def rkm_solver(v: Village, attribute: str):
    from spopt.region import RegionKMeansHeuristic

    def solve():
        frame, attrs = spopt_frame(v, attribute)
        w = spopt_w(v)
        model = RegionKMeansHeuristic(frame[attrs].values, v.k, w, seed=0)
        model.solve()
        return [int(x) for x in model.labels_]

    return solve


# --------------------------------------------------------------------------- aggregation


def aggregate(villages, scores, runs, codes):
    """Aggregates over the villages in `codes` (k ≥ 2 and solved by every method)."""
    sel = [i for i, v in enumerate(villages) if v.code in codes]
    regions = sum(scores[i]["regions"] for i in sel)
    pp_all = [p for i in sel for p in scores[i]["pp"]]
    return {
        "villages": len(sel),
        "regions": regions,
        "seconds": sum(runs[i]["seconds"] for i in sel),
        "meanMaxMeanRatio": statistics.fmean(scores[i]["maxMeanRatio"] for i in sel),
        "worstMaxMeanRatio": max(scores[i]["maxMeanRatio"] for i in sel),
        "worstMinMeanRatio": min(scores[i]["minMeanRatio"] for i in sel),
        "meanCV": statistics.fmean(scores[i]["cv"] for i in sel),
        "regionsWithinTolPct": 100 * sum(scores[i]["withinTol"] for i in sel) / regions,
        "villagesAllWithinTolPct": 100 * sum(scores[i]["allWithinTol"] for i in sel) / len(sel),
        "contiguousRegionsPct": 100 * sum(scores[i]["contiguousRegions"] for i in sel) / regions,
        "villagesAllContiguousPct": 100 * sum(scores[i]["allContiguous"] for i in sel) / len(sel),
        "meanPP": statistics.fmean(pp_all),
        "meanObjectiveF": statistics.fmean(scores[i]["objectiveF"] for i in sel),
    }


COLUMNS = [
    ("villages", "villages", "{:d}"),
    ("regions", "regions", "{:d}"),
    ("seconds", "time (s)", "{:.4f}"),
    ("speedup", "time ÷ ours (>1: ours faster)", "{:.2f}"),
    ("meanMaxMeanRatio", "mean max/mean", "{:.4f}"),
    ("worstMaxMeanRatio", "worst max/mean", "{:.3f}"),
    ("worstMinMeanRatio", "worst min/mean", "{:.3f}"),
    ("meanCV", "mean CV", "{:.4f}"),
    ("cvRatio", "CV / ours", "{:.1f}"),
    ("regionsWithinTolPct", "regions ±10% (%)", "{:.1f}"),
    ("villagesAllWithinTolPct", "villages all ±10% (%)", "{:.1f}"),
    ("contiguousRegionsPct", "contiguous regions (%)", "{:.1f}"),
    ("villagesAllContiguousPct", "villages all contiguous (%)", "{:.1f}"),
    ("meanPP", "mean PP", "{:.3f}"),
    ("ppRatio", "PP / ours", "{:.2f}"),
    ("meanObjectiveF", "our objective F (diagnostic)", "{:.4f}"),
]


def table(rows: dict) -> str:
    methods = list(rows)
    header = "| metric | " + " | ".join(methods) + " |"
    lines = [header, "|" + "---|" * (len(methods) + 1)]
    for key, label, fmt in COLUMNS:
        cells = []
        for m in methods:
            x = rows[m].get(key)
            cells.append("–" if x is None else fmt.format(x))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problem")
    ap.add_argument("--report", help="write PATH.json and PATH.md")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "partition-bench"))
    ap.add_argument("--repetitions", type=int, default=7, help="timed runs per village, ours and METIS")
    ap.add_argument("--spopt-repetitions", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--spopt-attribute", choices=["centroids", "weight"], default="centroids",
                    help="what spopt clusters on (default: block centroids, x/y in metres)")
    ap.add_argument("--skater-floor", type=float, default=0.5,
                    help="second SKATER run with floor = ⌊share · n/k⌋ blocks per region (0 = skip)")
    ap.add_argument("--no-rkm", action="store_true", help="skip Region-K-means")
    ap.add_argument("--ours-restarts", type=int, default=0,
                    help="also run ours with this many restarts (default 8) as an extra column (0 = skip)")
    ap.add_argument("--max-villages", type=int, default=0, help="only the first N villages (0 = all)")
    args = ap.parse_args()

    if args.report:
        base = args.report[:-3] if args.report.endswith(".md") else args.report[:-5] if args.report.endswith(".json") else args.report
        if os.path.abspath(base + ".json") == os.path.abspath(args.problem):
            ap.error(f"--report {args.report} would overwrite the problem file; pick another name")
    with open(args.problem) as f:
        raw = json.load(f)
    villages = [Village(x) for x in raw["villages"]]
    if args.max_villages:
        villages = villages[: args.max_villages]
    split = [v for v in villages if v.k >= 2]
    print(f"{raw.get('name', args.problem)}: {len(villages)} villages, {sum(v.n for v in villages)} blocks, "
          f"{sum(v.k for v in villages)} regions; {len(split)} villages with k ≥ 2", file=sys.stderr)

    problem_path = args.problem
    if args.max_villages:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({"name": raw.get("name", ""), "villages": raw["villages"][: args.max_villages]}, tmp)
        tmp.close()
        problem_path = tmp.name

    methods: dict[str, list] = {}
    notes: dict[str, str] = {}

    ours_runs, ours_result = run_ours(problem_path, villages, args.binary, args.repetitions, args.seed)
    methods["ours"] = ours_runs
    o = ours_result["options"]
    notes["ours"] = (f"Regionalizer (τ={o['tolerance']}, λ={o['compactnessWeight']}, restarts={o['restarts']}), "
                     f"seed {args.seed}; {ours_result['timing']}")

    def run_python(name, make_solver, repetitions, warmup, note):
        runs = []
        t_start = time.perf_counter()
        for v in villages:
            if v.k < 2:
                runs.append({"labels": [0] * v.n, "seconds": 0.0, "error": None})
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    labels, secs = timed(make_solver(v), repetitions, warmup)
                if len(labels) != v.n:
                    raise ValueError(f"{len(labels)} labels for {v.n} blocks")
                runs.append({"labels": labels, "seconds": secs, "error": None})
            except Exception as e:  # report per village, never crash
                runs.append({"labels": None, "seconds": None, "error": f"{type(e).__name__}: {e}"})
        errors = sum(1 for r in runs if r["error"])
        print(f"  {name}: {time.perf_counter() - t_start:.1f} s wall, {errors} failed villages", file=sys.stderr)
        methods[name] = runs
        notes[name] = note

    if args.ours_restarts:
        extra, extra_result = run_ours(problem_path, villages, args.binary, args.repetitions, args.seed,
                                       args.ours_restarts)
        methods[f"ours r{args.ours_restarts}"] = extra
        notes[f"ours r{args.ours_restarts}"] = f"as ours with restarts={args.ours_restarts}"

    attr = args.spopt_attribute
    attr_text = "block centroids (x, y in m)" if attr == "centroids" else "block weight"
    run_python("METIS", lambda v: metis_solver(v, contiguous=False, edge_weights=False),
               args.repetitions, True,
               "pymetis.part_graph(k, xadj, adjncy, vweights=round(weight)), pymetis defaults (recursive "
               "bisection for k ≤ 8, k-way above; METIS default imbalance); minimises the number of cut edges")
    run_python("METIS ew", lambda v: metis_solver(v, contiguous=False, edge_weights=True),
               args.repetitions, True,
               "as METIS plus eweights=max(1, round(shared length)): minimises the cut boundary length, "
               "i.e. the compactness-friendly setting")
    run_python("METIS ew contig", lambda v: metis_solver(v, contiguous=True, edge_weights=True),
               args.repetitions, True, "as METIS ew but k-way (recursive=False) with Options(contig=True) (METIS_OPTION_CONTIG, "
               "k-way only): METIS's own contiguity mode")
    run_python("SKATER", lambda v: skater_solver(v, attr, None), args.spopt_repetitions, False,
               f"spopt.region.Skater on {attr_text}, n_clusters=k, no floor")
    if args.skater_floor > 0:
        share = args.skater_floor
        run_python(f"SKATER floor", lambda v: skater_solver(v, attr, share), args.spopt_repetitions, False,
                   f"spopt.region.Skater on {attr_text}, n_clusters=k, floor=⌊{share}·n/k⌋ blocks per region "
                   "(spopt's only size control; it counts blocks, not weight)")
    if not args.no_rkm:
        run_python("RegionKMeans", lambda v: rkm_solver(v, attr), args.spopt_repetitions, False,
                   f"spopt.region.RegionKMeansHeuristic on {attr_text}, k, seed 0")

    # Score everything with the same code.
    scores = {m: [score_village(v, r["labels"]) if r["labels"] is not None else None
                  for v, r in zip(villages, runs)] for m, runs in methods.items()}
    failures = {m: [{"code": v.code, "k": v.k, "n": v.n, "error": r["error"]}
                    for v, r in zip(villages, runs) if r["error"]] for m, runs in methods.items()}
    common = {v.code for i, v in enumerate(villages)
              if v.k >= 2 and all(methods[m][i]["error"] is None for m in methods)}
    if not common:
        print("no village with k ≥ 2 was solved by every method", file=sys.stderr)
        return 1
    rows = {m: aggregate(villages, scores[m], methods[m], common) for m in methods}
    ours = rows["ours"]
    for m, row in rows.items():
        row["speedup"] = row["seconds"] / ours["seconds"] if ours["seconds"] > 0 else None
        row["cvRatio"] = row["meanCV"] / ours["meanCV"] if ours["meanCV"] > 0 else None
        row["ppRatio"] = row["meanPP"] / ours["meanPP"] if ours["meanPP"] > 0 else None
        row["failedVillages"] = len(failures[m])

    # Per-village head-to-head against ours (on the common set).
    versus = {}
    for m in methods:
        if m == "ours":
            continue
        better_cv = worse_cv = better_pp = worse_pp = lower_f = higher_f = 0
        for i, v in enumerate(villages):
            if v.code not in common:
                continue
            a, b = scores["ours"][i], scores[m][i]
            if a["cv"] < b["cv"] - 1e-12: better_cv += 1
            elif a["cv"] > b["cv"] + 1e-12: worse_cv += 1
            if a["meanPP"] > b["meanPP"] + 1e-12: better_pp += 1
            elif a["meanPP"] < b["meanPP"] - 1e-12: worse_pp += 1
            if a["objectiveF"] < b["objectiveF"] - 1e-12: lower_f += 1
            elif a["objectiveF"] > b["objectiveF"] + 1e-12: higher_f += 1
        versus[m] = {"oursLowerCV": better_cv, "oursHigherCV": worse_cv,
                     "oursHigherPP": better_pp, "oursLowerPP": worse_pp,
                     "oursLowerF": lower_f, "oursHigherF": higher_f}

    all_split = len(split)
    md = [f"# Partition comparison: {raw.get('name', args.problem)}", "",
          f"{len(villages)} villages, {sum(v.n for v in villages)} blocks, {sum(v.k for v in villages)} regions. "
          f"Aggregates over the {len(common)} of {all_split} villages with k ≥ 2 that every method solved "
          f"(k = 1 is trivial for all). Times are sums of per-village solve times "
          f"(ours and METIS: median of {args.repetitions}; spopt: median of {args.spopt_repetitions}).", "",
          table(rows), "",
          "Ratios: `time ÷ ours` = method time / our time (> 1: ours is faster); `CV / ours` > 1 means worse balance than ours; "
          "`PP / ours` < 1 means less compact than ours. `our objective F` is a diagnostic, not a criterion: "
          "our Regionalizer's own objective (docs/PARTITION.md) evaluated on each method's result.", "",
          "Per village vs ours (lower CV = better balance, higher PP = more compact):", "",
          "| method | ours lower CV | ours higher CV | ours higher PP | ours lower PP | ours lower F | ours higher F |",
          "|---|---|---|---|---|---|---|"]
    for m, x in versus.items():
        md.append(f"| {m} | {x['oursLowerCV']} | {x['oursHigherCV']} | {x['oursHigherPP']} | {x['oursLowerPP']} "
                  f"| {x['oursLowerF']} | {x['oursHigherF']} |")
    md += ["", "Methods:", ""] + [f"- **{m}**: {notes[m]}" for m in methods]
    failed_lines = [f"- {m}: {len(f)} villages failed, e.g. {f[0]['code']} (k={f[0]['k']}, n={f[0]['n']}): {f[0]['error']}"
                    for m, f in failures.items() if f]
    if failed_lines:
        md += ["", "Failures:", ""] + failed_lines
    text = "\n".join(md) + "\n"
    print(text)

    if args.report:
        base = args.report[:-3] if args.report.endswith(".md") else args.report[:-5] if args.report.endswith(".json") else args.report
        os.makedirs(os.path.dirname(os.path.abspath(base)), exist_ok=True)
        with open(base + ".md", "w") as f:
            f.write(text)
        per_village = []
        for i, v in enumerate(villages):
            entry = {"code": v.code, "k": v.k, "n": v.n, "methods": {}}
            for m in methods:
                s = scores[m][i]
                entry["methods"][m] = {"seconds": methods[m][i]["seconds"], "error": methods[m][i]["error"],
                                       **({k: s[k] for k in s if k != "pp"} if s else {})}
            per_village.append(entry)
        with open(base + ".json", "w") as f:
            json.dump({"problem": raw.get("name", args.problem), "commonVillages": len(common),
                       "aggregates": rows, "versusOurs": versus, "methods": notes, "failures": failures,
                       "villages": per_village}, f, indent=1)
        print(f"wrote {base}.md and {base}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
