#!/usr/bin/env python3
"""Fill a case store with N synthetic cases (deterministic: seeded), straight into SQLite, for
`wangge case report` timings (tools/bench_cases.sh). The store must exist with its schema:
run any `wangge case` command on it first (e.g. `wangge case list --store FILE --limit 0`).

usage: gen_cases.py STORE N [--seed S] [--grids out/grids.geojson]
Grid, village and township codes come from the grid file (else made-up 15-digit codes).
"""
import argparse, datetime, json, os, random, sqlite3

LEVELS = ["grid", "village", "township", "district", "department"]
TYPES = [("problem", 72, 3800), ("errand", 120, 1300), ("dispute", 168, 730), ("department_matter", 240, 780)]
CATEGORIES = {"problem": ["道路设施", "环境卫生", "安全隐患"], "errand": ["低保申请", "养老认证"],
              "dispute": ["邻里纠纷", "劳资纠纷"], "department_matter": ["水务", "交通", "卫健"]}
TZ = datetime.timezone(datetime.timedelta(hours=8))

def iso(t):
    return datetime.datetime.fromtimestamp(t, TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")

def main():
    a = argparse.ArgumentParser()
    a.add_argument("store"); a.add_argument("n", type=int)
    a.add_argument("--seed", type=int, default=20261201)
    a.add_argument("--grids", default="out/grids.geojson")
    args = a.parse_args()
    rnd = random.Random(args.seed)
    grids = []
    if os.path.exists(args.grids):
        for f in json.load(open(args.grids, encoding="utf-8"))["features"]:
            p = f["properties"]
            grids.append((p["code"], p["village_code"], p.get("township_code") or p["village_code"][:9]))
    if not grids:
        grids = [(f"511111{t:03d}{v:03d}{g:03d}", f"511111{t:03d}{v:03d}", f"511111{t:03d}") for t in range(14) for v in range(10) for g in range(2)]
    grids.sort()
    weights = [w for _, _, w in TYPES]
    start = int(datetime.datetime(2025, 11, 1, tzinfo=TZ).timestamp())
    span = 400 * 86400
    db = sqlite3.connect(args.store)
    db.execute("PRAGMA journal_mode=WAL")
    rows, trans = [], []
    for i in range(args.n):
        typ, hours, _ = rnd.choices(TYPES, weights)[0]
        grid, village, township = grids[rnd.randrange(len(grids))]
        reported = start + rnd.randrange(span)
        level = rnd.choices(LEVELS, [4588, 1196, 550, 196, 80])[0]
        deadline = reported + hours * 3600
        r = rnd.random()
        if r < 0.85:
            status, resolved = "resolved", reported + int(rnd.uniform(0.05, 1.3) * hours * 3600)
        elif r < 0.97:
            status, resolved = "accepted", None
        else:
            status, resolved = "parked", None
        cid = f"S{i:07d}"
        updated = resolved or reported
        rows.append((cid, typ, rnd.choice(CATEGORIES[typ]), "", None, None, None, None, None, None,
                     township, village, grid, None, level, status, iso(deadline), iso(reported),
                     iso(resolved) if resolved else None, None, iso(updated), 1, "synthetic"))
        trans.append((cid, 1, "report", None, "reported", None, "grid", iso(reported), "gen", "", iso(deadline)))
        if len(rows) >= 50000:
            flush(db, rows, trans); rows, trans = [], []
    flush(db, rows, trans)
    db.execute("ANALYZE")
    db.commit()
    print(f"{args.store}: {args.n} synthetic cases (seed {args.seed})")

def flush(db, rows, trans):
    db.executemany("INSERT INTO cases (id, type, category, description, address, lon, lat, given_crs, given_x, given_y, "
                   "township_code, village_code, grid_code, grid_worker, level, status, deadline, reported_at, resolved_at, "
                   "closed_at, updated_at, last_seq, source) VALUES (" + ",".join("?" * 23) + ")", rows)
    db.executemany("INSERT INTO transitions (case_id, seq, action, from_status, to_status, from_level, to_level, time, actor, note, deadline) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?)", trans)
    db.commit()

if __name__ == "__main__":
    main()
