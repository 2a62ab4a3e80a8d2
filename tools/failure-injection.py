#!/usr/bin/env python3
"""Failure injection for every wangge command that writes a file.

    sudo tools/failure-injection.py [--kills 50] [--quick] [--seed 1] [--only partition,assign]

The binary is $WANGGE (default .build/release/wangge). Needs root: it mounts small tmpfs file
systems (full disk, read-only directory) and makes a private /dev/full node. Python 3 stdlib only.

Scenarios, for each writing command (partition, map, export, assign, geocode, gazetteer, crs,
report, staff, plan export; validate only reads, so it gets the pipe/device checks; the stores —
plan edits, cases, accounts — have their own kill tests: tools/plan-kill-test.sh,
tools/kill_cases.sh, tools/server_kill_test.py):

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
        # the previous output fits, a second copy of its largest file does not
        with tmpfs(self.work, used + spare + PAGE) as fs:
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


# ----------------------------------------------------------------------------------------------
# The table


SCENARIOS = ["kill", "full-disk", "bad-target", "pipe/device", "same-file", "concurrent"]
COMMANDS = ["partition", "validate", "map", "export", "assign", "geocode", "gazetteer", "crs", "report", "staff", "plan-export"]


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
    ap.add_argument("--only", help="comma-separated commands (default all)")
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
