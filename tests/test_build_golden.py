"""The published data of the small build corpus (tests/fixtures/build): ranks in both directions, ties, a
missing primary metric, aliases, uncertainties, history, the index, paper pages and the archive export.

The corpus's files are compared byte for byte with tests/fixtures/build/expected/ (regenerate after a
deliberate change with `PWC_UPDATE_GOLDEN=1 pytest tests/test_build_golden.py`); the other tests
spell the contract out so that a wrong golden file cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from validator import pipeline
from validator.export.api import ApiData, build_api
from validator.export.files import api_files
from validator.leaderboard.build import leaderboard_dicts
from validator.load.repository import load_repository
from validator.model.outputs import OUTPUTS

CORPUS = Path(__file__).parent / "fixtures" / "build"
EXPECTED = CORPUS / "expected"
SCHEMAS = Path(__file__).parent.parent / "schemas"


@pytest.fixture(scope="module")
def api() -> ApiData:
    repo = load_repository(CORPUS)
    assert [p for p in pipeline.check(repo) if p.severity == "error"] == []
    return build_api(repo)


@pytest.fixture(scope="module")
def files(api: ApiData) -> dict[str, bytes]:
    return dict(api_files(api))


def board(api: ApiData, task: str, dataset: str) -> dict[str, Any]:
    (found,) = [b for b in api.leaderboards if b["task"]["id"] == task and b["dataset"]["id"] == dataset]
    return found


def table(rows: list[dict[str, Any]], metric: str) -> list[tuple[int | None, str, str | None]]:
    return [(r["rank"], r["model"], r["metrics_text"].get(metric)) for r in rows]


def test_files_match_the_golden_tree(files: dict[str, bytes]) -> None:
    if os.environ.get("PWC_UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in files.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    expected = {p.relative_to(EXPECTED).as_posix(): p.read_bytes() for p in EXPECTED.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected)
    for rel, data in files.items():
        assert data == expected[rel], rel


def test_higher_is_better_with_ties_partial_dates_and_a_missing_primary(api: ApiData) -> None:
    squad = board(api, "question-answering", "squad2.0")
    assert squad["primary_metric"] == "F1" and squad["direction"] == "higher"
    assert table(squad["rows"], "F1") == [
        (1, "Alpha (ensemble)", "92.215"),
        (2, "Beta", "90.689"),
        # A tie shares rank 3; 2019-07 sorts as 2019-07-01, before 2019-07-26; then by model name.
        (3, "Delta", "89.795"),
        (3, "Delta small", "89.795"),
        (3, "Gamma", "89.795"),
        (6, "Epsilon", "83.061"),
        (None, "Epsilon (EM only)", None),  # no F1: last, unranked
    ]
    assert [r["evaluated_on"] for r in squad["rows"][2:5]] == ["2019-07", "2019-07", "2019-07-26"]


def test_lower_is_better_from_the_catalogue_with_an_alias(api: ApiData) -> None:
    ptb = board(api, "language-modelling", "penn-treebank-word")
    assert ptb["direction"] == "lower"  # from results/metrics.yaml's Perplexity kind
    assert ptb["metrics"] == [
        {"name": "Test perplexity", "direction": "lower", "unit": "none"},
        {"name": "Params", "direction": "lower", "unit": "count"},
    ]
    assert table(ptb["rows"], "Test perplexity") == [
        (1, "Eta large", "55.97"),
        (1, "Theta", "55.97"),
        (3, "Eta", "58.3"),
        (4, "Zeta LSTM", "78.4"),
        (5, "Zeta LSTM (small)", "82.7"),  # written as `Test PPL`, an alias
    ]
    assert ptb["rows"][4]["metrics"] == {"Test perplexity": 82.7, "Params": 10000000}


def test_aliases_are_written_under_the_declared_name(api: ApiData) -> None:
    beta = [r for r in board(api, "question-answering", "squad2.0")["rows"] if r["model"] == "Beta"][0]
    assert beta["metrics"] == {"EM": 87.926, "F1": 90.689}  # the file says `Exact Match`


def test_numbers_are_kept_as_written(api: ApiData) -> None:
    gamma = [r for r in board(api, "question-answering", "squad2.0")["rows"] if r["model"] == "Gamma"][0]
    assert gamma["metrics"]["EM"] == 86.82 and gamma["metrics_text"]["EM"] == "86.820"


def test_uncertainties_are_kept(api: ApiData) -> None:
    ogb = board(api, "node-property-prediction", "ogbn-products")
    assert table(ogb["rows"], "Test Accuracy") == [
        (1, "Iota", "0.8428 ± 0.0014"),
        (2, "Kappa", "0.8418 ± 0.0007"),
        (3, "Kappa linear", "0.8301"),
    ]
    assert ogb["rows"][1]["metrics"] == {
        "Test Accuracy": {"value": 0.8418, "error": 0.0007},
        "Validation Accuracy": 0.9147,
    }


def test_rows_carry_paper_links_code_and_source(api: ApiData) -> None:
    rows = {r["model"]: r for r in board(api, "question-answering", "squad2.0")["rows"]}
    assert rows["Alpha (ensemble)"]["paper"] == {
        "id": "alpha-ensembles-for-reading",
        "title": "Alpha: Ensembles for Reading Comprehension",
        "arxiv": "1909.00001",
        "url": "https://arxiv.org/abs/1909.00001",
    }
    assert rows["Alpha (ensemble)"]["code"] == [{"url": "https://github.com/example/alpha", "official": True}]
    assert rows["Alpha (ensemble)"]["source"] == "results/papers/2019/alpha-ensembles-for-reading.yaml"
    assert rows["Beta"]["paper"]["url"] == "https://example.org/beta"  # its own url wins over arXiv
    assert rows["Gamma"]["paper"]["url"] == "https://doi.org/10.1234/gamma.2019"
    assert rows["Epsilon"]["uses_additional_data"] is True


def test_sota_history(api: ApiData) -> None:
    def points(task: str, dataset: str) -> list[tuple[str, str, float | int]]:
        return [(h["date"], h["model"], h["value"]) for h in board(api, task, dataset)["sota_history"]]

    assert points("question-answering", "squad2.0") == [
        ("2018-10", "Epsilon", 83.061),  # with additional data: all rows count
        ("2019-06-19", "Beta", 90.689),
        ("2019-09-26", "Alpha (ensemble)", 92.215),
    ]
    # Of two results on one date only the best; a later tie is not an improvement.
    assert points("language-modelling", "penn-treebank-word") == [
        ("2018", "Zeta LSTM", 78.4),
        ("2019-02-14", "Eta large", 55.97),
    ]
    ogb = board(api, "node-property-prediction", "ogbn-products")["sota_history"]
    assert [(h["model"], h["value"], h["value_text"]) for h in ogb] == [
        ("Kappa", 0.8418, "0.8418 ± 0.0007"),
        ("Iota", 0.8428, "0.8428 ± 0.0014"),
    ]


def test_index(api: ApiData) -> None:
    index = api.index
    assert index["schema_version"] == 1
    assert index["counts"] == {"leaderboards": 4, "tasks": 4, "datasets": 4, "papers": 10, "results": 17}
    assert [(b["task"]["id"], b["dataset"]["id"]) for b in index["leaderboards"]] == [
        ("language-modelling", "penn-treebank-word"),
        ("node-property-prediction", "ogbn-products"),
        ("open-domain-question-answering", "natural-questions"),
        ("question-answering", "squad2.0"),
    ]
    squad = index["leaderboards"][3]
    assert squad["first"] == {
        "model": "Alpha (ensemble)",
        "paper_id": "alpha-ensembles-for-reading",
        "value": 92.215,
        "value_text": "92.215",
    }
    assert (squad["rows"], squad["unit"]) == (7, "percent")
    assert squad["path"] == "leaderboards/question-answering/squad2.0.json"
    qa = [t for t in index["tasks"] if t["id"] == "question-answering"][0]
    assert qa["subtasks"] == ["open-domain-question-answering"] and qa["datasets"] == ["squad2.0"]
    assert [p["id"] for p in index["papers"]] == sorted(p["id"] for p in index["papers"])


def test_paper_pages(api: ApiData) -> None:
    delta = api.papers["delta-ties-on-partial-dates"]
    assert delta["pdf_url"] == "https://arxiv.org/pdf/1907.00004"
    assert [(r["model"], r["rank"], r["rows"]) for r in delta["results"]] == [("Delta small", 3, 7), ("Delta", 3, 7)]
    assert [p["id"] for p in delta["related"]][:2] == ["beta-reading-with-aliases", "gamma-numbers-as-written"]
    alpha = api.papers["alpha-ensembles-for-reading"]
    # Beta shares both of Alpha's leaderboards: most shared first.
    assert alpha["related"][0]["id"] == "beta-reading-with-aliases"
    assert all(p["id"] != "alpha-ensembles-for-reading" for p in alpha["related"])


def test_archive_export(api: ApiData, files: dict[str, bytes]) -> None:
    data = files["api/v1/evaluation-tables.json"]
    tables = json.loads(data)
    # The archive's conventions: what json.dumps(indent=2, sort_keys=True) writes.
    assert data.decode("ascii") == json.dumps(tables, indent=2, sort_keys=True)
    assert [t["task"] for t in tables] == ["Language Modelling", "Node Property Prediction", "Question Answering"]
    qa = tables[2]
    assert qa["categories"] == ["Natural Language Processing"] and qa["synonyms"] == ["QA"]
    assert [s["task"] for s in qa["subtasks"]] == ["Open-Domain Question Answering"]
    squad = qa["datasets"][0]
    assert squad["dataset"] == "SQuAD2.0"
    assert squad["dataset_links"] == [{"title": "SQuAD2.0", "url": "https://rajpurkar.github.io/SQuAD-explorer/"}]
    assert squad["sota"]["metrics"] == ["EM", "F1"]
    rows = squad["sota"]["rows"]
    assert [r["model_name"] for r in rows][:3] == ["Alpha (ensemble)", "Beta", "Delta"]
    assert rows[0] == {
        "model_name": "Alpha (ensemble)",
        "paper_title": "Alpha: Ensembles for Reading Comprehension",
        "paper_url": "https://arxiv.org/abs/1909.00001",
        "paper_date": "2019-09-26",
        "code_links": [{"title": "", "url": "https://github.com/example/alpha"}],
        "model_links": [],
        "metrics": {"EM": "89.731", "F1": "92.215"},
        "uses_additional_data": False,
    }
    by_model = {r["model_name"]: r for r in rows}
    assert by_model["Beta"]["paper_url"] == "https://arxiv.org/abs/1906.00002"  # arXiv first in the archive
    assert by_model["Beta"]["metrics"] == {"EM": "87.926", "F1": "90.689"}
    assert by_model["Gamma"]["metrics"]["EM"] == "86.820"
    ogb = tables[1]["datasets"][0]["sota"]["rows"]
    assert ogb[0]["metrics"] == {"Test Accuracy": "0.8428 ± 0.0014", "Validation Accuracy": "0.9287 ± 0.0003"}
    assert b"\\u00b1" in data  # non-ASCII escaped, as in the archive


def test_every_file_matches_its_schema(files: dict[str, bytes]) -> None:
    def kind(rel: str) -> str:
        if rel.endswith("index.json"):
            return "index"
        if rel.endswith("evaluation-tables.json"):
            return "evaluation-tables"
        return "leaderboard" if "/leaderboards/" in rel else "paper-page"

    validators = {
        name: jsonschema.Draft202012Validator(json.loads((SCHEMAS / f"{name}.schema.json").read_text()))
        for name in OUTPUTS
    }
    for rel, data in files.items():
        doc = orjson.loads(data)
        validators[kind(rel)].validate(doc)
        # No field the models do not know: the round trip through the model gives the file back.
        assert OUTPUTS[kind(rel)].model_validate(doc).model_dump(mode="json") == doc, rel
        if kind(rel) != "evaluation-tables":
            assert doc["schema_version"] == 1


def test_leaderboard_dicts_is_the_published_leaderboards(api: ApiData) -> None:
    assert leaderboard_dicts(load_repository(CORPUS)) == api.leaderboards


def test_leaderboard_dicts_can_build_only_some_pairs(api: ApiData) -> None:
    only = leaderboard_dicts(load_repository(CORPUS), {("question-answering", "squad2.0"), ("nope", "none")})
    assert only == [board(api, "question-answering", "squad2.0")]
