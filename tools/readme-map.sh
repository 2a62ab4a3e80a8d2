#!/usr/bin/env bash
# Regenerates docs/grids.svg, the README's picture of the 204 grids: the bundled plan partitioned
# with the default options, drawn by `wangge partition` (out/grids.svg), coloured by workload.
# Deterministic: the same sources give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
swift build -c release --product wangge
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.build/release/wangge partition --boundaries boundaries --out "$tmp" >/dev/null
cp "$tmp/grids.svg" docs/grids.svg.tmp && mv docs/grids.svg.tmp docs/grids.svg
echo "wrote docs/grids.svg ($(wc -c < docs/grids.svg) bytes)"
