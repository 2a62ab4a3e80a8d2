#!/usr/bin/env python3
"""Failure injection for every wangge command that writes a file.

    sudo tools/failure-injection.py [--kills 50] [--quick] [--seed 1] [--only partition,assign]

The binary is $WANGGE (default .build/release/wangge). Needs root: it mounts small tmpfs file
systems (full disk, read-only directory) and makes a private /dev/full node. Python 3 stdlib only.

Scenarios, for each writing command (partition, map, export, assign, geocode, gazetteer, crs,
report, staff, plan export, case report --out; validate only reads, so it gets the pipe/device
checks; the stores — case add/accept/tick/import, user add/disable/enable — and login's session
file are further down, under "The stores"; plan edits keep their own kill test,
tools/plan-kill-test.sh, and the server under load tools/server_kill_test.py):

  kill        The target holds a known-good previous output (made with different arguments, so old
              and new can be told apart). The command is started on the same target and SIGKILLed
              at a moment drawn uniformly from [0, its measured duration]. Every output file must
              then be byte-identical to the previous output or to a complete new one, never
              partial; partition's three files must be one set. Temp files left behind are
              tolerated only if the next normal run removes them.
  full-disk   A tmpfs just big enough for the previous output (no room for a second copy), and
              one too small for even the first file: non-zero exit, a message naming the file,
              the previous output intact, no temp file left.
  bad-target  Missing directory, read-only directory (tmpfs remounted ro: root ignores chmod),
              a directory where a file is expected (or a file where a directory is), a /dev/full
              node as the output, standard output to /dev/full, closed, or a pipe closed at once.
  pipe/device Inputs given as a pipe (<(cat f), /dev/stdin, -): the output must equal the one
              from the regular file, or the command must refuse cleanly.
  same-file   assign --in X --out X, assign --grids G --out G, map --out X --svg X, and the
              in-place crs/geocode/export forms: no input may be destroyed.
  concurrent  Two runs into the same target at once (same arguments, and different ones): the
              result is one complete set that one of the runs would have written alone.

Stores (--only case,user,login): a store's output is a database. After every run it must pass
PRAGMA integrity_check, every case must have its whole history (transitions 1..last_seq) and every
account its one user_add audit line; every change an earlier run acknowledged (exit 0) must still
be there, and the run's own change must be wholly in or wholly out. kill: >= --kills runs on one
store (add, accept, disable, enable: each run its own record, the store kept from run to run;
import, tick: each run from the same base, the store before or after), half of the kills anywhere
in the run and half in its last 40 %; then one normal run. full-disk: the store on a tmpfs with
0, 2, 8, 32 and 256 spare pages — the run completes, or fails naming the store and saying the disk
is full with the store unchanged, and then completes once there is room; and a new store on a
disk with no room at all leaves nothing at its path. bad-target, pipe/device: the store is a
directory, a text file, in a read-only or missing directory, a /dev/null or /dev/full node, a pipe.
concurrent: two desks adding at once, two `user add` of one name and of two names, two logins
into one session file. login runs against a `wangge serve` the harness starts (port 0) and
stops; its session file is checked like a file output (the previous bytes or a complete new
session, mode 0600).

A crash is a death by signal (other than the SIGPIPE of a closed pipe), an exit status of 128 or
more, or Swift's 'Fatal error'. Everything random (kill moments, staggers, fixtures) comes from
--seed. Prints one line per case, then a table (command x scenario); exit status 1 if any failure.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import hashlib
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from typing import Callable, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = 4096
STDOUT_NAMES = ["stdout", "standard output", "/dev/full", "-:", "'-'", '"-"']

# ----------------------------------------------------------------------------------------------
# Results


@dataclasses.dataclass
class Result:
    command: str
    scenario: str
    case: str
    ok: bool
    reason: str = ""   # why it failed (or a note when it passed)
    message: str = ""  # what the command said (first line of its error output)


@dataclasses.dataclass
class PipeCase:
    """An input given as a pipe or device."""
    label: str
    line: str                  # the bash command line
    path: str                  # what the command was told to read (an error should name it)
    target: Optional[str]      # where the outputs go (None: validate writes none)
    compare: list[str]         # outputs that must equal the ones from the regular file


@dataclasses.dataclass
class Run:
    """A finished process."""
    argv: list[str]
    status: int        # exit status; -N = killed by signal N (also for shell-wrapped runs)
    stdout: str
    stderr: str
    seconds: float

    @property
    def text(self) -> str:
        return self.stderr + self.stdout

    @property
    def first_error_line(self) -> str:
        for line in (self.stderr.splitlines() + self.stdout.splitlines()):
            line = line.strip()
            if line:
                return line[:200]
        return ""

    def crash(self, sigpipe_ok: bool = False) -> Optional[str]:
        """A description of the crash, or None."""
        if self.status < 0:
            sig = -self.status
            if sig == signal.SIGPIPE and sigpipe_ok:
                return None
            return f"crashed ({signal.Signals(sig).name})"
        if "Fatal error" in self.stderr:
            return "crashed (Fatal error)"
        if self.status >= 128:
            return f"crashed (exit {self.status})"
        return None


# ----------------------------------------------------------------------------------------------
# Processes, mounts, cleanup (everything started here is stopped here)

LIVE: dict[int, subprocess.Popen] = {}
MOUNTS: list[str] = []


def start(argv: list[str], shell: Optional[str] = None, cwd: Optional[str] = None) -> subprocess.Popen:
    """Starts argv, or the bash command line `shell` (for redirections and process substitution)."""
    cmd = ["bash", "-c", shell] if shell else argv
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL if not shell else None,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    LIVE[p.pid] = p
    return p


def finish(p: subprocess.Popen, argv: list[str], started: float, timeout: float) -> Run:
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        err += b"\n[harness: timed out]"
    LIVE.pop(p.pid, None)
    status = p.returncode
    return Run(argv, status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.monotonic() - started)


def run(argv: list[str], shell: Optional[str] = None, timeout: float = 300) -> Run:
    t0 = time.monotonic()
    return finish(start(argv, shell), argv, t0, timeout)


def run_shell(line: str, timeout: float = 300) -> Run:
    """Runs a bash line (redirections, pipes, process substitution) whose wangge is `exec`ed or
    last in its pipeline, so the status is wangge's; bash's 128+N for a signal becomes -N."""
    r = run(["bash", "-c", line], shell=line, timeout=timeout)
    if r.status > 128:
        r.status = -(r.status - 128)
    return r


def stop_everything() -> None:
    for pid, p in list(LIVE.items()):
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            p.wait()
        LIVE.pop(pid, None)
    for path in list(MOUNTS):
        unmount(path)


def unmount(path: str) -> None:
    if path not in MOUNTS:
        return
    if subprocess.run(["umount", path], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", path], capture_output=True)
    MOUNTS.remove(path)
    with contextlib.suppress(OSError):
        os.rmdir(path)


@contextlib.contextmanager
def tmpfs(base: str, size: int):
    """A tmpfs of `size` bytes (rounded up to pages), always unmounted afterwards."""
    path = tempfile.mkdtemp(prefix="tmpfs-", dir=base)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path], check=True)
    MOUNTS.append(path)
    try:
        yield path
    finally:
        unmount(path)


def remount_read_only(path: str) -> None:
    subprocess.run(["mount", "-o", "remount,ro", path], check=True)


# ----------------------------------------------------------------------------------------------
# Fingerprints: what a file holds, with partial files told apart from complete ones


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(path: str) -> str:
    """sha256 of the file; report.json without its run times ("seconds"), which differ per run.
    'missing', 'not a file' for what is not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    if not stat.S_ISREG(st.st_mode):
        return "not a file"
    if os.path.basename(path) == "gazetteer.sqlite":
        # The grid file's path is recorded as given (a pipe is /dev/fd/N); all else must agree.
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            lines = [l for l in con.iterdump() if "'grids_path'" not in l]
            con.close()
        except sqlite3.Error:
            return "partial:" + sha256(path)
        return "sqlite:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()
    if os.path.basename(path) == "report.json":
        try:
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
        except ValueError:
            return "partial:" + sha256(path)
        drop_seconds(report)
        return "json:" + hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()
    return sha256(path)


def drop_seconds(value) -> None:
    """Removes every "seconds" member (run times) from a parsed JSON value."""
    if isinstance(value, dict):
        value.pop("seconds", None)
        for v in value.values():
            drop_seconds(v)
    elif isinstance(value, list):
        for v in value:
            drop_seconds(v)


def fingerprints(directory: str, names: list[str]) -> dict[str, str]:
    return {n: fingerprint(os.path.join(directory, n)) for n in names}


def leftovers(directory: str, expected: set[str]) -> list[str]:
    """Entries of `directory` that are neither outputs nor there before: temp files and the like."""
    try:
        return sorted(set(os.listdir(directory)) - expected)
    except FileNotFoundError:
        return []


def copy_set(src: str, dst: str, names: list[str]) -> None:
    os.makedirs(dst, exist_ok=True)
    for n in names:
        shutil.copyfile(os.path.join(src, n), os.path.join(dst, n))


def names_file(r: Run, paths: list[str]) -> bool:
    """Does the command's output name one of `paths` (full path or file name)?"""
    text = r.text
    return any(p in text or os.path.basename(p.rstrip("/")) in text for p in paths)


def short(names: list[str], limit: int = 3) -> str:
    more = f" +{len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


# ----------------------------------------------------------------------------------------------
# The commands under test


@dataclasses.dataclass
class Writer:
    """A wangge command that writes files into one target directory."""
    name: str
    outputs: list[str]                         # file names it writes into the target directory
    args: Callable[[str], list[str]]           # target directory -> arguments
    alt_args: Callable[[str], list[str]]       # different arguments, different output
    writes_directory: bool = False             # --out is a directory (partition, export)
    one_set: bool = False                      # the outputs must always be one set (partition)
    stdout_args: Optional[list[str]] = None    # a form that writes its data to standard output
    # filled in by measure():
    seconds: float = 0.0
    new: dict[str, str] = dataclasses.field(default_factory=dict)   # fingerprints, args
    old: dict[str, str] = dataclasses.field(default_factory=dict)   # fingerprints, alt_args
    reference_dir: str = ""
    old_dir: str = ""

    def out_path(self, target: str) -> str:
        """The path given as --out for `target`."""
        return target if self.writes_directory else os.path.join(target, self.outputs[0])


class Harness:
    def __init__(self, opts: argparse.Namespace):
        self.opts = opts
        self.binary = os.path.abspath(os.environ.get("WANGGE", os.path.join(ROOT, ".build/release/wangge")))
        self.boundaries = os.path.join(ROOT, "boundaries")
        self.work = tempfile.mkdtemp(prefix="wangge-fi-", dir=opts.workdir)
        self.fixtures = os.path.join(self.work, "fixtures")
        os.makedirs(self.fixtures)
        self.results: list[Result] = []
        self.counter = 0

    # -- helpers

    def rng(self, *parts: str) -> random.Random:
        return random.Random(":".join([str(self.opts.seed), *parts]))

    def scratch(self, label: str) -> str:
        self.counter += 1
        path = os.path.join(self.work, f"{self.counter:04d}-{label}")
        os.makedirs(path)
        return path

    def wangge(self, args: list[str]) -> list[str]:
        return [self.binary, *args]

    def record(self, r: Result) -> None:
        self.results.append(r)
        mark = "PASS" if r.ok else "FAIL"
        detail = f": {r.reason}" if r.reason else ""
        said = f"  [{r.message}]" if r.message else ""
        print(f"{mark} {r.command:<9} {r.scenario:<11} {r.case}{detail}{said}", flush=True)

    def selected(self, name: str) -> bool:
        return not self.opts.only or name in self.opts.only.split(",")

    def timeout(self, w: Optional[Writer] = None) -> float:
        return max(120.0, 30 * (w.seconds if w else 1.0))

    # -- fixtures

    def prepare(self) -> None:
        fx = self.fixtures
        print(f"wangge: {self.binary}\nwork directory: {self.work}", flush=True)
        part = os.path.join(fx, "partition")
        r = run(self.wangge(["partition", "--boundaries", self.boundaries, "--out", part]))
        if r.status != 0:
            sys.exit(f"cannot prepare: wangge partition failed:\n{r.text}")
        self.grids = os.path.join(part, "grids.geojson")
        self.blocks = os.path.join(part, "blocks.geojson")
        # a second plan (other grid counts) for the commands whose other output is another plan's
        part200 = os.path.join(fx, "partition-200")
        r = run(self.wangge(["partition", "--boundaries", self.boundaries, "--out", part200, "--grids", "200"]))
        if r.status != 0:
            sys.exit(f"cannot prepare: wangge partition --grids 200 failed:\n{r.text}")
        self.grids200 = os.path.join(part200, "grids.geojson")
        self.stores = {}
        for name, source in [("plan.gpkg", part), ("plan-200.gpkg", part200)]:
            self.stores[name] = os.path.join(fx, name)
            r = run(self.wangge(["plan", "init", "--boundaries", self.boundaries, "--store", self.stores[name], "--from", source]))
            if r.status != 0:
                sys.exit(f"cannot prepare: wangge plan init failed:\n{r.text}")
        self.roster = os.path.join(self.boundaries, "roster.csv")
        rng = self.rng("fixtures")

        # points over the district's bounding box, some outside it
        with open(self.grids, encoding="utf-8") as f:
            xs, ys = [], []
            for feature in json.load(f)["features"]:
                for ring in feature["geometry"]["coordinates"]:
                    for x, y in (ring if feature["geometry"]["type"] == "Polygon" else ring[0]):
                        xs.append(x)
                        ys.append(y)
        box = (min(xs), min(ys), max(xs), max(ys))
        self.points = os.path.join(fx, "points.csv")
        with open(self.points, "w", encoding="utf-8") as f:
            f.write("id,lon,lat\n")
            for i in range(self.opts.points):
                f.write(f"{i},{rng.uniform(box[0], box[2]):.7f},{rng.uniform(box[1], box[3]):.7f}\n")

        # addresses: township + village + group + house number
        with open(os.path.join(self.boundaries, "villages.geojson"), encoding="utf-8") as f:
            villages = [(v["properties"]["township"], v["properties"]["name"]) for v in json.load(f)["features"]]
        self.addresses = os.path.join(fx, "addresses.txt")
        with open(self.addresses, "w", encoding="utf-8") as f:
            for _ in range(self.opts.addresses):
                t, v = rng.choice(villages)
                f.write(f"沙湾区{t}{v}{rng.randint(1, 12)}组{rng.randint(1, 80)}号\n")

        self.gazetteer = os.path.join(fx, "gazetteer.sqlite")
        r = run(self.wangge(["gazetteer", "build", "--boundaries", self.boundaries, "--grids", self.grids,
                             "--out", self.gazetteer]))
        if r.status != 0:
            sys.exit(f"cannot prepare: wangge gazetteer build failed:\n{r.text}")

        # a private /dev/full: a command that renames a temp file over its --out must not get to
        # replace the machine's real /dev/full (/dev is writable for root)
        self.dev_full = os.path.join(fx, "full")
        os.mknod(self.dev_full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))

    def writers(self) -> list[Writer]:
        B, G, j = self.boundaries, self.grids, os.path.join
        ws = [
            Writer("partition", ["grids.geojson", "blocks.geojson", "report.json"],
                   lambda d: ["partition", "--boundaries", B, "--out", d],
                   lambda d: ["partition", "--boundaries", B, "--out", d, "--grids", "200"],
                   writes_directory=True, one_set=True),
            Writer("map", ["map.html", "grids.svg"],
                   lambda d: ["map", "--boundaries", B, "--grids", G, "--out", j(d, "map.html"), "--svg", j(d, "grids.svg")],
                   lambda d: ["map", "--boundaries", B, "--grids", G, "--out", j(d, "map.html"), "--svg", j(d, "grids.svg"),
                              "--colour", "township"]),
            Writer("export", [],   # the file list comes from the reference run
                   lambda d: ["export", "--boundaries", B, "--grids", G, "--out", d],
                   lambda d: ["export", "--boundaries", B, "--grids", G, "--out", d, "--crs", "gcj02"],
                   writes_directory=True),
            Writer("assign", ["cases.csv"],
                   lambda d: ["assign", "--grids", G, "--in", self.points, "--out", j(d, "cases.csv"), "--quiet"],
                   lambda d: ["assign", "--grids", G, "--in", self.points, "--out", j(d, "cases.csv"), "--quiet",
                              "--crs", "gcj02"],
                   stdout_args=["assign", "--grids", G, "--in", self.points, "--out", "-", "--quiet"]),
            Writer("geocode", ["geocoded.jsonl"],
                   lambda d: ["geocode", "--gazetteer", self.gazetteer, "--grids", self.grids, "--batch", self.addresses, "--out", j(d, "geocoded.jsonl")],
                   lambda d: ["geocode", "--gazetteer", self.gazetteer, "--grids", self.grids, "--batch", self.addresses, "--out", j(d, "geocoded.jsonl"),
                              "--format", "csv"],
                   stdout_args=["geocode", "--gazetteer", self.gazetteer, "--grids", self.grids, "--batch", self.addresses]),
            Writer("gazetteer", ["gazetteer.sqlite"],
                   lambda d: ["gazetteer", "build", "--boundaries", B, "--grids", G, "--out", j(d, "gazetteer.sqlite")],
                   lambda d: ["gazetteer", "build", "--boundaries", B, "--grids", "none", "--out", j(d, "gazetteer.sqlite")]),
            Writer("crs", ["blocks-gcj02.geojson"],
                   lambda d: ["crs", "--from", "wgs84", "--to", "gcj02", "--geojson", self.blocks, "--out", j(d, "blocks-gcj02.geojson")],
                   lambda d: ["crs", "--from", "wgs84", "--to", "bd09", "--geojson", self.blocks, "--out", j(d, "blocks-gcj02.geojson")],
                   stdout_args=["crs", "--from", "wgs84", "--to", "gcj02", "--geojson", self.blocks]),
            # Later commands that write a set of files into a directory (AtomicFileSet).
            Writer("report", ["report.json", "grids.csv", "histogram.svg"],
                   lambda d: ["report", "--boundaries", B, "--grids", G, "--out", d],
                   lambda d: ["report", "--boundaries", B, "--grids", self.grids200, "--out", d],
                   writes_directory=True, one_set=True),
            Writer("staff", ["staffing.csv", "staffing.json"],
                   lambda d: ["staff", "--boundaries", B, "--grids", G, "--roster", self.roster, "--out", d],
                   lambda d: ["staff", "--boundaries", B, "--grids", self.grids200, "--roster", self.roster, "--out", d],
                   writes_directory=True, one_set=True),
            Writer("case-report", ["report.txt"],
                   lambda d: ["case", "report", "--store", self.store_checks.cases_history, "--now", NOW, "--out", j(d, "report.txt")],
                   lambda d: ["case", "report", "--store", self.store_checks.cases_history, "--now", NOW, "--out", j(d, "report.txt"), "--json"]),
            Writer("plan-export", ["grids.geojson", "blocks.geojson"],
                   lambda d: ["plan", "export", "--boundaries", B, "--store", self.stores["plan.gpkg"], "--out", d],
                   lambda d: ["plan", "export", "--boundaries", B, "--store", self.stores["plan-200.gpkg"], "--out", d],
                   writes_directory=True, one_set=True),
        ]
        return [w for w in ws if self.selected(w.name)]

    def measure(self, w: Writer) -> None:
        """Reference outputs (twice: they must agree), the alternative ones, and the duration."""
        ref = self.scratch(f"{w.name}-reference")
        times = []
        for attempt in range(2):
            r = run(self.wangge(w.args(ref)))
            if r.status != 0:
                sys.exit(f"cannot measure {w.name}: {r.text}")
            times.append(r.seconds)
            if not w.outputs:
                w.outputs = sorted(os.listdir(ref))
            prints = fingerprints(ref, w.outputs)
            if attempt and prints != w.new:
                differ = [n for n in w.outputs if prints[n] != w.new[n]]
                sys.exit(f"{w.name} is not deterministic ({short(differ)}): the kill test needs it to be")
            w.new = prints
        w.seconds = sum(times) / len(times)
        w.reference_dir = ref
        w.old_dir = self.scratch(f"{w.name}-previous")
        r = run(self.wangge(w.alt_args(w.old_dir)))
        if r.status != 0:
            sys.exit(f"cannot make {w.name}'s previous output: {r.text}")
        w.old = fingerprints(w.old_dir, w.outputs)
        same = [n for n in w.outputs if w.old[n] == w.new[n]]
        print(f"{w.name}: {w.seconds:.2f} s, {len(w.outputs)} file(s); previous output differs from the new one in "
              f"{len(w.outputs) - len(same)} of them", flush=True)

    # -- checks shared by scenarios

    def judge_state(self, w: Writer, state: dict[str, str],
                    names: tuple[str, str] = ("new", "previous")) -> Optional[str]:
        """None if every output is the previous or the new complete file (and, for one_set writers,
        all from the same run); otherwise what is wrong. `names` label the new and the old run."""
        bad, from_old, from_new = [], [], []
        for n in w.outputs:
            s = state[n]
            if s == w.old[n] and s == w.new[n]:
                continue
            if s == w.old[n]:
                from_old.append(n)
            elif s == w.new[n]:
                from_new.append(n)
            else:
                bad.append(f"{n} {'missing' if s == 'missing' else 'partial/foreign'}")
        if bad:
            return "; ".join(bad)
        if w.one_set and from_old and from_new:
            return f"mixed set: {short(from_new)} {names[0]}, {short(from_old)} {names[1]}"
        return None

    def expected_names(self, w: Writer) -> set[str]:
        return set(w.outputs)

    # -- scenario 1: SIGKILL at a random moment

    def scenario_kill(self, w: Writer) -> None:
        rng = self.rng("kill", w.name)
        target = self.scratch(f"{w.name}-kill")
        copy_set(w.old_dir, target, w.outputs)
        expected = self.expected_names(w)
        seen_leftovers: set[str] = set()
        completed = touched = 0
        # the duration under the load of the moment (it varies a lot on a shared machine)
        timing = self.scratch(f"{w.name}-timing")
        duration = max(run(self.wangge(w.args(timing)), timeout=self.timeout(w)).seconds for _ in range(3))
        for i in range(self.opts.kills):
            for n in w.outputs:   # back to the previous output
                if fingerprint(os.path.join(target, n)) != w.old[n]:
                    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                        os.unlink(os.path.join(target, n))
                    shutil.copyfile(os.path.join(w.old_dir, n), os.path.join(target, n))
            delay = rng.uniform(0, duration)
            argv = self.wangge(w.args(target))
            t0 = time.monotonic()
            p = start(argv)
            time.sleep(delay)
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
            else:
                completed += 1
            finish(p, argv, t0, self.timeout(w))
            state = fingerprints(target, w.outputs)
            problem = self.judge_state(w, state)
            new_left = [x for x in leftovers(target, expected) if x not in seen_leftovers]
            touched += state != w.old or bool(new_left)
            seen_leftovers.update(new_left)
            note = f"left {short(new_left)}" if new_left else ""
            self.record(Result(w.name, "kill", f"#{i + 1} at {delay:.3f} s", problem is None,
                               problem + (f"; {note}" if note else "") if problem else note))
        # leftovers are acceptable only if the next normal run removes them
        r = run(self.wangge(w.args(target)), timeout=self.timeout(w))
        remaining = leftovers(target, expected)
        problem = None
        if r.status != 0:
            problem = f"normal run after the kills failed (exit {r.status})"
        elif remaining:
            problem = f"{len(remaining)} temp file(s) left by kills survive the next run: {short(remaining)}"
        elif fingerprints(target, w.outputs) != w.new:
            problem = "normal run after the kills did not write the new output"
        note = f"{len(seen_leftovers)} leftover(s) during kills, all removed" if seen_leftovers else "no leftovers"
        self.record(Result(w.name, "kill", f"cleanup by next run (duration {duration:.2f} s; of {self.opts.kills} kills, "
                                           f"{touched} landed after the output began to change, {completed} after the end)",
                           problem is None, problem or note,
                           r.first_error_line if r.status else ""))

    # -- scenario 2: full disk

    def expect_clean_failure(self, w: Writer, scenario: str, case: str, r: Run, target: str,
                             previous: Optional[dict[str, str]], allowed_left: set[str],
                             paths: Optional[list[str]] = None, problems: Optional[list[str]] = None) -> None:
        """Non-zero exit, no crash, a message naming the file, previous output intact, no temp file."""
        problems = list(problems or [])
        crash = r.crash()
        if crash:
            problems.append(crash)
        elif r.status == 0 and previous is not None and fingerprints(target, w.outputs) == w.new:
            problems.append("exit 0: rewrote the previous output in place (truncated first, not atomic)")
        elif r.status == 0:
            problems.append("exit 0 (the write error was ignored)")
        elif not names_file(r, paths or [os.path.join(target, n) for n in w.outputs] + [target]):
            problems.append("message does not name the file")
        if previous is not None and not problems[-1:] == ["exit 0: rewrote the previous output in place (truncated first, not atomic)"]:
            now = fingerprints(target, w.outputs)
            replaced = [n for n in w.outputs if now[n] != previous[n] and now[n] == w.new[n]]
            damaged = [n for n in w.outputs if now[n] != previous[n] and now[n] != w.new[n]]
            if damaged:
                problems.append(f"previous output damaged: {short(damaged)}")
            if replaced:
                problems.append(f"previous set left mixed: {short(replaced)} new, the rest previous")
        left = leftovers(target, allowed_left)
        if left:
            problems.append(f"temp files left: {short(left)}")
        self.record(Result(w.name, scenario, case, not problems, "; ".join(problems), r.first_error_line))

    def scenario_full_disk(self, w: Writer) -> None:
        sizes = {n: os.path.getsize(os.path.join(w.old_dir, n)) for n in w.outputs}
        used = sum((s + PAGE - 1) // PAGE * PAGE for s in sizes.values())
        largest = max(max(sizes.values()), max(os.path.getsize(os.path.join(w.reference_dir, n)) for n in w.outputs))
        spare = largest // 2 // PAGE * PAGE
        # the previous output fits, a second copy of its largest file does not (for outputs of a
        # page or two, no room at all beside the previous one)
        largest_new = max(os.path.getsize(os.path.join(w.reference_dir, n)) for n in w.outputs)
        room = min(spare + PAGE, (largest_new - 1) // PAGE * PAGE)
        with tmpfs(self.work, used + room) as fs:
            copy_set(w.old_dir, fs, w.outputs)
            free = os.statvfs(fs).f_bavail * os.statvfs(fs).f_frsize
            r = run(self.wangge(w.args(fs)), timeout=self.timeout(w))
            self.expect_clean_failure(w, "full-disk", f"previous output fits, new one does not ({free // 1024} KiB free)",
                                      r, fs, w.old, self.expected_names(w))
        # too small for even the first file
        with tmpfs(self.work, max(PAGE, spare)) as fs:
            r = run(self.wangge(w.args(fs)), timeout=self.timeout(w))
            present = fingerprints(fs, w.outputs)
            written = {n for n, s in present.items() if s != "missing"}
            incomplete = sorted(n for n in written if present[n] != w.new[n])
            self.expect_clean_failure(w, "full-disk", f"empty, {max(PAGE, spare) // 1024} KiB: first write fails", r, fs,
                                      None, written, problems=[f"partial output left: {short(incomplete)}"] if incomplete else [])

    # -- scenario 3: bad targets

    def scenario_bad_targets(self, w: Writer) -> None:
        # a missing directory: a clean error, or (for directory outputs) the complete output
        base = self.scratch(f"{w.name}-missing")
        target = os.path.join(base, "no", "such", "dir")
        r = run(self.wangge(w.args(target)), timeout=self.timeout(w))
        if r.status == 0 and os.path.isdir(target):
            problem = self.judge_state(w, fingerprints(target, w.outputs))
            problem = problem or (None if fingerprints(target, w.outputs) == w.new else "incomplete output")
            self.record(Result(w.name, "bad-target", "missing directory", problem is None,
                               problem or "created it and wrote the output"))
        else:
            self.expect_clean_failure(w, "bad-target", "missing directory", r, target, None, set(),
                                      paths=[w.out_path(target), target])

        # a read-only directory holding the previous output
        with tmpfs(self.work, 64 << 20) as fs:
            copy_set(w.old_dir, fs, w.outputs)
            remount_read_only(fs)
            r = run(self.wangge(w.args(fs)), timeout=self.timeout(w))
            self.expect_clean_failure(w, "bad-target", "read-only directory", r, fs, w.old, self.expected_names(w))

        # a directory where a file is expected / a file where a directory is
        base = self.scratch(f"{w.name}-wrongtype")
        if w.writes_directory:
            target = os.path.join(base, "not-a-dir")
            with open(target, "w") as f:
                f.write("precious\n")
            r = run(self.wangge(w.args(target)), timeout=self.timeout(w))
            intact = os.path.isfile(target) and open(target).read() == "precious\n"
            self.check_refusal(w, "bad-target", "--out is a regular file", r, [target], intact)
        else:
            out = w.out_path(base)
            os.makedirs(out)
            with open(os.path.join(out, "precious.txt"), "w") as f:
                f.write("precious\n")
            r = run(self.wangge(w.args(base)), timeout=self.timeout(w))
            intact = os.path.isdir(out) and os.listdir(out) == ["precious.txt"]
            self.check_refusal(w, "bad-target", "--out is a directory", r, [out], intact)

        # /dev/full (a private node with the same device numbers)
        if not w.writes_directory:
            base = self.scratch(f"{w.name}-devfull")
            argv = [self.dev_full if a == w.out_path(base) else a for a in w.args(base)]
            r = run(self.wangge(argv), timeout=self.timeout(w))
            still_device = stat.S_ISCHR(os.lstat(self.dev_full).st_mode)
            if not still_device:   # it was renamed over: put the node back for the next command
                os.unlink(self.dev_full)
                os.mknod(self.dev_full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
            self.check_refusal(w, "bad-target", "--out /dev/full", r, [self.dev_full, "/dev/full"], still_device,
                               damage="replaced the device node with a regular file")

        # standard output that cannot take the data
        if w.stdout_args:
            self.stdout_cases(w.name, self.wangge(w.stdout_args), strict=True, w=w)

    def check_refusal(self, w: Writer, scenario: str, case: str, r: Run, paths: list[str], intact: bool,
                      damage: str = "existing file/directory destroyed", sigpipe_ok: bool = False) -> None:
        problems = []
        crash = r.crash(sigpipe_ok)
        if crash:
            problems.append(crash)
        elif r.status == 0:
            problems.append("exit 0" if not intact else "exit 0 (the error was ignored)")
        elif not (sigpipe_ok and r.status == -signal.SIGPIPE) and not names_file(r, paths):
            problems.append("message does not name the file")
        if not intact:
            problems.append(damage)
        self.record(Result(w.name if w else "?", scenario, case, not problems, "; ".join(problems), r.first_error_line))

    def stdout_cases(self, name: str, argv: list[str], strict: bool, w: Optional[Writer] = None) -> None:
        """Standard output to /dev/full, closed, or a pipe whose reader is gone. strict: the data
        went there, so the command must fail saying so; otherwise (validate's report) only no crash."""
        cmd = " ".join(shlex.quote(a) for a in argv)
        cases = [("stdout > /dev/full", f"exec {cmd} > /dev/full", False),
                 ("stdout closed (>&-)", f"exec {cmd} >&-", False),
                 ("stdout | head -c 0", f"{cmd} | head -c 0; exit ${{PIPESTATUS[0]}}", True)]
        for case, line, pipe in cases:
            r = run_shell(line, timeout=self.timeout(w))
            if strict:
                self.check_refusal(w, "bad-target", case, r, STDOUT_NAMES, True,
                                   sigpipe_ok=pipe)
            else:
                crash = r.crash(sigpipe_ok=pipe)
                status = "killed by SIGPIPE" if r.status == -signal.SIGPIPE else f"exit {r.status}"
                self.record(Result(name, "pipe/device", case, crash is None, crash or status,
                                   r.first_error_line if r.status else ""))

    # -- pipe/device inputs

    def scenario_pipes(self, w: Optional[Writer], name: str, cases: list[PipeCase]) -> None:
        """The output from a pipe must equal the one from the regular file; a refusal must name the input."""
        for c in cases:
            r = run_shell(c.line, timeout=self.timeout(w))
            crash = r.crash()
            if crash:
                self.record(Result(name, "pipe/device", c.label, False, crash, r.first_error_line))
            elif r.status != 0:
                named = names_file(r, [c.path, "/dev/fd", "stdin"])
                self.record(Result(name, "pipe/device", c.label, named,
                                   "refused" if named else f"exit {r.status}, message does not name the input",
                                   r.first_error_line))
            elif w is None:
                self.record(Result(name, "pipe/device", c.label, True, "read it"))
            else:
                now = fingerprints(c.target, c.compare)
                differ = [n for n in c.compare if now[n] != w.new[n]]
                self.record(Result(name, "pipe/device", c.label, not differ,
                                   f"output differs from the regular file's: {short(differ)}" if differ else "same output"))

    def pipe_cases(self) -> None:
        """Inputs as a pipe: <(cat f), /dev/stdin fed by a pipe, and - where documented."""
        inputs = {"map": [self.grids], "export": [self.grids], "gazetteer": [self.grids],
                  "assign": [self.grids, self.points], "geocode": [self.addresses], "crs": [self.blocks]}
        stdin_ok = {self.points, self.addresses}   # --in - and --batch - are documented

        def variants(argv: list[str], path: str, target: Optional[str], compare: list[str], flag: str) -> list[PipeCase]:
            def line(replacement: str, feed: bool) -> str:
                words = " ".join(replacement if a == path else shlex.quote(a) for a in argv)
                return f"cat {shlex.quote(path)} | {words}" if feed else f"exec {words}"
            cases = [PipeCase(f"{flag} <(cat f)", line(f"<(cat {shlex.quote(path)})", False), path, target, compare),
                     PipeCase(f"{flag} /dev/stdin (pipe)", line("/dev/stdin", True), "/dev/stdin", target, compare)]
            if path in stdin_ok:
                cases.append(PipeCase(f"{flag} - (pipe)", line("-", True), "-", target, compare))
            return cases

        if self.selected("validate"):
            v = self.wangge(["validate", self.grids, "--boundaries", self.boundaries])
            self.scenario_pipes(None, "validate", variants(v, self.grids, None, [], "GRIDS"))
            self.stdout_cases("validate", v, strict=False)
        for w in self.writers_list:
            cases = []
            for path in inputs[w.name] if w.name in inputs else []:
                target = self.scratch(f"{w.name}-pipe")
                argv = self.wangge(w.args(target))
                flag = argv[argv.index(path) - 1]
                # export reads blocks.geojson beside --grids: from a pipe there is none, so only grids compare
                compare = ["grids.geojson"] if w.name == "export" else w.outputs
                cases += variants(argv, path, target, compare, flag)
            if cases:
                self.scenario_pipes(w, w.name, cases)

    # -- same file as input and output

    def scenario_same_file(self) -> None:
        ws = {w.name: w for w in self.writers_list}
        if "assign" in ws:
            w = ws["assign"]
            d = self.scratch("assign-same")
            x = os.path.join(d, "points.csv")
            shutil.copyfile(self.points, x)
            before = sha256(x)
            r = run(self.wangge(["assign", "--grids", self.grids, "--in", x, "--out", x, "--quiet"]), timeout=self.timeout(w))
            self.check_refusal(w, "same-file", "--in X --out X", r, [x], sha256(x) == before, damage="input destroyed")
            g = os.path.join(d, "grids.geojson")
            shutil.copyfile(self.grids, g)
            before = sha256(g)
            r = run(self.wangge(["assign", "--grids", g, "--in", self.points, "--out", g, "--quiet"]), timeout=self.timeout(w))
            self.check_refusal(w, "same-file", "--grids G --out G", r, [g], sha256(g) == before, damage="grid file destroyed")
        if "map" in ws:
            w = ws["map"]
            d = self.scratch("map-same")
            x = os.path.join(d, "map.html")
            shutil.copyfile(os.path.join(w.old_dir, "map.html"), x)
            before = sha256(x)
            r = run(self.wangge(["map", "--boundaries", self.boundaries, "--grids", self.grids, "--out", x, "--svg", x]),
                    timeout=self.timeout(w))
            damage = "one output overwrote the other (the HTML is lost)" if r.status == 0 else "previous file destroyed"
            self.check_refusal(w, "same-file", "--out X --svg X", r, [x], sha256(x) == before, damage=damage)
        # in place, through a temp file and a rename, is fine: the input is replaced by a complete output
        for name, flag, source in (("crs", "--geojson", "blocks"), ("geocode", "--batch", "addresses")):
            if name not in ws:
                continue
            w = ws[name]
            d = self.scratch(f"{name}-same")
            x = os.path.join(d, w.outputs[0])
            shutil.copyfile(self.blocks if source == "blocks" else self.addresses, x)
            before = sha256(x)
            src = self.blocks if source == "blocks" else self.addresses
            argv = [x if a == src else a for a in w.args(d)]
            r = run(self.wangge(argv), timeout=self.timeout(w))
            crash = r.crash()
            after = fingerprint(x)
            if crash:
                ok, why = False, crash
            elif r.status == 0:
                ok = after == w.new[w.outputs[0]]
                why = "rewritten in place with the complete output" if ok else "input replaced by a partial/wrong output"
            else:
                ok = sha256(x) == before
                why = "refused" if ok else "refused, but the input was destroyed"
            self.record(Result(name, "same-file", f"{flag} X --out X", ok, why, r.first_error_line if r.status else ""))
        if "export" in ws:
            w = ws["export"]
            d = self.scratch("export-same")
            copy_set(os.path.dirname(self.grids), d, ["grids.geojson", "blocks.geojson"])
            argv = [os.path.join(d, "grids.geojson") if a == self.grids else a for a in w.args(d)]
            r = run(self.wangge(argv), timeout=self.timeout(w))
            crash = r.crash()
            now = fingerprints(d, w.outputs)
            differ = [n for n in w.outputs if now[n] != w.new[n]]
            ok = crash is None and r.status == 0 and not differ
            why = crash or (f"exit {r.status}" if r.status else (f"differs: {short(differ)}" if differ else
                                                                  "grids.geojson re-exported over itself, output complete"))
            self.record(Result("export", "same-file", "--grids D/grids.geojson --out D", ok, why, r.first_error_line if r.status else ""))

    # -- scenario 4: two runs at once

    def scenario_concurrent(self, w: Writer) -> None:
        rng = self.rng("concurrent", w.name)
        reps = self.opts.concurrent * (3 if w.one_set else 1)
        for variant in ("same arguments", "different arguments"):
            for i in range(reps):
                target = self.scratch(f"{w.name}-concurrent")
                first = self.wangge(w.args(target))
                second = self.wangge(w.args(target) if variant == "same arguments" else w.alt_args(target))
                if i % 2:
                    first, second = second, first
                stagger = rng.uniform(0, w.seconds * 0.1)   # both write at about the same time
                t0 = time.monotonic()
                p1 = start(first)
                time.sleep(stagger)
                p2 = start(second)
                r1, r2 = finish(p1, first, t0, self.timeout(w)), finish(p2, second, t0, self.timeout(w))
                problems = [f"run {k}: {c}" for k, c in ((1, r1.crash()), (2, r2.crash())) if c]
                failed = [k for k, r in ((1, r1), (2, r2)) if r.status != 0]
                state = fingerprints(target, w.outputs)
                if variant == "same arguments":
                    differ = [n for n in w.outputs if state[n] != w.new[n]]
                    if differ:
                        problems.append(f"not the reference output: {short(differ)}")
                else:
                    problem = self.judge_state(w, state, names=("from one run", "from the other"))
                    if problem is None and w.one_set is False:
                        mixed = ({n for n in w.outputs if state[n] == w.old[n] != w.new[n]},
                                 {n for n in w.outputs if state[n] == w.new[n] != w.old[n]})
                        if mixed[0] and mixed[1]:
                            problem = f"mixed set: {short(sorted(mixed[1]))} from one run, {short(sorted(mixed[0]))} from the other"
                    if problem:
                        problems.append(problem)
                if failed and not problems:
                    problems.append(f"run {failed[0]} failed: {(r1 if failed[0] == 1 else r2).first_error_line}")
                left = leftovers(target, self.expected_names(w))
                if left:
                    problems.append(f"temp files left: {short(left)}")
                self.record(Result(w.name, "concurrent", f"{variant} #{i + 1}, stagger {stagger:.3f} s", not problems,
                                   "; ".join(problems)))

    # -- all of it

    def run_all(self) -> None:
        self.prepare()
        self.store_checks = StoreScenarios(self)
        if any(self.selected(c) for c in ("case", "case-report", "user", "login")):
            self.store_checks.prepare()
        self.writers_list = self.writers()
        for w in self.writers_list:
            self.measure(w)
        scenarios = self.opts.scenarios.split(",") if self.opts.scenarios else \
            ["kill", "full-disk", "bad-target", "pipe/device", "same-file", "concurrent"]
        for w in self.writers_list:
            if "kill" in scenarios:
                self.scenario_kill(w)
            if "full-disk" in scenarios:
                self.scenario_full_disk(w)
            if "bad-target" in scenarios:
                self.scenario_bad_targets(w)
            if "concurrent" in scenarios:
                self.scenario_concurrent(w)
        if "pipe/device" in scenarios:
            self.pipe_cases()
        if "same-file" in scenarios:
            self.scenario_same_file()
        if any(self.selected(c) for c in ("case", "user", "login")):
            self.store_checks.run_all(scenarios)


# ----------------------------------------------------------------------------------------------
# The stores: the case store (`wangge case …`), the accounts file (`wangge user …`) and the
# session file of `wangge login`. A store's output is a database, not a file to fingerprint: after
# every run it must pass PRAGMA integrity_check, every case must have its whole history and every
# account its audit line, every change acknowledged (exit 0) by an earlier run must still be
# there, and the run itself must be wholly in or wholly out.

NOW = "2026-12-01T09:00:00+08:00"
LATER = "2026-12-20T09:00:00+08:00"          # case tick: the open cases are past their deadlines
PASSWORD = b"correct horse battery\n"
DISK_FULL_WORDS = ("full", "no space", "space left")


def store_files(name: str) -> set[str]:
    """A store and the two files SQLite keeps beside it in WAL mode."""
    return {name, name + "-wal", name + "-shm"}


def read_sound(path: str, what: str, read):
    """(problem, read(connection)) for the SQLite file at `path`. The problem: the file is
    missing, fails SQLite's integrity check, or cannot be read; `read` runs only on a sound file."""
    if not os.path.isfile(path):
        return f"{what} missing", None
    try:
        con = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
        try:
            check = con.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                return f"integrity_check: {str(check[0][0])[:100]}", None
            return None, read(con)
        finally:
            con.close()
    except sqlite3.Error as e:
        return f"cannot read the {what}: {e}", None


def read_cases(path: str) -> tuple[Optional[str], dict]:
    """(problem, {case id: (status, level, last_seq)}). The problem: the file is missing, fails
    SQLite's integrity check, or a case's history is not exactly transitions 1…last_seq."""
    def read(con):
        broken = con.execute("""SELECT count(*) FROM cases c
            WHERE last_seq <> (SELECT count(*) FROM transitions t WHERE t.case_id = c.id)
               OR last_seq <> (SELECT max(seq) FROM transitions t WHERE t.case_id = c.id)""").fetchone()[0]
        orphans = con.execute("""SELECT count(*) FROM transitions t
            WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = t.case_id)""").fetchone()[0]
        return broken, orphans, con.execute("SELECT id, status, level, last_seq FROM cases").fetchall()
    problem, got = read_sound(path, "store", read)
    if problem:
        return problem, {}
    broken, orphans, rows = got
    if broken or orphans:
        return f"{broken} case(s) with a broken history, {orphans} orphan transition(s)", {}
    return None, {r[0]: (r[1], r[2], r[3]) for r in rows}


def read_accounts(path: str) -> tuple[Optional[str], dict]:
    """(problem, {name: (disabled, user_add lines, user_disable lines, user_enable lines)}). The
    problem: integrity, an account without its one user_add audit line, or such a line without
    its account (a change and its audit line are one transaction)."""
    def read(con):
        accounts = dict(con.execute("SELECT name, disabled FROM accounts").fetchall())
        lines: dict[tuple[str, str], int] = {}
        for target, action, n in con.execute(
                "SELECT target, action, count(*) FROM audit WHERE action LIKE 'user_%' GROUP BY target, action"):
            lines[(target, action)] = n
        return accounts, lines
    problem, got = read_sound(path, "accounts file", read)
    if problem:
        return problem, {}
    accounts, lines = got
    state = {n: (d, lines.get((n, "user_add"), 0), lines.get((n, "user_disable"), 0), lines.get((n, "user_enable"), 0))
             for n, d in accounts.items()}
    without = [n for n, s in state.items() if s[1] != 1]
    orphans = sorted({t for (t, a) in lines if a == "user_add"} - set(accounts))
    if without or orphans:
        return (f"account(s) without exactly one user_add audit line: {short(without)}; "
                f"user_add line(s) without an account: {short(orphans)}"), {}
    return None, state


def fill(path: str) -> None:
    """A file that takes every free byte of its file system."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * PAGE)
    except OSError:
        pass
    finally:
        os.close(fd)


def checkpoint(path: str) -> None:
    """Folds the WAL into the file, so a copy of the one file is the whole store."""
    con = sqlite3.connect(path, timeout=30)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def copy_store(src: str, dst: str) -> None:
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dst + suffix)
    shutil.copyfile(src, dst)


@dataclasses.dataclass
class StoreOp:
    """A command that changes a store (or, for login, the session file)."""
    name: str                                   # as in the table: "case add", "user disable", …
    store: str                                  # the store's file name in the target directory
    base: str                                   # the store the series starts from (checkpointed), or "" for none
    argv: Callable[[str, int], list[str]]       # (target directory, i) -> arguments
    read: Callable[[str], tuple[Optional[str], dict]]
    classify: Callable[[dict, dict, int], tuple[Optional[str], Optional[str]]]   # (before, now, i) -> ("before"|"after", None) | (None, problem)
    stdin: Optional[bytes] = None
    cumulative: bool = True                     # the store is kept from run to run (else reset to base)
    seconds: float = 0.0


def classify_added(key: Callable[[int], str], ok: Callable[[tuple], bool]):
    """The i-th run adds record key(i) (whose value must pass ok) and changes nothing else."""
    def classify(before: dict, now: dict, i: int):
        lost = sorted(set(before) - set(now))
        if lost:
            return None, f"earlier record(s) lost: {short(lost)}"
        changed = sorted(k for k in before if now[k] != before[k])
        if changed:
            return None, f"earlier record(s) changed: {short(changed)}"
        extra = sorted(set(now) - set(before))
        if not extra:
            return "before", None
        if extra == [key(i)] and ok(now[key(i)]):
            return "after", None
        return None, f"unexpected record(s): {short([f'{k}={now[k]}' for k in extra])}"
    return classify


def classify_updated(key: Callable[[int], str], after: Callable[[tuple], tuple]):
    """The i-th run changes record key(i) from v to after(v) and nothing else."""
    def classify(before: dict, now: dict, i: int):
        if set(before) != set(now):
            lost, extra = sorted(set(before) - set(now)), sorted(set(now) - set(before))
            return None, f"records lost: {short(lost)}; records added: {short(extra)}"
        changed = sorted(k for k in before if now[k] != before[k])
        if not changed:
            return "before", None
        k = key(i)
        if changed == [k] and now[k] == after(before[k]):
            return "after", None
        return None, f"changed: {short([f'{c}: {before[c]} -> {now[c]}' for c in changed])}"
    return classify


def classify_whole(reference: dict):
    """A run that starts from the base store and must leave it as it was or as `reference`."""
    def classify(before: dict, now: dict, i: int):
        if now == before:
            return "before", None
        if now == reference:
            return "after", None
        lost = sorted(set(before) - set(now))
        changed = sorted(k for k in before if k in now and now[k] != before[k] and now[k] != reference.get(k))
        return None, (f"neither the store before nor after: {len(now)} records (before {len(before)}, after "
                      f"{len(reference)}); lost {short(lost)}; changed otherwise {short(changed)}")
    return classify


class StoreScenarios:
    """Kill, full disk, bad targets, devices and concurrent runs for the commands that change a
    store (case add/accept/import/tick, user add/disable/enable) and for `wangge login`."""

    def __init__(self, h: "Harness"):
        self.h = h
        self.server: Optional[subprocess.Popen] = None
        self.url = ""

    # -- running with a password on standard input

    def start(self, argv: list[str], stdin: Optional[bytes]) -> subprocess.Popen:
        if stdin is None:
            return start(argv)
        feed = tempfile.TemporaryFile()
        feed.write(stdin)
        feed.seek(0)
        p = subprocess.Popen(argv, stdin=feed, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        feed.close()
        LIVE[p.pid] = p
        return p

    def run(self, argv: list[str], stdin: Optional[bytes] = None, timeout: float = 300) -> Run:
        t0 = time.monotonic()
        return finish(self.start(argv, stdin), argv, t0, timeout)

    def w(self, *args: str) -> list[str]:
        return self.h.wangge(list(args))

    # -- fixtures

    def prepare(self) -> None:
        h, fx = self.h, self.h.fixtures
        B = h.boundaries
        # A case store with the bundled twelve months of incidents, and one with a few desk cases.
        self.cases_history = os.path.join(fx, "cases-history.sqlite")
        r = self.run(self.w("case", "import", "--store", self.cases_history, "--grids", h.grids,
                            os.path.join(B, "incidents.geojson")))
        if r.status != 0:
            sys.exit(f"cannot prepare: wangge case import failed:\n{r.text}")
        checkpoint(self.cases_history)
        self.cases_base = os.path.join(fx, "cases-base.sqlite")
        for k, (lon, lat) in enumerate([(103.55, 29.41), (103.56, 29.40), (103.55, 29.40)]):
            r = self.run(self.case_add_argv(self.cases_base, f"B{k:03d}", lon, lat))
            if r.status != 0:
                sys.exit(f"cannot prepare: wangge case add failed:\n{r.text}")
        checkpoint(self.cases_base)
        # An accounts file with one district account (used by login), in a data directory.
        self.accounts_data = os.path.join(fx, "accounts-data")
        os.makedirs(self.accounts_data)
        for name in ("desk", "other"):
            r = self.run(self.w("user", "add", name, "--role", "district", "--password-stdin",
                                "--data", self.accounts_data, "--boundaries", B), PASSWORD)
            if r.status != 0:
                sys.exit(f"cannot prepare: wangge user add failed:\n{r.text}")
        self.accounts_base = os.path.join(self.accounts_data, "accounts.sqlite")
        checkpoint(self.accounts_base)

    def case_add_argv(self, store: str, case_id: Optional[str], lon: float = 103.55, lat: float = 29.41) -> list[str]:
        argv = self.w("case", "add", "--store", store, "--now", NOW, "--type", "problem",
                      "--lon", f"{lon}", "--lat", f"{lat}", "--grids", self.h.grids)
        return argv + (["--id", case_id] if case_id else [])

    def ops(self) -> list[StoreOp]:
        h, B, j = self.h, self.h.boundaries, os.path.join
        kill_ids = lambda i: f"K{i:04d}"
        reported = lambda v: v[0] == "reported" and v[2] == 1
        # accept: the i-th run accepts the i-th desk case of a store made by the add series
        ops = [
            StoreOp("case add", "cases.sqlite", self.cases_base,
                    lambda d, i: self.case_add_argv(j(d, "cases.sqlite"), kill_ids(i)),
                    read_cases, classify_added(kill_ids, reported)),
            StoreOp("case accept", "cases.sqlite", "",   # base: the add series' store (made in series())
                    lambda d, i: self.w("case", "accept", kill_ids(i), "--store", j(d, "cases.sqlite"), "--now", NOW,
                                        "--actor", "desk"),
                    read_cases, classify_updated(kill_ids, lambda v: ("accepted", v[1], v[2] + 1))),
            StoreOp("case tick", "cases.sqlite", "",   # base: the accept series' store (accepted cases past their deadline)
                    lambda d, i: self.w("case", "tick", "--store", j(d, "cases.sqlite"), "--now", LATER),
                    read_cases, None, cumulative=False),
            StoreOp("case import", "cases.sqlite", self.cases_base,
                    lambda d, i: self.w("case", "import", "--store", j(d, "cases.sqlite"), "--grids", h.grids,
                                        j(B, "incidents.geojson")),
                    read_cases, None, cumulative=False),
            StoreOp("user add", "accounts.sqlite", self.accounts_base,
                    lambda d, i: self.w("user", "add", f"u{i:04d}", "--role", "district", "--password-stdin",
                                        "--data", d, "--boundaries", B),
                    read_accounts, classify_added(lambda i: f"u{i:04d}", lambda v: v == (0, 1, 0, 0)), stdin=PASSWORD),
            StoreOp("user disable", "accounts.sqlite", "",   # base: the add series' accounts
                    lambda d, i: self.w("user", "disable", f"u{i:04d}", "--data", d, "--boundaries", B),
                    read_accounts, classify_updated(lambda i: f"u{i:04d}", lambda v: (1, v[1], v[2] + 1, v[3]))),
            StoreOp("user enable", "accounts.sqlite", "",    # base: the disable series' accounts
                    lambda d, i: self.w("user", "enable", f"u{i:04d}", "--data", d, "--boundaries", B),
                    read_accounts, classify_updated(lambda i: f"u{i:04d}", lambda v: (0, v[1], v[2], v[3] + 1))),
        ]
        return ops

    # -- the whole-store reference for the runs that start from the base each time

    def reference(self, op: StoreOp) -> dict:
        d = self.h.scratch(f"{op.name.replace(' ', '-')}-reference")
        copy_store(op.base, os.path.join(d, op.store))
        r = self.run(op.argv(d, 0))
        if r.status != 0:
            sys.exit(f"cannot make the reference of {op.name}: {r.text}")
        problem, state = op.read(os.path.join(d, op.store))
        if problem:
            sys.exit(f"the reference of {op.name} is broken: {problem}")
        if state == op.read(op.base)[1]:
            sys.exit(f"{op.name} changes nothing in its base store: its kill series would prove nothing")
        return state

    def measure(self, op: StoreOp) -> float:
        """The run's duration under the load of the moment: the shortest of 3 (each on a fresh
        copy), so that most kill moments drawn below it land while the run is still going."""
        times = []
        for k in range(3):
            d = self.h.scratch(f"{op.name.replace(' ', '-')}-timing")
            copy_store(op.base, os.path.join(d, op.store))
            r = self.run(op.argv(d, 0), op.stdin)
            if r.status != 0:
                sys.exit(f"cannot time {op.name}: {r.text}")
            times.append(r.seconds)
        return min(times)

    # -- kill

    def scenario_kill(self, op: StoreOp) -> str:
        """Kills the command at random moments; returns the store as the series left it (the next
        series' base)."""
        h = self.h
        rng = h.rng("store-kill", op.name)
        target = h.scratch(f"{op.name.replace(' ', '-')}-kill")
        path = os.path.join(target, op.store)
        copy_store(op.base, path)
        duration = self.measure(op)
        problem, before = op.read(path)
        if problem:
            sys.exit(f"{op.name}: the base store is broken: {problem}")
        base_state = dict(before)
        allowed = store_files(op.store)
        seen_left: set[str] = set()
        after_commit = completed = 0
        for i in range(h.opts.kills):
            if not op.cumulative:
                copy_store(op.base, path)
                before = dict(base_state)
            # half the kills anywhere in the run, half in its last 40 % (where the writes are)
            delay = rng.uniform(0, duration) if i % 2 == 0 else rng.uniform(0.6 * duration, duration)
            argv = op.argv(target, i)
            t0 = time.monotonic()
            p = self.start(argv, op.stdin)
            time.sleep(delay)
            killed = p.poll() is None
            if killed:
                os.kill(p.pid, signal.SIGKILL)
            else:
                completed += 1
            r = finish(p, argv, t0, h.timeout())
            problems = []
            if not killed:
                crash = r.crash()
                if crash:
                    problems.append(crash)
                elif r.status != 0:
                    problems.append(f"run failed by itself (exit {r.status}): {r.first_error_line}")
            problem, now = op.read(path)
            if problem:
                problems.append(problem)
            else:
                verdict, why = op.classify(before, now, i)
                if why:
                    problems.append(why)
                elif verdict == "before" and not killed and r.status == 0:
                    problems.append("acknowledged (exit 0) but not in the store")
                elif verdict == "after" and killed:
                    after_commit += 1
                before = now if op.cumulative else before
            left = [x for x in leftovers(target, allowed) if x not in seen_left]
            seen_left.update(left)
            note = f"left {short(left)}" if left else ("killed" if killed else "completed")
            h.record(Result(op.name, "kill", f"#{i + 1} at {delay:.3f} s", not problems,
                            "; ".join(problems) + (f"; {note}" if problems and left else "") if problems else note))
            if problem:   # a broken store: the rest of the series would only repeat it
                break
        # one normal run after the kills: it must work, and remove whatever the kills left
        if not op.cumulative:
            copy_store(op.base, path)
        i = h.opts.kills
        r = self.run(op.argv(target, i), op.stdin, timeout=h.timeout())
        problems = []
        if r.status != 0:
            problems.append(f"the next normal run failed (exit {r.status}): {r.first_error_line}")
        else:
            problem, now = op.read(path)
            if problem:
                problems.append(problem)
            else:
                verdict, why = op.classify(before if op.cumulative else base_state, now, i)
                if verdict != "after":
                    problems.append(why or "the next normal run's change is not in the store")
        remaining = leftovers(target, allowed)
        if remaining:
            problems.append(f"{len(remaining)} file(s) left by kills survive the next run: {short(remaining)}")
        h.record(Result(op.name, "kill", f"next normal run (duration {duration:.2f} s; of {h.opts.kills} runs, "
                                         f"{after_commit} killed after their change was committed, {completed} ended before the kill)",
                        not problems, "; ".join(problems) or
                        (f"{len(seen_left)} leftover(s) during kills, all removed" if seen_left else "no leftovers")))
        return path

    # -- full disk

    def scenario_full_disk(self, op: StoreOp) -> None:
        """The store on a tmpfs with 0 to 256 spare pages: the run either completes (its change
        in the store) or fails naming the store and saying the disk is full, the store unchanged;
        then, with room again, the same run completes."""
        h = self.h
        size = (os.path.getsize(op.base) + PAGE - 1) // PAGE * PAGE
        problem, base_state = op.read(op.base)
        failed = 0
        for spare in (0, 2, 8, 32, 256):
            with tmpfs(h.work, size + spare * PAGE) as fs:
                path = os.path.join(fs, op.store)
                shutil.copyfile(op.base, path)
                r = self.run(op.argv(fs, 0), op.stdin, timeout=h.timeout())
                subprocess.run(["mount", "-o", f"remount,size={size + (256 << 20)}", fs], check=True)
                problems = []
                crash = r.crash()
                if crash:
                    problems.append(crash)
                problem, now = op.read(path)
                verdict = None
                if problem:
                    problems.append(problem)
                else:
                    verdict, why = op.classify(base_state, now, 0)
                    if why:
                        problems.append(why)
                    elif r.status == 0 and verdict != "after":
                        problems.append("exit 0 but the change is not in the store")
                    elif r.status != 0 and verdict != "before":
                        problems.append(f"exit {r.status} but the change is in the store")
                if r.status != 0 and not crash:
                    failed += 1
                    text = r.text.lower()
                    if not names_file(r, [path, op.store]):
                        problems.append("message does not name the store")
                    if not any(w in text for w in DISK_FULL_WORDS):
                        problems.append("message does not say the disk is full")
                left = leftovers(fs, store_files(op.store))
                if left:
                    problems.append(f"files left: {short(left)}")
                # room again: the same run completes
                if r.status != 0 and not problems:
                    again = self.run(op.argv(fs, 0), op.stdin, timeout=h.timeout())
                    p2, now2 = op.read(path)
                    v2 = op.classify(base_state, now2, 0)[0] if not p2 else None
                    if again.status != 0 or v2 != "after":
                        problems.append(f"with room again the run does not complete: exit {again.status} "
                                        f"{p2 or ''} {again.first_error_line}")
                outcome = "completed" if r.status == 0 else "failed cleanly, completed once there was room"
                h.record(Result(op.name, "full-disk", f"{spare} spare page(s)", not problems,
                                "; ".join(problems) or outcome, r.first_error_line if r.status else ""))
        # a new store on a disk with no room at all: a clean failure, no partial store left behind
        with tmpfs(h.work, PAGE) as fs:
            fill(os.path.join(fs, "filler"))
            r = self.run(op.argv(fs, 0), op.stdin, timeout=h.timeout())
            problems = []
            crash = r.crash()
            if crash:
                problems.append(crash)
            elif r.status == 0:
                problems.append("exit 0 on a full disk")
            elif not names_file(r, [os.path.join(fs, op.store), op.store]):
                problems.append("message does not name the store")
            elif not any(w in r.text.lower() for w in DISK_FULL_WORDS):
                problems.append("message does not say the disk is full")
            left = leftovers(fs, {"filler"})
            if left:
                problems.append(f"partial store left: {short([f'{x} ({os.path.getsize(os.path.join(fs, x))} B)' for x in left])}")
            h.record(Result(op.name, "full-disk", "new store, no room at all", not problems, "; ".join(problems),
                            r.first_error_line))
        if failed == 0:
            h.record(Result(op.name, "full-disk", "at least one run met the full disk", False,
                            "every run completed: the scenario proved nothing"))

    # -- bad targets, devices and pipes

    def refusal(self, name: str, scenario: str, case: str, r: Run, paths: list[str], intact: bool,
                damage: str = "the existing file was changed", acknowledged_ok: bool = False) -> None:
        problems = []
        crash = r.crash()
        if crash:
            problems.append(crash)
        elif r.status == 0 and not acknowledged_ok:
            problems.append("exit 0 (acknowledged a change that went nowhere)")
        elif r.status != 0 and not names_file(r, paths):
            problems.append("message does not name the file")
        if not intact:
            problems.append(damage)
        self.h.record(Result(name, scenario, case, not problems, "; ".join(problems), r.first_error_line))

    def device(self, label: str, minor: int) -> str:
        """A private character device node (1, minor) in its own directory: 3 = /dev/null, 7 = /dev/full."""
        d = self.h.scratch(f"dev-{label}")
        path = os.path.join(d, label)
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        return path

    def scenario_bad_targets(self, op: StoreOp) -> None:
        """For one command per store: the store is a directory, a text file, in a read-only or a
        missing directory, a device (null, full) or a pipe."""
        h = self.h
        label = op.name.replace(" ", "-")
        is_accounts = op.store == "accounts.sqlite"
        # the store's place is a directory
        d = h.scratch(f"{label}-isdir")
        os.makedirs(os.path.join(d, op.store, "inside"))
        r = self.run(op.argv(d, 0), op.stdin)
        self.refusal(op.name, "bad-target", "the store is a directory", r, [os.path.join(d, op.store), op.store],
                     os.listdir(os.path.join(d, op.store)) == ["inside"])
        # the store is some other file
        d = h.scratch(f"{label}-notdb")
        path = os.path.join(d, op.store)
        with open(path, "w") as f:
            f.write("precious notes, not a database\n" * 20)
        before = sha256(path)
        r = self.run(op.argv(d, 0), op.stdin)
        self.refusal(op.name, "bad-target", "the store is a text file", r, [path, op.store], sha256(path) == before)
        # a read-only directory holding the store
        with tmpfs(h.work, 64 << 20) as fs:
            path = os.path.join(fs, op.store)
            shutil.copyfile(op.base, path)
            before = sha256(path)
            remount_read_only(fs)
            r = self.run(op.argv(fs, 0), op.stdin)
            self.refusal(op.name, "bad-target", "read-only directory", r, [path, op.store], sha256(path) == before)
        # a missing directory: made, with the store in it
        d = h.scratch(f"{label}-missing")
        target = os.path.join(d, "no", "such", "dir")
        r = self.run(op.argv(target, 0), op.stdin)
        problem, now = op.read(os.path.join(target, op.store))
        ok = r.status == 0 and problem is None and op.classify({}, now, 0)[0] == "after" if op.cumulative else r.status == 0
        if r.status != 0 and not r.crash() and names_file(r, [target]):
            ok, why = True, "refused, naming the directory"
        else:
            why = "made the directory and the store" if ok else (r.crash() or problem or f"exit {r.status}")
        h.record(Result(op.name, "bad-target", "missing directory", ok, why, r.first_error_line if r.status else ""))
        # devices and pipes in the store's place
        for label2, minor in (("null", 3), ("full", 7)):
            node = self.device(f"{label}-{label2}", minor)
            if is_accounts:   # the accounts file is DATA/accounts.sqlite: the node goes there
                data = h.scratch(f"{label}-{label2}-data")
                os.rename(node, os.path.join(data, op.store))
                node = os.path.join(data, op.store)
                argv = op.argv(data, 0)
            else:
                argv = [node if a == os.path.join("@", op.store) else a for a in op.argv("@", 0)]
            r = self.run(argv, op.stdin)
            beside = sorted(set(os.listdir(os.path.dirname(node))) - {os.path.basename(node)})
            intact = stat.S_ISCHR(os.lstat(node).st_mode) and not beside
            self.refusal(op.name, "pipe/device", f"the store is /dev/{label2} (a private node)", r, [node],
                         intact, damage=f"device replaced or files made beside it: {short(beside)}")
        if not is_accounts:
            line = " ".join(shlex.quote(a) for a in op.argv("@", 0)).replace(shlex.quote(os.path.join("@", op.store)),
                                                                          f"<(cat {shlex.quote(op.base)})")
            r = run_shell(f"exec {line}")
            self.refusal(op.name, "pipe/device", "the store is <(cat store)", r, ["/dev/fd", "pipe"], True)

    # -- two runs at once

    def scenario_concurrent(self) -> None:
        h = self.h
        j = os.path.join
        pairs = h.opts.concurrent
        rng = h.rng("store-concurrent")
        if h.selected("case"):
            for k in range(pairs):
                d = h.scratch("case-add-concurrent")
                path = j(d, "cases.sqlite")
                copy_store(self.cases_base, path)
                _, before = read_cases(path)
                a = self.case_add_argv(path, None)
                b = self.case_add_argv(path, None, 103.56, 29.40)
                rs = self.pair(a, b, None, rng.uniform(0, 0.2))
                problem, now = read_cases(path)
                problems = [c for c in (rs[0].crash(), rs[1].crash()) if c]
                problems += [f"run {n + 1} failed: {r.first_error_line}" for n, r in enumerate(rs) if r.status != 0]
                new = sorted(set(now) - set(before)) if not problem else []
                if problem:
                    problems.append(problem)
                elif len(new) != 2 or any(now[k2] != before[k2] for k2 in before):
                    problems.append(f"expected the earlier cases and two new ones, found new: {short(new)}")
                left = leftovers(d, store_files("cases.sqlite"))
                if left:
                    problems.append(f"files left: {short(left)}")
                h.record(Result("case add", "concurrent", f"two desks at once #{k + 1}", not problems,
                                "; ".join(problems) or f"both added ({', '.join(new)})"))
        if h.selected("user"):
            for k in range(pairs):
                for same in (True, False):
                    d = h.scratch("user-add-concurrent")
                    copy_store(self.accounts_base, j(d, "accounts.sqlite"))
                    names = ("twin", "twin") if same else ("left", "right")
                    argv = [self.w("user", "add", n, "--role", "district", "--password-stdin", "--data", d,
                                   "--boundaries", h.boundaries) for n in names]
                    rs = self.pair(argv[0], argv[1], PASSWORD, rng.uniform(0, 0.2))
                    problem, now = read_accounts(j(d, "accounts.sqlite"))
                    problems = [c for c in (rs[0].crash(), rs[1].crash()) if c]
                    oks = [r.status == 0 for r in rs]
                    if problem:
                        problems.append(problem)
                    elif same:
                        if sorted(oks) != [False, True]:
                            problems.append(f"exits {rs[0].status}, {rs[1].status}: exactly one must add it")
                        elif "already" not in rs[oks.index(False)].text:
                            problems.append(f"the refusal does not say the account exists: {rs[oks.index(False)].first_error_line}")
                        elif "twin" not in now:
                            problems.append("no account twin")
                    else:
                        if not all(oks):
                            problems.append(f"exits {rs[0].status}, {rs[1].status}")
                        elif not {"left", "right"} <= set(now):
                            problems.append(f"accounts now: {short(sorted(now))}")
                    h.record(Result("user add", "concurrent", f"{'same name' if same else 'two names'} at once #{k + 1}",
                                    not problems, "; ".join(problems) or ("one added, one refused" if same else "both added")))
        if h.selected("login") and self.url:
            for k in range(pairs):
                d = h.scratch("login-concurrent")
                session = j(d, "session.json")
                a, b = (self.login_argv(session, n) for n in ("desk", "other"))
                rs = self.pair(a, b, PASSWORD, rng.uniform(0, 0.1))
                problems = [c for c in (rs[0].crash(), rs[1].crash()) if c]
                problems += [f"run {n + 1} failed: {r.first_error_line}" for n, r in enumerate(rs) if r.status != 0]
                why = self.session_problem(session, ("desk", "other"))
                if why:
                    problems.append(why)
                left = leftovers(d, {"session.json"})
                if left:
                    problems.append(f"files left: {short(left)}")
                h.record(Result("login", "concurrent", f"two logins into one session file #{k + 1}", not problems,
                                "; ".join(problems) or "one complete session"))

    def pair(self, a: list[str], b: list[str], stdin: Optional[bytes], stagger: float) -> list[Run]:
        t0 = time.monotonic()
        p1 = self.start(a, stdin)
        time.sleep(stagger)
        p2 = self.start(b, stdin)
        return [finish(p1, a, t0, self.h.timeout()), finish(p2, b, t0, self.h.timeout())]

    # -- login: the session file

    def start_server(self) -> None:
        h = self.h
        data = h.scratch("server-data")
        for src in (h.grids, h.blocks):
            shutil.copyfile(src, os.path.join(data, os.path.basename(src)))
        copy_store(self.accounts_base, os.path.join(data, "accounts.sqlite"))
        log = os.path.join(data, "..", "server.log")
        out = open(log, "wb")
        p = subprocess.Popen(self.w("serve", "--data", data, "--boundaries", h.boundaries, "--port", "0",
                                    "--escalate-every", "0", "--log-level", "warning"),
                             stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
        out.close()
        LIVE[p.pid] = p
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline and p.poll() is None:
            with open(log, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if "listening on http://" in line:
                        self.url = line.split("listening on ")[1].split()[0].rstrip("/")
                        self.server = p
                        print(f"login: wangge serve at {self.url}", flush=True)
                        return
            time.sleep(0.5)
        with open(log, encoding="utf-8", errors="replace") as f:
            sys.exit(f"cannot start wangge serve for the login checks:\n{f.read()[-2000:]}")

    def login_argv(self, session: str, name: str = "desk", server: Optional[str] = None) -> list[str]:
        return self.w("login", "--server", server or self.url, "--name", name, "--password-stdin", "--session", session)

    def session_problem(self, path: str, names: tuple[str, ...]) -> Optional[str]:
        """None when `path` is a complete session of one of `names` at the server, readable by its owner only."""
        try:
            with open(path, encoding="utf-8") as f:
                s = json.load(f)
        except FileNotFoundError:
            return "no session file"
        except ValueError:
            return "session file partial (not JSON)"
        if not (s.get("server") == self.url and s.get("name") in names and len(s.get("token", "")) >= 16 and s.get("expires_at")):
            return f"session file incomplete or foreign: {short(sorted(s))}"
        if os.stat(path).st_mode & 0o077:
            return f"session file readable by others ({oct(os.stat(path).st_mode & 0o777)})"
        return None

    def scenario_login(self) -> None:
        h = self.h
        j = os.path.join
        rng = h.rng("store-kill", "login")
        previous_dir = h.scratch("login-previous")
        previous = j(previous_dir, "session.json")
        r = self.run(self.login_argv(previous, "other"), PASSWORD)
        if r.status != 0:
            sys.exit(f"cannot log in for the previous session: {r.text}")
        old = sha256(previous)
        # kill
        target = h.scratch("login-kill")
        session = j(target, "session.json")
        durations = []
        for _ in range(3):
            d = h.scratch("login-timing")
            durations.append(self.run(self.login_argv(j(d, "session.json")), PASSWORD).seconds)
        duration = min(durations)   # as for the stores: most kills land while the run is going
        seen_left: set[str] = set()
        replaced = completed = 0
        for i in range(h.opts.kills):
            shutil.copyfile(previous, session)
            os.chmod(session, 0o600)
            delay = rng.uniform(0, duration) if i % 2 == 0 else rng.uniform(0.6 * duration, duration)
            argv = self.login_argv(session)
            t0 = time.monotonic()
            p = self.start(argv, PASSWORD)
            time.sleep(delay)
            killed = p.poll() is None
            if killed:
                os.kill(p.pid, signal.SIGKILL)
            else:
                completed += 1
            r = finish(p, argv, t0, h.timeout())
            problems = []
            if not killed and (r.crash() or r.status != 0):
                problems.append(r.crash() or f"run failed by itself: {r.first_error_line}")
            if os.path.isfile(session) and sha256(session) == old:
                if not killed and r.status == 0:
                    problems.append("exit 0 but the session file is the previous one")
            else:
                why = self.session_problem(session, ("desk",))
                if why:
                    problems.append(why)
                elif killed:
                    replaced += 1
            left = [x for x in leftovers(target, {"session.json"}) if x not in seen_left]
            seen_left.update(left)
            note = f"left {short(left)}" if left else ("killed" if killed else "completed")
            h.record(Result("login", "kill", f"#{i + 1} at {delay:.3f} s", not problems, "; ".join(problems) or note))
        r = self.run(self.login_argv(session), PASSWORD)
        remaining = leftovers(target, {"session.json"})
        problems = []
        if r.status != 0:
            problems.append(f"the next normal run failed: {r.first_error_line}")
        elif self.session_problem(session, ("desk",)):
            problems.append(self.session_problem(session, ("desk",)))
        if remaining:
            problems.append(f"{len(remaining)} file(s) left by kills survive the next run: {short(remaining)}")
        h.record(Result("login", "kill", f"next normal run (duration {duration:.2f} s; of {h.opts.kills} runs, "
                                         f"{replaced} killed after the file was replaced, {completed} ended before the kill)",
                        not problems, "; ".join(problems) or
                        (f"{len(seen_left)} leftover(s) during kills, all removed" if seen_left else "no leftovers")))
        # full disk: the previous session fills the tmpfs; and an empty one with no room at all
        for case, keep in (("previous session fits, no room for the new one", True), ("no room at all", False)):
            with tmpfs(h.work, PAGE) as fs:
                path = j(fs, "session.json")
                if keep:
                    shutil.copyfile(previous, path)
                fill(j(fs, "filler"))
                r = self.run(self.login_argv(path), PASSWORD)
                problems = []
                if r.crash():
                    problems.append(r.crash())
                elif r.status == 0:
                    problems.append("exit 0 on a full disk")
                elif not names_file(r, [path]):
                    problems.append("message does not name the file")
                elif not any(w in r.text.lower() for w in DISK_FULL_WORDS):
                    problems.append("message does not say the disk is full")
                if keep and (not os.path.isfile(path) or sha256(path) != old):
                    problems.append("previous session damaged")
                left = leftovers(fs, {"filler"} | ({"session.json"} if keep else set()))
                if left:
                    problems.append(f"files left: {short(left)}")
                h.record(Result("login", "full-disk", case, not problems, "; ".join(problems), r.first_error_line))
        # bad targets and input
        d = h.scratch("login-isdir")
        os.makedirs(j(d, "session.json", "inside"))
        r = self.run(self.login_argv(j(d, "session.json")), PASSWORD)
        self.refusal("login", "bad-target", "--session is a directory", r, [j(d, "session.json")],
                     os.listdir(j(d, "session.json")) == ["inside"])
        with tmpfs(h.work, 1 << 20) as fs:
            path = j(fs, "session.json")
            shutil.copyfile(previous, path)
            remount_read_only(fs)
            r = self.run(self.login_argv(path), PASSWORD)
            self.refusal("login", "bad-target", "read-only directory", r, [path], sha256(path) == old)
        node = self.device("login-full", 7)
        r = self.run(self.login_argv(node), PASSWORD)
        self.refusal("login", "pipe/device", "--session /dev/full (a private node)", r, [node],
                     stat.S_ISCHR(os.lstat(node).st_mode), damage="replaced the device node with a regular file")
        d = h.scratch("login-missing")
        path = j(d, "no", "such", "session.json")
        r = self.run(self.login_argv(path), PASSWORD)
        ok = r.status == 0 and self.session_problem(path, ("desk",)) is None
        h.record(Result("login", "bad-target", "missing directory", ok,
                        "made the directory and the session" if ok else (r.crash() or f"exit {r.status}"), r.first_error_line if r.status else ""))
        for case, argv, stdin in (("wrong password", self.login_argv(session), b"wrong password\n"),
                                  ("server not running", self.login_argv(session, server="http://127.0.0.1:9"), PASSWORD)):
            before = sha256(session)
            r = self.run(argv, stdin)
            problems = []
            if r.crash():
                problems.append(r.crash())
            elif r.status == 0:
                problems.append("exit 0")
            elif not r.first_error_line:
                problems.append("no message")
            if sha256(session) != before:
                problems.append("the saved session was changed")
            h.record(Result("login", "bad-target", case, not problems, "; ".join(problems), r.first_error_line))

    # -- all of it

    def run_all(self, scenarios: list[str]) -> None:
        h = self.h
        ops = [op for op in self.ops() if h.selected(op.name.split()[0])]
        previous: Optional[str] = None
        for op in ops:
            if not op.base:   # this series starts from the one before it, made whole
                op.base = os.path.join(h.fixtures, f"{op.name.replace(' ', '-')}-base.sqlite")
                copy_store(previous, op.base)
                checkpoint(op.base)
            if op.classify is None:
                op.classify = classify_whole(self.reference(op))
            if "kill" in scenarios:
                previous = self.complete(op, self.scenario_kill(op))
            else:
                previous = self.complete(op, self.fresh_copy(op))
            if "full-disk" in scenarios:
                self.scenario_full_disk(op)
            if op.name in ("case add", "case import", "user add") and ("bad-target" in scenarios or "pipe/device" in scenarios):
                self.scenario_bad_targets(op)
        if "concurrent" in scenarios:
            if h.selected("login"):
                self.start_server()
            self.scenario_concurrent()
        if h.selected("login"):
            if not self.url:
                self.start_server()
            self.scenario_login()
        if self.server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.server.wait(timeout=30)
            LIVE.pop(self.server.pid, None)

    def fresh_copy(self, op: StoreOp) -> str:
        d = self.h.scratch(f"{op.name.replace(' ', '-')}-series")
        copy_store(op.base, os.path.join(d, op.store))
        return os.path.join(d, op.store)

    def complete(self, op: StoreOp, path: str) -> str:
        """Runs, to the end, every operation of the series the kills stopped, so the next series
        (accept after add, disable after add, enable after disable) finds all its records."""
        if not op.cumulative:
            return path
        d = os.path.dirname(path)
        for i in range(self.h.opts.kills + 1):
            _, state = op.read(path)
            key = {"case add": f"K{i:04d}", "case accept": f"K{i:04d}"}.get(op.name, f"u{i:04d}")
            done = {"case add": key in state, "case accept": state.get(key, ("",))[0] == "accepted",
                    "user add": key in state, "user disable": state.get(key, (0,))[0] == 1,
                    "user enable": state.get(key, (1, 0, 0, 0))[0] == 0 and state.get(key, (1, 0, 0, 0))[3] >= 1}[op.name]
            if not done:
                r = self.run(op.argv(d, i), op.stdin)
                if r.status != 0:
                    sys.exit(f"{op.name}: cannot complete the series (run {i}): {r.text}")
        return path


# ----------------------------------------------------------------------------------------------
# The table


SCENARIOS = ["kill", "full-disk", "bad-target", "pipe/device", "same-file", "concurrent"]
COMMANDS = ["partition", "validate", "map", "export", "assign", "geocode", "gazetteer", "crs", "report", "staff", "plan-export",
            "case-report", "case add", "case accept", "case import", "case tick", "user add", "user disable", "user enable", "login"]


def table(results: list[Result]) -> str:
    rows = []
    for c in COMMANDS:
        for s in SCENARIOS:
            rs = [r for r in results if r.command == c and r.scenario == s]
            if not rs:
                continue
            fails = [r for r in rs if not r.ok]
            reasons: dict[str, list[str]] = {}
            for r in fails:
                reasons.setdefault(r.reason.split(";")[0] if r.scenario in ("kill", "concurrent") else
                                   f"{r.case}: {r.reason}", []).append(r.case)
            why = " | ".join(f"{k} (x{len(v)})" if len(v) > 1 else k for k, v in reasons.items())
            rows.append([c, s, str(len(rs)), str(len(rs) - len(fails)), str(len(fails)), why or "-"])
    header = ["command", "scenario", "runs", "pass", "fail", "failures"]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  " + header[5],
             "  ".join("-" * w for w in widths) + "  " + "-" * 8]
    for r in rows:
        lines.append("  ".join((v.rjust(w) if i >= 2 else v.ljust(w)) for i, (v, w) in enumerate(zip(r, widths))) + "  " + r[5])
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=50, help="SIGKILLs per command (default 50)")
    ap.add_argument("--quick", action="store_true", help="fewer runs (for CI): 8 kills, 1 concurrent pair per variant (3 for partition)")
    ap.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    ap.add_argument("--only", help="comma-separated commands (default all): partition, validate, map, export, assign, geocode, "
                                   "gazetteer, crs, report, staff, plan-export, case-report, case, user, login")
    ap.add_argument("--scenarios", help="comma-separated: " + ",".join(SCENARIOS))
    ap.add_argument("--concurrent", type=int, default=4, help="concurrent pairs per variant (partition: three times as many)")
    ap.add_argument("--points", type=int, default=200_000, help="points in assign's input")
    ap.add_argument("--addresses", type=int, default=20_000, help="addresses in geocode's input")
    ap.add_argument("--workdir", default=None, help="where the scratch directory goes (default $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    opts = ap.parse_args()
    if opts.quick:
        opts.kills = min(opts.kills, 8)
        opts.concurrent = 1
    if os.geteuid() != 0:
        sys.exit("failure-injection.py needs root (tmpfs mounts, a /dev/full node)")

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    atexit.register(stop_everything)

    h = Harness(opts)
    started = time.monotonic()
    try:
        h.run_all()
    finally:
        stop_everything()
        if not opts.keep:
            shutil.rmtree(h.work, ignore_errors=True)
    failures = sum(not r.ok for r in h.results)
    print()
    print(table(h.results))
    print(f"\n{len(h.results)} checks, {failures} failed — {time.monotonic() - started:.0f} s "
          f"(seed {opts.seed}, {opts.kills} kills per command{', quick' if opts.quick else ''})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
