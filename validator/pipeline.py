"""The validation pipeline shared by `pwc validate` and `pwc build`: load, check, select.

Three things make it fast at archive scale without changing any answer (see README,
Performance): the repository is loaded by `validator.load.bulk` (fast YAML path, file cache,
loaded only when needed); a whole answer is reused when the repository, its base, the code,
the date and the environment are exactly those of a previous run; and on a large repository
the checks run on both cores, in a forked process that shares the loaded repository.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from validator.checks.registry import CHECKS, RepositoryCheck, load_all
from validator.load import filecache
from validator.load.repository import Repository, file_id, kind_of
from validator.report.problem import Problem

# Below this many results one process is faster than two (forking and sending back cost more).
PARALLEL_MIN_RESULTS = 20_000


def check(repo: Repository, *, keep: bool = True, fork: bool = True) -> list[Problem]:
    """Every problem of the repository: reading and schema problems, then every registered check.

    The answer is cached under the repository's content digest (`repo.digest`, set by the
    loader): code that changes a loaded repository in memory must set it to None. `keep`: also
    write the loaded files to the cache and the board table a PR check reads (`pwc validate`
    does; `pwc build`, which runs after it in the workflows and in `make build`, saves only
    its answer). `fork=False`: all in this process (one that already runs beside other work)."""
    load_all()
    found = cached_answer(repo)
    if found is not None:
        return found
    key = _answer_key(repo)
    problems = list(repo.problems)
    problems.extend(_run_checks(repo, CHECKS, keep, fork))
    answer = sort_problems(problems)
    if key is not None:
        index = filecache.index(repo.root)
        index.answers[key] = tuple(answer)
        index.dirty = True
        filecache.save(repo.root, ("index", "entries") if keep else ("index",))
    return answer


def cached_answer(repo: Repository) -> list[Problem] | None:
    """The answer of a previous run on exactly this repository (and base, code, date), if cached."""
    key = _answer_key(repo)
    if key is None:
        return None
    found = filecache.index(repo.root).answers.get(key)
    return None if found is None else list(found)


def _answer_key(repo: Repository) -> str | None:
    """The key of the whole answer, when the repository (and its base) are known by content."""
    if not filecache.enabled():
        return None
    head = getattr(repo, "digest", None)
    if head is None:
        return None
    base = None
    if repo.base is not None:
        base = getattr(repo.base, "digest", None)
        if base is None:
            return None
    return filecache.answer_key(head, base)


def _run_checks(repo: Repository, checks: list[tuple[str, RepositoryCheck]], keep: bool = True, fork: bool = True
                ) -> list[Problem]:
    from validator import scope
    from validator.forking import processes_for

    # A full run leaves the compact table a later PR check reads (validator/scope.py).
    table = keep and scope.wants_table(repo)
    if not fork or len(checks) < 2 or processes_for(repo.result_count(), PARALLEL_MIN_RESULTS) < 2:
        found = [p for _name, fn in checks for p in fn(repo)]
        if table:
            scope.save_table(repo)
        return found
    # Writing the loaded files to the cache (and the table) are more jobs of the queue, for
    # whichever process is free first (they find no problem: they yield none).
    extra = [("write the file cache", _save_entries)] if keep else []
    if table:
        extra.append(("write the board table", _save_table))
    found, ran_there = _run_forked(repo, [*checks, *extra], len(checks) if keep else -1)
    if table and len(checks) + 1 in ran_there:  # the forked process wrote it: note it here
        scope.table_written(repo)
    return found


def _save_entries(repo: Repository) -> list[Problem]:
    filecache.save(repo.root, ("entries",))
    return []


def _save_table(repo: Repository) -> list[Problem]:
    from validator import scope

    scope.save_table(repo)
    return []


def _prepare_shared(repo: Repository) -> None:
    """Build, before forking, the index of results that most checks share (both processes then
    have it, instead of building it once each)."""
    import sys

    metrics = sys.modules.get("validator.checks.metrics")
    build = getattr(metrics, "results_index", None)
    if callable(build):
        build(repo)
        if repo.base is not None:
            build(repo.base)


def _run_forked(repo: Repository, checks: list[tuple[str, RepositoryCheck]], saving: int = -1
                ) -> tuple[list[Problem], set[int]]:
    """Run the checks in this process and a forked one, each taking the next check from a shared
    queue, so that the two stay busy whatever each check costs (`forking.share_work`; a check
    that failed there runs again here, where its exception surfaces as without the fork).
    Returns the problems and the jobs the forked process ran."""
    from validator.forking import share_work

    _prepare_shared(repo)
    gc.freeze()  # the child then shares the loaded repository without copying its pages
    here = os.getpid()
    done = share_work([(partial(_check_job, fn, repo), 1) for _name, fn in checks], 2, lambda: None)
    found = [p for problems, _pid in done for p in problems]
    ran_there = {i for i, (_problems, pid) in enumerate(done) if pid != here}
    if saving in ran_there:  # the child wrote the cache from its copy of this process's memory
        filecache.saved_elsewhere(repo.root, "entries")
    return found, ran_there


def _check_job(fn: RepositoryCheck, repo: Repository, _context: None) -> tuple[list[Problem], int]:
    return list(fn(repo)), os.getpid()


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


def involved_files(repo: Repository, changed: set[str]) -> set[str]:
    """The changed files, plus the files whose problems a change can cause: paper files that use
    a changed (or deleted) task or dataset, datasets that list a changed task, every dataset
    when the metric catalogue changes, and the other files of a changed paper."""
    from validator.checks.duplicates import related_files

    selected = set(changed)
    tasks = {file_id(f) for f in changed if kind_of(f) == "task"}
    datasets = {file_id(f) for f in changed if kind_of(f) == "dataset"}
    if "results/metrics.yaml" in changed:  # every dataset may take defaults from the catalogue
        datasets |= set(repo.datasets)
        selected |= {d.file for d in repo.datasets.values()}
    # A duplicate sits on the later file of a pair, which may be the one the change did not touch.
    selected |= related_files(repo, selected)
    if tasks:
        selected |= {d.file for d in repo.datasets.values() if tasks & set(d.model.tasks)}
    if tasks or datasets:
        for paper in repo.papers:
            if any(r.task in tasks or r.dataset in datasets for r in paper.model.results):
                selected.add(paper.file)
    return selected


def select(problems: Iterable[Problem], files: set[str] | None) -> list[Problem]:
    if files is None:
        return list(problems)
    return [p for p in problems if p.file in files or p.file is None]


def load(root: Path, *, remember: bool = True) -> Repository:
    """The repository at `root`, loaded on first use (a run whose answer is cached never loads it).
    `remember=False`: for a command that will not save the file cache (see `load_repository`)."""
    from validator.load.bulk import load_repository

    return load_repository(root, lazy=True, remember=remember)
