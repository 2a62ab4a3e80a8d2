#!/usr/bin/env bash
# Partition the bundled district at many grid counts and households-per-grid values, and check
# each plan with `wangge validate` (as a planner would try other counts). One line per run, and a
# summary: runs, partitions that failed, plans validate rejected.
#   tools/sweep-partition.sh                       # every count 148–400, every 9th to 2,000, hpg 50–600 by 10
#   tools/sweep-partition.sh "--grids 250" "--households-per-grid 75"
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
wangge=${WANGGE:-.build/release/wangge}
[ -n "${WANGGE:-}" ] || swift build -c release --product wangge >/dev/null 2>&1 || { echo "release build failed" >&2; exit 1; }
options=("$@")
if [ ${#options[@]} -eq 0 ]; then
    for n in $(seq 148 400) $(seq 409 9 1993) 2000; do options+=("--grids $n"); done
    for h in $(seq 50 10 600); do options+=("--households-per-grid $h"); done
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
runs=0 failed=0 rejected=0
for option in "${options[@]}"; do
    runs=$((runs + 1))
    rm -rf "$out/plan"
    # shellcheck disable=SC2086 # the option is two words on purpose
    if ! "$wangge" partition $option --out "$out/plan" >"$out/log" 2>&1; then
        failed=$((failed + 1)); echo "FAIL partition $option: $(tail -2 "$out/log" | tr '\n' ' ')"; continue
    fi
    grids=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["overall"]["grids"])' "$out/plan/report.json")
    if ! "$wangge" validate "$out/plan/grids.geojson" >"$out/vlog" 2>&1; then
        rejected=$((rejected + 1)); echo "FAIL validate $option: $(tail -1 "$out/vlog")"; continue
    fi
    echo "ok $option: $grids grids"
done
echo "runs $runs, partitions failed $failed, plans rejected by validate $rejected"
[ "$failed" -eq 0 ] && [ "$rejected" -eq 0 ]
