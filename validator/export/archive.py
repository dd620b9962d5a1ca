"""The archive-compatible export: leaderboards in Papers with Code's `evaluation-tables.json` (sota-extractor) format.

The archive's shape: a list of task objects (`task`, `description`, `categories`, `datasets`,
`subtasks`, `source_link`, `synonyms`), subtasks nested by the task graph's `parent`; each dataset
object (`dataset`, `description`, `dataset_citations`, `dataset_links`, `subdatasets`, `sota`)
holds `sota.metrics` (column names) and `sota.rows` (`model_name`, `paper_title`, `paper_url`,
`paper_date`, `code_links`, `model_links`, `metrics`, `uses_additional_data`). Names are display
names, metric names the declared ones, metric values strings of the numbers as written
(`"0.8428 ± 0.0014"` for an uncertain one), as the archive had them, so that a consumer of the
archive switches by changing a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from validator.leaderboard.build import Board
from validator.load.repository import Repository
from validator.model.inputs import Paper


def archive_paper_url(paper: Paper) -> str:
    """The archive's `paper_url`: the arXiv abstract page, else the DOI, else the paper's url."""
    if paper.arxiv:
        return f"https://arxiv.org/abs/{paper.arxiv}"
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return paper.url or ""


# What every archive row of a paper shares: title, url, date, code links and model links (none).
_Shared = tuple[str, str, str, list[dict[str, str]], list[Any]]


def _shared_by_paper(repo: Repository) -> dict[str, _Shared]:
    """By paper file, what all its archive rows share, made once per paper: in the papers' order,
    the order they lie in memory (not the order leaderboards meet them)."""
    of_paper: dict[str, _Shared] = {}
    for entry in repo.papers:
        paper = entry.model.paper
        of_paper[entry.file] = (
            paper.title,
            archive_paper_url(paper),
            paper.published,
            [{"title": "", "url": link.url} for link in paper.code],
            [],  # model_links: always empty, one list for the paper's rows
        )
    return of_paper


def _dataset_object(repo: Repository, board: Board, of_paper: dict[str, _Shared]) -> dict[str, Any]:
    """One leaderboard as an archive dataset object (`of_paper`: `_shared_by_paper`)."""
    dataset = repo.datasets[board.dataset_id].model
    rows = [
        {
            "model_name": row["model"],
            "paper_title": title,
            "paper_url": url,
            "paper_date": date,
            "code_links": code_links,
            "model_links": model_links,
            "metrics": row["metrics_text"],
            "uses_additional_data": row["uses_additional_data"],
        }
        for row in board.data["rows"]
        for title, url, date, code_links, model_links in (of_paper[row["source"]],)
    ]
    return {
        "dataset": dataset.name,
        "description": dataset.description or "",
        "dataset_citations": [],
        "dataset_links": [{"title": dataset.name, "url": dataset.homepage}] if dataset.homepage else [],
        "subdatasets": [],
        "sota": {"metrics": [m["name"] for m in board.data["metrics"]], "rows": rows},
    }


def evaluation_tables(
    repo: Repository, boards: list[Board], dataset: Callable[[dict[str, Any], int], Any] | None = None
) -> list[dict[str, Any]]:
    """Every task as an archive task object, top-level tasks in id order with their subtasks nested.

    `dataset(obj, level)`, when given, is what stands for each dataset object: `level` is the
    object's nesting level in the returned list (the list itself is level 0), as an indented
    serialisation of it needs."""
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    for task_id in sorted(repo.tasks):
        parent = repo.tasks[task_id].model.parent
        if parent is not None and parent in repo.tasks and parent != task_id:
            children.setdefault(parent, []).append(task_id)
        else:
            roots.append(task_id)

    nodes = {
        task_id: {
            "task": entry.model.name,
            "description": entry.model.description or "",
            "categories": [entry.model.area],
            "datasets": [],
            "subtasks": [],
            "source_link": None,
            "synonyms": list(entry.model.synonyms),
        }
        for task_id, entry in repo.tasks.items()
    }
    # Walk down from the roots (iteratively: a deep task graph must not hit the recursion limit).
    depth = dict.fromkeys(repo.tasks, 0)  # a subtask is one deeper than its parent
    root_set = set(roots)
    reached = set(roots)
    stack = list(roots)
    while stack:
        task_id = stack.pop()
        for child in children.get(task_id, []):
            if child not in reached:
                reached.add(child)
                nodes[task_id]["subtasks"].append(nodes[child])
                depth[child] = depth[task_id] + 1
                stack.append(child)

    of_paper = _shared_by_paper(repo)
    for board in boards:  # already in (task id, dataset id) order
        obj: Any = _dataset_object(repo, board, of_paper)
        if dataset is not None:
            # The top list, a task, its `datasets` list, the object: one more task and `subtasks`
            # list for each level of depth.
            obj = dataset(obj, 3 + 2 * depth[board.task_id])
        nodes[board.task_id]["datasets"].append(obj)
    # Tasks on a parent cycle (an error the reference checks report) have no root: list them at the top.
    return [nodes[task_id] for task_id in sorted(repo.tasks) if task_id in root_set or task_id not in reached]
