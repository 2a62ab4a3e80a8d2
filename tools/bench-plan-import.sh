#!/bin/bash
# Issue 11's import figure: `wangge plan import` of an edited 204-grid file (one vertex shared by
# two grids moved 0.2 m, as a QGIS user drags it), timed from a fresh copy of the store each run.
# Usage: tools/bench-plan-import.sh [WORK-DIR] [RUNS]   (after `swift build -c release --product wangge`)
set -euo pipefail
work=${1:-/tmp/wangge-import}
runs=${2:-5}
wangge=${WANGGE:-.build/release/wangge}
rm -rf "$work" && mkdir -p "$work"
"$wangge" partition --boundaries boundaries --out "$work/out" >/dev/null
"$wangge" plan init --store "$work/plan.gpkg" --from "$work/out" --boundaries boundaries >/dev/null
python3 - "$work/out/grids.geojson" "$work/edited.geojson" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rings = [[tuple(c) for c in f["geometry"]["coordinates"][0]] for f in doc["features"]]
# A vertex two grids of one village share, moved about 0.2 m in both.
a, b, shared = next((i, j, c) for i in range(len(rings)) for j in range(i + 1, len(rings))
                    if doc["features"][i]["properties"]["village_code"] == doc["features"][j]["properties"]["village_code"]
                    for c in [next((c for c in rings[i][1:] if c in set(rings[j])), None)] if c)
moved = [shared[0] + 0.0000015, shared[1] + 0.0000012]
for f in (doc["features"][a], doc["features"][b]):
    f["geometry"]["coordinates"] = [[moved if tuple(c) == shared else c for c in r] for r in f["geometry"]["coordinates"]]
json.dump(doc, open(sys.argv[2], "w"), ensure_ascii=False)
PY
for k in $(seq "$runs"); do
    cp "$work/plan.gpkg" "$work/run.gpkg"
    /usr/bin/time -f "run $k: %e s wall, %U s user, %M KB" \
        "$wangge" plan import "$work/edited.geojson" --store "$work/run.gpkg" --boundaries boundaries --tolerance 0.5m >/dev/null
done
