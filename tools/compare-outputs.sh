#!/usr/bin/env bash
# Byte-for-byte comparison of two wangge binaries on the bundled district: partition, validate,
# map, export, gazetteer + geocode, assign, crs. Prints one line per output file: same / DIFFERS.
# Usage: tools/compare-outputs.sh OLD_WANGGE NEW_WANGGE
set -euo pipefail
old=$1 new=$2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Inputs: 2,000 seeded points over the district (some outside), and addresses from the bundled data.
python3 - "$work/points.csv" <<'PY'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    f.write("id,lon,lat\n")
    for i in range(2000):
        f.write(f"{i},{103.35 + r.random() * 0.45:.7f},{29.15 + r.random() * 0.40:.7f}\n")
PY
python3 - "$root/boundaries/addresses" "$work/addresses.txt" <<'PY'
import csv, glob, os, sys
lines = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.csv"))):
    with open(path, encoding="utf-8") as f:
        lines += [row["address"] for row in csv.DictReader(f)]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(lines[::100]) + "\n")
PY

run() {
    local bin=$1 out=$2
    mkdir -p "$out"
    (cd "$work" && "$bin" partition --boundaries "$root/boundaries" --out "$out/plan" > "$out/partition.txt" 2>&1)
    "$bin" map --boundaries "$root/boundaries" --grids "$out/plan/grids.geojson" --out "$out/map.html" --svg "$out/map.svg" > /dev/null
    "$bin" export --boundaries "$root/boundaries" --grids "$out/plan/grids.geojson" --out "$out/export" > /dev/null
    "$bin" gazetteer build --boundaries "$root/boundaries" --grids "$out/plan/grids.geojson" --out "$out/gazetteer.sqlite" > /dev/null
    "$bin" geocode --gazetteer "$out/gazetteer.sqlite" --grids "$out/plan/grids.geojson" --batch "$work/addresses.txt" --out "$out/geocode.jsonl" 2> /dev/null
    (cd "$root" && "$bin" assign --grids "$out/plan/grids.geojson" --in "$work/points.csv" --out "$out/assign.csv" --quiet 2> /dev/null)
    "$bin" crs --from wgs84 --to gcj02 --geojson "$out/plan/grids.geojson" --out "$out/grids-gcj02.geojson"
}
run "$old" "$work/old"
run "$new" "$work/new"
cd "$work/old"
for f in $(find . -type f ! -name partition.txt | sort); do
    if cmp -s "$f" "$work/new/$f"; then echo "same     $f"; else echo "DIFFERS  $f"; fi
done
