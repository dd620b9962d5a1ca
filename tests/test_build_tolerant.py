"""The leaderboard builder on repositories that do not validate (the PR diff builds them too): it leaves out
what it cannot place and never raises. Also: the output schemas in schemas/ are fresh."""

from __future__ import annotations

from pathlib import Path

from validator import pipeline  # noqa: F401  (imports the checks before the loader, as the CLI does)
from validator.commands import schema as schema_command
from validator.export.api import build_api
from validator.leaderboard.build import leaderboard_dicts
from validator.load.repository import load_repository
from validator.model.outputs import OUTPUTS

SCHEMAS = Path(__file__).parent.parent / "schemas"


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


BASE = {
    "results/tasks/t.yaml": "id: t\nname: T\narea: Reasoning\n",
    "results/datasets/d.yaml": (
        "id: d\nname: D\ntasks: [t]\nmetrics:\n  - {name: Score, aliases: [S]}\n  - {name: Other}\n"
    ),
}


def paper(results: str) -> str:
    return f'paper: {{title: P, published: 2020-01-01, arxiv: "2001.00001"}}\nresults:\n{results}'


def test_a_metric_without_direction_ranks_nothing(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            **BASE,
            "results/papers/2020/p.yaml": paper(
                "  - {task: t, dataset: d, model: a, metrics: {Score: 1}}\n"
                "  - {task: t, dataset: d, model: b, metrics: {Score: 2}}\n"
            ),
        },
    )
    (board,) = leaderboard_dicts(load_repository(root))
    assert board["direction"] is None
    assert [(r["rank"], r["model"]) for r in board["rows"]] == [(None, "a"), (None, "b")]
    assert board["sota_history"] == []
    api = build_api(load_repository(root))
    assert api.index["leaderboards"][0]["first"] is None


def test_unknown_tasks_datasets_and_metrics_are_left_out(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            **BASE,
            "results/papers/2020/p.yaml": paper(
                "  - {task: t, dataset: nowhere, model: a, metrics: {Score: 1}}\n"
                "  - {task: nothing, dataset: d, model: b, metrics: {Score: 1}}\n"
                "  - {task: t, dataset: d, model: c, metrics: {Scor: 1, S: 3, Score: 4}}\n"
            ),
        },
    )
    api = build_api(load_repository(root))
    (board,) = api.leaderboards
    # The alias came first in the file: it wins; the undeclared `Scor` is dropped.
    assert [(r["model"], r["metrics"]) for r in board["rows"]] == [("c", {"Score": 3})]
    assert [r["model"] for r in api.papers["p"]["results"]] == ["c"]


def test_an_empty_repository_builds_an_empty_index(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    api = build_api(load_repository(tmp_path))
    assert api.leaderboards == [] and api.evaluation_tables == []
    assert api.index["counts"] == {"leaderboards": 0, "tasks": 0, "datasets": 0, "papers": 0, "results": 0}


def test_output_schemas_are_fresh() -> None:
    documents = schema_command.schema_documents()
    for name in OUTPUTS:
        path = SCHEMAS / f"{name}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_command.render(documents[path.name]), (
            f"{path.name} is stale: run `pwc schema`"
        )
