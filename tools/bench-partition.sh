#!/usr/bin/env bash
# The whole Shawan partition (148 villages → 204 grids, reading boundaries/, polygonize,
# apportionment, regionalization, writing out/), timed by hyperfine in a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
swift build -c release --product wangge >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 2 --runs "${RUNS:-10}" ".build/release/wangge partition --out $out"
else
    for i in $(seq "${RUNS:-10}"); do /usr/bin/time -f "%e s" .build/release/wangge partition --out "$out" >/dev/null; done
fi
