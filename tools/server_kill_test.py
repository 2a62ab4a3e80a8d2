#!/usr/bin/env python3
"""Kill `wangge serve` with SIGKILL during a case-creation load, RUNS times (issue 15's figure).

Each run: start the server (release build) on one data directory, time until /health answers,
post cases from THREADS clients (each body with a unique description) for a random 0.2-1.5 s,
SIGKILL the server mid-load, and check the store with Python's sqlite3: every case the server
acknowledged (201) is there with its transition, and no description is stored twice; every stored
case has exactly one case_create line in the accounts file (none waits in the store's outbox).
Usage: tools/server_kill_test.py [RUNS] [THREADS]      (WANGGE=path/to/wangge, PORT=…)
"""
import json, os, random, signal, sqlite3, subprocess, sys, tempfile, threading, time, urllib.request, shutil

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WANGGE = os.environ.get("WANGGE", os.path.join(ROOT, ".build/release/wangge"))
PORT = int(os.environ.get("PORT", "18282"))
BASE = f"http://127.0.0.1:{PORT}"
random.seed(20261201)

data = tempfile.mkdtemp(prefix="wangge-kill-")
if os.path.exists(os.path.join(ROOT, "out/grids.geojson")):
    shutil.copy(os.path.join(ROOT, "out/grids.geojson"), data)

def start():
    t0 = time.monotonic()
    p = subprocess.Popen([WANGGE, "serve", "--data", data, "--boundaries", os.path.join(ROOT, "boundaries"), "--port", str(PORT),
                          "--log-level", "error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    while True:
        try:
            urllib.request.urlopen(BASE + "/health", timeout=1).read()
            return p, time.monotonic() - t0
        except Exception:
            if p.poll() is not None: sys.exit(f"the server stopped: {p.returncode}")
            time.sleep(0.01)

def post(path, body, token=None):
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    if token: req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.status, json.loads(r.read())

server, first = start()
subprocess.run([WANGGE, "user", "add", "killer", "--role", "district", "--data", data, "--boundaries", os.path.join(ROOT, "boundaries"),
                "--password-stdin"], input=b"kill-test-password\n", check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
token = post("/api/v1/login", {"name": "killer", "password": "kill-test-password"})[1]["token"]
acknowledged, restarts, killed_in_flight = {}, [], 0  # killed_in_flight: as of the last check
for run in range(RUNS):
    stop = threading.Event()
    lock = threading.Lock()
    def client(k):
        n = 0
        while not stop.is_set():
            d = f"kill-run {run} client {k} case {n}"; n += 1
            try:
                status, c = post("/api/v1/cases", {"type": "problem", "description": d, "lon": 103.5515, "lat": 29.4075, "crs": "gcj02"}, token)
                if status == 201:
                    with lock: acknowledged[d] = c["id"]
            except Exception:
                pass  # the server died under it: not acknowledged
    threads = [threading.Thread(target=client, args=(k,)) for k in range(THREADS)]
    for t in threads: t.start()
    time.sleep(random.uniform(0.2, 1.5))
    server.send_signal(signal.SIGKILL); server.wait()
    stop.set()
    for t in threads: t.join()
    server, took = start()
    restarts.append(took)
    # The store as the restarted server has it.
    db = sqlite3.connect(os.path.join(data, "cases.sqlite"))
    rows = db.execute("SELECT id, description FROM cases WHERE description LIKE 'kill-run %'").fetchall()
    transitions = dict(db.execute("SELECT case_id, count(*) FROM transitions GROUP BY case_id").fetchall())
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    identity = db.execute("SELECT id FROM store_identity").fetchone()[0]
    last_line = db.execute("SELECT max(id) FROM audit_outbox").fetchone()[0] or 0
    db.close()
    # Each registration's audit line: written with the case (the store's outbox), copied into the
    # accounts file by the restarted server before it answers (the file's mark for the store moves
    # with the copy).
    adb = sqlite3.connect(os.path.join(data, "accounts.sqlite"))
    created = dict(adb.execute("SELECT target, count(*) FROM audit WHERE action = 'case_create' GROUP BY target").fetchall())
    mark = (adb.execute("SELECT copied_through FROM audit_sources WHERE store = ?", (identity,)).fetchone() or (0,))[0]
    adb.close()
    waiting = last_line - mark
    by_description = {}
    for i, d in rows: by_description.setdefault(d, []).append(i)
    twice = [d for d, ids in by_description.items() if len(ids) > 1]
    lost = [d for d, i in acknowledged.items() if by_description.get(d) != [i]]
    half = [i for i, _ in rows if transitions.get(i, 0) != 1]
    unaudited = [i for i, _ in rows if created.get(i, 0) != 1]
    strays = sorted(set(created) - {i for i, _ in rows})
    if lost or twice or half or integrity != "ok" or unaudited or strays or waiting:
        sys.exit(f"run {run}: lost {lost[:3]} twice {twice[:3]} half-written {half[:3]} integrity {integrity}; "
                 f"cases without exactly one audit line {unaudited[:3]}, lines without a case {strays[:3]}, {waiting} line(s) not copied")
    killed_in_flight = len(rows) - sum(1 for d in by_description if d in acknowledged)
server.send_signal(signal.SIGTERM); server.wait()
restarts.sort()
print(f"{RUNS} kills; {len(acknowledged)} cases acknowledged, all present once with their transition and one audit line; "
      f"{killed_in_flight} more committed but not acknowledged (the kill came before the answer); "
      f"restart to serving: median {restarts[len(restarts)//2]*1000:.0f} ms, max {restarts[-1]*1000:.0f} ms (first start {first*1000:.0f} ms)")
shutil.rmtree(data)
