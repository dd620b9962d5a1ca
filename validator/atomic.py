"""Atomic file writes: a reader sees the old file or the new one, never half of one.

`write_file` writes one file of a tree that no reader sees yet (a build folder swapped in
atomically afterwards): with the fewest system calls, since a build writes tens of thousands;
`TreeWriter` writes many such files from threads while its caller makes the next ones."""

from __future__ import annotations

import os
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
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


def write_file(path: str, data: bytes, *, exclusive: bool = False) -> None:
    """Create `path` (or replace its content) with `data`: open, write all, close. os.open rather
    than open(): a buffered file object costs several more system calls per file.
    `exclusive`: fail if it exists."""
    fd = os.open(path, _NEW | (os.O_EXCL if exclusive else os.O_TRUNC), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


class TreeWriter:
    """Writes the files of a fresh output tree (the site's pages, the api files).

    Writing tens of thousands of files is mostly system calls, which release the GIL: two threads
    write (and make the folders) while the main thread renders the next pages. Pages go to them
    in batches, and each file is three calls (open, write, close), because every call that
    releases the GIL costs a hand-over between threads. `close()` waits for every write and
    raises the first error, so a build never publishes a tree with a page missing. A write
    that fails is noticed late (by a later `write`, in whatever job the caller is on by then),
    so the error is kept and raised by every later call and by `close()`: whatever ran through
    this writer must be counted as failed, not only the job that saw the error.
    Only one process may write a given file; folders may be shared (`mkdir` that finds one is
    fine).
    """

    BATCH = 16  # pages per hand-over to a writing thread
    PENDING = 16  # batches in flight at most (bounds the memory held by rendered pages)

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = str(out_dir)
        self.made: set[str] = set()  # folders made (shared by the threads: a set is safe under the GIL)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pwc-tree-write")
        self.batch: list[tuple[str, bytes]] = []
        self.pending: deque[Future[None]] = deque()
        self.error: BaseException | None = None

    def _write_batch(self, batch: list[tuple[str, bytes]]) -> None:
        for rel, data in batch:
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

    def write(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.batch.append((rel, data))
        if len(self.batch) >= self.BATCH:
            self._submit()

    def _submit(self) -> None:
        if len(self.pending) >= self.PENDING:
            self._settle(self.pending.popleft())
            if self.error is not None:
                raise self.error
        self.pending.append(self.pool.submit(self._write_batch, self.batch))
        self.batch = []

    def _settle(self, done: Future[None]) -> None:
        try:
            done.result()
        except Exception as exc:  # noqa: BLE001 - kept: raised by every later call and by close()
            if self.error is None:
                self.error = exc

    def close(self) -> None:
        try:
            if self.batch and self.error is None:
                self._submit()
            while self.pending:
                self._settle(self.pending.popleft())
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.error is not None:
            raise self.error
