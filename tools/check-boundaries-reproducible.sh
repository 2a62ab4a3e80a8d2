#!/usr/bin/env bash
# Regenerates the bundled district with its committed seed into a temporary folder and compares
# it byte for byte with boundaries/. Fails (exit 1) on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
seed=$(sed -n 's/.*generate-shawan --seed \([0-9]*\).*/\1/p' boundaries/PROVENANCE.md | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
swift build -c release --product generate-shawan >/dev/null
.build/release/generate-shawan --seed "$seed" --out "$tmp" 2>/dev/null
if diff -r --exclude=source boundaries "$tmp" >/dev/null; then
    echo "boundaries/: regenerated with seed $seed, identical byte for byte ($(find "$tmp" -type f | wc -l) files)"
else
    echo "boundaries/ differs from a regeneration with seed $seed:" >&2
    diff -rq --exclude=source boundaries "$tmp" >&2 || true
    exit 1
fi
