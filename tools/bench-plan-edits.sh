#!/bin/sh
# Issue 11's figures for the plan edits and the rebalance (docs/PLANS.md quotes the output):
#   tools/bench-plan-edits.sh [WORK-DIR] [SEED]
# Release build, the bundled district: a fresh partition, then tools/PlanBench (one edit with its
# validation, a split along a drawn line among them; rebalance after ±30 % workload changes in 20
# seeded villages, within villages and with --across-villages; 800 households added to one village),
# then whole commands with hyperfine (`plan move` and `plan split --line` on a copy of a store each
# run, `plan rebalance --dry-run` with and without --across-villages).
set -eu
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/wangge-bench-plan}
SEED=${2:-1}
PATH=/opt/swift/usr/bin:$PATH
nice swift build -c release --product wangge >/dev/null
nice swift build -c release --product plan-bench >/dev/null
BIN=$(pwd)/.build/release
rm -rf "$WORK"
mkdir -p "$WORK"
"$BIN/wangge" partition --boundaries boundaries --out "$WORK/part" >/dev/null
"$BIN/plan-bench" --boundaries boundaries --plan "$WORK/part" --seed "$SEED" --villages 20 --runs 20 | tee "$WORK/plan-bench.txt"

"$BIN/wangge" plan init --from "$WORK/part" --store "$WORK/base.gpkg" --author bench --now 2026-12-01T05:00:00Z >/dev/null
# The block and grid the benchmark moved: "  move BLOCK FROM → TO: …"
MOVE=$(sed -n 's/^  move \([^ ]*\) [^ ]* → \([^:]*\):.*/\1 \2/p' "$WORK/plan-bench.txt")
BLOCK=${MOVE% *}
TO=${MOVE#* }
# The grid and line the benchmark split: "  split-line GRID LINESTRING (…)"
SPLIT_GRID=$(sed -n 's/^  split-line \([^ ]*\) .*/\1/p' "$WORK/plan-bench.txt")
SPLIT_LINE=$(sed -n 's/^  split-line [^ ]* \(LINESTRING.*\)/\1/p' "$WORK/plan-bench.txt")
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 10 --prepare "cp $WORK/base.gpkg $WORK/run.gpkg" \
        "$BIN/wangge plan move $BLOCK --to $TO --store $WORK/run.gpkg --boundaries boundaries --author bench --now 2026-12-01T05:10:00Z" \
        "$BIN/wangge plan split $SPLIT_GRID --line '$SPLIT_LINE' --store $WORK/run.gpkg --boundaries boundaries --author bench --now 2026-12-01T05:10:00Z" \
        "$BIN/wangge plan log --store $WORK/run.gpkg --boundaries boundaries" \
        "$BIN/wangge plan rebalance --dry-run --store $WORK/base.gpkg --boundaries boundaries" \
        "$BIN/wangge plan rebalance --dry-run --across-villages --store $WORK/base.gpkg --boundaries boundaries"
else
    echo "hyperfine is not installed: whole-command times skipped"
fi
