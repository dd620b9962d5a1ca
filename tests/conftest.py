"""Shared test helpers: real repositories written to tmp_path, checked by the real pipeline."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from validator import pipeline
from validator.load.repository import load_repository
from validator.report.problem import Problem

REPO_ROOT = Path(__file__).resolve().parent.parent

TASK = """\
id: question-answering
name: Question Answering
area: Natural Language Processing
"""

DATASET = """\
id: squad2.0
name: SQuAD2.0
tasks: [question-answering]
metrics:
  - name: EM
    aliases: [Exact Match]
    direction: higher
    unit: percent
    range: [0, 100]
  - name: F1
    direction: higher
    unit: percent
    range: [0, 100]
primary_metric: F1
"""

PAPER = """\
paper:
  title: "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"
  published: 2019-09-26
  arxiv: "1909.11942"
results:
  - task: question-answering
    dataset: squad2.0
    model: ALBERT (single model)
    metrics: {EM: 88.107, F1: 90.902}
"""

PAPER_PATH = "results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml"


def write_repo(root: Path, files: dict[str, str | bytes | None], base: bool = True) -> Path:
    """Write a repository: a minimal valid one (one task, dataset, paper) overlaid with `files`
    (path -> text, bytes, or None to leave the file out)."""
    layout: dict[str, str | bytes | None] = {}
    if base:
        layout = {
            "results/tasks/question-answering.yaml": TASK,
            "results/datasets/squad2.0.yaml": DATASET,
            PAPER_PATH: PAPER,
        }
    layout.update(files)
    for rel, content in layout.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    (root / "results").mkdir(exist_ok=True)
    return root


def problems_of(root: Path) -> list[Problem]:
    return pipeline.check(load_repository(root))


@pytest.fixture
def check_repo(tmp_path: Path) -> Callable[..., list[Problem]]:
    """check_repo({path: text}) -> every problem of that repository."""

    def run(files: dict[str, str | bytes | None], base: bool = True) -> list[Problem]:
        return problems_of(write_repo(tmp_path, files, base))

    return run


def where(problems: list[Problem], code: str) -> list[tuple[str | None, int | None, str]]:
    """(file, line, severity) of every problem with this code."""
    return [(p.file, p.line, p.severity) for p in problems if p.code == code]


def git(root: Path, *args: str) -> str:
    """Run git in `root` (failing the test if git fails); its output."""
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str) -> None:
    """Commit everything in the work tree of `root` (a throwaway identity)."""
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message)
