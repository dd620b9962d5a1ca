"""The shipped results/ build: every leaderboard file, the index, paper pages and the archive export are
written, match their schemas, and agree with each other."""

from __future__ import annotations

import json

import jsonschema
import orjson
import pytest
from conftest import REPO_ROOT

from validator import pipeline  # noqa: F401  (the checks load before the loader, as in the CLI)
from validator.export.api import ApiData, build_api
from validator.export.files import api_files
from validator.load.repository import load_repository


@pytest.fixture(scope="module")
def api() -> ApiData:
    repo = load_repository(REPO_ROOT)
    if not repo.papers:
        pytest.skip("no shipped papers yet")
    return build_api(repo)


@pytest.fixture(scope="module")
def files(api: ApiData) -> dict[str, bytes]:
    return dict(api_files(api))


def schema(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((REPO_ROOT / "schemas" / f"{name}.schema.json").read_text()))


def test_every_leaderboard_and_paper_has_its_file(api: ApiData, files: dict[str, bytes]) -> None:
    index = orjson.loads(files["api/v1/index.json"])
    assert index["counts"]["leaderboards"] == len(api.leaderboards) > 0
    for entry in index["leaderboards"]:
        board = orjson.loads(files[f"api/v1/{entry['path']}"])
        assert (board["task"], board["dataset"]) == (entry["task"], entry["dataset"])
        assert len(board["rows"]) == entry["rows"]
        ranks = [r["rank"] for r in board["rows"]]
        ranked = [r for r in ranks if r is not None]
        assert ranked == sorted(ranked) and ranks[: len(ranked)] == ranked  # unranked rows last
    for entry in index["papers"]:
        assert f"api/v1/{entry['path']}" in files
    assert index["counts"]["results"] == sum(len(b["rows"]) for b in api.leaderboards)


def test_the_albert_paper_leads_squad(files: dict[str, bytes]) -> None:
    path = "api/v1/leaderboards/question-answering/squad2.0.json"
    if path not in files:
        pytest.skip("SQuAD2.0 is not shipped")
    first = orjson.loads(files[path])["rows"][0]
    assert (first["rank"], first["model"]) == (1, "ALBERT (ensemble model)")
    assert first["metrics_text"] == {"EM": "89.731", "F1": "92.215"}


def test_every_file_matches_its_schema(files: dict[str, bytes]) -> None:
    validators = {n: schema(n) for n in ("leaderboard", "index", "paper-page", "evaluation-tables")}
    for rel, data in files.items():
        name = (
            "index"
            if rel.endswith("/index.json")
            else "evaluation-tables"
            if rel.endswith("/evaluation-tables.json")
            else "leaderboard"
            if "/leaderboards/" in rel
            else "paper-page"
        )
        validators[name].validate(orjson.loads(data))


def test_the_archive_export_has_every_row(api: ApiData, files: dict[str, bytes]) -> None:
    def rows(tasks: list[dict]) -> int:
        return sum(len(d["sota"]["rows"]) for t in tasks for d in t["datasets"]) + sum(
            rows(t["subtasks"]) for t in tasks
        )

    assert rows(json.loads(files["api/v1/evaluation-tables.json"])) == sum(len(b["rows"]) for b in api.leaderboards)

