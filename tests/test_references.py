"""Family 3, references: unknown tasks and datasets, tasks a dataset does not list, parents, cycles."""

from __future__ import annotations

from conftest import PAPER_PATH, where

P = PAPER_PATH


def result(task: str = "question-answering", dataset: str = "squad2.0") -> str:
    return (
        'paper:\n  title: x\n  published: 2019-09-26\n  arxiv: "1909.11942"\nresults:\n'
        f"  - task: {task}\n    dataset: {dataset}\n    model: A\n    metrics: {{EM: 1}}\n"
    )


def test_unknown_task_with_did_you_mean(check_repo):
    problems = check_repo({P: result(task="question-answerin")})
    assert where(problems, "unknown-task") == [(P, 6, "error")]
    p = next(p for p in problems if p.code == "unknown-task")
    assert "did you mean 'question-answering'" in p.message


def test_unknown_dataset(check_repo):
    problems = check_repo({P: result(dataset="squad-2.0")})
    assert where(problems, "unknown-dataset") == [(P, 7, "error")]
    assert "did you mean 'squad2.0'" in next(p.message for p in problems if p.code == "unknown-dataset")


def test_dataset_does_not_list_task(check_repo):
    files = {
        "results/tasks/reading-comprehension.yaml": "id: reading-comprehension\nname: RC\narea: Natural Language Processing\n",  # noqa: E501
        P: result(task="reading-comprehension"),
    }
    assert where(check_repo(files), "dataset-task-mismatch") == [(P, 6, "error")]


def test_dataset_lists_unknown_task(check_repo):
    problems = check_repo(
        {
            "results/datasets/squad2.0.yaml": "id: squad2.0\nname: S\ntasks: [question-answering, qa-x]\n"
            "metrics:\n  - name: EM\n    direction: higher\n"
        }
    )
    assert where(problems, "unknown-task") == [("results/datasets/squad2.0.yaml", 3, "error")]


def test_unknown_parent(check_repo):
    t = "results/tasks/question-answering.yaml"
    problems = check_repo({t: "id: question-answering\nname: QA\narea: Reasoning\nparent: nlp\n"})
    assert where(problems, "unknown-parent-task") == [(t, 4, "error")]


def test_cycle_reported_on_each_member(check_repo):
    files = {
        "results/tasks/a.yaml": "id: a\nname: A\narea: Reasoning\nparent: b\n",
        "results/tasks/b.yaml": "id: b\nname: B\narea: Reasoning\nparent: c\n",
        "results/tasks/c.yaml": "id: c\nname: C\narea: Reasoning\nparent: a\n",
        "results/tasks/d.yaml": "id: d\nname: D\narea: Reasoning\nparent: a\n",
    }
    problems = check_repo(files)
    assert where(problems, "task-cycle") == [
        ("results/tasks/a.yaml", 4, "error"),
        ("results/tasks/b.yaml", 4, "error"),
        ("results/tasks/c.yaml", 4, "error"),
    ]
    assert "a -> b -> c -> a" in next(p.message for p in problems if p.code == "task-cycle")


def test_broken_task_file_does_not_cascade(check_repo):
    problems = check_repo({"results/tasks/question-answering.yaml": "id: question-answering\nname: [\n"})
    assert [p.code for p in problems] == ["yaml-syntax"]
