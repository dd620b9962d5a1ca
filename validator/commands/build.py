"""`pwc build`: validate, then publish the leaderboard JSON, the archive export and the site, atomically.

Nothing is published unless the repository validates without errors. The output is deterministic:
the same input gives byte-identical files.

At scale the work is shared by every core: the checks run in a forked process while this one
builds the data and writes the tree (an invalid repository's tree is then thrown away before it
is swapped in), and the tree is written by this process and forked workers, which take the next
part of the api or of the site from one queue as soon as they are free.

How the swap works: OUT (default `build`) is a symbolic link to a versioned sibling folder,
`.<name>.v-XXXXXXXX`. A build writes a fresh sibling folder, then replaces the link with
`os.replace`, which is atomic on POSIX, so a reader resolving OUT sees either the previous tree or
the new one, never a half-written one; the previous folder is deleted after the swap. A build
killed midway leaves the link and the previous tree untouched; its partial folder is removed by
the next build. When OUT is a real folder (from an older build), it is moved aside once so the
link can take its place. Builds into one OUT are serialised by a lock file, `.<name>.lock`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from validator import pipeline
from validator.atomic import TreeWriter
from validator.cli import hold
from validator.export.api import ApiData, build_api
from validator.export.files import API_PREFIX, api_parts
from validator.forking import Forked, can_fork, processes_for, share_work, worker_count
from validator.gcpause import paused_gc
from validator.load.repository import Repository
from validator.report.problem import Problem
from validator.report.render import Report, render_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument(
        "--out", default="build", help="output folder (a link, replaced atomically), relative to the current folder"
    )


def fail(message: str) -> int:
    print(f"pwc build: {message}", file=sys.stderr)
    return 2


def _site_jobs(api: ApiData, folder: Path) -> list[tuple[Callable[[TreeWriter], object], int, str]]:
    """The site's pages as jobs, when the site renderer is installed."""
    try:
        from validator.site.render import site_jobs
    except ModuleNotFoundError as exc:
        if exc.name != "validator.site.render":
            raise
        return []
    return site_jobs(api, folder)


def _api_job(part: Callable[[], Iterator[tuple[str, bytes]]], writer: TreeWriter) -> int:
    count = 0
    for rel, data in part():
        writer.write_bytes(rel, data)
        count += 1
    return count


# The queue's two lanes (see `forking.share_work`), by the folder a job writes in: this process
# starts on the first (the site's paper pages, the api's leaderboards and its two big files), a
# worker on the second (the api's paper pages, the site's leaderboard pages, the rest), so that
# the two seldom create files in one folder at once (papers/ and api/v1/papers/ hold a file per
# paper). The lanes hold about the same work.
_FIRST_LANE = frozenset(("papers", f"{API_PREFIX}/leaderboards", API_PREFIX))


def write_tree(api: ApiData, folder: Path, *, workers: int = 1) -> int:
    """Write the api/v1 files (and the site, when the site renderer is installed) into `folder`;
    how many api files. `workers`: how many processes share the work, each taking the next
    part of the api or of the site from a queue (see `forking.share_work`)."""
    api_jobs = [(partial(_api_job, part), cost, where) for part, cost, where in api_parts(api)]
    jobs = [*api_jobs, *_site_jobs(api, folder)]
    os.makedirs(folder / API_PREFIX / "leaderboards", exist_ok=True)
    os.makedirs(folder / API_PREFIX / "papers", exist_ok=True)
    lanes = [0 if where in _FIRST_LANE else 1 for _job, _cost, where in jobs]
    done = share_work([(job, cost) for job, cost, _where in jobs], workers, lambda: TreeWriter(folder), lanes=lanes)
    return sum(done[: len(api_jobs)])


def _ours(name: str, entry: str) -> bool:
    """Whether a sibling is one of the folders or links the publishing of OUT `name` creates."""
    return entry.startswith((f".{name}.v-", f".{name}.old-", f".{name}.link-"))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def publish(out: Path, fill: Callable[[Path], object]) -> None:
    """Fill a fresh folder beside `out` and swap it in atomically (see the module docstring)."""
    out = Path(os.path.abspath(out))  # not resolve(): `out` itself is the link to replace
    parent, name = out.parent, out.name
    created = not parent.exists()  # removed again if nothing gets published
    parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_symlink() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a folder")
    with open(parent / f".{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = os.readlink(out) if out.is_symlink() else None
        # Leftovers of builds that were killed: we hold the lock, so no build is using them.
        for entry in os.listdir(parent):
            if _ours(name, entry) and entry != current:
                _remove(parent / entry)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.v-", dir=parent))
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the site is meant to be read
            fill(tmp)
            previous: Path | None = None
            if current is not None:
                previous = parent / current
            elif out.is_dir():
                previous = parent / f".{name}.old-{os.getpid()}"
                os.rename(out, previous)
            link = parent / f".{name}.link-{os.getpid()}"
            _remove(link)
            os.symlink(tmp.name, link)
            os.replace(link, out)
        except BaseException:
            _remove(tmp)
            if created and current is None:
                (parent / f".{name}.lock").unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    parent.rmdir()
            raise
        if previous is not None and _ours(name, previous.name) and previous.parent == parent:
            _remove(previous)


def unsafe_output(out: Path, root: Path) -> str | None:
    """Why `out` must not be replaced, or None. A real folder is moved aside and deleted, so it
    must look like an older build's output, and never hold the repository or sit in results/."""
    out = Path(os.path.abspath(out))
    resolved = out.resolve()
    if resolved == root or root.is_relative_to(resolved):
        return f"{out} holds the repository; choose an output folder of its own"
    if resolved.is_relative_to(root / "results"):
        return f"{out} is inside results/; choose an output folder outside it"
    if out.is_dir() and not out.is_symlink():
        looks_built = (out / "api").is_dir() or (out / "index.html").is_file()
        if not looks_built and any(out.iterdir()):
            return f"{out} is a folder that is not a build output; remove it or choose another --out"
    return None


class _Invalid(Exception):
    """The repository has errors: the tree being written is thrown away."""


# From this many results on, the checks get a forked process and the tree is written by several.
PARALLEL_FROM = 5_000


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if not (root / "results").is_dir():
        return fail(f"no results/ folder under {root}")
    unsafe = unsafe_output(Path(args.out), root)
    if unsafe:
        return fail(unsafe)
    repo = pipeline.load(root, remember=False)  # its checks save their answer, not the files
    problems = pipeline.cached_answer(repo)
    parallel = processes_for(repo.result_count(), PARALLEL_FROM) >= 2 and can_fork()
    checking: Forked[list[Problem]] | None = None
    if problems is None and parallel:
        repo.papers  # noqa: B018 - loaded here once, not in each process
        # The checks only decide whether the tree is published: they run beside the build, in
        # one process (each forked process copies the pages of the repository it touches).
        checking = Forked(lambda: pipeline.check(repo, keep=False, fork=False))
    elif problems is None:
        problems = pipeline.check(repo, keep=False)
        if _report(problems, repo).errors:
            return _invalid(_report(problems, repo))
    files = 0

    def fill(folder: Path) -> None:
        nonlocal files, problems
        files = write_tree(api, folder, workers=worker_count() if parallel else 1)
        if checking is not None:
            problems = _checked(checking, repo)
        if _report(problems, repo).errors:
            raise _Invalid  # thrown away before the swap

    # The export is hundreds of thousands of objects on top of the loaded repository: built with
    # the collector off (about 2x faster) and frozen after, never scanned.
    with paused_gc():
        try:
            api = build_api(repo)
            hold(repo, api)
            publish(Path(args.out), fill)
        except _Invalid:
            return _invalid(_report(problems, repo))
        except OSError as exc:
            return fail(f"cannot write {args.out}: {exc}")
        finally:
            if checking is not None:
                checking.wait(cancel=True)  # ends the checks when the build failed or was interrupted
    n = api.index["counts"]
    found = _report(problems, repo)
    warnings = f"; {found.warnings} warnings (see `pwc validate`)" if found.warnings else ""
    print(
        f"pwc build: {n['leaderboards']} leaderboards, {n['papers']} papers, {n['results']} results "
        f"-> {args.out}/api/v1 ({files} files){warnings}"
    )
    return 0


def _checked(checking: Forked[list[Problem]], repo: Repository) -> list[Problem]:
    """The forked checks' answer; a check that failed there runs here, where it surfaces as usual."""
    try:
        return checking.result()
    except RuntimeError:
        return pipeline.check(repo, keep=False)


def _report(problems: list[Problem] | None, repo: Repository) -> Report:
    return Report(problems or [], len(repo.files), repo.result_count())


def _invalid(report: Report) -> int:
    render_text(report, sys.stdout, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    print("pwc build: the repository has errors; nothing was written", file=sys.stderr)
    return 1
