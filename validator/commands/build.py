"""`pwc build`: validate, then publish the leaderboard JSON, the archive export and the site, atomically.

Nothing is written unless the repository validates without errors. The output is deterministic:
the same input gives byte-identical files.

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
import fcntl
import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from validator import pipeline
from validator.export.api import ApiData, build_api
from validator.export.files import api_files
from validator.report.render import Report, render_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument(
        "--out", default="build", help="output folder (a link, replaced atomically), relative to the current folder"
    )


def fail(message: str) -> int:
    print(f"pwc build: {message}", file=sys.stderr)
    return 2


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write(path: str, data: bytes) -> None:
    # os.open rather than open(): a buffered file object costs several more system calls per
    # file, which adds up over tens of thousands of small files.
    fd = os.open(path, _FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_tree(api: ApiData, folder: Path) -> int:
    """Write the api/v1 files (and the site, when the site renderer is installed) into `folder`."""
    made: set[str] = set()
    count = 0
    for rel, data in api_files(api):
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(folder / parent, exist_ok=True)
            made.add(parent)
        _write(os.path.join(folder, rel), data)
        count += 1
    try:
        from validator.site.render import render_site
    except ModuleNotFoundError as exc:
        if exc.name != "validator.site.render":
            raise
    else:
        render_site(api, folder)
    return count


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


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if not (root / "results").is_dir():
        return fail(f"no results/ folder under {root}")
    unsafe = unsafe_output(Path(args.out), root)
    if unsafe:
        return fail(unsafe)
    repo = pipeline.load(root)
    problems = pipeline.check(repo)
    report = Report(problems, len(repo.files), repo.result_count())
    if report.errors:
        render_text(report, sys.stdout, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        print("pwc build: the repository has errors; nothing was written", file=sys.stderr)
        return 1
    # The loaded repository is hundreds of thousands of long-lived objects: without this, the
    # collector rescans them again and again while the build allocates its dicts (about 2x slower).
    gc.freeze()
    gc.disable()
    counts: dict[str, int] = {}
    try:
        api = build_api(repo)
        publish(Path(args.out), lambda folder: counts.setdefault("files", write_tree(api, folder)))
    except OSError as exc:
        return fail(f"cannot write {args.out}: {exc}")
    finally:
        gc.enable()
        gc.unfreeze()
    n = api.index["counts"]
    warnings = f"; {report.warnings} warnings (see `pwc validate`)" if report.warnings else ""
    print(
        f"pwc build: {n['leaderboards']} leaderboards, {n['papers']} papers, {n['results']} results "
        f"-> {args.out}/api/v1 ({counts.get('files', 0)} files){warnings}"
    )
    return 0
