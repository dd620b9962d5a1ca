"""validator.forking: work run in forked processes gives what it would give here, failures included."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from validator import forking
from validator.forking import Forked, reap_exited, share_work


def test_a_forked_function_reports_as_the_plain_path_would() -> None:
    """A full disk reaches the caller as the OSError it is (`pwc build` then says `cannot write
    ...`, exit 2), anything else as an error carrying the child's traceback; a value comes back
    as is."""

    def full_disk() -> None:
        raise OSError(28, "No space left on device", "api/v1/index.json")

    with pytest.raises(OSError, match="No space left") as caught:
        Forked(full_disk).result()
    assert caught.value.errno == 28
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        Forked(lambda: 1 / 0).result()
    assert Forked(lambda: {"files": 3}).result() == {"files": 3}


def _log(folder: Path, line: str) -> None:
    with open(folder / "log", "a") as fh:  # appends of one short line do not interleave
        fh.write(line + "\n")


def _lines(folder: Path) -> list[str]:
    return (folder / "log").read_text().splitlines()


def test_every_job_runs_once_and_results_come_in_job_order(tmp_path: Path) -> None:
    """Jobs are taken costliest first by whichever process is free; each runs exactly once, its
    result comes back in the order of the jobs, and each process begins and ends once."""

    def job(n: int, context: str) -> tuple[int, str]:
        _log(tmp_path, f"job {n} {os.getpid()}")
        time.sleep(0.02)  # long enough that the forked worker gets jobs too
        return n * n, context

    def begin() -> str:
        _log(tmp_path, f"begin {os.getpid()}")
        return "ctx"

    def end(context: str) -> None:
        _log(tmp_path, f"end {os.getpid()} {context}")

    jobs = [((lambda c, n=n: job(n, c)), n % 7) for n in range(40)]
    assert share_work(jobs, 2, begin, end) == [(n * n, "ctx") for n in range(40)]
    lines = _lines(tmp_path)
    ran = [line.split()[1] for line in lines if line.startswith("job")]
    assert sorted(ran, key=int) == [str(n) for n in range(40)]
    pids = {line.split()[2] for line in lines if line.startswith("job")}
    assert str(os.getpid()) in pids and len(pids) == 2
    begins = sorted(line.split()[1] for line in lines if line.startswith("begin"))
    ends = sorted(line.split()[1] for line in lines if line.startswith("end"))
    assert begins == ends == sorted(pids)
    # The costliest jobs are taken first (each process takes one at a time, so the first two
    # taken are the two costliest).
    first_two = {int(x) for x in ran[:2]}
    assert all(n % 7 == 6 for n in first_two)


def test_a_job_that_fails_in_a_worker_runs_again_here(tmp_path: Path) -> None:
    """The worker leaves out what failed there; this process runs it again, and the exception of
    a job that fails everywhere surfaces here as itself."""
    here = os.getpid()

    def flaky(context: None) -> str:
        time.sleep(0.02)
        if os.getpid() != here:
            raise ValueError("only in the worker")
        return "done here"

    jobs = [(flaky, 1) for _ in range(10)]
    assert share_work(jobs, 2, lambda: None) == ["done here"] * 10

    def broken(context: None) -> None:
        time.sleep(0.02)
        raise KeyError("everywhere")

    with pytest.raises(KeyError, match="everywhere"):
        share_work([(broken, 1)] * 6, 2, lambda: None)


def test_the_jobs_of_a_worker_that_dies_are_done_here(tmp_path: Path) -> None:
    """A worker that dies (or whose `end` fails) sends nothing: every job it took runs here."""
    here = os.getpid()

    def fragile(n: int, context: None) -> int:
        time.sleep(0.02)
        if os.getpid() != here:
            _log(tmp_path, f"worker took {n}")
            os._exit(3)
        return n

    assert share_work([((lambda c, n=n: fragile(n, c)), 1) for n in range(12)], 2, lambda: None) == list(range(12))
    assert len(_lines(tmp_path)) == 1  # the worker took one job, died, and it was done here

    def end(context: None) -> None:
        if os.getpid() != here:
            _log(tmp_path, "worker's end failed")
            raise OSError(28, "No space left on device")

    def slow(n: int, context: None) -> int:
        time.sleep(0.02)
        return n

    assert share_work([((lambda c, n=n: slow(n, c)), 1) for n in range(8)], 2, lambda: None, end) == list(range(8))
    assert _lines(tmp_path)[-1] == "worker's end failed"


def test_a_write_that_fails_in_a_worker_fails_the_whole_tree(tmp_path: Path) -> None:
    """A file the real TreeWriter cannot write fails its job, which is run again here, where the
    error surfaces, as with one process (never a tree published with that job's files missing)."""
    from validator.atomic import TreeWriter

    here = os.getpid()

    def blocked(writer: TreeWriter) -> str:
        writer.write_bytes("blocker/a.html", b"A")  # `blocker` is a file: NotADirectoryError
        for k in range(15):
            writer.write_bytes(f"a/{k}.html", b"A")
        return "A"

    def many(writer: TreeWriter) -> str:
        for k in range(100):
            writer.write_bytes(f"b/{k}.html", b"B")
        return "B"

    def begin() -> TreeWriter:
        if os.getpid() == here:
            time.sleep(0.5)  # the worker takes both jobs
        return TreeWriter(tmp_path / "out")

    for processes in (2, 1):
        (tmp_path / "out").mkdir(exist_ok=True)
        (tmp_path / "out" / "blocker").write_text("a file where a folder is wanted\n")
        with pytest.raises(NotADirectoryError):
            share_work([(blocked, 2), (many, 1)], processes, begin)


def test_a_cancelled_forked_function_is_ended_and_reaped() -> None:
    def forever() -> None:
        time.sleep(60)

    forked = Forked(forever)
    started = time.monotonic()
    forked.wait(cancel=True)
    assert time.monotonic() - started < 30
    forked.wait()  # again: nothing left to wait for
    with pytest.raises(RuntimeError, match="ended with status"):
        forked.result()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_failure_here_surfaces_after_the_workers_are_reaped(tmp_path: Path) -> None:
    """An OSError in this process's own `end` (a full disk when its last files are written) is
    raised as itself, and no worker is left behind."""
    here = os.getpid()

    def end(context: None) -> None:
        if os.getpid() == here:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        share_work([((lambda c, n=n: n), 1) for n in range(8)], 2, lambda: None, end)
    reap_exited(wait=True)  # a worker that answered may still be exiting; none is still working
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_child_that_answered_is_reaped_later_not_waited_for() -> None:
    """A child closes its pipe when it has answered: its answer is read then, and the child,
    still freeing its memory, is reaped by the next fork's or the interpreter's `reap_exited`:
    none is left behind."""
    for _ in range(3):
        assert Forked(lambda: os.getpid()).result() != os.getpid()
        assert sorted(share_work([((lambda c, n=n: n), 1) for n in range(6)], 2, lambda: None)) == list(range(6))
    reap_exited(wait=True)
    assert not forking._EXITING
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_one_worker_runs_everything_here() -> None:
    assert share_work([((lambda c, n=n: (n, os.getpid())), n) for n in range(5)], 1, lambda: None) == [
        (n, os.getpid()) for n in range(5)
    ]


class _Stop(BaseException):
    """Stands for an interrupt (Ctrl-C reaches every process of the group)."""


def test_a_failure_here_stops_the_workers_after_their_current_job(tmp_path: Path) -> None:
    """When this process fails, it takes the jobs left in the queue: the workers finish the one
    they are on and start no other."""
    here = os.getpid()

    def job(n: int, context: None) -> int:
        _log(tmp_path, f"job {n} {os.getpid()}")
        if os.getpid() == here:
            time.sleep(0.05)  # the worker has started a job of its own by now
            raise _Stop
        time.sleep(0.05)
        return n

    with pytest.raises(_Stop):
        share_work([((lambda c, n=n: job(n, c)), 1) for n in range(40)], 2, lambda: None)
    assert len(_lines(tmp_path)) <= 4


def test_more_jobs_than_the_queue_holds() -> None:
    """Past 2,048 jobs (what fits in a pipe's smallest buffer), numbers stand for groups of jobs:
    every job still runs once and its result comes back in place."""
    jobs = [((lambda c, n=n: n * 2), n % 5) for n in range(5000)]
    assert share_work(jobs, 2, lambda: None) == [n * 2 for n in range(5000)]


def test_each_process_takes_from_its_own_lane_first(tmp_path: Path) -> None:
    """Lane 0 is this process's, lane 1 the worker's: each starts with its own lane's costliest
    job (each lane's jobs wait until the other lane has a job started, so neither process can
    empty its lane and take the other's first job before the other has started it), then
    whoever is free takes what is left; every job runs once, results in the jobs' order."""

    def job(n: int, mine: Path, theirs: Path) -> tuple[int, int]:
        mine.touch()
        deadline = time.monotonic() + 20
        while not theirs.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return n, os.getpid()

    zero, one = tmp_path / "lane-0-started", tmp_path / "lane-1-started"
    jobs = [((lambda c, n=n: job(n, zero, one)), 20 - n) for n in range(4)]
    jobs += [((lambda c, n=n: job(n, one, zero)), 20 - n) for n in range(4, 10)]
    lanes = [0] * 4 + [1] * 6
    done = share_work(jobs, 2, lambda: None, lanes=lanes)
    assert [n for n, _pid in done] == list(range(10))
    assert done[0][1] == os.getpid()  # lane 0's costliest job: this process's
    assert done[4][1] != os.getpid()  # lane 1's costliest job: the worker's
    reap_exited(wait=True)


def test_lanes_with_one_process_and_with_an_empty_lane() -> None:
    jobs = [((lambda c, n=n: n * 3), n % 4) for n in range(30)]
    assert share_work(jobs, 1, lambda: None, lanes=[n % 2 for n in range(30)]) == [n * 3 for n in range(30)]
    assert share_work(jobs, 2, lambda: None, lanes=[1] * 30) == [n * 3 for n in range(30)]
    assert share_work(jobs, 3, lambda: None, lanes=[n % 3 for n in range(30)]) == [n * 3 for n in range(30)]
