#!/usr/bin/env bash
# Regenerates each bundled district with its committed seed into a temporary folder and compares
# it byte for byte with what is committed: Shawan in boundaries/ (from boundaries/source/), the
# second district in boundaries/jinkouhe/ (from boundaries/jinkouhe/source/). Fails (exit 1) on
# any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
swift build -c release --product generate-district >/dev/null
status=0
for dir in boundaries boundaries/jinkouhe; do
    seed=$(sed -n 's/.*generate-district --seed \([0-9]*\).*/\1/p' "$dir/PROVENANCE.md" | head -1)
    out="$tmp/$(basename "$dir")"
    .build/release/generate-district --seed "$seed" --source "$dir/source" --out "$out" 2>/dev/null
    if diff -r --exclude=source --exclude=jinkouhe "$dir" "$out" >/dev/null; then
        echo "$dir/: regenerated with seed $seed, identical byte for byte ($(find "$out" -type f | wc -l) files)"
    else
        echo "$dir/ differs from a regeneration with seed $seed:" >&2
        diff -rq --exclude=source --exclude=jinkouhe "$dir" "$out" >&2 || true
        status=1
    fi
done
exit $status
