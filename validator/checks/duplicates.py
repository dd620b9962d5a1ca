"""Family 4, duplicates: one result reported twice (agreeing or conflicting) and two files for one paper.

Papers are identified across files by their arXiv id (without version, ignoring case) and their
DOI (ignoring case): two paper files that share either are one paper. A result's identity is
(paper, model, task, dataset), the model name compared without case and runs of white space.
Both checks are one pass over the shared index with dictionaries, linear in the number of results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from validator.checks.metrics import Row, results_index, same_value
from validator.checks.registry import code, repository_check
from validator.model.inputs import PaperFile
from validator.report.problem import Problem

if TYPE_CHECKING:  # the loader imports the check modules: no import cycle at run time
    from validator.load.repository import Entry, Repository

DUPLICATE_RESULT = code(
    "duplicate-result",
    "error",
    "metrics",
    "The same result (paper, model, task, dataset) is reported twice with the same values.",
    """
    A leaderboard shows each (paper, model) once. The same model of the same paper on the same
    task and dataset twice, in one file or in two files of the same paper, is reported at the
    later copy (by file path, then line), naming the first. Model names are compared without
    case and extra spaces. Delete the copy; if the two rows report different metrics of one
    evaluation, merge them into one result.
    """,
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT, metrics: {EM: 88.107, F1: 90.902}}\n"
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT, metrics: {EM: 88.107, F1: 90.902}}",
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT, metrics: {EM: 88.107, F1: 90.902}}",
)

CONFLICTING_RESULT = code(
    "conflicting-result",
    "error",
    "metrics",
    "The same result (paper, model, task, dataset) is reported twice with different values.",
    """
    Two rows for one model of one paper on one leaderboard disagree on a metric they both
    report, so a reader cannot tell which is right. Keep the value the paper reports; if they
    are really two configurations, give them model names that say how they differ
    (`ALBERT (single model)`, `ALBERT (ensemble model)`). Reported at the later row, naming
    the first.
    """,
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT, metrics: {F1: 90.902}}\n"
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT, metrics: {F1: 92.215}}",
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT (single model), metrics: {F1: 90.902}}\n"
    "  - {task: question-answering, dataset: squad2.0, model: ALBERT (ensemble model), metrics: {F1: 92.215}}",
)

DUPLICATE_PAPER = code(
    "duplicate-paper",
    "error",
    "metrics",
    "Two paper files describe the same paper (same arXiv id or DOI).",
    """
    Each paper has one file that holds all its results. arXiv ids are compared without their
    version and case, DOIs without case. The problem is reported on the file that sorts later
    by path, at its identifier; move its results into the other file and delete it.
    """,
    "# papers/2019/albert.yaml:  arxiv: \"1909.11942\"\n# papers/2019/albert-lite.yaml:  arxiv: \"1909.11942\"",
    "# papers/2019/albert-a-lite-bert-for-self-supervised.yaml, with every result of the paper",
)

_VERSION = re.compile(r"v\d+$", re.IGNORECASE)


def identifiers(paper: PaperFile) -> list[tuple[str, str]]:
    """(field, normalised identifier) of a paper: arXiv without version and case, DOI without case."""
    found: list[tuple[str, str]] = []
    if paper.paper.arxiv:
        found.append(("arxiv", "arxiv:" + _VERSION.sub("", paper.paper.arxiv.strip()).casefold()))
    if paper.paper.doi:
        found.append(("doi", "doi:" + paper.paper.doi.strip().casefold()))
    return found


def paper_groups(papers: Iterable[Entry[PaperFile]]) -> dict[str, str]:
    """File -> the file of the paper it is the same as (the first by path); union-find over ids."""
    return groups_of((p.file, [ident for _field, ident in identifiers(p.model)]) for p in papers)


def groups_of(files: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """`paper_groups` over (file, normalised identifiers) pairs (a PR check knows most files only
    by the identifiers it cached)."""
    ordered = sorted(files, key=lambda p: p[0])
    parent = {f: f for f, _idents in ordered}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, str] = {}
    for file, idents in ordered:
        for ident in idents:
            other = owner.setdefault(ident, file)
            if other != file:
                a, b = find(other), find(file)
                if a != b:
                    parent[max(a, b)] = min(a, b)  # the group is named by its first file
    return {f: find(f) for f in parent}


@repository_check
def check_duplicate_papers(repo: Repository) -> Iterator[Problem]:
    first: dict[str, Entry[PaperFile]] = {}
    for entry in sorted(repo.papers, key=lambda p: p.file):
        reported = False
        for field_name, ident in identifiers(entry.model):
            other = first.setdefault(ident, entry)
            if other is entry or reported:
                continue
            reported = True
            shown = ident.split(":", 1)[1]
            yield DUPLICATE_PAPER(
                entry.file,
                entry.doc.at(("paper", field_name)),
                f"this paper ({field_name} {shown}) already has the file {other.file}",
                f"move the results of this file into {other.file} and delete this one",
            )


@repository_check
def check_duplicate_results(repo: Repository) -> Iterator[Problem]:
    groups = paper_groups(repo.papers)
    seen: dict[tuple[str, str, str, str], Row] = {}
    for row in results_index(repo).rows:
        key = (groups.get(row.file, row.file), row.model_key, row.result.task, row.result.dataset)
        first = seen.setdefault(key, row)
        if first is row:
            continue
        where = f"line {first.at()[0]}" if first.file == row.file else f"{first.file}, line {first.at()[0]}"
        what = f"{row.result.model!r} on {row.result.task}/{row.result.dataset}"
        differ = [n for n in first.metrics if n in row.metrics and not same_value(first.metrics[n], row.metrics[n])]
        if differ:
            shown = ", ".join(f"{n} {first.text(n)} vs {row.text(n)}" for n in differ)
            yield CONFLICTING_RESULT(
                row.file,
                row.at(),
                f"{what} is already reported at {where} with different values ({shown})",
                "keep the value the paper reports, or give the two configurations different model names",
            )
        else:
            merge = set(row.metrics) - set(first.metrics)
            yield DUPLICATE_RESULT(
                row.file,
                row.at(),
                f"{what} is already reported at {where}"
                + (" with the same values" if not merge else f"; this copy adds {', '.join(sorted(merge))}"),
                "delete this copy" if not merge else "merge the two rows into one result",
            )


def related_files(repo: Repository, files: set[str]) -> set[str]:
    """The paper files that are the same paper as one of `files` (for a PR check's selection:
    a duplicate-paper or duplicate-result problem sits on the later file of the pair, which may
    be the file the change did not touch)."""
    groups = paper_groups(repo.papers)
    wanted = {groups[f] for f in files if f in groups}
    return {f for f, g in groups.items() if g in wanted}
