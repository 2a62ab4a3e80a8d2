#!/usr/bin/env bash
# Regenerates docs/grids.svg, the README's picture of the 204 grids: the bundled plan partitioned
# with the default options, drawn by `wangge map --svg`, coloured by workload.
# Deterministic: the same sources give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
swift build -c release --product wangge
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Without --grids, `wangge map` partitions the bundled plan itself, as the test does.
.build/release/wangge map --boundaries boundaries --out "$tmp/map.html" --svg "$tmp/grids.svg" >/dev/null
cp "$tmp/grids.svg" docs/grids.svg.tmp && mv docs/grids.svg.tmp docs/grids.svg
echo "wrote docs/grids.svg ($(wc -c < docs/grids.svg) bytes)"
