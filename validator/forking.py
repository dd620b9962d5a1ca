"""Work shared with forked processes: one function run beside this process, or a queue of jobs
that this process and forked workers take from, whichever is free first.

Forked processes share this process's memory instead of receiving a copy or a pickle, which is
what makes them pay at all for a loaded repository of hundreds of thousands of objects; but
every page such a process touches (even to count a reference) is copied by the kernel, so a
build forks as few processes as it can and gives each as much work as it can take. Only a
process that runs no other thread may fork (`can_fork`).
"""

from __future__ import annotations

import os
import pickle
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

C = TypeVar("C")  # what a process's `begin` gives its jobs (a file writer, say)
R = TypeVar("R")


def can_fork() -> bool:
    """Whether forking is possible and safe here: a forked copy of a process that runs threads
    may inherit a lock some thread holds, and hang on it."""
    return hasattr(os, "fork") and threading.active_count() == 1


def jobs(work: int, minimum: int) -> int:
    """How many processes a piece of work of this size gets: 2 from `minimum` on, on a machine
    with two cores or more that can fork; `PWC_JOBS=1` (or 2) decides instead. Measured: even
    with the other core busy with someone else's work, two processes of ours finish sooner
    (the scheduler gives them two thirds of the machine instead of a half)."""
    setting = os.environ.get("PWC_JOBS", "")
    if setting.isdigit():
        return max(1, min(int(setting), 2))
    if work < minimum or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return 1
    return 2


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes:
    chunks = []
    with os.fdopen(fd, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    return b"".join(chunks)


def _failure(exc: BaseException) -> tuple[bool, Any]:
    """How a child reports a failure: an OSError as itself (the parent raises it again, and a
    full disk is reported as on the plain path), anything else as its traceback's text."""
    if isinstance(exc, OSError):
        return False, OSError(exc.errno, exc.strerror, exc.filename)
    return False, traceback.format_exc()[-4000:]


def _raise(value: Any) -> None:
    if isinstance(value, OSError):
        raise value
    raise RuntimeError(f"a forked process failed:\n{value}")


class Forked(Generic[R]):
    """`fn()` run in a forked process; `result()` gives what it returned (pickled back through a
    pipe) or raises if it failed: an OSError as itself, anything else as a RuntimeError with the
    traceback."""

    def __init__(self, fn: Callable[[], R]) -> None:
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: run, send (ok, value) back, never return
            os.close(read_end)
            code = 1
            try:
                try:
                    payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
                    code = 0
                except BaseException as exc:  # noqa: BLE001 - whatever it is, the parent must hear of it
                    payload = pickle.dumps(_failure(exc))
                _send(write_end, payload)
            finally:
                os._exit(code)
        os.close(write_end)
        self._read_end = read_end
        self._outcome: tuple[bool, Any] | None = None

    def wait(self) -> None:
        """Read the answer and reap the process (once)."""
        if self._outcome is not None:
            return
        data = _receive(self._read_end)
        _, status = os.waitpid(self.pid, 0)
        try:
            self._outcome = pickle.loads(data)
        except Exception:  # noqa: BLE001 - it died before it could answer
            self._outcome = (False, f"process {self.pid} ended with status {status}")

    def result(self) -> R:
        self.wait()
        assert self._outcome is not None
        ok, value = self._outcome
        if not ok:
            _raise(value)
        return value


# The queue is written whole before the workers start: it must fit in a pipe's buffer (64 KiB on
# Linux, 16 KiB on some systems), two bytes per job.
MAX_JOBS = 4096


def share_work(
    jobs: Sequence[tuple[Callable[[C], R], int]],
    workers: int,
    begin: Callable[[], C],
    end: Callable[[C], None] = lambda _context: None,
) -> list[R]:
    """Run `jobs` (each a function and its rough cost) in this process and `workers - 1` forked
    ones; the results, in the order of `jobs`.

    The jobs wait in a queue (a pipe of job numbers, costliest first) and each process takes the
    next one whenever it is free, so the processes finish together whatever each job really
    costs and whatever else the machine runs. Each process calls `begin()` once before its first
    job (after the fork: it may start threads) and `end(context)` after its last one.

    Results come back pickled. A job that failed in a worker, or every job of a worker that
    died or whose `end` failed, is run again in this process, where its exception surfaces as
    it would without workers; jobs must therefore be safe to run again (files are rewritten,
    not created exclusively)."""
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][1])
    if workers < 2 or len(jobs) < 2 or not can_fork():
        context = begin()
        try:
            results = {i: jobs[i][0](context) for i in order}
        finally:
            end(context)
        return [results[i] for i in range(len(jobs))]
    if len(jobs) > MAX_JOBS:
        raise ValueError(f"{len(jobs)} jobs: more than a queue holds ({MAX_JOBS})")
    queue_r, queue_w = os.pipe()
    # All numbers are written before anyone reads, as two bytes each: a read of two bytes from a
    # pipe takes both or none, so two processes reading at once never split a number.
    _send(queue_w, b"".join(i.to_bytes(2, "big") for i in order))
    os.close(queue_w)
    children = [_worker(jobs, queue_r, begin, end) for _ in range(workers - 1)]
    results: dict[int, Any] = {}
    failure: BaseException | None = None
    try:
        context = begin()
        try:
            while number := os.read(queue_r, 2):
                i = int.from_bytes(number, "big")
                results[i] = jobs[i][0](context)
        finally:
            end(context)
    except BaseException as exc:  # noqa: BLE001 - raised below, once every worker has been reaped
        failure = exc
        _empty(queue_r)  # the workers stop after the job they are on
    finally:
        os.close(queue_r)
        for pid, back in children:
            data = _receive(back)
            _, status = os.waitpid(pid, 0)
            if status == 0:
                for i, value in pickle.loads(data):
                    results[i] = value
    if failure is not None:
        raise failure
    missing = [i for i in order if i not in results]
    if missing:  # what a worker could not do is done here, where a failure surfaces as usual
        context = begin()
        try:
            for i in missing:
                results[i] = jobs[i][0](context)
        finally:
            end(context)
    return [results[i] for i in range(len(jobs))]


def _empty(queue_r: int) -> None:
    """Take every job left in the queue, so that no worker starts another."""
    os.set_blocking(queue_r, False)
    try:
        while os.read(queue_r, 1 << 16):
            pass
    except BlockingIOError:
        pass


def _worker(
    jobs: Sequence[tuple[Callable[[Any], Any], int]], queue_r: int, begin: Callable[[], Any],
    end: Callable[[Any], None],
) -> tuple[int, int]:
    """Fork a process that takes jobs from the queue until it is empty; its pid and the pipe its
    results come back on. It exits with status 1, and sends nothing usable, if `begin` or `end`
    fail; a job that fails is left out of what it sends."""
    back_r, back_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(back_r)
            done: list[tuple[int, Any]] = []
            context = begin()
            try:
                while number := os.read(queue_r, 2):
                    i = int.from_bytes(number, "big")
                    try:
                        done.append((i, jobs[i][0](context)))
                    except Exception:  # noqa: BLE001, S112 - the parent runs it again and reports
                        continue
                    # Anything else (an interrupt: Ctrl-C reaches the whole process group) ends
                    # this worker; the parent, interrupted too, runs nothing again.
            finally:
                end(context)
            _send(back_w, pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL))
            code = 0
        except BaseException:  # noqa: BLE001, S110 - the parent runs this worker's jobs again
            pass
        finally:
            os._exit(code)
    os.close(back_w)
    return pid, back_r
