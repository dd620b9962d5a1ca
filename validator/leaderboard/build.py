"""Leaderboards from a loaded repository: results grouped by (task, dataset), ranked, with their history.

`leaderboard_dicts(repo)` gives the api/v1 leaderboard objects (the shape documented in
docs/api.md and typed by `validator.model.outputs.Leaderboard`), sorted by task id then dataset id.
It is pure and tolerant: the PR diff also calls it on repositories that do not validate, so a
result naming an unknown task, dataset or metric is left out rather than raising.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from validator.leaderboard.rank import Scored, rank_rows, ranked_history
from validator.load.repository import DeclaredMetrics, Entry, Repository, value_text
from validator.load.yamlload import Doc
from validator.model.inputs import Paper, PaperFile, Uncertain, date_sort_key

SCHEMA_VERSION = 1

# Integers beyond this are not exactly representable as JSON numbers in most readers
# (and orjson refuses integers over 64 bits): they are written as floats.
_MAX_SAFE_INT = 2**53


def paper_url(paper: Paper) -> str | None:
    """The paper's link for people: its own url, else its arXiv abstract page, else its DOI."""
    if paper.url:
        return paper.url
    if paper.arxiv:
        return f"https://arxiv.org/abs/{paper.arxiv}"
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return None


def leaderboard_path(task_id: str, dataset_id: str) -> str:
    """A leaderboard's path under api/v1/."""
    return f"leaderboards/{task_id}/{dataset_id}.json"


@dataclass(slots=True, init=False)
class RowRef(Scored[None]):
    """One result on a leaderboard, as ranked (`Scored`: `value` is the primary metric's number, the
    value of an uncertain one; `date` the result's date, else the paper's; `model`): where it came
    from, for outputs that follow rows back to their papers, and what its row shows.

    The refs are made paper by paper, each next to its metrics in memory, and the rows only once
    ranked, in leaderboard order: the paper pages read a paper's refs together, and the leaderboard
    files and the archive the rows in the order they lie in memory (at 50,000 results, reading
    objects out of order costs more than building them). One object per result, not a `Scored`
    with a ref as its item: fewer objects to make and to follow."""

    paper: Entry[PaperFile]
    index: int  # position in the paper file's `results`
    primary_text: str | None
    metrics: dict[str, Any]  # the row's `metrics` and `metrics_text`, shared with it
    metrics_text: dict[str, str]
    uses_additional_data: bool
    # The row's `paper`, `code` and `source`: one of each per paper, kept here rather than behind
    # one more object, each read once per row.
    row_paper: dict[str, Any]
    code: list[dict[str, Any]]
    source: str
    rank: int | None  # set when the leaderboard is ranked
    board: int  # the position of its leaderboard in `build_boards`' list, set then too

    def __init__(
        self,
        paper: Entry[PaperFile],
        index: int,
        value: float | int | None,
        text: str | None,
        model: str,
        date: str,
        date_key: str,
        metrics: dict[str, Any],
        metrics_text: dict[str, str],
        uses_additional_data: bool,
        shared: tuple[dict[str, Any], list[dict[str, Any]], str],
    ) -> None:
        self.value = value
        self.date = date
        self.model = model
        self.tiebreak = (paper.id, paper.file, index)
        self.item = None
        self.date_key = date_key
        self.paper = paper
        self.index = index
        self.primary_text = text
        self.metrics = metrics
        self.metrics_text = metrics_text
        self.uses_additional_data = uses_additional_data
        self.row_paper, self.code, self.source = shared
        self.rank = None
        self.board = -1


@dataclass(slots=True)
class Board:
    """One built leaderboard: the dict that is published and, in row order, where each row came from."""

    task_id: str
    dataset_id: str
    data: dict[str, Any]
    refs: list[RowRef] = field(default_factory=list)


def _number(raw: Any, parsed: float) -> float | int:
    """The value as a JSON number, an integer when the file wrote one."""
    if isinstance(raw, int) and not isinstance(raw, bool) and -_MAX_SAFE_INT < raw < _MAX_SAFE_INT:
        return raw
    return parsed


# A number written as a plain decimal integer (`86`, `-3`): YAML reads it as an integer unless a
# tag (`!!float 86`) says otherwise.
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_NO_DATA = object()


def _raw_value(doc: Doc, path: tuple[str | int, ...]) -> Any:
    """The value at `path` of the document's data as parsed (None when there is none)."""
    node: Any = doc.data
    for key in path:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
    return node


def _written(doc: Doc, path: tuple[str | int, ...], parsed: float, untagged: bool) -> tuple[float | int, str]:
    """A metric number as a JSON number (an integer when the file wrote one) and as written.

    Both come from the text of the scalar (`doc.raw`), which every loaded number has: the
    document's data is not needed, and for a document from the file cache it would be parsed again
    (the whole corpus, for one bit per number). The data decides only the rare forms."""
    text = doc.raw.get(path)
    if text is None:
        return _number(_raw_value(doc, path), parsed), value_text(doc, path, parsed)
    if "." in text:
        # No integer is written with a dot (`!!int 1.0` is not a number the model accepts).
        return parsed, text
    if untagged and _PLAIN_INT.fullmatch(text) is not None:
        number = int(text)
        return (number if -_MAX_SAFE_INT < number < _MAX_SAFE_INT else parsed), text
    return _number(_raw_value(doc, path), parsed), text


def _result_metrics(
    doc: Doc, index: int, metrics: dict[str, Any], declared: DeclaredMetrics, untagged: bool
) -> tuple[dict[str, Any], dict[str, str], float | int | None, str | None]:
    """(values, values as written, primary number, primary as written) of one result's `metrics`,
    under the declared names. `untagged`: the file has no YAML tag (see `_untagged`)."""
    lookup = declared.lookup
    primary = declared.primary
    raw = doc.raw
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    primary_value: float | int | None = None
    primary_text: str | None = None
    for written, value in metrics.items():
        metric = lookup.get(written)
        if metric is None or metric.name in values:
            # Undeclared, or given twice (name and alias): the metric checks report it.
            continue
        name = metric.name
        path = ("results", index, "metrics", written)
        if type(value) is float:
            text = raw.get(path)
            if text is not None and "." in text:  # the usual case, `_written` without a call
                number = value
            else:
                number, text = _written(doc, path, value, untagged)
            values[name] = number
        elif isinstance(value, Uncertain):
            number, text = _written(doc, (*path, "value"), value.value, untagged)
            error, error_text = _written(doc, (*path, "error"), value.error, untagged)
            values[name] = {"value": number, "error": error}
            text = f"{text} ± {error_text}"
        else:
            number, text = _written(doc, path, value, untagged)
            values[name] = number
        texts[name] = text
        if name == primary:
            primary_value, primary_text = number, text
    return values, texts, primary_value, primary_text


def _untagged(doc: Doc) -> bool:
    """Whether the document's text is known and has no YAML tag (a tag needs a `!`)."""
    text = getattr(doc, "_text", None)  # a fast-path document keeps its text
    return isinstance(text, str) and "!" not in text


def build_boards(repo: Repository, pairs: Collection[tuple[str, str]] | None = None) -> list[Board]:
    """Every (task, dataset) pair that has results, ranked, in (task id, dataset id) order; only the
    given pairs when `pairs` is not None (a PR check needs only the leaderboards its files touch)."""
    return build_boards_and_refs(repo, pairs)[0]


def build_boards_and_refs(
    repo: Repository, pairs: Collection[tuple[str, str]] | None = None
) -> tuple[list[Board], dict[str, list[RowRef]]]:
    """`build_boards`, and by paper file the refs of its rows, in the file's order (a paper with
    no result on a leaderboard has none)."""
    groups: dict[tuple[str, str], list[RowRef]] = {}
    refs_of: dict[str, list[RowRef]] = {}
    all_declared = repo.declared
    tasks = repo.tasks
    for entry in repo.papers:
        model = entry.model
        paper = model.paper
        doc = entry.doc
        shared: tuple[dict[str, Any], list[dict[str, Any]], str] | None = None
        mine: list[RowRef] = []
        untagged = False
        published_key = ""
        for index, result in enumerate(model.results):
            task_id = result.task
            dataset_id = result.dataset
            declared = all_declared.get(dataset_id)
            if declared is None or task_id not in tasks:
                continue
            key = (task_id, dataset_id)
            if pairs is not None and key not in pairs:
                continue
            if shared is None:  # the row's `paper`, `code` and `source`, shared by the paper's rows
                shared = (
                    {"id": entry.id, "title": paper.title, "arxiv": paper.arxiv, "url": paper_url(paper)},
                    [{"url": link.url, "official": link.official} for link in paper.code],
                    entry.file,
                )
                untagged = _untagged(doc)
                published_key = date_sort_key(paper.published)
                refs_of[entry.file] = mine
            values, texts, value, text = _result_metrics(doc, index, result.metrics, declared, untagged)
            evaluated_on = result.evaluated_on
            if evaluated_on:
                date_key = date_sort_key(evaluated_on)
            else:  # most results: the paper's date, whose sort key is made once
                evaluated_on, date_key = paper.published, published_key
            ref = RowRef(
                entry,
                index,
                value,
                text,
                result.model,
                evaluated_on,
                date_key,
                values,
                texts,
                result.uses_additional_data,
                shared,
            )
            mine.append(ref)
            group = groups.get(key)
            if group is None:
                groups[key] = [ref]
            else:
                group.append(ref)

    boards: list[Board] = []
    for key in sorted(groups):
        task_id, dataset_id = key
        declared = all_declared[dataset_id]
        primary_metric = declared.resolve(declared.primary) if declared.primary else None
        direction = primary_metric.direction if primary_metric else None
        ranked = rank_rows(groups[key], direction)
        number = len(boards)
        rows: list[dict[str, Any]] = []
        refs: list[RowRef] = []
        for rank, ref in ranked:
            ref.rank = rank
            ref.board = number
            rows.append(
                {
                    "rank": rank,
                    "model": ref.model,
                    "paper": ref.row_paper,
                    "metrics": ref.metrics,
                    "metrics_text": ref.metrics_text,
                    "uses_additional_data": ref.uses_additional_data,
                    "evaluated_on": ref.date,
                    "code": ref.code,
                    "source": ref.source,
                }
            )
            refs.append(ref)
        history = []
        for ref in ranked_history(ranked):
            history.append(
                {
                    "date": ref.date,
                    "model": ref.model,
                    "paper_id": ref.paper.id,
                    "value": ref.value,
                    "value_text": ref.primary_text,
                }
            )
        data = {
            "schema_version": SCHEMA_VERSION,
            "task": {"id": task_id, "name": tasks[task_id].model.name},
            "dataset": {"id": dataset_id, "name": repo.datasets[dataset_id].model.name},
            "metrics": [{"name": m.name, "direction": m.direction, "unit": m.unit} for m in declared.metrics],
            "primary_metric": declared.primary,
            "direction": direction,
            "rows": rows,
            "sota_history": history,
        }
        boards.append(Board(task_id, dataset_id, data, refs))
    return boards, refs_of


def leaderboard_dicts(repo: Repository, pairs: Collection[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """The api/v1 leaderboard objects, sorted by task id then dataset id (only `pairs`, when given)."""
    return [board.data for board in build_boards(repo, pairs)]
