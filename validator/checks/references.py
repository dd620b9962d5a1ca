"""Family 3, references: tasks, datasets and parents that exist, and a task graph without cycles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.checks.registry import code, repository_check
from validator.checks.schema import did_you_mean, suggest
from validator.report.problem import Problem

if TYPE_CHECKING:
    from validator.load.repository import Repository

UNKNOWN_TASK = code(
    "unknown-task",
    "error",
    "references",
    "A result or dataset names a task that has no file.",
    """
    Every task id used by a result (`task:`) or a dataset (`tasks:`) must have a file
    `results/tasks/<id>.yaml`. The message suggests the closest existing task; if the task is
    really new, add its file in the same pull request.
    """,
    "  - task: question-answerring",
    "  - task: question-answering",
)

UNKNOWN_DATASET = code(
    "unknown-dataset",
    "error",
    "references",
    "A result names a dataset that has no file.",
    """
    Every dataset id used by a result must have a file `results/datasets/<id>.yaml` that
    declares its metrics. The message suggests the closest existing dataset.
    """,
    "    dataset: squad-2.0",
    "    dataset: squad2.0",
)

DATASET_TASK_MISMATCH = code(
    "dataset-task-mismatch",
    "error",
    "references",
    "A result's dataset does not list the result's task.",
    """
    A leaderboard is a (task, dataset) pair that the dataset declares in its `tasks:` list.
    Either the result names the wrong task, or the dataset file should list it.
    """,
    "# datasets/squad2.0.yaml: tasks: [question-answering]\n  - task: reading-comprehension\n    dataset: squad2.0",
    "  - task: question-answering\n    dataset: squad2.0",
)

UNKNOWN_PARENT_TASK = code(
    "unknown-parent-task",
    "error",
    "references",
    "A task's `parent` names a task that has no file.",
    """
    `parent:` must be the id of another task file, or be left out for a top-level task.
    """,
    "parent: natural-language-proccessing",
    "parent: question-answering",
)

TASK_CYCLE = code(
    "task-cycle",
    "error",
    "references",
    "Tasks are their own ancestors through `parent`.",
    """
    The parent graph of tasks is a forest. A cycle (a -> b -> a) is reported on every task in
    it, with the whole cycle in the message; remove one `parent:` link.
    """,
    "# tasks/a.yaml\nparent: b\n# tasks/b.yaml\nparent: a",
    "# tasks/a.yaml\nparent: b\n# tasks/b.yaml\nparent: null",
)


@repository_check
def check_dataset_tasks(repo: Repository) -> Iterator[Problem]:
    for ds in repo.datasets.values():
        for i, task in enumerate(ds.model.tasks):
            if task not in repo.task_ids:
                yield UNKNOWN_TASK(
                    ds.file,
                    ds.doc.at(("tasks", i)),
                    f"dataset {ds.id} lists task {task!r}, which has no file"
                    + did_you_mean(task, repo.task_ids),
                    _fix(task, repo.task_ids, "results/tasks"),
                )


@repository_check
def check_result_references(repo: Repository) -> Iterator[Problem]:
    for paper in repo.papers:
        doc = paper.doc
        for i, result in enumerate(paper.model.results):
            if result.task not in repo.task_ids:
                yield UNKNOWN_TASK(
                    paper.file,
                    doc.at(("results", i, "task")),
                    f"task {result.task!r} has no file" + did_you_mean(result.task, repo.task_ids),
                    _fix(result.task, repo.task_ids, "results/tasks"),
                )
            if result.dataset not in repo.dataset_ids:
                yield UNKNOWN_DATASET(
                    paper.file,
                    doc.at(("results", i, "dataset")),
                    f"dataset {result.dataset!r} has no file"
                    + did_you_mean(result.dataset, repo.dataset_ids),
                    _fix(result.dataset, repo.dataset_ids, "results/datasets"),
                )
                continue
            ds = repo.datasets.get(result.dataset)
            if ds is not None and result.task in repo.task_ids and result.task not in ds.model.tasks:
                yield DATASET_TASK_MISMATCH(
                    paper.file,
                    doc.at(("results", i, "task")),
                    f"dataset {result.dataset} does not list task {result.task!r} "
                    f"(it lists {', '.join(ds.model.tasks)})",
                    f"use one of its tasks, or add {result.task} to `tasks:` in {ds.file}",
                )


@repository_check
def check_task_graph(repo: Repository) -> Iterator[Problem]:
    for task in repo.tasks.values():
        parent = task.model.parent
        if parent is not None and parent not in repo.task_ids:
            yield UNKNOWN_PARENT_TASK(
                task.file,
                task.doc.at(("parent",)),
                f"parent task {parent!r} has no file" + did_you_mean(parent, repo.task_ids),
                _fix(parent, repo.task_ids, "results/tasks"),
            )
    # Each task has at most one parent: walk up with colouring; linear in the number of tasks.
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(repo.tasks):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in repo.tasks and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = repo.tasks[node].model.parent
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            shown = " -> ".join([*cycle, node])
            for member in cycle:
                entry = repo.tasks[member]
                yield TASK_CYCLE(
                    entry.file,
                    entry.doc.at(("parent",)),
                    f"task {member} is its own ancestor: {shown}",
                    "remove one `parent:` link of the cycle",
                )
        for member in path:
            state[member] = 2


def _fix(word: str, known: set[str], folder: str) -> str:
    best = suggest(word, known)
    return f"write {best}" if best else f"add {folder}/{word}.yaml"
