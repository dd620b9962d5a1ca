"""Generated files are fresh, and the JSON Schemas agree with the validator on real files."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO_ROOT

from validator.checks.registry import CODES, load_all
from validator.commands import docs as docs_command
from validator.commands import schema as schema_command
from validator.load.paths import discover
from validator.load.repository import kind_of, load_file
from validator.load.yamlload import parse

SCHEMA_OF_KIND = {"task": "task", "dataset": "dataset", "paper": "paper", "metrics": "metrics"}


def test_committed_schemas_are_fresh():
    for name, schema in schema_command.schema_documents().items():
        path = REPO_ROOT / "schemas" / name
        assert path.exists(), f"{name} missing: run `pwc schema`"
        assert path.read_text(encoding="utf-8") == schema_command.render(schema), f"{name} is stale: run `pwc schema`"


def test_problem_docs_are_fresh():
    text = (REPO_ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert text == docs_command.render(), "docs/problems.md is stale: run `pwc docs`"


def test_every_code_is_documented_with_examples():
    load_all()
    for c in CODES.values():
        assert c.summary and c.explanation and c.bad and c.good, c.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.code)


def test_every_code_has_a_fixture_test():
    load_all()
    test_text = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    untested = [c for c in CODES if f'"{c}"' not in test_text]
    assert untested == [], f"codes without a fixture test: {untested}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _schema(kind: str) -> dict:
    return json.loads((REPO_ROOT / "schemas" / f"{SCHEMA_OF_KIND[kind]}.schema.json").read_text())


def test_every_shipped_file_validates_against_its_schema():
    files = discover(REPO_ROOT)
    assert files
    for rel in files:
        kind = kind_of(rel)
        assert kind is not None, rel
        doc, problems = parse(rel, (REPO_ROOT / rel).read_text(encoding="utf-8"))
        jsonschema.validate(_jsonable(doc.data), _schema(kind))


def test_shipped_files_carry_the_editor_schema_header():
    for rel in discover(REPO_ROOT):
        kind = kind_of(rel)
        first = (REPO_ROOT / rel).read_text(encoding="utf-8").splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, f"{rel}: first line should be the yaml-language-server schema header"
        target = ((REPO_ROOT / rel).parent / m.group(1)).resolve()
        assert target == (REPO_ROOT / "schemas" / f"{SCHEMA_OF_KIND[kind]}.schema.json").resolve(), rel


# Files the models reject for shape reasons; the schemas must reject them too.
SHAPE_FIXTURES = [
    ("task", "id: qa\nname: QA\narea: NLP\n"),
    ("task", "id: QA\nname: QA\narea: Reasoning\n"),
    ("task", "id: qa\nname: QA\narea: Reasoning\ncolour: red\n"),
    ("task", "name: QA\narea: Reasoning\n"),
    ("dataset", "id: d\nname: D\ntasks: []\nmetrics: [{name: A, direction: higher}]\n"),
    ("dataset", "id: d\nname: D\ntasks: [t]\nmetrics: [{name: A, direction: up}]\n"),
    ("dataset", "id: d\nname: D\ntasks: [t]\nmetrics: [{name: A}]\nconstraints: [{bigger: [A, A]}]\n"),
    ("dataset", "id: d\nname: D\ntasks: [t]\nmetrics: [{name: A}]\nhomepage: http://x.org\n"),
    ("paper", "paper: {title: x, published: 2019-09-26}\nresults: []\n"),
    ("paper", 'paper: {title: x, published: 2019-9-26, arxiv: "1909.11942"}\n'),
    ("paper", "paper: {title: x, published: 2019-09-26, arxiv: 1909.11942}\n"),
    ("paper", 'paper: {title: x, published: 2019-09-26, arxiv: "1909.11942v2"}\n'),
    ("paper", 'paper: {title: x, published: 2019-09-26, arxiv: "1909.11942"}\nresults: [{task: t, dataset: d, model: m, metrics: {A: "89%"}}]\n'),  # noqa: E501
    ("paper", 'paper: {title: x, published: 2019-09-26, arxiv: "1909.11942"}\nresults: [{task: t, dataset: d, model: m, metrics: {}}]\n'),  # noqa: E501
    ("paper", 'paper: {title: x, published: 2019-09-26, arxiv: "1909.11942"}\nresults: [{task: t, dataset: d, model: m, metrics: {A: {value: 1}}}]\n'),  # noqa: E501
    ("paper", 'paper: {title: x, published: 2019-09-26, arxiv: "1909.11942", code: [{url: "github.com/x"}]}\n'),
    ("metrics", "metrics: [{name: A}]\n"),
]


@pytest.mark.parametrize("kind,text", SHAPE_FIXTURES)
def test_schema_rejects_what_the_model_rejects(kind, text):
    rel = {
        "task": "results/tasks/qa.yaml",
        "dataset": "results/datasets/d.yaml",
        "paper": "results/papers/2019/x.yaml",
        "metrics": "results/metrics.yaml",
    }[kind]
    _, model, doc, problems = load_file(rel, text.encode())
    assert model is None and problems, "the model must reject this fixture"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_jsonable(doc.data), _schema(kind))


def test_load_all_imports_every_check_module() -> None:
    """A check module that `registry.load_all()` forgets would register nothing in a fresh
    process (tests that import check modules directly would hide it): checked in a fresh one."""
    import subprocess
    import sys

    script = (
        "import pkgutil, sys, validator.checks as c\n"
        "from validator.checks.registry import load_all\n"
        "load_all()\n"
        "names = [m.name for m in pkgutil.iter_modules(c.__path__) if m.name != 'registry']\n"
        "print([n for n in names if 'validator.checks.' + n not in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
