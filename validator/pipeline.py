"""The validation pipeline shared by `pwc validate` and `pwc build`: load, check, select."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from validator.checks.registry import CHECKS, load_all
from validator.load.repository import Repository, kind_of, load_repository
from validator.report.problem import Problem


def check(repo: Repository) -> list[Problem]:
    """Every problem of the repository: reading and schema problems, then every registered check."""
    load_all()
    problems = list(repo.problems)
    for _name, fn in CHECKS:
        problems.extend(fn(repo))
    return sort_problems(problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


def involved_files(repo: Repository, changed: set[str]) -> set[str]:
    """The changed files, plus the files whose problems a change can cause: paper files that use
    a changed (or deleted) task or dataset, datasets that list a changed task, every dataset
    when the metric catalogue changes, and the other files of a changed paper."""
    from validator.checks.duplicates import related_files

    selected = set(changed)
    tasks = {_stem(f) for f in changed if kind_of(f) == "task"}
    datasets = {_stem(f) for f in changed if kind_of(f) == "dataset"}
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


def _stem(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].removesuffix(".yaml")


def select(problems: Iterable[Problem], files: set[str] | None) -> list[Problem]:
    if files is None:
        return list(problems)
    return [p for p in problems if p.file in files or p.file is None]


def load(root: Path) -> Repository:
    return load_repository(root)
