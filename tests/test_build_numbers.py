"""Metric numbers in the published leaderboards are the numbers as written, however the file was loaded.

A number written as an integer is published as a JSON integer, anything else as a float; the text
as written goes to `metrics_text`. The leaderboard reads both from the scalar's text, so these
tests load one repository every way the loader can (plain loader, fast path, the file cache with
documents parsed late) and compare with the expected values, including the rare forms the text
alone does not decide (a YAML tag, hexadecimal, underscores, integers too large for JSON readers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TASK, write_repo
from validator import pipeline
from validator.leaderboard.build import leaderboard_dicts
from validator.load import filecache
from validator.load.bulk import LazyRepository
from validator.load.repository import Repository, load_repository

DATASET = """\
id: squad2.0
name: SQuAD2.0
tasks: [question-answering]
metrics:
  - name: EM
    direction: higher
  - name: F1
    aliases: [F-1]
    direction: higher
primary_metric: EM
"""

# model -> (metrics as written in YAML flow style, expected metrics, expected metrics_text)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {
    "Plain": ("{EM: 86, F1: 86.820}", {"EM": 86, "F1": 86.82}, {"EM": "86", "F1": "86.820"}),
    "Signed": ("{EM: +7, F1: -0}", {"EM": 7, "F1": 0}, {"EM": "+7", "F1": "-0"}),
    "Float tag": ("{EM: !!float 85, F1: !!int 12}", {"EM": 85.0, "F1": 12}, {"EM": "85", "F1": "12"}),
    "Hex": ("{EM: 0x10, F1: 1_000}", {"EM": 16, "F1": 1000}, {"EM": "0x10", "F1": "1_000"}),
    "Octal": ("{EM: 010, F1: 1.0}", {"EM": 8, "F1": 1.0}, {"EM": "010", "F1": "1.0"}),
    "Huge": (
        "{EM: 9007199254740993, F1: 3}",
        {"EM": 9007199254740992.0, "F1": 3},
        {"EM": "9007199254740993", "F1": "3"},
    ),
    "Uncertain": (
        "{EM: {value: 80, error: 0.50}, F-1: {value: 70.0, error: 1}}",
        {"EM": {"value": 80, "error": 0.5}, "F1": {"value": 70.0, "error": 1}},
        {"EM": "80 ± 0.50", "F1": "70.0 ± 1"},
    ),
}


def _paper(slug: str, cases: list[str]) -> str:
    lines = [
        "paper:",
        f'  title: "{slug}"',
        "  published: 2020-01-02",
        f"  url: https://example.org/{slug}",
        "  abstract: Plain words, no tags.",
        "results:",
    ]
    for model in cases:
        lines += [
            "  - task: question-answering",
            "    dataset: squad2.0",
            f"    model: {model}",
            f"    metrics: {CASES[model][0]}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PWC_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("PWC_CACHE", "PWC_FAST"):
        monkeypatch.delenv(name, raising=False)
    filecache.forget()
    tagged = ["Float tag"]
    untagged = [m for m in CASES if m not in tagged]
    # Tags in a file send it to the plain loader; the other file is read by the fast path.
    return write_repo(
        tmp_path / "repo",
        {
            "results/tasks/question-answering.yaml": TASK,
            "results/datasets/squad2.0.yaml": DATASET,
            "results/papers/2020/untagged-numbers.yaml": _paper("untagged-numbers", untagged),
            "results/papers/2020/tagged-numbers.yaml": _paper("tagged-numbers", tagged),
        },
        base=False,
    )


def _rows(repo: Repository) -> dict[str, tuple[Any, Any]]:
    (board,) = leaderboard_dicts(repo)
    return {row["model"]: (row["metrics"], row["metrics_text"]) for row in board["rows"]}


def _check(rows: dict[str, tuple[Any, Any]]) -> None:
    assert set(rows) == set(CASES)
    for model, (_written, values, texts) in CASES.items():
        got_values, got_texts = rows[model]
        assert got_values == values, model
        # 86 and 86.0 are equal in Python: the JSON type is what differs.
        assert {k: type(v) for k, v in got_values.items()} == {k: type(v) for k, v in values.items()}, model
        for name, value in values.items():
            if isinstance(value, dict):
                assert {k: type(v) for k, v in got_values[name].items()} == {k: type(v) for k, v in value.items()}
        assert got_texts == texts, model


def test_numbers_as_written_by_every_loader(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PWC_CACHE", "0")
    _check(_rows(load_repository(root)))
    monkeypatch.setenv("PWC_FAST", "0")
    _check(_rows(load_repository(root)))


def test_numbers_as_written_from_the_file_cache(root: Path) -> None:
    first = pipeline.load(root)
    pipeline.check(first)  # loads the files and writes the cache
    fresh = _rows(first)
    _check(fresh)
    filecache.forget()  # as a new process would: read the cache from disk
    cached = pipeline.load(root)
    assert isinstance(cached, LazyRepository)
    _check(_rows(cached))
