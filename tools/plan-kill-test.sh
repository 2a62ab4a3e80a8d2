#!/usr/bin/env bash
# Kills `wangge plan checkout`, `plan split --line`, `plan import`, `plan undo` and
# `plan lock`/`unlock` with SIGKILL at random moments and checks
# that the store is always at a whole version: the previous one or the new one, never between.
# After each kill: `wangge plan log` opens it (rolling back a hot journal), SQLite's integrity
# check passes, the feature layers and their R-trees hold exactly the current version's grids
# and blocks, and `plan export` of the current version gives the bytes that version was written
# with. Prints how many kills landed inside a write transaction (a hot journal was left).
#
#   tools/plan-kill-test.sh [RUNS] [PARTITION-DIR]     (default 40 runs, out/)
#   WANGGE=.build/release/wangge tools/plan-kill-test.sh 40 out
set -euo pipefail
RUNS=${1:-40}
FROM=${2:-out}
WANGGE=${WANGGE:-.build/debug/wangge}
BOUNDARIES=${BOUNDARIES:-boundaries}
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export WANGGE_NOW=2026-12-01T05:00:00Z WANGGE_AUTHOR=kill-test
STORE="$WORK/plan.gpkg"
"$WANGGE" plan init --from "$FROM" --store "$STORE" --boundaries "$BOUNDARIES" >/dev/null
# An edit to import: version 1's grids with one vertex moved 0.2 m is too fiddly in bash, so the
# import re-records version 1's own grid file (the same work: read, snap, check, write layers).
"$WANGGE" plan export 1 --store "$STORE" --out "$WORK/v1" >/dev/null

check() {   # $1: versions before the command; prints the version count now, fails on inconsistency
  "$WANGGE" plan log --store "$STORE" >/dev/null
  "$PY" - "$STORE" "$1" <<'PYEOF'
import sqlite3, sys
path, before = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
assert ok == "ok", f"integrity_check: {ok}"
n, last = db.execute("SELECT COUNT(*), MAX(version) FROM wangge_plan_versions").fetchone()
assert n in (before, before + 1) and n == last, f"versions: {n} rows, max {last}, before {before}"
grids, blocks, h = db.execute("SELECT grids, blocks, content_hash FROM wangge_plan_versions WHERE version = ?", (last,)).fetchone()
for layer, want in (("grids", grids), ("blocks", blocks)):
    rows = db.execute(f'SELECT COUNT(*) FROM "{layer}"').fetchone()[0]
    rtree = db.execute(f'SELECT COUNT(*) FROM "rtree_{layer}_geom"').fetchone()[0]
    reg = db.execute("SELECT COUNT(*) FROM gpkg_contents WHERE table_name = ?", (layer,)).fetchone()[0]
    cols = db.execute("SELECT COUNT(*) FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)).fetchone()[0]
    assert rows == want and rtree == want and reg == 1 and cols == 1, f"{layer}: {rows} rows, {rtree} in R-tree, registered {reg}/{cols}, version says {want}"
assert db.execute("SELECT COUNT(*) FROM wangge_plan_contents WHERE content_hash = ?", (h,)).fetchone()[0] == 1
# Locks (when the store has the table): each recorded by a version that exists.
if db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'wangge_plan_locks'").fetchone()[0]:
    bad = db.execute("SELECT COUNT(*) FROM wangge_plan_locks WHERE version > ?", (last,)).fetchone()[0]
    assert bad == 0, f"{bad} lock(s) recorded by a version that does not exist"
print(n)
PYEOF
}

# A split along a drawn line: a straight line through the first grid with 6 blocks or more that
# crosses its outline exactly twice, 50 m beyond (longitude/latitude). It succeeds on version 1's
# plan, which `checkout 1` brings back before every split below.
read -r SPLIT_GRID SPLIT_LINE < <("$PY" - "$WORK/v1/grids.geojson" <<'PYEOF'
import json, math, sys
for f in json.load(open(sys.argv[1]))["features"]:
    p, g = f["properties"], f["geometry"]
    if g["type"] != "Polygon" or len(g["coordinates"]) != 1 or p.get("blocks", 0) < 6:
        continue
    ring = g["coordinates"][0]
    cx = sum(c[0] for c in ring[:-1]) / (len(ring) - 1); cy = sum(c[1] for c in ring[:-1]) / (len(ring) - 1)
    for angle in range(0, 180, 15):
        dx, dy = math.cos(math.radians(angle)) * 0.2, math.sin(math.radians(angle)) * 0.2
        p0, p1 = (cx - dx, cy - dy), (cx + dx, cy + dy)
        ts = []
        for (ax, ay), (bx, by) in zip(ring, ring[1:]):
            rx, ry, sx, sy = p1[0] - p0[0], p1[1] - p0[1], bx - ax, by - ay
            den = rx * sy - ry * sx
            if den == 0: continue
            t = ((ax - p0[0]) * sy - (ay - p0[1]) * sx) / den; u = ((ax - p0[0]) * ry - (ay - p0[1]) * rx) / den
            if 0 <= t <= 1 and 0 <= u < 1: ts.append(t)
        if len(ts) == 2:
            m = 0.0005 / 0.4
            a, b = min(ts) - m, max(ts) + m
            print(p["code"], "LINESTRING (%.7f %.7f, %.7f %.7f)" % (p0[0] + a * (p1[0] - p0[0]), p0[1] + a * (p1[1] - p0[1]), p0[0] + b * (p1[0] - p0[0]), p0[1] + b * (p1[1] - p0[1])))
            sys.exit(0)
sys.exit("no grid with a straight line across it")
PYEOF
)

versions=1; killed=0; hot=0; completed=0
# How long each command takes here, to spread the kills over its whole run.
t0=$(date +%s.%N); "$WANGGE" plan split "$SPLIT_GRID" --line "$SPLIT_LINE" --store "$STORE" --boundaries "$BOUNDARIES" >/dev/null; ts=$(date +%s.%N)
ds=$(echo "$ts - $t0" | bc)
t0=$(date +%s.%N); "$WANGGE" plan checkout 1 --store "$STORE" >/dev/null; t1=$(date +%s.%N)
"$WANGGE" plan import "$WORK/v1/grids.geojson" --store "$STORE" --boundaries "$BOUNDARIES" >/dev/null; t2=$(date +%s.%N)
"$WANGGE" plan undo --store "$STORE" >/dev/null; t3=$(date +%s.%N)
versions=$(check 4 | tail -1)
dc=$(echo "$t1 - $t0" | bc); di=$(echo "$t2 - $t1" | bc); du=$(echo "$t3 - $t2" | bc)
GRID=$("$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT code FROM grids WHERE code != ? ORDER BY code LIMIT 1', (sys.argv[2],)).fetchone()[0])" "$STORE" "$SPLIT_GRID")
echo "checkout takes ${dc}s, split ${ds}s, import ${di}s, undo ${du}s; $RUNS kills follow (split $SPLIT_GRID along $SPLIT_LINE)"
for ((k = 1; k <= RUNS; k++)); do
  case $((k % 5)) in
    1) d=$dc; cmd=("$WANGGE" plan checkout 1 --store "$STORE") ;;
    2) d=$ds; cmd=("$WANGGE" plan split "$SPLIT_GRID" --line "$SPLIT_LINE" --store "$STORE" --boundaries "$BOUNDARIES") ;;
    3) d=$di; cmd=("$WANGGE" plan import "$WORK/v1/grids.geojson" --store "$STORE" --boundaries "$BOUNDARIES") ;;
    4) d=$du; cmd=("$WANGGE" plan undo --store "$STORE") ;;
    0) # lock the first other grid, or unlock it when it is locked (a lock change: one short transaction)
       d=$dc
       locked=$("$PY" -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); t=db.execute(\"SELECT COUNT(*) FROM sqlite_master WHERE name='wangge_plan_locks'\").fetchone()[0]; print(db.execute('SELECT COUNT(*) FROM wangge_plan_locks').fetchone()[0] if t else 0)" "$STORE")
       if ((locked)); then cmd=("$WANGGE" plan unlock "$GRID" --store "$STORE"); else cmd=("$WANGGE" plan lock "$GRID" --store "$STORE"); fi ;;
  esac
  "${cmd[@]}" >/dev/null 2>&1 & pid=$!
  if ((k % 2 == 0)); then
    # Anywhere in the run.
    at=$(echo "scale=3; $d * $RANDOM / 32768 * 1.05" | bc)
    sleep "$at"
  else
    # Inside the write: as soon as SQLite's rollback journal appears, plus 0–0.3 s.
    at="journal+"
    while kill -0 "$pid" 2>/dev/null && [[ ! -e "$STORE-journal" ]]; do sleep 0.005; done
    sleep "$(echo "scale=3; 0.3 * $RANDOM / 32768" | bc)"
  fi
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null || true
  [[ -e "$STORE-journal" ]] && hot=$((hot + 1))
  now=$(check "$versions" | tail -1) || { echo "FAIL after kill $k at ${at}s"; exit 1; }
  ((now > versions)) && completed=$((completed + 1))
  versions=$now
done
echo "PASS: $RUNS runs, $killed killed ($hot inside a write transaction, rolled back), $completed completed; store at version $versions, consistent after every run"
