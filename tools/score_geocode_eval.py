#!/usr/bin/env python3
"""Scores `wangge geocode` on the hand-written intake evaluation set.

    python3 tools/score_geocode_eval.py [FILE.tsv ...] [--wangge PATH] [--gazetteer G]
                                        [--show-failures] [--json] [--results JSONL]

FILE defaults to Tests/WanggeGazetteerTests/Fixtures/intake-eval.tsv (the held-out file is
intake-eval-holdout.tsv beside it). Each file's inputs are fed to
`WANGGE geocode --batch - --format jsonl --gazetteer G` (WANGGE: --wangge, else $WANGGE, else
.build/release/wangge; a missing gazetteer is built first with `gazetteer build --grids none`),
one line per row, and the answers are read back in order. --results scores a JSONL file of
answers already produced for a single FILE instead of running the geocoder.

Per category and overall:
  village right   in-district rows (expected matched): status matched with the expected village code
  misroute        in-district rows answered matched with another village at confidence >= 0.5
                  (a township-only answer, with no village, is not right but not a misroute)
                  (and, separately, >= 0.9)
  ambig flagged   rows expected ambiguous answered ambiguous; cand ok: and the answer's candidate
                  village codes include every expected one
  outside rej.    rows expected outside answered outside (div: the answer's `outside` names the
                  expected county/city)
  calibration     of all answers with confidence >= 0.9, the fraction that are right: a matched answer
                  with the expected village, an ambiguous answer to an ambiguous row, an outside answer
                  to an outside row ("matched-only" restricts this to matched answers)
Rows whose note starts with 'tpl:' were written by tools/intake_eval/templates.py; the rest by hand;
both subsets get an overall line.

--show-failures lists failing rows (id, input, expected, got); it skips files named *holdout*
(their rows are for the aggregate only) unless --show-holdout-failures. --json prints a
machine-readable summary instead of the tables. The exit status is 0 unless the geocoder could
not be run or its output does not line up with the input.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_FILE = os.path.join(ROOT, "Tests", "WanggeGazetteerTests", "Fixtures", "intake-eval.tsv")
CATEGORIES = ["full", "bare", "typo", "landmark", "street", "conflict", "ambiguous", "outside", "mixed"]
HEADER = ["id", "category", "input", "expected_status", "expected_township", "expected_village",
          "expected_village_code", "expected_candidates", "note"]


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    head = lines[0].split("\t")
    if head != HEADER:
        raise SystemExit(f"{path}: unexpected header {head}")
    rows = []
    for n, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != len(HEADER):
            raise SystemExit(f"{path}:{n}: {len(cells)} fields, want {len(HEADER)}")
        rows.append(dict(zip(HEADER, cells)))
    return rows


def run_geocoder(rows, wangge, gazetteer, boundaries):
    if not os.path.exists(wangge):
        raise SystemExit(f"{wangge}: not found (swift build -c release --product wangge, or --wangge PATH)")
    if not os.path.exists(gazetteer):
        print(f"note: {gazetteer} missing; building it: {wangge} gazetteer build --out {gazetteer} --grids none",
              file=sys.stderr)
        os.makedirs(os.path.dirname(os.path.abspath(gazetteer)), exist_ok=True)
        subprocess.run([wangge, "gazetteer", "build", "--boundaries", boundaries, "--out", gazetteer,
                        "--grids", "none"], check=True, stdout=sys.stderr)
    for r in rows:
        if "\n" in r["input"] or "\r" in r["input"]:
            raise SystemExit(f"{r['id']}: input has a line break")
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("".join(r["input"] + "\n" for r in rows))
        batch = f.name
    try:
        p = subprocess.run([wangge, "geocode", "--batch", batch, "--format", "jsonl", "--gazetteer", gazetteer],
                           capture_output=True, text=True, encoding="utf-8")
    finally:
        os.unlink(batch)
    if p.returncode != 0:
        raise SystemExit(f"wangge geocode failed ({p.returncode}):\n{p.stderr}")
    return parse_answers(p.stdout, rows, "wangge geocode")


def parse_answers(text, rows, source):
    answers = [json.loads(line) for line in text.splitlines() if line.strip()]
    if len(answers) != len(rows):
        raise SystemExit(f"{source}: {len(answers)} answers for {len(rows)} rows")
    for r, a in zip(rows, answers):
        if "input" in a and a["input"].strip() != r["input"].strip():
            raise SystemExit(f"{source}: answer for {r['id']} echoes {a['input']!r}, not {r['input']!r}")
    return answers


def candidate_codes(a):
    out = set()
    for c in a.get("candidates") or []:
        if isinstance(c, dict) and c.get("village_code"):
            out.add(c["village_code"])
        elif isinstance(c, str):
            out.add(c)
    return out


def division_named(expected, got):
    if not got:
        return False
    if expected in got or got in expected:
        return True
    # 峨边彝族自治县 / 峨边县, 马边彝族自治县 / 马边县: compare the first two characters and the level
    return len(expected) >= 2 and got[:2] == expected[:2]


def judge(r, a):
    """Per-row outcome flags."""
    st = a.get("status")
    conf = float(a.get("confidence") or 0.0)
    exp = r["expected_status"]
    code = a.get("village_code")
    o = {"exp": exp, "status": st, "conf": conf}
    if exp == "matched":
        o["right"] = st == "matched" and code == r["expected_village_code"]
        # A township-only answer (no village) sends the case to the township centre, not to a wrong
        # grid worker: counted as not right, but not as a misroute.
        wrong_village = st == "matched" and code is not None and code != r["expected_village_code"]
        o["mis5"] = wrong_village and conf >= 0.5
        o["mis9"] = wrong_village and conf >= 0.9
        o["fail"] = not o["right"]
    elif exp == "ambiguous":
        want = set(filter(None, r["expected_candidates"].split(";")))
        o["flagged"] = st == "ambiguous"
        o["cand_ok"] = o["flagged"] and want <= candidate_codes(a)
        o["guessed"] = st == "matched"
        o["fail"] = not o["cand_ok"]
    else:
        o["rejected"] = st == "outside"
        o["div"] = o["rejected"] and division_named(r["expected_township"], a.get("outside") or a.get("township") or "")
        o["accepted"] = st == "matched"
        o["fail"] = not o["rejected"]
    # calibration: is this answer right?
    if st == "matched":
        o["ans_right"] = exp == "matched" and code == r["expected_village_code"]
    elif st == "ambiguous":
        o["ans_right"] = exp == "ambiguous"
    elif st == "outside":
        o["ans_right"] = exp == "outside"
    else:
        o["ans_right"] = False
    return o


def summarise(outcomes):
    s = {"n": len(outcomes)}
    m = [o for o in outcomes if o["exp"] == "matched"]
    amb = [o for o in outcomes if o["exp"] == "ambiguous"]
    out = [o for o in outcomes if o["exp"] == "outside"]
    s["in_district"] = len(m)
    s["village_right"] = sum(o["right"] for o in m)
    s["misroute_0_5"] = sum(o["mis5"] for o in m)
    s["misroute_0_9"] = sum(o["mis9"] for o in m)
    s["in_district_not_found"] = sum(o["status"] == "not_found" for o in m)
    s["in_district_ambiguous"] = sum(o["status"] == "ambiguous" for o in m)
    s["in_district_outside"] = sum(o["status"] == "outside" for o in m)
    s["ambiguous_rows"] = len(amb)
    s["ambiguous_flagged"] = sum(o["flagged"] for o in amb)
    s["ambiguous_candidates_ok"] = sum(o["cand_ok"] for o in amb)
    s["ambiguous_guessed"] = sum(o["guessed"] for o in amb)
    s["outside_rows"] = len(out)
    s["outside_rejected"] = sum(o["rejected"] for o in out)
    s["outside_division_named"] = sum(o["div"] for o in out)
    s["outside_accepted"] = sum(o["accepted"] for o in out)
    hi = [o for o in outcomes if o["conf"] >= 0.9 and o["status"] in ("matched", "ambiguous", "outside")]
    s["confident_answers"] = len(hi)
    s["confident_right"] = sum(o["ans_right"] for o in hi)
    him = [o for o in hi if o["status"] == "matched"]
    s["confident_matched"] = len(him)
    s["confident_matched_right"] = sum(o["ans_right"] for o in him)
    s["failures"] = sum(o["fail"] for o in outcomes)
    return s


def pct(a, b):
    return "    -" if b == 0 else f"{100.0 * a / b:5.1f}"


def table(name, summaries, out):
    print(f"\n{name}", file=out)
    cols = ("group", "n", "in-dist", "village right", "misr>=.5", "misr>=.9", "ambig", "flagged", "cand ok",
            "outside", "rejected", "div", "conf>=.9", "right")
    print(f"{cols[0]:<14}{cols[1]:>5}{cols[2]:>8}{cols[3]:>15}{cols[4]:>10}{cols[5]:>10}{cols[6]:>7}{cols[7]:>9}"
          f"{cols[8]:>9}{cols[9]:>8}{cols[10]:>10}{cols[11]:>6}{cols[12]:>10}{cols[13]:>8}", file=out)
    for label, s in summaries:
        vr = f"{s['village_right']} {pct(s['village_right'], s['in_district'])}%" if s["in_district"] else "-"
        print(f"{label:<14}{s['n']:>5}{s['in_district']:>8}{vr:>15}{s['misroute_0_5']:>10}{s['misroute_0_9']:>10}"
              f"{s['ambiguous_rows']:>7}{pct(s['ambiguous_flagged'], s['ambiguous_rows']):>8}%"
              f"{pct(s['ambiguous_candidates_ok'], s['ambiguous_rows']):>8}%"
              f"{s['outside_rows']:>8}{pct(s['outside_rejected'], s['outside_rows']):>9}%"
              f"{s['outside_division_named']:>6}"
              f"{s['confident_answers']:>10}{pct(s['confident_right'], s['confident_answers']):>7}%", file=out)


def describe_expected(r):
    if r["expected_status"] == "matched":
        return f"{r['expected_township']}{r['expected_village']} {r['expected_village_code']}"
    if r["expected_status"] == "ambiguous":
        return f"ambiguous {r['expected_candidates']}"
    return f"outside {r['expected_township']}"


def describe_got(a):
    st = a.get("status")
    conf = a.get("confidence")
    if st == "matched":
        return f"matched {a.get('township')}{a.get('village')} {a.get('village_code')} ({a.get('level')}, {conf})"
    if st == "ambiguous":
        return f"ambiguous {';'.join(sorted(candidate_codes(a)))} ({conf})"
    if st == "outside":
        return f"outside {a.get('outside') or ''} ({conf})"
    return f"{st} ({conf})"


def score_file(path, args):
    rows = read_rows(path)
    if args.results:
        with open(args.results, encoding="utf-8") as f:
            answers = parse_answers(f.read(), rows, args.results)
    else:
        answers = run_geocoder(rows, args.wangge, args.gazetteer, args.boundaries)
    outcomes = [judge(r, a) for r, a in zip(rows, answers)]
    groups = []
    for cat in CATEGORIES:
        sel = [o for r, o in zip(rows, outcomes) if r["category"] == cat]
        if sel:
            groups.append((cat, summarise(sel)))
    overall = summarise(outcomes)
    hand = summarise([o for r, o in zip(rows, outcomes) if not r["note"].startswith("tpl:")])
    tpl_rows = [o for r, o in zip(rows, outcomes) if r["note"].startswith("tpl:")]
    extra = [("hand-written", hand)] + ([("templated", summarise(tpl_rows))] if tpl_rows else [])
    fails = [(r, a) for r, a, o in zip(rows, answers, outcomes) if o["fail"]]
    return rows, groups, overall, extra, fails


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", default=[DEFAULT_FILE])
    ap.add_argument("--wangge", default=os.environ.get("WANGGE", os.path.join(".build", "release", "wangge")))
    ap.add_argument("--gazetteer", default=os.path.join("out", "gazetteer.sqlite"))
    ap.add_argument("--boundaries", default="boundaries", help="for building a missing gazetteer")
    ap.add_argument("--results", help="score these JSONL answers (for a single FILE) instead of running wangge")
    ap.add_argument("--show-failures", action="store_true")
    ap.add_argument("--show-holdout-failures", action="store_true")
    ap.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = ap.parse_args()
    if args.results and len(args.files) != 1:
        raise SystemExit("--results goes with exactly one FILE")
    report = {}
    for path in args.files:
        rows, groups, overall, extra, fails = score_file(path, args)
        name = os.path.basename(path)
        report[name] = {"overall": overall, "categories": dict(groups), **{k: v for k, v in extra}}
        if not args.json:
            table(f"{name}: {len(rows)} rows", groups + [("overall", overall)] + extra, sys.stdout)
            o = overall
            print(f"village right {o['village_right']}/{o['in_district']} ({pct(o['village_right'], o['in_district']).strip()}%); "
                  f"misroutes {o['misroute_0_5']} at conf>=0.5, {o['misroute_0_9']} at conf>=0.9; "
                  f"ambiguous flagged {o['ambiguous_flagged']}/{o['ambiguous_rows']} (candidates ok {o['ambiguous_candidates_ok']}, "
                  f"guessed {o['ambiguous_guessed']}); outside rejected {o['outside_rejected']}/{o['outside_rows']} "
                  f"(accepted as in-district {o['outside_accepted']}); calibration: {o['confident_right']}/{o['confident_answers']} "
                  f"answers at conf>=0.9 right ({pct(o['confident_right'], o['confident_answers']).strip()}%), matched-only "
                  f"{o['confident_matched_right']}/{o['confident_matched']} ({pct(o['confident_matched_right'], o['confident_matched']).strip()}%)")
        if args.show_failures and not args.json:
            if "holdout" in name and not args.show_holdout_failures:
                print(f"({name}: failures not shown: held-out rows are scored in aggregate only)")
            else:
                print(f"\nfailures in {name}: {len(fails)}")
                for r, a in fails:
                    print(f"{r['id']}\t{r['category']}\t{r['input']}\texpected: {describe_expected(r)}\tgot: {describe_got(a)}")
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
