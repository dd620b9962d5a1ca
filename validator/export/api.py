"""Everything `pwc build` publishes, as plain data: the api/v1 index, leaderboards, paper pages and the archive export.

`build_api(repo)` is pure (a loaded repository in, dicts out); `validator.export.files` turns the
result into file bytes and `validator.commands.build` writes them. The site renders from the same
`ApiData`, so the HTML and the JSON never disagree.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import chain
from operator import add
from typing import Any

from validator.export.archive import evaluation_tables
from validator.leaderboard.build import SCHEMA_VERSION, Board, build_boards_and_refs, leaderboard_path, paper_url
from validator.load.repository import Entry, Repository
from validator.model.inputs import PaperFile

RELATED_MAX = 10
# Related papers are found among each paper's neighbours in rank order on the leaderboards it
# shares: counting every pair on a board of a thousand papers would be quadratic.
RELATED_WINDOW = 5


@dataclass(slots=True)
class ApiData:
    """The published data: `index`, `leaderboards` (by task id, dataset id), `papers` (id -> page)
    and `evaluation_tables` (the archive format)."""

    index: dict[str, Any]
    leaderboards: list[dict[str, Any]]
    papers: dict[str, dict[str, Any]]
    repo: Repository = field(repr=False)
    boards: list[Board] = field(default_factory=list, repr=False)

    @property
    def evaluation_tables(self) -> list[dict[str, Any]]:
        """The archive export, made on each access rather than kept: at 50,000 results it is tens of
        megabytes that only its one file needs, for the moment it is written."""
        return evaluation_tables(self.repo, self.boards)


def paper_page_path(paper_id: str) -> str:
    """A paper page's path under api/v1/."""
    return f"papers/{paper_id}.json"


def _first(board: dict[str, Any]) -> dict[str, Any] | None:
    rows = board["rows"]
    if not rows or rows[0]["rank"] != 1:
        return None
    row = rows[0]
    primary = board["primary_metric"]
    value = row["metrics"].get(primary)
    return {
        "model": row["model"],
        "paper_id": row["paper"]["id"],
        "value": value["value"] if isinstance(value, dict) else value,
        "value_text": row["metrics_text"].get(primary),
    }


def _papers_by_id(repo: Repository) -> dict[str, Entry[PaperFile]]:
    """Paper files by id; of two files with one id (a problem the checks report) the first by path wins."""
    by_id: dict[str, Entry[PaperFile]] = {}
    for entry in repo.papers:
        by_id.setdefault(entry.id, entry)
    return by_id


def _related(orders: list[list[str]], summaries: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """For each paper, up to RELATED_MAX papers sharing its leaderboards: most shared first, then the
    closest in rank, then by id. Only rank neighbours (RELATED_WINDOW either side) are compared.
    `orders`: each leaderboard's paper ids in rank order (a paper may have several rows);
    `summaries`: what stands for a paper by id (a paper without one is left out)."""
    # A paper once per leaderboard, at its best row.
    orders = [list(dict.fromkeys(order)) for order in orders]
    ids = sorted({pid for order in orders for pid in order})
    # Papers are numbered in id order, so that a candidate's sort key (most shared, closest, id)
    # is one integer, distance * count + number (less span for each leaderboard shared beyond
    # the first): hundreds of thousands of candidates then sort without a key function.
    count = len(ids)
    span = (RELATED_WINDOW + 1) * count
    number = {pid: n for n, pid in enumerate(ids)}
    # distance * count for each place of a window (the paper itself: span, after every candidate),
    # by (the paper's place in the window, the window's size).
    steps = {
        (at, size): [(abs(j - at) * count if j != at else span) for j in range(size)]
        for at in range(RELATED_WINDOW + 1)
        for size in range(at + 1, at + RELATED_WINDOW + 2)
    }
    whole = steps[(RELATED_WINDOW, 2 * RELATED_WINDOW + 1)]
    # Each paper's keys on all its leaderboards: for each, those of the window around it.
    keys_of: list[list[int]] = [[] for _ in ids]
    for order in orders:
        numbered = [number[pid] for pid in order]
        size = len(numbered)
        # The places with a whole window: its keys made a column at a time (one place of the
        # window, for all of them), then taken a window at a time, all in C.
        inside = size - 2 * RELATED_WINDOW
        if inside > 0:
            columns = [map(step.__add__, numbered[k : k + inside]) for k, step in enumerate(whole)]
            for n, keys in zip(numbered[RELATED_WINDOW:-RELATED_WINDOW], zip(*columns, strict=True), strict=True):
                keys_of[n] += keys
        # The places near either end (every place of a short leaderboard).
        for i in chain(range(min(RELATED_WINDOW, size)), range(max(RELATED_WINDOW, size - RELATED_WINDOW), size)):
            low = i - RELATED_WINDOW if i > RELATED_WINDOW else 0
            near = numbered[low : i + RELATED_WINDOW + 1]
            keys_of[numbered[i]] += map(add, steps[(i - low, len(near))], near)
    numbered_summaries = list(map(summaries.get, ids))
    complete = None not in numbered_summaries
    number_of = count.__rmod__  # key -> key % count, the paper's number
    related: dict[str, list[dict[str, Any]]] = {}
    for n, keys in enumerate(keys_of):
        keys.sort()
        # The paper itself, once per leaderboard, sorts last: every other key is below span.
        others = bisect_left(keys, span)
        # Every place of a window holds a different paper, so the other papers are all different
        # unless one is met on several leaderboards (then fewer numbers than keys, with itself).
        if others < len(keys) - 1 and len(set(map(number_of, keys))) <= others:
            keys = _shared_first(keys[:others], count, span)
            keys.sort()
        chosen = list(map(numbered_summaries.__getitem__, map(number_of, keys[: min(others, RELATED_MAX)])))
        related[ids[n]] = chosen if complete else [s for s in chosen if s is not None]
    return related


def _shared_first(keys: list[int], count: int, span: int) -> list[int]:
    """One key per paper of the sorted `keys`: its closest distance, less span for each leaderboard
    shared beyond the first."""
    score: dict[int, int] = {}
    get = score.get
    for key in keys:  # in order: a paper's first key is its closest place
        o = key % count
        found = get(o)
        score[o] = key if found is None else found - span
    return list(score.values())


def build_api(repo: Repository) -> ApiData:
    """Everything `pwc build` publishes, from a loaded (and valid) repository."""
    boards, refs_of = build_boards_and_refs(repo)
    leaderboards = [b.data for b in boards]
    papers_by_id = _papers_by_id(repo)

    board_count_by_task: dict[str, int] = {}
    board_count_by_dataset: dict[str, int] = {}
    index_boards: list[dict[str, Any]] = []
    # What each result on a paper page shares with the other rows of its leaderboard, by board.
    contexts: list[tuple[dict[str, Any], dict[str, Any], int, str]] = []
    orders: list[list[str]] = []  # each leaderboard's paper ids, in rank order
    for board in boards:
        data = board.data
        board_count_by_task[board.task_id] = board_count_by_task.get(board.task_id, 0) + 1
        board_count_by_dataset[board.dataset_id] = board_count_by_dataset.get(board.dataset_id, 0) + 1
        unit = None
        for metric in data["metrics"]:
            if metric["name"] == data["primary_metric"]:
                unit = metric["unit"]
        path = leaderboard_path(board.task_id, board.dataset_id)
        index_boards.append(
            {
                "task": data["task"],
                "dataset": data["dataset"],
                "primary_metric": data["primary_metric"],
                "direction": data["direction"],
                "unit": unit,
                "rows": len(data["rows"]),
                "first": _first(data),
                "path": path,
            }
        )
        contexts.append((data["task"], data["dataset"], len(data["rows"]), path))
        orders.append([row["paper"]["id"] for row in data["rows"]])

    children: dict[str, list[str]] = {}
    for task_id, entry in repo.tasks.items():
        parent = entry.model.parent
        if parent is not None:
            children.setdefault(parent, []).append(task_id)
    datasets_of_task: dict[str, list[str]] = {}
    for dataset_id, entry in repo.datasets.items():
        for task_id in entry.model.tasks:
            datasets_of_task.setdefault(task_id, []).append(dataset_id)
    index_tasks = [
        {
            "id": task_id,
            "name": task.name,
            "area": task.area,
            "parent": task.parent,
            "description": task.description,
            "synonyms": list(task.synonyms),
            "subtasks": sorted(children.get(task_id, [])),
            "datasets": sorted(set(datasets_of_task.get(task_id, []))),
            "leaderboards": board_count_by_task.get(task_id, 0),
        }
        for task_id, task in ((t, repo.tasks[t].model) for t in sorted(repo.tasks))
    ]
    index_datasets = []
    for dataset_id in sorted(repo.datasets):
        dataset = repo.datasets[dataset_id].model
        declared = repo.declared[dataset_id]
        index_datasets.append(
            {
                "id": dataset_id,
                "name": dataset.name,
                "full_name": dataset.full_name,
                "homepage": dataset.homepage,
                "description": dataset.description,
                "tasks": list(dataset.tasks),
                "metrics": [
                    {
                        "name": m.name,
                        "direction": m.direction,
                        "unit": m.unit,
                        "range": list(m.range) if m.range is not None else None,
                    }
                    for m in declared.metrics
                ],
                "primary_metric": declared.primary,
                "leaderboards": board_count_by_dataset.get(dataset_id, 0),
            }
        )

    pages: dict[str, dict[str, Any]] = {}
    summaries: dict[str, dict[str, Any]] = {}  # what stands for a paper among related papers
    index_papers = []
    for paper_id in sorted(papers_by_id):
        entry = papers_by_id[paper_id]
        paper = entry.model.paper
        # In the file's order; a result on no leaderboard (unknown task or dataset) is left out.
        # Made here, in page order, the order they are written in.
        results = [
            {
                "task": task,
                "dataset": dataset,
                "model": ref.model,
                "metrics": ref.metrics,
                "metrics_text": ref.metrics_text,
                "rank": ref.rank,
                "rows": size,
                "leaderboard": path,
                "uses_additional_data": ref.uses_additional_data,
                "evaluated_on": ref.date,
            }
            for ref in refs_of.get(entry.file, ())
            for task, dataset, size, path in (contexts[ref.board],)
        ]
        pages[paper_id] = {
            "schema_version": SCHEMA_VERSION,
            "id": paper_id,
            "title": paper.title,
            "authors": list(paper.authors) if paper.authors is not None else [],
            "published": paper.published,
            "venue": paper.venue,
            "arxiv": paper.arxiv,
            "doi": paper.doi,
            "url": paper_url(paper),
            "pdf_url": f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else None,
            "abstract": paper.abstract,
            "code": [{"url": link.url, "official": link.official} for link in paper.code],
            "source": entry.file,
            "results": results,
            # "related": below, once every paper's summary is made (here, while the paper is at hand)
        }
        summaries[paper_id] = {"id": paper_id, "title": paper.title, "published": paper.published}
        index_papers.append(
            {
                "id": paper_id,
                "title": paper.title,
                "published": paper.published,
                "venue": paper.venue,
                "arxiv": paper.arxiv,
                "results": len(results),
                "path": paper_page_path(paper_id),
            }
        )

    related = _related(orders, summaries)
    for paper_id, page in pages.items():
        page["related"] = related.get(paper_id, [])

    index = {
        "schema_version": SCHEMA_VERSION,
        "counts": {
            "leaderboards": len(leaderboards),
            "tasks": len(index_tasks),
            "datasets": len(index_datasets),
            "papers": len(index_papers),
            "results": sum(len(b["rows"]) for b in leaderboards),
        },
        "leaderboards": index_boards,
        "tasks": index_tasks,
        "datasets": index_datasets,
        "papers": index_papers,
    }
    return ApiData(
        index=index,
        leaderboards=leaderboards,
        papers=pages,
        repo=repo,
        boards=boards,
    )
