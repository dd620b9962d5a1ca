"""Atomic file writes: a reader sees the old file or the new one, never half of one.

`write_file` writes one file of a tree that no reader sees yet (a build folder swapped in
atomically afterwards): with the fewest system calls, since a build writes tens of thousands;
`TreeWriter` writes the many files of such a tree."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8, LF newlines) beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, text: str, check: bool) -> bool:
    """For generated files: True when `path` differs from `text`; writes it unless `check`."""
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current == text:
        return False
    if not check:
        write_text(path, text)
    return True


_NEW = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


def write_file(path: str, data: bytes) -> None:
    """Create `path` (or replace its content) with `data`: open, write all, close. os.open rather
    than open(): a buffered file object costs several more system calls per file."""
    fd = os.open(path, _NEW | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


class TreeWriter:
    """Writes the files of a fresh output tree (the site's pages, the api files), each with the
    fewest system calls (`write_file`), making folders as they are first needed.

    Written in the caller's thread: the build shares the tree among processes, one per core,
    which keeps every core busy; writer threads beside the rendering measured no faster there
    (and a write that fails in a thread is noticed late, in whatever job runs by then). Only one
    process may write a given file; folders may be shared (`mkdir` that finds one is fine)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = str(out_dir)
        self.made: set[str] = set()  # folders made (or found) by this writer

    def write(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = os.path.join(self.out_dir, rel)
        folder = os.path.dirname(path)
        if folder not in self.made:
            try:
                os.mkdir(folder)  # most pages have a folder of their own: try the one call first
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        write_file(path, data)
