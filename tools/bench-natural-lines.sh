#!/bin/bash
# Natural-line share, refinements, validity and time of `wangge partition` over grid counts.
# Usage: tools/bench-natural-lines.sh [OUT_DIR]   (after `swift build -c release --product wangge`)
# One Markdown row per option: grids; share of the internal grid boundary on natural lines
# (streets, rivers, ridges, area and courtyard edges); refinements along courtyard edges /
# straight cuts; `wangge validate` failures; wall seconds.
set -euo pipefail
out=${1:-/tmp/wangge-natural}
wangge=${WANGGE:-.build/release/wangge}
options=("--grids 148" "--grids 204" "--grids 300" "--grids 400" "--grids 600" "--grids 800" "--grids 1000"
         "--grids 1500" "--grids 2000" "--households-per-grid 50" "--households-per-grid 100" "--households-per-grid 300")
mkdir -p "$out"
echo "| option | grids | on natural lines | refinements: courtyard / straight | validate failures | seconds |"
echo "|---|---|---|---|---|---|"
for option in "${options[@]}"; do
    dir="$out/$(echo "$option" | tr -d ' -')"
    rm -rf "$dir"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # the option is two words on purpose
    if "$wangge" partition --boundaries boundaries $option --out "$dir" >"$dir.log" 2>&1; then
        seconds=$(echo "$(date +%s.%N) - $start" | bc)
        failures=$("$wangge" validate "$dir/grids.geojson" --boundaries boundaries 2>&1 | tail -1 | sed -n 's/.* \([0-9]*\) failures.*/\1/p')
        python3 - "$dir/report.json" "$option" "$failures" "$seconds" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
r, villages = report["overall"], report["villages"]
refinements = sum(v["refinements"] for v in villages)
straight = sum(v["straight_cuts"] for v in villages)
print(f"| {sys.argv[2]} | {r['grids']} | {100 * r['internal_boundary_on_natural_lines']:.1f} % | "
      f"{refinements - straight} / {straight} | {sys.argv[3]} | {float(sys.argv[4]):.1f} |")
PY
    else
        echo "| $option | failed: $(tail -1 "$dir.log") | | | | |"
    fi
done
