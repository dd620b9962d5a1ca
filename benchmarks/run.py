"""`make bench`: the validator at archive scale, as ratios to the time libyaml takes to parse the files.

For each scale (paper files; `BENCH_SCALES=10000,20000` by default) the harness generates a
synthetic repository (benchmarks/generate.py), commits it to a scratch git repository, and
measures, each as a real subprocess, the median of `BENCH_REPEAT` runs (default 3):

* floor: PyYAML's C loader (`yaml.load(data, Loader=yaml.CSafeLoader)`) on every file, read and
  parsed in one process, timing the loop only (the interpreter's start is not counted, which
  makes every ratio below conservative: the commands' times include theirs);
* `pwc validate` cold: an empty cache (`XDG_CACHE_HOME` and the root's `.cache/` fresh);
* `pwc validate` warm: nothing changed since the previous run;
* a PR check: five paper files changed (a result added to each; other files in each round),
  then `pwc validate --changed-since HEAD`, with the cache the previous runs left (as a CI
  job restores it): the changed files are loaded, the others come from the cache, and every
  check runs over the whole repository;
* `pwc build` cold: an empty cache and a fresh output folder (the trees of earlier runs are
  deleted at the end, not between runs: deleting tens of thousands of files slows this disk's
  file creation for seconds afterwards).

Before each cold measurement the harness waits for the disk to finish earlier writes (`sync`),
so that a run pays for its own writes only, and drops the earlier builds' trees from the page
cache (`posix_fadvise(DONTNEED)`, file by file): on a machine whose memory is full of cached
files every page a build writes must first be reclaimed from another (kswapd on the other
core, and stalls in the build), as on no fresh CI runner. It prints the memory left free.
Then it reads the repository's files and the validator's sources once and imports what a build
imports, untimed: the machine's memory manager (DAMON's pageout here) evicts files idle for a
minute, and a cold run after the warm and PR runs then read part of its input from disk (+1.3 s
at 20,000 papers with all of it evicted), while the floor reads files that were just written,
as a CI job reads its fresh checkout. The generated repository is committed as one pack, as a
clone holds it (`commit_packed`). The validator's bytecode is compiled once before anything is
measured (`compile_bytecode`), as installing a package compiles it and as a first run writes it:
with `PYTHONDONTWRITEBYTECODE` set (as on this machine) every run compiled the validator's
14,000 lines again, 0.03 s of each command's start (0.18 s against 0.15 s for a build's imports).

Each is printed with its ratio to the floor, its goal and its peak memory (the child's maximum
resident set size from `wait4`). Exit status 1 when a goal is missed.

Environment: `BENCH_SCALES` (comma-separated paper-file counts), `BENCH_REPEAT`, `BENCH_DIR`
(where to generate; default a fresh temporary folder, removed afterwards), `BENCH_KEEP=1`,
`BENCH_QUIET_US` and `BENCH_QUIET_WAIT` (what a quiet disk is, and how long to wait for one).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import generate  # noqa: E402

PYTHON = sys.executable
PWC = [PYTHON, "-m", "validator"]

# name -> (goal as a ratio to the floor)
GOALS = {
    "validate cold": 1.0,
    "validate warm": 0.2,
    "PR check (5 files)": 0.2,
    "build cold": 1.5,
}
MEMORY_GOAL_MB = 600
MEMORY_GOAL_RESULTS = 50_000

FLOOR_SCRIPT = r"""
import os, sys, time, yaml
root = sys.argv[1]
files = []
for d, dirs, names in os.walk(os.path.join(root, "results")):
    dirs.sort()
    files += [os.path.join(d, n) for n in sorted(names) if n.endswith(".yaml")]
start = time.perf_counter()
for f in files:
    with open(f, "rb") as fh:
        yaml.load(fh.read(), Loader=yaml.CSafeLoader)
print(time.perf_counter() - start)
"""


@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    status: int | None = None
    note: str = ""

    def record(self, elapsed: float, peak: float, status: int) -> None:
        self.seconds.append(elapsed)
        self.peak_mb = max(self.peak_mb, peak)
        self.status = status

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def run_child(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, int, bytes]:
    """Run `cmd`; its wall time, its own peak RSS in MB (wait4), exit status and stdout."""
    out = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, out.read()


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def commit_packed(root: Path) -> None:
    """Commit every file under `root` in one pack, as a clone holds its objects (`git fast-import`).

    `git add` would write a loose object per file, which a PR check's `git ls-tree --long` then
    opens one by one (+0.15 s at 10,000 papers, +0.4 s at 20,000), and which `git gc --auto`
    packs and deletes in the background: on this disk (see `quiet_disk`) the first cold build
    after that mass deletion spent 7 s in the kernel instead of 1.5."""
    branch = subprocess.run(
        ["git", "-C", str(root), "symbolic-ref", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts)
    proc = subprocess.Popen(["git", "-C", str(root), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    write = proc.stdin.write
    write(f"commit {branch}\ncommitter bench <bench@example.org> 0 +0000\ndata 4\nbase\n".encode())
    for path in files:
        data = path.read_bytes()
        write(f"M 100644 inline {path.relative_to(root).as_posix()}\ndata {len(data)}\n".encode())
        write(data)
        write(b"\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("git fast-import failed")
    # As a clone's: fast-import's pack makes `git ls-tree --long` 7x slower (0.07 s at 20,000
    # files). Repacking deletes only the old pack.
    git(root, "repack", "-a", "-d", "-f", "-q")
    git(root, "reset", "-q")  # the index, from the commit; the files are already there


def base_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("PWC_CACHE_DIR", None)
    env.pop("PWC_FAST", None)
    env["NO_COLOR"] = "1"
    return env


_DISK = {"best": float("inf"), "waited": 0.0, "probes": 0, "free_mb": float("inf")}
_OUTPUTS: list[Path] = []  # the output trees of earlier builds, dropped from the page cache


def release_outputs() -> None:
    """Drop the (synced, so clean) pages of earlier builds' output trees from the page cache,
    so that a build does not have to reclaim memory those trees hold. The trees stay on disk
    (deleting them would slow this disk's file creation for minutes, see `quiet_disk`)."""
    for tree in _OUTPUTS:
        for folder, _dirs, names in os.walk(tree):
            for name in names:
                try:
                    fd = os.open(os.path.join(folder, name), os.O_RDONLY | os.O_NOFOLLOW)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def warm_up(root: Path) -> None:
    """Bring the repository's files and the validator's code into the page cache (see above)."""
    for tree in (root / "results", HERE.parent / "validator"):
        for folder, _dirs, names in os.walk(tree):
            for name in names:
                with contextlib.suppress(OSError), open(os.path.join(folder, name), "rb") as handle:
                    handle.read()
    imports = "import validator.commands.build, validator.site.render, validator.checks.registry as r; r.load_all()"
    run_child([PYTHON, "-c", imports], dict(os.environ), cwd=HERE.parent)


def compile_bytecode() -> None:
    """Write the validator's bytecode (`__pycache__`, ignored by git), which every measured run
    then reads: the runs measure the commands as installed, not Python compiling their source
    (see above). The floor's PyYAML was compiled when it was installed."""
    import compileall

    compileall.compile_dir(str(HERE.parent / "validator"), quiet=1)


def free_mb() -> float:
    """MemFree of /proc/meminfo in MB (inf where there is none)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemFree:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


# A quiet disk creates a probe file (and every fourth a folder) in this much time or less, or in
# 1.5x the best seen in this run; it is waited for at most QUIET_WAIT seconds (the disk recovers
# within about 6 minutes of a mass deletion). `BENCH_QUIET_US` and `BENCH_QUIET_WAIT` change them.
QUIET_PER_FILE = float(os.environ.get("BENCH_QUIET_US", "60")) * 1e-6
QUIET_WAIT = float(os.environ.get("BENCH_QUIET_WAIT", "420"))
_PROBE_FILES = 200


def quiet_disk(where: Path | None = None) -> None:
    """Let the disk finish what earlier runs wrote (and deleted) before a measured run starts, so
    that each run pays for its own writes only. After `sync`, the time to create a few hundred
    small files (a folder for every four, as in a build's tree) is probed until it is quiet
    (`QUIET_PER_FILE`, or back near the best seen in this run; at most `QUIET_WAIT`): on this
    machine's disk (ext4 without a journal, with online discard) it is 25-45 us per file when
    quiet and up to 15x more for up to 6 minutes after tens of thousands of files were deleted.
    The probe writes beside `where` (the folder the run will write in), since ext4 places a new
    folder near its parent's block group and the slowness is per group. Probe files are kept
    until the end (deleting them would disturb the disk again)."""
    os.sync()
    release_outputs()
    _DISK["free_mb"] = min(_DISK["free_mb"], free_mb())
    probes = _probe_root() if where is None else where / ".pwc-bench-probe"
    deadline = time.monotonic() + QUIET_WAIT
    start = time.monotonic()
    while True:
        _DISK["probes"] += 1
        target = probes / str(_DISK["probes"])
        target.mkdir(parents=True)
        data = b"x" * 8000
        began = time.perf_counter()
        for i in range(_PROBE_FILES):
            # As a build does: a folder per few files. ext4 spreads folders over its block groups,
            # and without a journal (this disk) it skips each inode freed in the last minutes
            # (up to 6 minutes until the freeing is written back) when it places a new one, one
            # lookup each: after a mass deletion a folder can cost 10x, a file 5x.
            if i % 4 == 0:
                folder = target / f"d{i}"
                os.mkdir(folder)
            fd = os.open(folder / f"{i}.html", os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            os.write(fd, data)
            os.close(fd)
        per_file = (time.perf_counter() - began) / _PROBE_FILES
        _DISK["best"] = min(_DISK["best"], per_file)
        if per_file <= max(1.5 * _DISK["best"] + 10e-6, QUIET_PER_FILE) or time.monotonic() > deadline:
            break
        time.sleep(3)
    time.sleep(0.5)
    _DISK["waited"] += time.monotonic() - start


def _probe_root() -> Path:
    return Path(tempfile.gettempdir()) / f"pwc-bench-probe-{os.getpid()}"


def _remove_probes() -> None:
    shutil.rmtree(_probe_root(), ignore_errors=True)


def fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def change_five(root: Path, round_: int = 0) -> list[str]:
    """Edit five paper files the way a PR does (a result added); each round edits other files,
    so that no round finds the answer of an earlier one in the cache."""
    papers = sorted((root / "results" / "papers").rglob("*.yaml"))
    step = max(1, len(papers) // 5)
    changed = []
    for path in papers[round_ * 7 % step :: step][:5]:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        # the last result's block, copied with another model name
        start = max(i for i, line in enumerate(lines) if line.startswith("  - task: "))
        block = lines[start:]
        block = [line.replace("    model: ", "    model: New ", 1) if line.startswith("    model: ") else line
                 for line in block]
        path.write_text("\n".join(lines + block) + "\n", encoding="utf-8")
        changed.append(path.relative_to(root).as_posix())
    return changed


def measure_scale(work: Path, papers: int, repeat: int) -> tuple[dict, list[Measure], float]:
    root = fresh(work / f"repo-{papers}")
    counts = generate(root, papers)
    (root / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    git(root, "init", "-q")
    commit_packed(root)
    cache = work / f"cache-{papers}"
    out_parent = work / f"out-{papers}"  # `pwc build` keeps versioned siblings of its output

    floor = Measure("floor (libyaml parse)")
    quiet_disk()
    warm_up(root)
    for _ in range(repeat):
        elapsed, peak, status, out = run_child([PYTHON, "-c", FLOOR_SCRIPT, str(root)], dict(os.environ))
        floor.seconds.append(float(out.decode().strip().splitlines()[-1]) if status == 0 else float("nan"))
        floor.peak_mb = max(floor.peak_mb, peak)

    measures: list[Measure] = []
    validate = [*PWC, "validate", "--root", str(root), "--format", "json"]

    cold = Measure("validate cold")
    for _ in range(repeat):
        fresh(cache)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        quiet_disk(cache.parent)
        warm_up(root)
        elapsed, peak, status, _out = run_child(validate, base_env(cache))
        cold.record(elapsed, peak, status)
    measures.append(cold)

    warm = Measure("validate warm")
    run_child(validate, base_env(cache))  # fills the cache if the cold runs did not
    for _ in range(repeat):
        elapsed, peak, status, _out = run_child(validate, base_env(cache))
        warm.record(elapsed, peak, status)
    measures.append(warm)

    pr = Measure("PR check (5 files)")
    pr_cmd = [*PWC, "validate", "--root", str(root), "--changed-since", "HEAD", "--format", "json"]
    for round_ in range(repeat):
        git(root, "checkout", "-q", "--", "results")
        change_five(root, round_ + 1)
        elapsed, peak, status, out = run_child(pr_cmd, base_env(cache))
        pr.record(elapsed, peak, status)
    try:
        pr.note = f"{json.loads(out)['counts']['files']} files reported"
    except (ValueError, KeyError):
        pr.note = out.decode(errors="replace")[-200:]
    measures.append(pr)
    git(root, "checkout", "-q", "--", "results")

    build = Measure("build cold")
    for run in range(repeat):
        fresh(cache)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        # Cold: a fresh output folder, as on a new CI runner. The trees of earlier runs are not
        # deleted here but at the very end: on this disk (ext4 with online discard) deleting
        # tens of thousands of files slows the creation of files for seconds afterwards, which
        # would be charged to the next build.
        out_dir = fresh(out_parent / f"run-{run}") / "build"
        _OUTPUTS.append(out_parent / f"run-{run}")
        quiet_disk(out_dir.parent)
        warm_up(root)
        elapsed, peak, status, out = run_child(
            [*PWC, "build", "--root", str(root), "--out", str(out_dir)], base_env(cache)
        )
        build.record(elapsed, peak, status)
    if build.status != 0:
        build.note = out.decode(errors="replace")[-300:]
    measures.append(build)
    return counts, measures, floor.median


def main() -> int:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "10000,20000").split(",") if s.strip()]
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    given = os.environ.get("BENCH_DIR")
    work = Path(given) if given else Path(tempfile.mkdtemp(prefix="pwc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"pwc benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, median of {repeat}, in {work}")
    compile_bytecode()
    ok = True
    summary = []
    try:
        for papers in scales:
            counts, measures, floor = measure_scale(work, papers, repeat)
            print()
            print(
                f"== {counts['papers']:,} paper files, {counts['results']:,} results, "
                f"{counts['bytes'] / 1e6:.1f} MB; floor (libyaml parse): {floor:.2f} s"
            )
            print(f"   {'':22} {'seconds':>8} {'ratio':>7} {'goal':>6} {'peak MB':>8}  ")
            for m in measures:
                ratio = m.median / floor
                goal = GOALS[m.name]
                passed = ratio <= goal and m.status in (0, 1)
                ok &= passed
                runs = ", ".join(f"{s:.2f}" for s in m.seconds)
                print(
                    f"   {m.name:22} {m.median:8.2f} {ratio:6.2f}x {goal:5.1f}x {m.peak_mb:8.0f}  "
                    f"{'ok' if passed else 'MISSED'}  (runs {runs}; exit {m.status}) {m.note}".rstrip()
                )
            peak = max(m.peak_mb for m in measures)
            summary.append((counts["results"], peak, {m.name: m.median for m in measures}, floor))
        if summary:
            print()
            _memory_summary(summary)
            ok &= _memory_ok(summary)
    finally:
        if not given and os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
        _remove_probes()
    print()
    print(
        f"disk: {_DISK['best'] * 1e6:.0f} us to create a small file at best; "
        f"{_DISK['waited']:.0f} s spent waiting for a quiet disk before cold runs; "
        f"memory free before them: {_DISK['free_mb']:,.0f} MB at least"
    )
    print("all goals met" if ok else "some goals MISSED")
    return 0 if ok else 1


def _fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares line through (x, y) points: (slope, intercept)."""
    if len(points) == 1:
        x, y = points[0]
        return y / x, 0.0
    mx = statistics.fmean(p[0] for p in points)
    my = statistics.fmean(p[1] for p in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return slope, my - slope * mx


def _memory_summary(summary: list[tuple[int, float, dict[str, float], float]]) -> None:
    slope, intercept = _fit([(r, p) for r, p, _, _ in summary])
    at_goal = intercept + slope * MEMORY_GOAL_RESULTS
    print(
        f"peak memory: {intercept:.0f} MB + {slope * 1000:.2f} MB per 1,000 results; "
        f"{at_goal:.0f} MB at {MEMORY_GOAL_RESULTS:,} results (goal {MEMORY_GOAL_MB} MB), "
        f"{intercept + slope * 1_000_000:,.0f} MB projected at 1,000,000"
    )
    for name in GOALS:
        t_slope, t_icpt = _fit([(r, times[name]) for r, _, times, _ in summary])
        print(f"projected at 1,000,000 results: {name:22} {t_icpt + t_slope * 1_000_000:7.1f} s")
    f_slope, f_icpt = _fit([(r, f) for r, _, _, f in summary])
    print(f"projected at 1,000,000 results: {'floor':22} {f_icpt + f_slope * 1_000_000:7.1f} s")


def _memory_ok(summary: list[tuple[int, float, dict[str, float], float]]) -> bool:
    slope, intercept = _fit([(r, p) for r, p, _, _ in summary])
    return intercept + slope * MEMORY_GOAL_RESULTS <= MEMORY_GOAL_MB


if __name__ == "__main__":
    raise SystemExit(main())
