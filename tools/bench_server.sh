#!/usr/bin/env bash
# Load test of `wangge serve` on loopback (issue 15's figures), with wrk:
#   1. GET /api/v1/geocode (bearer token), 2. POST /api/v1/cases (each a new case, located by a
#   point), both for a fixed duration with fixed connections; requests/s and latency percentiles;
#   3. the server's RSS before and after ~1,000,000 geocode requests.
# Usage: tools/bench_server.sh [SECONDS] [CONNECTIONS]   (release build; data from out/ when present)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-10}
CONNECTIONS=${2:-16}
W=${WANGGE:-.build/release/wangge}
PORT=${PORT:-18181}
command -v wrk >/dev/null || { echo "needs wrk (Debian package wrk)"; exit 2; }
[ -x "$W" ] || { echo "build first: swift build -c release --product wangge"; exit 2; }
DATA=$(mktemp -d /tmp/wangge-bench-XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
[ -f out/grids.geojson ] && cp out/grids.geojson "$DATA/"
"$W" serve --data "$DATA" --boundaries boundaries --port "$PORT" --log-level error >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
echo "bench-password-1" | "$W" user add bench --role district --data "$DATA" --boundaries boundaries --password-stdin >/dev/null
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/login" -d '{"name":"bench","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER/status"; }

Q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("沫江街道文昌巷317号"))')
echo "== GET /api/v1/geocode, ${SECONDS_RUN}s, $CONNECTIONS connections"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/geocode?q=$Q" | grep -E "Requests/sec|50%|99%|requests in|Non-2xx"

cat >"$DATA/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"type":"problem","category":"道路设施","description":"load test","lon":103.5515,"lat":29.4075,"crs":"gcj02"}'
LUA
echo "== POST /api/v1/cases, ${SECONDS_RUN}s, $CONNECTIONS connections"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$DATA/post.lua" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/cases" | grep -E "Requests/sec|50%|99%|requests in|Non-2xx"
echo "cases in the store: $(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/cases/report" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["total"])')"

echo "== RSS over ~1,000,000 geocode requests"
wrk -t2 -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/geocode?q=$Q" >/dev/null
BEFORE=$(rss)
DONE=0
while [ "$DONE" -lt 1000000 ]; do
  N=$(wrk -t2 -c"$CONNECTIONS" -d10s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/geocode?q=$Q" | awk '/requests in/ {print $1}')
  DONE=$((DONE + N))
done
AFTER=$(rss)
echo "requests: $DONE; RSS before ${BEFORE} kB, after ${AFTER} kB, growth $(( (AFTER - BEFORE) / 1024 )) MB"
