#!/usr/bin/env bash
# Data safety of the case store (docs/CASES.md): `wangge case import` killed with SIGKILL at random
# moments, and two processes adding cases at once with one of them killed. After every kill the
# store must hold either the state before the command or the state after it — never half an
# import, never a case without its history, never a duplicate — and pass SQLite's integrity check.
#
# usage: tools/kill_cases.sh [RUNS] [GRIDS]   (default 30 runs, out/grids.geojson; needs a release build)
set -euo pipefail
RUNS=${1:-30}
GRIDS=${2:-out/grids.geojson}
W=${WANGGE:-.build/release/wangge}
DIR=$(mktemp -d /tmp/wangge-kill.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
NOW=--now=2026-12-01T09:00:00+08:00

q() { sqlite3 "$1" "$2"; }
consistent() {  # every case has exactly last_seq transitions, numbered 1…last_seq; the file is sound
    local s=$1
    [[ $(q "$s" "PRAGMA integrity_check") == ok ]] || { echo "integrity check failed"; return 1; }
    local bad
    bad=$(q "$s" "SELECT count(*) FROM cases c WHERE last_seq <> (SELECT count(*) FROM transitions t WHERE t.case_id = c.id)
                  OR last_seq <> (SELECT max(seq) FROM transitions t WHERE t.case_id = c.id)")
    [[ $bad == 0 ]] || { echo "$bad case(s) with a broken history"; return 1; }
    [[ $(q "$s" "SELECT count(*) FROM transitions t WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = t.case_id)") == 0 ]] || { echo "orphan transitions"; return 1; }
}

# The previous state: a store with two desk cases.
BASE=$DIR/base.sqlite
$W case add --store "$BASE" $NOW --type problem --lon 103.55 --lat 29.41 --grids "$GRIDS" >/dev/null
$W case add --store "$BASE" $NOW --type dispute --lon 103.56 --lat 29.40 --grids "$GRIDS" >/dev/null
q "$BASE" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
BASECOUNT=$(q "$BASE" "SELECT count(*) FROM cases")

import_killed=0 import_before=0 import_after=0 fail=0
for ((i = 1; i <= RUNS; i++)); do
    S=$DIR/s$i.sqlite
    cp "$BASE" "$S"
    $W case import --store "$S" --grids "$GRIDS" boundaries/incidents.geojson >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", r / 32767 * 2.5 }')"
    if kill -9 $pid 2>/dev/null; then import_killed=$((import_killed + 1)); fi
    wait $pid 2>/dev/null || true
    n=$(q "$S" "SELECT count(*) FROM cases")
    if [[ $n == "$BASECOUNT" ]]; then import_before=$((import_before + 1))
    elif [[ $n == $((BASECOUNT + 6610)) ]]; then import_after=$((import_after + 1))
    else echo "run $i: $n cases (neither $BASECOUNT nor $((BASECOUNT + 6610)))"; fail=$((fail + 1)); fi
    consistent "$S" || { echo "run $i: inconsistent after the kill"; fail=$((fail + 1)); }
    # Resumed: only what is missing is added.
    $W case import --store "$S" --grids "$GRIDS" boundaries/incidents.geojson >/dev/null 2>&1
    [[ $(q "$S" "SELECT count(*) FROM cases") == $((BASECOUNT + 6610)) ]] || { echo "run $i: resumed import incomplete"; fail=$((fail + 1)); }
    rm -f "$S" "$S-wal" "$S-shm"
done
echo "import: $RUNS runs, $import_killed killed mid-way; store before: $import_before, after: $import_after; failures: $fail"

# Two desks adding at once, one killed at a random moment.
add_fail=0
for ((i = 1; i <= RUNS; i++)); do
    S=$DIR/a$i.sqlite
    cp "$BASE" "$S"
    # The first desk notes each add's process id, so exactly that process can be killed.
    ( for k in 1 2 3 4 5 6; do
        $W case add --store "$S" $NOW --type problem --lon 103.55 --lat 29.41 --grids "$GRIDS" >/dev/null 2>&1 &
        echo $! > "$DIR/desk1.pid"; wait $! || true
      done ) &
    p1=$!
    ( for k in 1 2 3 4 5 6; do $W case add --store "$S" $NOW --type errand --lon 103.56 --lat 29.40 --grids "$GRIDS" >/dev/null 2>&1 || true; done ) &
    p2=$!
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", r / 32767 * 3.0 }')"
    kill -9 $p1 2>/dev/null || true
    [[ -f $DIR/desk1.pid ]] && kill -9 "$(cat "$DIR/desk1.pid")" 2>/dev/null || true
    rm -f "$DIR/desk1.pid"
    wait $p1 2>/dev/null || true
    wait $p2 2>/dev/null || true
    consistent "$S" || { echo "add run $i: inconsistent"; add_fail=$((add_fail + 1)); }
    dups=$(q "$S" "SELECT count(*) FROM (SELECT id FROM cases GROUP BY id HAVING count(*) > 1)")
    [[ $dups == 0 ]] || { echo "add run $i: duplicate ids"; add_fail=$((add_fail + 1)); }
    n=$(q "$S" "SELECT count(*) FROM cases WHERE type = 'errand'")
    [[ $n == 6 ]] || { echo "add run $i: the surviving desk has $n of its 6 cases"; add_fail=$((add_fail + 1)); }
    rm -f "$S" "$S-wal" "$S-shm"
done
echo "concurrent add: $RUNS runs, failures: $add_fail"
[[ $fail == 0 && $add_fail == 0 ]]
