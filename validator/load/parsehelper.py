"""Parsing in a second process: a forked helper parses part of a repository's files with the fast
YAML path while this process loads the rest.

The helper sends back, in chunks as it goes, each document's data and typed-scalar texts
(sending models would cost more than validating them again here) with the blob id of the bytes
it parsed. It starts in one of two ways:

* `ParseHelper.reading` (a cold load of the working tree): as soon as the files are listed, the
  helper reads its share from disk itself and sends each file's bytes and stat with its
  document; this process reads only the rest, so the files are read by both cores at once and
  once each. Measured at 20,000 paper files: the load ends 0.1-0.15 s sooner than when this
  process read every file before forking (reading 23,500 files takes 0.2 s).
* `ParseHelper.start`, over files this process has read already (a load that found some files
  in the cache): this process uses a document only if its own bytes have the blob id the helper
  parsed.

Either way this process parses (or reads) whatever the helper did not send (a helper that died,
a file it could not read).

Measured and dropped: forking the helper before the command imports the models and the checks,
while this process still read every file for their blob ids. The helper then read the files a
second time and imported the parser itself, which ate the head start: at 10,000 files `pwc
validate` took 1.73-1.85 s against 1.68-1.82 s, whatever the share.
"""

from __future__ import annotations

import os
import pickle
import select
from collections.abc import Callable
from typing import Any

from validator.forking import can_fork, processes_for, reap_later
from validator.load import fastyaml, filecache
from validator.load.yamlload import decode

# Below this many files to parse, one process is faster than two.
PARALLEL_MIN_FILES = 3000


# How a reading helper gets a file from disk: its bytes and stat key ((None, None): unusual, read
# and reported by the loader). Over files this process has read, the helper gets their bytes.
ReadFromDisk = Callable[[str], tuple[bytes | None, Any]]


def _parse_in_child(theirs: list[str], read: ReadFromDisk, write_fd: int, chunk: int, from_disk: bool) -> None:
    """The helper's work: parse `theirs` and send per file (blob id, (data, raw) or None, bytes,
    stat key), the bytes only when it read them from disk (`from_disk`: this process has not);
    a file it could not read is sent as None."""
    for start in range(0, len(theirs), chunk):
        out: dict[str, Any] = {}
        for rel in theirs[start : start + chunk]:
            data, key = read(rel)
            if data is None:
                out[rel] = None
                continue
            text, _problems = decode(rel, data)
            doc = fastyaml.fast_parse(rel, text) if text is not None else None
            parsed = None if doc is None else (doc.data, doc.raw)
            out[rel] = (filecache.blob_id(data), parsed, data if from_disk else None, key)
        payload = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(payload).to_bytes(8, "big") + payload)
        while view:
            view = view[os.write(write_fd, view) :]


class ParseHelper:
    """A forked process parsing `theirs`; `parsed(rel, blob)` gives its result for a file.

    This process also validates every document, so the helper takes more than half of the
    parsing (`SHARE`)."""

    SHARE = 0.6
    # A reading helper also reads its files, which this process then does not: it takes less.
    # Measured at 20,000 paper files (load, median of 5): 0.50 1.68 s, 0.55 1.60 s, 0.60 1.67 s,
    # 0.65 1.82 s.
    READING_SHARE = 0.55
    CHUNK = 250  # documents per message

    def __init__(
        self, theirs: list[str], read: Callable[[str], bytes | None] | ReadFromDisk, *, from_disk: bool = False
    ) -> None:
        """Fork the helper (OSError if the system refuses: see `start`). `read` gives a file's
        bytes, or with `from_disk` reads it from disk (see `reading`)."""
        reader: ReadFromDisk = read if from_disk else (lambda rel: (read(rel), None))  # type: ignore[assignment,return-value]
        self.theirs = set(theirs)
        self.results: dict[str, Any] = {}
        self.done = False
        self.ended = False  # the helper closed its end of the pipe: it sent all it had
        # What has arrived and is not unpickled yet. While this process loads its own files it
        # keeps emptying the pipe (`drain`), else the helper would wait on a full pipe.
        self.buffer = bytearray()
        read_fd, write_fd = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            raise
        if self.pid == 0:  # the helper
            code = 1
            try:
                os.close(read_fd)
                _parse_in_child(theirs, reader, write_fd, self.CHUNK, from_disk)
                os.close(write_fd)  # the end of the pipe, now rather than once its memory is freed
                code = 0
            except BaseException:  # noqa: BLE001, S110 - the parent parses what it does not get
                pass
            finally:
                os._exit(code)
        os.close(write_fd)
        self.fd = read_fd
        os.set_blocking(read_fd, False)

    @classmethod
    def start(cls, todo: list[str], data: dict[str, bytes]) -> ParseHelper | None:
        """A helper for the last part of `todo` (files already read into `data`), or None when
        one process is better."""
        if processes_for(len(todo), PARALLEL_MIN_FILES) < 2 or not can_fork() or not fastyaml.enabled():
            return None
        try:
            return cls(todo[int(len(todo) * (1 - cls.SHARE)) :], data.get)
        except OSError:  # no fork (no memory, too many processes): this process parses all
            return None

    @classmethod
    def reading(cls, candidates: list[str], read: ReadFromDisk) -> ParseHelper | None:
        """A helper that reads and parses the last part of `candidates` (files not read yet),
        or None when one process is better; `take` gives what it made of each."""
        if (
            not candidates
            or processes_for(len(candidates), PARALLEL_MIN_FILES) < 2
            or not can_fork()
            or not fastyaml.enabled()
        ):
            return None
        try:
            return cls(candidates[int(len(candidates) * (1 - cls.READING_SHARE)) :], read, from_disk=True)
        except OSError:
            return None

    def take(self, rel: str) -> tuple[str, Any, bytes, Any] | None:
        """What a `reading` helper made of `rel`: (blob id, (data, raw) or None, bytes, stat key),
        or None when it did not read it (the loader then reads it)."""
        if rel not in self.theirs:
            return None
        while rel not in self.results and self._next_chunk():
            pass
        return self.results.pop(rel, None)

    def drain(self) -> None:
        """Take what the helper has sent so far, without waiting."""
        if self.done:
            return
        try:
            while part := os.read(self.fd, 1 << 20):
                self.buffer += part
        except BlockingIOError:  # nothing more for now
            return
        self.ended = True
        self.finish()  # the end of the pipe: the helper is done (or died)

    def parsed(self, rel: str, blob: str | None) -> Any:
        """(data, raw) of `rel` if the helper parsed exactly these bytes (blob id `blob`) by the
        fast path, else None (then this process parses it)."""
        if rel not in self.theirs:
            return None
        while rel not in self.results and self._next_chunk():
            pass
        found = self.results.pop(rel, None)  # used once: its memory goes with the model
        if found is None or found[0] != blob:
            return None
        return found[1]

    def _next_chunk(self) -> bool:
        """Unpickle the next chunk into `results`, waiting for it if need be; False at the end."""
        while True:
            if len(self.buffer) >= 8:
                size = 8 + int.from_bytes(self.buffer[:8], "big")
                if len(self.buffer) >= size:
                    try:
                        self.results.update(pickle.loads(self.buffer[8:size]))
                    except Exception:  # noqa: BLE001 - whatever it sent, this process parses again
                        self.buffer.clear()
                        self.finish()
                        return False
                    del self.buffer[:size]
                    return True
            if self.done:
                return False
            poller = select.poll()  # not select(): it refuses a descriptor above 1023
            poller.register(self.fd, select.POLLIN)
            poller.poll()
            self.drain()

    def finish(self) -> None:
        """Stop listening and reap the helper (once; a helper that sent everything is exiting, and
        is reaped later rather than waited for); what it has not sent is parsed here."""
        if not self.done:
            self.done = True
            os.close(self.fd)
            if self.ended:
                reap_later(self.pid)
            else:  # stopped early: it ends at its next message, on the closed pipe
                os.waitpid(self.pid, 0)
