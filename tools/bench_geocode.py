#!/usr/bin/env python3
"""Accuracy and throughput of `wangge geocode --batch` against cpca and jionlp on one seeded set
of messy intake addresses (written by `geocode-sample`, with ground truth).

    python3 -m venv tools/.venv && tools/.venv/bin/pip install cpca jionlp
    swift build -c release --product wangge --product geocode-sample
    tools/.venv/bin/python tools/bench_geocode.py [--count 20000] [--seed 20260511] [--skip-others]

Scores (in-district = truth status matched):
  village correct   in-district addresses whose village is right (cpca cannot name villages)
  outside rejected  outside addresses reported as outside (cpca/jionlp: a division other than 沙湾区 named)
  ambiguous flagged deliberately ambiguous addresses reported ambiguous (not guessed)
"""
import argparse, collections, csv, json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def pct(a, b):
    return f"{100.0 * a / b:6.2f}% ({a}/{b})" if b else "   n/a"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20260511)
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--gazetteer", default="out/gazetteer.sqlite")
    ap.add_argument("--workdir", default="out/bench-geocode")
    ap.add_argument("--skip-others", action="store_true", help="only wangge (no cpca/jionlp)")
    ap.add_argument("--repeat", type=int, default=5, help="batch runs of wangge, best time kept")
    a = ap.parse_args()
    wd = os.path.join(ROOT, a.workdir)
    os.makedirs(wd, exist_ok=True)
    if not os.path.exists(os.path.join(ROOT, a.gazetteer)):
        run([f"{a.bin}/wangge", "gazetteer", "build", "--out", a.gazetteer])
    truth_path = os.path.join(wd, "truth.tsv")
    run([f"{a.bin}/geocode-sample", "--gazetteer", a.gazetteer, "--count", str(a.count), "--seed", str(a.seed), "--out", truth_path])
    with open(truth_path, encoding="utf-8") as f:
        truth = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    inputs = os.path.join(wd, "inputs.txt")
    with open(inputs, "w", encoding="utf-8") as f:
        for t in truth:
            f.write(t["input"] + "\n")
    n = len(truth)

    # --- wangge
    out = os.path.join(wd, "wangge.jsonl")
    best = None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        p = run([f"{a.bin}/wangge", "geocode", "--gazetteer", a.gazetteer, "--batch", inputs, "--format", "jsonl", "--out", out],
                capture_output=True, text=True)
        wall = time.perf_counter() - t0
        best = min(best or wall, wall)
        stderr = p.stderr.strip()
    with open(out, encoding="utf-8") as f:
        res = [json.loads(l) for l in f]
    assert len(res) == n, (len(res), n)
    print(f"{n} addresses, seed {a.seed}: {collections.Counter(t['status'] for t in truth)}")
    print(f"\nwangge geocode --batch: {stderr}")
    print(f"  wall clock incl. process start and gazetteer load (best of {a.repeat}): {best:.3f} s = {n / best:,.0f} addresses/s")
    report("wangge", truth, [(r["status"], r.get("village_code"), r.get("level"), r.get("outside")) for r in res], detail=True)

    if a.skip_others:
        return
    # --- cpca
    try:
        import cpca
        t0 = time.perf_counter()
        df = cpca.transform([t["input"] for t in truth])
        dt = time.perf_counter() - t0
        preds = []
        for _, row in df.iterrows():
            area = row.get("区")
            if area == "沙湾区":
                preds.append(("district_only", None, None, None))
            elif area or (row.get("市") and row.get("市") != "乐山市"):
                preds.append(("outside", None, None, area or row.get("市")))
            else:
                preds.append(("not_found", None, None, None))
        print(f"\ncpca {cpca.__version__ if hasattr(cpca, '__version__') else ''}: {dt:.3f} s = {n / dt:,.0f} addresses/s (province/city/district only: no villages, no ambiguity)")
        report("cpca", truth, preds, district_only=True)
    except ImportError:
        print("\ncpca not installed (tools/.venv)")
    # --- jionlp
    try:
        import jionlp as jio
        t0 = time.perf_counter()
        preds = []
        for t in truth:
            try:
                r = jio.parse_location(t["input"], town_village=True)
            except Exception:
                r = {}
            county, village, city = r.get("county"), r.get("village"), r.get("city")
            if county and not county.startswith("沙湾") or (city and city != "乐山市"):
                preds.append(("outside", None, None, county or city))
            elif village:
                preds.append(("matched_name", village, None, None))
            elif county and county.startswith("沙湾"):
                preds.append(("district_only", None, None, None))
            else:
                preds.append(("not_found", None, None, None))
        dt = time.perf_counter() - t0
        print(f"\njionlp {jio.__version__}: {dt:.3f} s = {n / dt:,.0f} addresses/s (village by name: counted right when it equals the true village's name)")
        report("jionlp", truth, preds, by_name=True)
    except ImportError:
        print("\njionlp not installed (tools/.venv)")


def report(name, truth, preds, detail=False, district_only=False, by_name=False):
    ind = [(t, p) for t, p in zip(truth, preds) if t["status"] == "matched"]
    out = [(t, p) for t, p in zip(truth, preds) if t["status"] == "outside"]
    amb = [(t, p) for t, p in zip(truth, preds) if t["status"] == "ambiguous"]

    def vil_ok(t, p):
        if by_name:
            return p[0] == "matched_name" and p[1] == t["village"]
        return p[0] == "matched" and p[1] == t["village_code"]

    if district_only:
        ok = sum(1 for t, p in ind if p[0] == "district_only")
        print(f"  in-district put in 沙湾区   {pct(ok, len(ind))}")
        print(f"  village correct          n/a (cpca stops at the district)")
    else:
        print(f"  village correct          {pct(sum(vil_ok(t, p) for t, p in ind), len(ind))}   (target ≥ 97%)")
        for lvl in ("house", "group", "village"):
            sub = [(t, p) for t, p in ind if t["level"] == lvl]
            line = f"    truth level {lvl:8s} village {pct(sum(vil_ok(t, p) for t, p in sub), len(sub))}"
            if detail:
                line += f"; level exact {pct(sum(1 for t, p in sub if vil_ok(t, p) and p[2] == lvl), len(sub))}"
            print(line)
        sub = [(t, p) for t, p in ind if t["village"] and t["village"] in t["input"]]
        print(f"    inputs that contain the exact full village name: village {pct(sum(vil_ok(t, p) for t, p in sub), len(sub))}")
    print(f"  outside rejected         {pct(sum(1 for t, p in out if p[0] == 'outside'), len(out))}   (target ≥ 99%)")
    if detail:
        print(f"    … naming the right division {pct(sum(1 for t, p in out if p[0] == 'outside' and p[3] == t['outside']), len(out))}")
    print(f"  ambiguous flagged        {pct(sum(1 for t, p in amb if p[0] == 'ambiguous'), len(amb))}   (target ≥ 90%)")
    if detail:
        wrong_in = sum(1 for t, p in ind if p[0] == "matched" and p[1] != t["village_code"])
        guessed = sum(1 for t, p in amb if p[0] == "matched")
        print(f"  wrong village (matched but wrong) {wrong_in}; ambiguous guessed {guessed}; in-district not_found "
              f"{sum(1 for t, p in ind if p[0] == 'not_found')}, ambiguous {sum(1 for t, p in ind if p[0] == 'ambiguous')}, outside {sum(1 for t, p in ind if p[0] == 'outside')}")
        styles = collections.defaultdict(lambda: [0, 0])
        for t, p in ind:
            for s in t["styles"].split(","):
                styles[s][1] += 1
                styles[s][0] += vil_ok(t, p)
        print("  village correct by style: " + ", ".join(f"{s} {100.0 * a / b:.1f}% of {b}" for s, (a, b) in sorted(styles.items())))
        misses = [(t["input"], t["village"], p[0], p[1]) for t, p in ind if not vil_ok(t, p)][:15]
        for m in misses:
            print("    miss:", m)
        for t, p in amb:
            if p[0] != "ambiguous":
                print("    ambiguous not flagged:", t["input"], p[0]); break


if __name__ == "__main__":
    main()
