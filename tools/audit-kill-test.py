#!/usr/bin/env python3
"""A ladder step's audit line across two SQLite files, under SIGKILL and a full disk.

`wangge case accept --actor NAME` with an accounts file writes the step and its audit line into
the case store's outbox in one transaction, then copies the line into the accounts file, moving
the accounts file's mark for that store in the same transaction (docs/RELIABILITY.md, "Audit lines
across two files"). A line "waits" while its outbox id is past the mark. This kills the step RUNS times at
random moments and checks, after every run, both files with Python's sqlite3:
  - both pass PRAGMA integrity_check;
  - a case is accepted exactly when its line is somewhere (accounts file or outbox), never twice in
    the accounts file, never twice in the outbox; a run that exited 0 has its line in the accounts file;
then one normal run, which must leave the outbox empty and every accepted case with exactly one
line in the accounts file. Then the accounts file on a full tmpfs (0 to 32 spare pages): the
step is refused with nothing changed, or made with its line kept in the outbox (and a warning);
with room again, the next step copies every waiting line.
Usage: tools/audit-kill-test.py [RUNS]     (WANGGE=path/to/wangge, GRIDS=grid file; run as root for tmpfs)
"""
import os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WANGGE = os.environ.get("WANGGE", os.path.join(ROOT, ".build/release/wangge"))
GRIDS = os.environ.get("GRIDS", os.path.join(ROOT, "out/grids.geojson"))
BOUNDARIES = os.path.join(ROOT, "boundaries")
NOW = "2026-12-01T09:00:00+08:00"
PASSWORD = b"audit kill test password\n"
random.seed(20261201)


def checkpoint(path):
    con = sqlite3.connect(path, timeout=30)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def run(argv, stdin=None, check=True):
    r = subprocess.run(argv, input=stdin, capture_output=True, cwd=ROOT)
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.decode()[-400:]}")
    return r


def case_id(i):
    return f"K{i:04d}"


def accept_argv(store, i, accounts=None):
    argv = [WANGGE, "case", "accept", case_id(i), "--store", store, "--now", NOW, "--actor", "desk"]
    return argv + (["--accounts", accounts] if accounts else [])


def prepare(d, n):
    """A data directory with a district account and n reported cases K0000…"""
    run([WANGGE, "user", "add", "desk", "--role", "district", "--password-stdin", "--data", d, "--boundaries", BOUNDARIES], PASSWORD)
    store = os.path.join(d, "cases.sqlite")
    for i in range(n):
        run([WANGGE, "case", "add", "--store", store, "--now", NOW, "--type", "problem", "--lon", "103.55", "--lat", "29.41",
             "--grids", GRIDS, "--id", case_id(i)])
    return store


def read(store, accounts):
    """(problem, {case: (status, lines in the accounts file, lines in the outbox)})."""
    state = {}
    c = a = None
    try:
        c = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
        a = sqlite3.connect(f"file:{accounts}?mode=ro", uri=True, timeout=30)
        for con, what in ((c, "case store"), (a, "accounts file")):
            check = con.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                return f"{what}: integrity_check {check}", {}
        for cid, status in c.execute("SELECT id, status FROM cases WHERE id LIKE 'K%'"):
            state[cid] = [status, 0, 0]
        for (target,) in a.execute("SELECT target FROM audit WHERE action = 'case_transition'"):
            state.setdefault(target, ["(no case)", 0, 0])[1] += 1
        # The outbox keeps copied lines for a while: waiting are those past the accounts file's
        # mark for this store; every line at or below it must be in the log (by its origin).
        identity = c.execute("SELECT id FROM store_identity").fetchone()[0]
        mark = (a.execute("SELECT copied_through FROM audit_sources WHERE store = ?", (identity,)).fetchone() or (0,))[0]
        logged = {r[0] for r in a.execute("SELECT origin FROM audit WHERE origin IS NOT NULL")}
        for oid, target in c.execute("SELECT id, target FROM audit_outbox WHERE action = 'case_transition'"):
            if oid > mark:
                state.setdefault(target, ["(no case)", 0, 0])[2] += 1
            elif f"cases:{identity}:{oid}" not in logged:
                return f"outbox line {oid} ({target}) is below the copied mark {mark} but not in the log", {}
        origins = a.execute("SELECT count(*), count(DISTINCT origin) FROM audit WHERE origin IS NOT NULL").fetchone()
    except sqlite3.Error as e:
        return f"cannot read: {e}", {}
    finally:
        for con in (c, a):
            if con is not None:
                con.close()
    if origins[0] != origins[1]:
        return f"{origins[0] - origins[1]} audit line(s) with a repeated origin", {}
    bad = [f"{k}={v}" for k, v in sorted(state.items())
           if v[1] > 1 or v[2] > 1 or (v[0] == "accepted") != (v[1] + v[2] >= 1)]
    return (f"case and audit line disagree: {bad[:5]}" if bad else None), state


def kill_series(d, store, accounts):
    # the step's duration: the shortest of three runs on cases of their own
    durations = []
    for k in range(3):
        t0 = time.monotonic()
        run(accept_argv(store, RUNS + 1 + k))
        durations.append(time.monotonic() - t0)
    duration = min(durations)
    problems, killed_after_commit, outbox_only, completed = [], 0, 0, 0
    for i in range(RUNS):
        delay = random.uniform(0, duration) if i % 2 == 0 else random.uniform(0.6 * duration, duration)
        p = subprocess.Popen(accept_argv(store, i), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        time.sleep(delay)
        killed = p.poll() is None
        if killed:
            p.send_signal(signal.SIGKILL)
        _, err = p.communicate()
        problem, state = read(store, accounts)
        if problem:
            problems.append(f"run {i}: {problem}")
            break
        s = state.get(case_id(i), ["missing", 0, 0])
        if not killed:
            completed += 1
            if p.returncode != 0:
                problems.append(f"run {i} failed by itself ({p.returncode}): {err.decode()[-300:]}")
            elif s != ["accepted", 1, 0]:
                problems.append(f"run {i} exited 0 but the case and its line are {s}")
        elif s[0] == "accepted":
            killed_after_commit += 1
            outbox_only += s[1] == 0
    # one normal run copies whatever the kills left waiting
    r = run(accept_argv(store, RUNS), check=False)
    problem, state = read(store, accounts)
    if r.returncode != 0:
        problems.append(f"the normal run failed: {r.stderr.decode()[-300:]}")
    elif problem:
        problems.append(f"after the normal run: {problem}")
    else:
        waiting = [k for k, v in state.items() if v[2]]
        wrong = [k for k, v in state.items() if v[0] == "accepted" and v[1] != 1]
        if waiting or wrong:
            problems.append(f"after the normal run: lines still waiting {waiting[:5]}, accepted cases without exactly one line {wrong[:5]}")
    print(f"kill: {RUNS} runs (step {duration * 1000:.0f} ms), {killed_after_commit} killed after the step was committed "
          f"({outbox_only} of them with the line only in the outbox), {completed} ended before the kill; "
          f"after the next normal run every accepted case has exactly one audit line: {'yes' if not problems else 'NO'}")
    return problems


def full_disk_series(d, store, accounts_base):
    problems = []
    size = (os.path.getsize(accounts_base) + 4095) // 4096 * 4096
    first = RUNS + 4
    for k, spare in enumerate((0, 2, 8, 9, 10, 11, 12, 14, 16, 32)):
        i = first + k
        fs = tempfile.mkdtemp(prefix="tmpfs-", dir=d)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size + spare * 4096}", "tmpfs", fs], check=True)
        try:
            accounts = os.path.join(fs, "accounts.sqlite")
            shutil.copyfile(accounts_base, accounts)
            before = open(accounts, "rb").read()
            r = run(accept_argv(store, i, accounts), check=False)
            # room to read it (SQLite's reader makes the -shm beside a WAL file)
            subprocess.run(["mount", "-o", f"remount,size={size + (64 << 20)}", fs], check=True)
            problem, state = read(store, accounts)
            s = state.get(case_id(i), ["missing", 0, 0])
            err = r.stderr.decode()
            if problem:
                problems.append(f"{spare} spare pages: {problem}")
            elif r.returncode != 0 and s[0] == "accepted":
                problems.append(f"{spare} spare pages: refused ({err.strip()[-200:]}) but the step is in the store")
            elif r.returncode != 0 and "accounts" not in err and "full" not in err:
                problems.append(f"{spare} spare pages: refused without naming the file or the full disk: {err.strip()[-200:]}")
            elif r.returncode == 0 and s[1] == 0 and "warning" not in err:
                problems.append(f"{spare} spare pages: the line is only in the outbox and nothing said so")
            outcome = "refused" if r.returncode != 0 else ("line in the accounts file" if s[1] else "line kept in the outbox, warned")
            # with room again, a next step copies whatever waits
            r2 = run(accept_argv(store, i + 100, accounts), check=False)
            problem, state = read(store, accounts)
            waiting = [k for k, v in state.items() if v[2]]
            if r2.returncode != 0 or problem or waiting:
                problems.append(f"{spare} spare pages, with room again: exit {r2.returncode}, {problem}, waiting {waiting[:5]}")
            print(f"full disk, {spare} spare pages: {outcome}; with room again every line copied: "
                  f"{'yes' if r2.returncode == 0 and not waiting else 'NO'}")
            # the next spare-page run goes on from this accounts file
            checkpoint(accounts)
            shutil.copyfile(accounts, accounts_base)
        finally:
            subprocess.run(["umount", fs], check=False)
            os.rmdir(fs)
    return problems


def main():
    global GRIDS
    d = tempfile.mkdtemp(prefix="wangge-audit-kill-")
    try:
        if not os.path.exists(GRIDS):   # no plan from the README's first command: partition one
            run([WANGGE, "partition", "--boundaries", BOUNDARIES, "--out", os.path.join(d, "plan")])
            GRIDS = os.path.join(d, "plan", "grids.geojson")
        store = prepare(d, RUNS + 120)
        accounts = os.path.join(d, "accounts.sqlite")
        problems = kill_series(d, store, accounts)
        if os.geteuid() == 0:
            checkpoint(accounts)
            problems += full_disk_series(d, store, accounts)
        else:
            print("full disk: skipped (needs root for tmpfs)")
        for p in problems:
            print("FAIL:", p)
        sys.exit(1 if problems else 0)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
