#!/usr/bin/env bash
# The plan routes' figures on a release build, on loopback: restart to serving with the plan
# store in place, one village's blocks, a move through POST /api/v1/plan/edits (checked, recorded,
# files written, served grids recomputed) and its way back, a lock and an unlock, and a diff.
# Usage: tools/bench_plan_api.sh [RUNS]      (needs out/ from `wangge partition --out out`)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
W=${WANGGE:-.build/release/wangge}
PORT=${PORT:-18485}
[ -x "$W" ] || { echo "build first: swift build -c release --product wangge"; exit 2; }
[ -f out/blocks.geojson ] || { echo "partition first: $W partition --out out"; exit 2; }
DATA=$(mktemp -d /tmp/wangge-planbench-XXXXXX)
SERVER=
trap 'if [ -n "$SERVER" ]; then kill $SERVER 2>/dev/null || true; fi; rm -rf "$DATA"' EXIT
cp out/grids.geojson out/blocks.geojson "$DATA/"
URL="http://127.0.0.1:$PORT"
start() { "$W" serve --data "$DATA" --boundaries boundaries --port "$PORT" --log-level error >>"$DATA/server.log" 2>&1 & SERVER=$!; }
up() { for _ in $(seq 1 3000); do curl -sf "$URL/health" >/dev/null && return 0; sleep 0.01; done; echo "no answer"; exit 1; }
stop() { kill $SERVER; wait $SERVER 2>/dev/null || true; SERVER=; }

start; up; stop        # the first start: partition files recorded as version 1, gazetteer built
echo "bench-password-1" | "$W" user add bench --role district --data "$DATA" --boundaries boundaries --password-stdin >/dev/null
echo "restart to serving (store in place), $RUNS runs:"
for _ in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N); start; up; t1=$(date +%s%N); stop
  echo "  $(( (t1 - t0) / 1000000 )) ms"
done
start; up
TOKEN=$(curl -sf -X POST "$URL/api/v1/login" -d '{"name":"bench","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
H="Authorization: Bearer $TOKEN"
time_of() { curl -s -o "$DATA/answer" -w '%{http_code} %{time_total}' -H "$H" "$@"; }
# 老矿社区: block 0006 between grids 003 and 001 (docs/PLANS.md's example), moved there and back.
echo "GET village 511111001001 (64 blocks): $(time_of "$URL/api/v1/plan/villages/511111001001") s"
for i in $(seq 1 "$RUNS"); do
  echo "move 0006 → 001: $(time_of -X POST "$URL/api/v1/plan/edits" -d '{"edits":[{"op":"move","blocks":["511111001001-0006"],"to":"511111001001001"}]}') s"
  echo "move 0006 → 003: $(time_of -X POST "$URL/api/v1/plan/edits" -d '{"edits":[{"op":"move","blocks":["511111001001-0006"],"to":"511111001001003"}]}') s"
done
echo "lock 003: $(time_of -X POST "$URL/api/v1/plan/edits" -d '{"edits":[{"op":"lock","grids":["511111001001003"]}]}') s"
echo "unlock 003: $(time_of -X POST "$URL/api/v1/plan/edits" -d '{"edits":[{"op":"unlock","grids":["511111001001003"]}]}') s"
echo "diff 1 → 2 (first, computed): $(time_of "$URL/api/v1/plan/diff?from=1&to=2") s"
echo "diff 1 → 2 (again, kept): $(time_of "$URL/api/v1/plan/diff?from=1&to=2") s"
echo "RSS of the server: $(ps -o rss= -p $SERVER) kB"
