#!/usr/bin/env bash
# The whole Shawan partition (148 villages → 204 grids by default, reading boundaries/,
# polygonize, apportionment, regionalization and refinement, the plan's own validation, writing
# out/), timed by hyperfine in a release build. Extra arguments go to `wangge partition`:
#   tools/bench-partition.sh                    # 204 grids
#   RUNS=5 tools/bench-partition.sh --grids 2000
# Besides hyperfine's wall clock, the user+system CPU seconds of each run: on a shared machine
# the CPU figure compares from run to run, the wall clock does not.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
if ! log=$(swift build -c release --product wangge 2>&1); then echo "$log" >&2; exit 1; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args=("$@")
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "${RUNS:-10}" ".build/release/wangge partition --out $out ${args[*]:-}"
fi
for i in $(seq "${RUNS:-10}"); do
    /usr/bin/time -f "run $i: %e s wall, %U s user, %S s system" .build/release/wangge partition --out "$out" "${args[@]}" 2>&1 >/dev/null | tail -1
done
