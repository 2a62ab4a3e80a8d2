#!/usr/bin/env bash
# schemathesis (PyPI) against the server's own OpenAPI document: every operation generated from
# the schema (examples, coverage, fuzzing, stateful phases) with a district account's bearer token;
# the check is that no request gets a 5xx. Logout is left out (it would end the token mid-run).
# Usage: tools/schemathesis.sh [MAX-EXAMPLES]      (release build; installs schemathesis in a venv)
set -euo pipefail
cd "$(dirname "$0")/.."
MAX=${1:-100}
W=${WANGGE:-.build/release/wangge}
PORT=${PORT:-18484}
VENV=${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/wangge/schemathesis-venv}
[ -x "$W" ] || { echo "build first: swift build -c release --product wangge"; exit 2; }
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi
DATA=$(mktemp -d /tmp/wangge-schema-XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
# The plan with its blocks, so the plan routes (village blocks, edits) are exercised too.
for f in grids.geojson blocks.geojson; do if [ -f "out/$f" ]; then cp "out/$f" "$DATA/"; fi; done
"$W" serve --data "$DATA" --boundaries boundaries --port "$PORT" --log-level error >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
echo "schema-test-password" | "$W" user add schema --role district --data "$DATA" --boundaries boundaries --password-stdin >/dev/null
TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/login" -d '{"name":"schema","password":"schema-test-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.yaml" --url "http://127.0.0.1:$PORT" \
  -H "Authorization: Bearer $TOKEN" --checks not_a_server_error --exclude-path /api/v1/logout --max-examples "$MAX"
