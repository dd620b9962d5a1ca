"""A PR check that loads only what the change can affect, with the same answer as checking everything.

`pwc validate --changed-since REF` reports the problems of the changed files and of the files a
change can break. When only paper files changed, those problems depend on little of the rest:

* per-file checks (schema, metric names and ranges, constraints, dates, links) read the file,
  its task and dataset files and the catalogue;
* duplicate papers and results read the files of the same paper (same arXiv id or DOI), which
  are part of the report anyway;
* the review signals against the base read the base versions of the reported files;
* only two checks read whole leaderboards: the scale rule (the median of a metric's values) and
  the unusual margin (the best of the other papers and their history). They read the other
  results of a leaderboard, never report on them.

So the check loads the changed paper files and the files of the same papers (the base versions
too), the catalogue and the datasets their results use, and takes the rest from the *board
table* that a full `pwc validate` writes to the cache (`<cache>/<name>.boards.pickle`): every
result (file, position, model, metrics as written, date), each paper file's blob id,
identifiers and leaderboards, the ids of the tasks and datasets, and the cache entries of the
datasets. A file counts as known to the table only when its blob id there is the one in the
working tree (the blob ids of unchanged files come from git); every other paper file is loaded,
and every task and dataset file when one of them differs from the table. The answer is the full
check's, restricted to the reported files: tests/test_scoped_check.py and
tests/test_scoped_review.py compare them after many kinds of change. With `--report-dir`, the
leaderboards the change touches are built from every file on them
(`Scoped.leaderboard_repositories`).

It falls back to the full check (same answer, slower) when a task, dataset or the catalogue
changed (that can change any paper's problems), when there is no table for this code, or when
too many paper files are unknown to the table. `PWC_SCOPE=0` always checks everything.
"""

from __future__ import annotations

import os
import pickle
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from validator.checks.duplicates import groups_of, identifiers
from validator.checks.metrics import Row, normalised, number
from validator.gcpause import paused_gc
from validator.load import filecache
from validator.load.repository import Repository, file_id, kind_of
from validator.model.inputs import date_sort_key
from validator.report.problem import Problem

# Above this share of paper files unknown to the table, checking everything costs about as much.
MAX_UNKNOWN_SHARE = 0.2
MIN_UNKNOWN = 64

Board = tuple[str, str]


@dataclass
class Table:
    """What a PR check needs to know of the files it does not load."""

    code: str
    digest: str
    # paper file -> (blob id, normalised identifiers, (task, dataset) of each leaderboard it is on)
    files: dict[str, tuple[str, tuple[str, ...], tuple[Board, ...]]]
    # (task, dataset) -> pickled [(file, index in results, model, metrics as written, date key)]
    boards: dict[Board, bytes]
    # Every other file -> blob id: when they are all the same in the working tree, the check
    # loads only the catalogue and the datasets it needs, and takes these from the table:
    others: dict[str, str | None]
    task_ids: frozenset[str]
    dataset_ids: frozenset[str]
    dataset_files: dict[str, str]  # dataset id -> the file that defines it
    cached: dict[tuple[str, str], filecache.Cached]  # the catalogue's and datasets' cache entries


def enabled() -> bool:
    return filecache.enabled() and os.environ.get("PWC_SCOPE", "1") != "0"


def build_table(repo: Repository) -> Table:
    """The table of a fully loaded repository."""
    with paused_gc():  # tens of thousands of tuples on top of a large heap: no collection meanwhile
        return _build_table(repo)


def _build_table(repo: Repository) -> Table:
    files: dict[str, tuple[str, tuple[str, ...], tuple[Board, ...]]] = {}
    rows: dict[Board, list[tuple]] = defaultdict(list)
    # One tuple per leaderboard, shared by every file on it: pickled once, read back 2x faster.
    shared: dict[Board, Board] = {}
    for paper in sorted(repo.papers, key=lambda p: p.file):  # the index's order
        blob = repo.blobs.get(paper.file)
        if blob is None:
            continue
        file = paper.file
        published = paper.model.paper.published
        boards = {}
        for i, result in enumerate(paper.model.results):
            board = (result.task, result.dataset)
            board = shared.setdefault(board, board)
            boards[board] = None
            when = date_sort_key(result.evaluated_on or published)  # Row.when
            rows[board].append((file, i, result.model, result.metrics, when))
        files[file] = (blob, tuple(i for _f, i in identifiers(paper.model)), tuple(boards))
    packed = {board: pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL) for board, found in rows.items()}
    others = {rel: blob for rel, blob in repo.blobs.items() if not _is_paper(rel)}
    store = filecache.entries(repo.root).entries
    cached = {
        (rel, blob): store[(rel, blob)]
        for rel, blob in others.items()
        if blob is not None and kind_of(rel) in ("dataset", "metrics") and (rel, blob) in store
    }
    return Table(
        filecache.code_digest(), repo.digest or "", files, packed, others, frozenset(repo.task_ids),
        frozenset(repo.dataset_ids), {ds: entry.file for ds, entry in repo.datasets.items()}, cached,
    )


def _is_paper(rel: str) -> bool:
    """`kind_of(rel) == "paper"`, cheaper (it runs over every file): results/papers/<year>/<id>.yaml."""
    if not (rel.startswith("results/papers/") and rel.endswith(".yaml")):
        return False
    parts = rel.split("/")
    return len(parts) == 4 and len(parts[2]) == 4 and parts[2].isdigit()


def wants_table(repo: Repository) -> bool:
    """Whether a check of `repo` should leave its table: a fully loaded working tree whose table
    the cache does not hold yet."""
    if not enabled() or repo.digest is None or repo.context is not None or not repo.blobs:
        return False
    return filecache.index(repo.root).table != repo.digest


def save_table(repo: Repository) -> None:
    """Write the table of `repo` (see `wants_table`)."""
    filecache.write(filecache.path_of(repo.root, "boards"), build_table(repo))
    table_written(repo)


def table_written(repo: Repository) -> None:
    """Note in the index that the table of `repo` is in the cache (also after a forked process wrote it)."""
    if repo.digest is not None:
        index = filecache.index(repo.root)
        index.table = repo.digest
        index.dirty = True


def read_table(root: Path) -> Table | None:
    try:
        with filecache.path_of(root, "boards").open("rb") as fh:
            data = fh.read()
        with paused_gc():
            table = pickle.loads(data)
    except Exception:  # noqa: BLE001 - an unreadable table is no table: the full check runs
        return None
    if not isinstance(table, Table) or table.code != filecache.code_digest():
        return None
    return table


class _Unreadable(Exception):
    """A part of the table could not be read: the full check runs instead."""


def _unpack(packed: bytes) -> list[tuple]:
    """A leaderboard's rows in the table (the outer table read fine; a part of it may still not)."""
    try:
        rows = pickle.loads(packed)
    except Exception as exc:  # noqa: BLE001 - a damaged cache is no cache
        raise _Unreadable from exc
    if not isinstance(rows, list) or not all(isinstance(r, tuple) and len(r) == 5 for r in rows):
        raise _Unreadable
    return rows


class Brief(NamedTuple):
    """The fields of a result the leaderboard checks read from a context row."""

    model: str
    task: str
    dataset: str


class ContextRow:
    """A result of a paper file the PR check did not load, on a leaderboard it checks: read by
    the leaderboard checks (`row.context` is true), never reported on."""

    __slots__ = ("file", "index", "result", "metrics", "when", "_source")
    context = True

    def __init__(self, file: str, index: int, result: Brief, metrics: dict, when: str, source: _Source) -> None:
        self.file = file
        self.index = index
        self.result = result
        self.metrics = metrics
        self.when = when
        self._source = source

    @property
    def board(self) -> Board:
        return (self.result.task, self.result.dataset)

    def number(self, name: str) -> float | None:
        value = self.metrics.get(name)
        return None if value is None else number(value)

    def text(self, name: str) -> str:
        """The value as written: the file is loaded for it (a message quotes it rarely)."""
        return self._source.row(self).text(name)


class _Source:
    """Loads a context row's file when a message needs more than the table holds."""

    def __init__(self, repo: Repository, scan: Any) -> None:
        self.repo = repo
        self.scan = scan

    def row(self, context: ContextRow) -> Row:
        from validator.load.bulk import load_subset

        loaded = load_subset(self.repo.root, self.scan, {context.file}, set())
        paper = next(p for p in loaded.papers if p.file == context.file)
        result = paper.model.results[context.index]
        declared = self.repo.declared.get(result.dataset)
        canonical = {m.name for m in declared.metrics} if declared is not None else None
        return Row(paper, context.index, result, *normalised(result.metrics, declared, canonical))


@dataclass
class Scoped:
    repo: Repository  # the partial repository that was checked (its base attached)
    reported: set[str]  # the files whose problems are the answer
    problems: list[Problem]
    # What `leaderboard_repositories` needs: the working tree's scan, the base's blob ids and
    # each paper file's leaderboards, in the working tree and (for the changed files) at the base.
    scan: Any = None
    base_blobs: dict[str, str] | None = None
    boards: dict[str, tuple[Board, ...]] | None = None
    base_boards: dict[str, tuple[Board, ...]] | None = None

    def leaderboard_repositories(self, pairs: set[Board]) -> tuple[Repository, Repository]:
        """The base and the working tree with every paper file that has a result on one of these
        leaderboards loaded, and every other file: what building those leaderboards reads (the
        PR bot's report shows how the change moves them)."""
        from validator.load.bulk import load_subset
        from validator.load.git import load_base_subset

        assert self.boards is not None and self.base_boards is not None and self.base_blobs is not None
        filecache.drop_entries(self.repo.root)  # the whole cache, not the PR check's few entries
        head = {f for f, boards in self.boards.items() if pairs.intersection(boards)}
        base = set()
        for f in self.base_blobs:
            boards = self.base_boards.get(f)
            if boards is None and f in self.boards and self.scan.blobs.get(f) == self.base_blobs[f]:
                boards = self.boards[f]  # unchanged: the working tree's leaderboards
            if boards is not None and pairs.intersection(boards):
                base.add(f)
        return (
            load_base_subset(self.repo.root, self.base_blobs, base, None),
            load_subset(self.repo.root, self.scan, head, None),
        )


def check_changed(root: Path, ref: str, changed: set[str]) -> Scoped | None:
    """The answer of `pwc validate --changed-since REF` for these changed files, or None when the
    full check must run (see the module docstring). Raises GitError as the full path would."""
    try:
        return _check_changed(root, ref, changed)
    except _Unreadable:
        filecache.drop_entries(root)  # the full check reads the whole store, not the table's few
        return None


def _check_changed(root: Path, ref: str, changed: set[str]) -> Scoped | None:
    if not enabled() or not all(_is_paper(f) for f in changed):
        return None
    table = read_table(root)
    if table is None:
        return None
    from validator import pipeline
    from validator.load.bulk import load_subset, scan_changed
    from validator.load.git import listing_at, load_base_subset

    base_blobs = listing_at(root, ref)
    scan = scan_changed(root, base_blobs, changed)
    papers = [f for f in scan.files if _is_paper(f)]
    paper_set = set(papers)
    unknown = {f for f in papers if table.files.get(f, ("",))[0] != scan.blobs.get(f)}
    if len(unknown) > max(MIN_UNKNOWN, MAX_UNKNOWN_SHARE * len(papers)):
        return None
    # The other files as the table knows them: then only the catalogue and the datasets the
    # loaded results use are loaded (their entries come with the table), else all of them.
    others = [f for f in scan.files if f not in paper_set]
    lean = len(others) == len(table.others) and all(table.others.get(f, "") == scan.blobs[f] for f in others)
    if lean:
        filecache.use_entries(root, table.cached)
    catalogue = {f for f in others if kind_of(f) == "metrics"}

    def other_files(datasets: Iterable[str]) -> set[str] | None:
        if not lean:
            return None
        return catalogue | {table.dataset_files[d] for d in datasets if d in table.dataset_files}

    # The files the table does not know, loaded to learn their identifiers and leaderboards.
    fresh = load_subset(root, scan, unknown, set()) if unknown else None
    known: dict[str, tuple[tuple[str, ...], tuple[Board, ...]]] = {
        f: table.files[f][1:] for f in papers if f not in unknown
    }
    if fresh is not None:
        for paper in fresh.papers:
            known[paper.file] = (
                tuple(i for _f, i in identifiers(paper.model)),
                tuple(dict.fromkeys((r.task, r.dataset) for r in paper.model.results)),
            )
    # What the full check reports: the changed files and the other files of the same papers.
    groups = groups_of((f, idents) for f, (idents, _boards) in known.items())
    wanted = {groups[f] for f in changed if f in groups}
    reported = set(changed) | {f for f, g in groups.items() if g in wanted}
    stems = {file_id(f) for f in reported}
    names = {f"/{stem}.yaml" for stem in stems}  # a file has one of these ids when its name ends so

    # The base versions of the reported files, and of any file with the id of one.
    base_papers = {f for f in base_blobs if (f in reported or f[f.rfind("/"):] in names) and _is_paper(f)}
    base_only = load_base_subset(root, base_blobs, base_papers, set())
    # The review signals match a base file to the head's paper of the same id, else of the same
    # identifier: those head files are loaded too (their problems are not reported).
    base_idents = {i for p in base_only.papers if p.file in changed for _f, i in identifiers(p.model)}
    loaded = set(reported) | unknown
    loaded |= {f for f in papers if f[f.rfind("/"):] in names}
    if base_idents:
        loaded |= {f for f, (idents, _b) in known.items() if base_idents.intersection(idents)}
    loaded &= set(papers)
    datasets = {ds for f in loaded if f in known for _task, ds in known[f][1]}
    datasets |= {r.dataset for p in base_only.papers for r in p.model.results}
    repo = load_subset(root, scan, loaded, other_files(datasets))
    base = load_base_subset(root, base_blobs, base_papers, other_files(datasets))
    for side in (repo, base):
        if lean:  # what the unloaded task and dataset files contribute
            side.task_ids = set(table.task_ids)
            side.dataset_ids = set(table.dataset_ids)
    repo.base = base

    # The other results of the leaderboards the reported files are on, from the table.
    touched = {b for f in reported if f in known for b in known[f][1]}
    source = _Source(repo, scan)
    canonical = {ds: {m.name for m in d.metrics} for ds, d in repo.declared.items()}
    context: dict[Board, list[Any]] = {}
    for board in sorted(touched):
        packed = table.boards.get(board)
        declared = repo.declared.get(board[1])
        if packed is None or declared is None:
            continue
        rows = []
        names = canonical[board[1]]
        for file, index, model, written, when in _unpack(packed):
            if file in loaded or file not in known:
                continue  # loaded (its rows are in the index), or not in the working tree as tabled
            # As the index normalises a loaded row (inline: a big leaderboard has thousands).
            metrics = written if names.issuperset(written) else normalised(written, declared, names)[0]
            rows.append(ContextRow(file, index, Brief(model, *board), metrics, when, source))
        context[board] = rows
    repo.context = context
    problems = pipeline.check(repo)
    base_boards = {p.file: tuple(dict.fromkeys((r.task, r.dataset) for r in p.model.results)) for p in base_only.papers}
    boards = {f: b for f, (_idents, b) in known.items()}
    return Scoped(repo, reported, pipeline.select(problems, reported), scan, base_blobs, boards, base_boards)


def reported_results(repo: Repository, files: Iterable[str]) -> int:
    wanted = set(files)
    return sum(len(p.model.results) for p in repo.papers if p.file in wanted)
