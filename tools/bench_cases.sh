#!/usr/bin/env bash
# The case desk's figures (issue 12; docs/CASES.md), measured with hyperfine on the release build:
#   1. `wangge case import` of the bundled 12 months (6,610 cases, located and assigned) — target < 5 s
#   2. `wangge case report` over 1,000,000 synthetic cases (tools/gen_cases.py, seeded)   — target < 1 s
#   3. `wangge case add` of one case, by address (geocoded) and by GCJ-02 coordinates    — target < 50 ms
# usage: tools/bench_cases.sh [GRIDS]   (default out/grids.geojson, as `wangge partition --out out` writes it)
set -euo pipefail
GRIDS=${1:-out/grids.geojson}
W=${WANGGE:-.build/release/wangge}
[[ -x $W ]] || swift build -c release --product wangge
DIR=$(mktemp -d /tmp/wangge-bench-cases.XXXXXX)
trap 'rm -rf "$DIR"' EXIT

hyperfine -w 1 -r 5 --prepare "rm -f $DIR/import.sqlite*" \
    "$W case import --store $DIR/import.sqlite --grids $GRIDS boundaries/incidents.geojson"

$W case list --store "$DIR/million.sqlite" --limit 0 >/dev/null 2>&1
python3 tools/gen_cases.py "$DIR/million.sqlite" 1000000 --seed 20261201 --grids "$GRIDS"
hyperfine -w 1 -r 5 "$W case report --store $DIR/million.sqlite --now 2026-12-01 --json"

# The gazetteer is built once beforehand (a desk's first add would build it).
[[ -f out/gazetteer.sqlite ]] || $W gazetteer build --grids "$GRIDS" --out out/gazetteer.sqlite
hyperfine -w 2 -r 10 \
    "$W case add --store $DIR/add.sqlite --grids $GRIDS --type problem --address 四川省乐山市沙湾区沫江街道文昌巷317号" \
    "$W case add --store $DIR/add.sqlite --grids $GRIDS --type problem --lon 103.55 --lat 29.41 --crs gcj02"
