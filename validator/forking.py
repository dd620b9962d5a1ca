"""Work shared with forked processes: one function run beside this process, or a queue of jobs
that this process and forked workers take from, whichever is free first.

Forked processes share this process's memory instead of receiving a copy or a pickle, which is
what makes them pay at all for a loaded repository of hundreds of thousands of objects; but
every page such a process touches (even to count a reference) is copied by the kernel, so a
build forks as few processes as it can and gives each as much work as it can take. Only a
process that runs no other thread may fork (`can_fork`); a fork that fails (no memory, too many
processes) means the work is done here.

Whatever happens (a failure, an interrupt), every forked process has answered or been ended
before control leaves these functions, and a failure surfaces here as it would have without
forking. One that answered may still be exiting (freeing its memory): it is reaped at the next
fork or reap, or at the interpreter's exit, rather than waited for.
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

C = TypeVar("C")  # what a process's `begin` gives its jobs (a file writer, say)
R = TypeVar("R")


def can_fork() -> bool:
    """Whether forking is possible and safe here: a forked copy of a process that runs threads
    may inherit a lock some thread holds, and hang on it."""
    return hasattr(os, "fork") and threading.active_count() == 1


def processes_for(work: int, minimum: int) -> int:
    """How many processes (1 or 2) a piece of work of this size gets: 2 from `minimum` on, on a
    machine with two cores or more that can fork; `PWC_JOBS` (1, or 2 and more) decides instead.
    Measured: even with the other core busy with someone else's work, two processes of ours
    finish sooner (the scheduler gives them two thirds of the machine instead of a half)."""
    setting = os.environ.get("PWC_JOBS", "")
    if setting.isdigit():
        return max(1, min(int(setting), 2))
    if work < minimum or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return 1
    return 2


def worker_count() -> int:
    """Processes for work that splits into many jobs (`share_work`): one per CPU, at most 4, or
    `PWC_JOBS`."""
    setting = os.environ.get("PWC_JOBS", "")
    if setting.isdigit():
        return max(1, int(setting))
    return max(1, min(os.cpu_count() or 1, 4))


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


# Children that closed their pipe and are exiting. A child closes its pipe just before it exits,
# and exiting frees its memory page by page, tens of milliseconds for a forked copy of a loaded
# repository: it is reaped later (`reap_later`), not waited for.
_EXITING: set[int] = set()


def reap_later(pid: int) -> int | None:
    """Reap `pid` if it has exited already (its exit status), else leave it to `reap_exited` (None)."""
    reap_exited()
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # reaped already
        return None
    if done:
        return status
    _EXITING.add(pid)
    return None


def reap_exited(*, wait: bool = False) -> None:
    """Reap the children left exiting (`wait`: wait for each; at the interpreter's exit)."""
    for pid in list(_EXITING):
        try:
            done, _status = os.waitpid(pid, 0 if wait else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _EXITING.discard(pid)


atexit.register(reap_exited, wait=True)


def _reap(pid: int, fd: int, *, kill: bool = False) -> tuple[bytes, int | None]:
    """What a child sent (until it closed the pipe) and its exit status (None: still exiting, see
    `reap_later`). The pipe is closed and the child reaped or left exiting whatever happens; if
    this is interrupted, the child is ended first (its work is not wanted any more). `kill`: end
    it at once."""
    chunks = []
    ended = False
    try:
        if kill:
            _terminate(pid)
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        ended = not kill
    except BaseException:
        _terminate(pid)
        raise
    finally:
        os.close(fd)
        if ended:  # it closed its end of the pipe: it has answered and is exiting
            status = reap_later(pid)
        else:
            _, status = os.waitpid(pid, 0)
    return b"".join(chunks), status


def _close(fd: int) -> None:
    """A child closes its pipe as soon as it has answered: the parent then reads the end of it at
    once, not after the child's exit has freed its memory (see `_EXITING`)."""
    try:
        os.close(fd)
    except OSError:
        pass


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def _fork() -> int | None:
    """os.fork(), or None when the system refuses (the caller then does the work itself)."""
    reap_exited()  # the children that were exiting at the last reap
    try:
        return os.fork()
    except OSError:
        return None


def _failure(exc: BaseException) -> tuple[bool, Any]:
    """How a child reports a failure: an OSError as itself (the parent raises it again, and a
    full disk is reported as on the plain path), anything else as its traceback's text."""
    if isinstance(exc, OSError):
        try:
            pickle.loads(pickle.dumps(exc))
            return False, exc
        except Exception:  # noqa: BLE001 - an OSError that does not survive pickling
            return False, OSError(exc.errno, str(exc))
    return False, traceback.format_exc()[-4000:]


def _raise(value: Any) -> None:
    if isinstance(value, OSError):
        raise value
    raise RuntimeError(f"a forked process failed:\n{value}")


class Forked(Generic[R]):
    """`fn()` run in a forked process (or here, when forking fails); `result()` gives what it
    returned (pickled back through a pipe) or raises if it failed: an OSError as itself,
    anything else as a RuntimeError with the traceback. `cancel()` ends it."""

    def __init__(self, fn: Callable[[], R]) -> None:
        self._outcome: tuple[bool, Any] | None = None
        self.pid: int | None = None
        read_end, write_end = os.pipe()
        pid = _fork()
        if pid is None:
            os.close(read_end)
            os.close(write_end)
            try:
                self._outcome = (True, fn())
            except Exception as exc:  # noqa: BLE001 - reported by result(), as from a child
                self._outcome = _failure(exc)
            return
        if pid == 0:  # the child: run, send (ok, value) back, never return
            os.close(read_end)
            code = 1
            try:
                try:
                    payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
                    code = 0
                except BaseException as exc:  # noqa: BLE001 - whatever it is, the parent must hear of it
                    payload = pickle.dumps(_failure(exc))
                _send(write_end, payload)
                _close(write_end)
            finally:
                os._exit(code)
        os.close(write_end)
        self.pid = pid
        self._read_end = read_end

    def wait(self, *, cancel: bool = False) -> None:
        """Read the answer and reap the process (once, even if interrupted: a second call then
        finds it reaped). `cancel`: end it instead."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        data, status = _reap(pid, self._read_end, kill=cancel)
        try:
            self._outcome = pickle.loads(data)
        except Exception:  # noqa: BLE001 - it died (or was ended) before it could answer
            ended = "without an answer" if status is None else f"with status {status}"
            self._outcome = (False, f"process {pid} ended {ended}")

    def result(self) -> R:
        self.wait()
        assert self._outcome is not None
        ok, value = self._outcome
        if not ok:
            _raise(value)
        return value


def share_work(
    jobs: Sequence[tuple[Callable[[C], R], int]],
    workers: int,
    begin: Callable[[], C],
    end: Callable[[C], None] = lambda _context: None,
    lanes: Sequence[int] | None = None,
) -> list[R]:
    """Run `jobs` (each a function and its rough cost) in this process and `workers - 1` forked
    ones; the results, in the order of `jobs`.

    The jobs wait in a queue (costliest first) and each process takes the next one whenever it
    is free, so the processes finish together whatever each job really costs and whatever else
    the machine runs. Each process calls `begin()` once before its first job (after the fork:
    it may start threads) and `end(context)` after its last one.

    `lanes` (a small number per job) splits the queue: process k (this one is 0) takes from
    lane k, modulo the number of lanes, while it has jobs, then from the others in turn. Jobs
    that write into one folder go in one lane, so that two processes seldom create files in one
    folder at once, each waiting for the other's hold on it.

    Results come back pickled. A job that failed in a worker, or every job of a worker that
    died or whose `end` failed, is run again in this process, where its exception surfaces as
    it would without workers; jobs must therefore be safe to run again (files are rewritten,
    not created exclusively). When this process fails (or is interrupted), it empties the
    queues, so that the workers stop after the job they are on, and reaps them."""
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][1])
    if workers < 2 or len(jobs) < 2 or not can_fork():
        done = _run_here(jobs, order, begin, end)
        return [done[i] for i in range(len(jobs))]
    groups: list[list[int]] = []
    queues: list[int] = []
    try:
        for lane in sorted(set(lanes)) if lanes is not None else [None]:
            mine = order if lane is None else [i for i in order if lanes[i] == lane]  # type: ignore[index]
            queues.append(_queue(mine, groups))
    except BaseException:
        for fd in queues:
            os.close(fd)
        raise
    children: list[tuple[int, int]] = []
    results: dict[int, Any] = {}
    try:
        for k in range(1, workers):
            child = _worker(jobs, groups, _preferring(queues, k), begin, end)
            if child is None:
                break
            children.append(child)
        try:
            context = begin()
            try:
                for number in _numbers(_preferring(queues, 0)):
                    for i in groups[number]:
                        results[i] = jobs[i][0](context)
            except BaseException:
                _empty(queues)  # the workers stop after the job they are on
                raise
            finally:
                end(context)
        except BaseException:
            _empty(queues)
            raise
    finally:
        for fd in queues:
            os.close(fd)
        for pid, back in children:
            data, _status = _reap(pid, back)
            try:  # a worker sends its results only once it has done its last job and `end`
                sent = pickle.loads(data)
            except Exception:  # noqa: BLE001 - nothing or a part (it died): its jobs run here
                sent = []
            for i, value in sent:
                results[i] = value
    missing = [i for i in order if i not in results]
    if missing:  # what a worker could not do is done here, where a failure surfaces as usual
        results.update(_run_here(jobs, missing, begin, end))
    return [results[i] for i in range(len(jobs))]


def _queue(order: list[int], groups: list[list[int]]) -> int:
    """A queue of the jobs of `order`, in that order: the read end of a pipe of group numbers (the
    groups are added to `groups`), written whole before the workers start. It must fit in the
    smallest buffer a pipe may have (one page), so past that many jobs each number stands for a
    group of jobs."""
    first = len(groups)
    if len(order) > _MAX_QUEUE:
        groups += [order[g :: _MAX_QUEUE] for g in range(_MAX_QUEUE)]
    else:
        groups += [[i] for i in order]
    queue_r, queue_w = os.pipe()
    try:
        # Two bytes per number: a read of two bytes from a pipe takes both or none, so two
        # processes reading at once never split a number.
        _send(queue_w, b"".join(g.to_bytes(2, "big") for g in range(first, len(groups))))
    except BaseException:
        os.close(queue_r)
        raise
    finally:
        os.close(queue_w)
    return queue_r


def _preferring(queues: list[int], k: int) -> list[int]:
    """The queues in the order process `k` takes from them: its own lane first."""
    at = k % len(queues)
    return queues[at:] + queues[:at]


def _numbers(queues: list[int]) -> Iterator[int]:
    """The group numbers a process takes, queue after queue, until all are empty (a queue's
    writing end is closed, so an empty one reads as its end)."""
    for queue_r in queues:
        while number := os.read(queue_r, 2):
            yield int.from_bytes(number, "big")


# Job numbers in the queue at most: 2,048 of two bytes fill one page, the smallest pipe buffer.
_MAX_QUEUE = 2048


def _run_here(jobs: Sequence[tuple[Callable[[C], R], int]], order: list[int], begin: Callable[[], C],
              end: Callable[[C], None]) -> dict[int, R]:
    """The jobs of `order`, run here in that order; their results by job number."""
    context = begin()
    try:
        return {i: jobs[i][0](context) for i in order}
    finally:
        end(context)


def _empty(queues: list[int]) -> None:
    """Take every job left in the queues, so that no worker starts another."""
    for queue_r in queues:
        os.set_blocking(queue_r, False)
        try:
            while os.read(queue_r, 1 << 16):
                pass
        except BlockingIOError:
            pass


def _worker(
    jobs: Sequence[tuple[Callable[[Any], Any], int]], groups: list[list[int]], queues: list[int],
    begin: Callable[[], Any], end: Callable[[Any], None],
) -> tuple[int, int] | None:
    """Fork a process that takes jobs from the queues, in this order, until all are empty; its pid and the pipe its
    results come back on (None if the fork failed). It exits with status 1, and sends nothing
    usable, if `begin` or `end` fail or it is interrupted; a job that fails is left out of what
    it sends."""
    back_r, back_w = os.pipe()
    pid = _fork()
    if pid is None:
        os.close(back_r)
        os.close(back_w)
        return None
    if pid == 0:
        code = 1
        try:
            os.close(back_r)
            done: list[tuple[int, Any]] = []
            context = begin()
            try:
                for number in _numbers(queues):
                    for i in groups[number]:
                        try:
                            done.append((i, jobs[i][0](context)))
                        except Exception:  # noqa: BLE001, S112 - the parent runs it again and reports
                            continue
                        # Anything else (an interrupt: Ctrl-C reaches the whole process group)
                        # ends this worker; the parent, interrupted too, runs nothing again.
            finally:
                end(context)
            _send(back_w, pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL))
            _close(back_w)
            code = 0
        except BaseException:  # noqa: BLE001, S110 - the parent runs this worker's jobs again
            pass
        finally:
            os._exit(code)
    os.close(back_w)
    return pid, back_r
