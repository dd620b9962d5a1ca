"""`pwc build` as a command: it refuses an invalid repository, rebuilds byte for byte, and swaps its output
in atomically, so that a build killed midway (a real process, SIGKILL) leaves the previous output intact."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from validator.cli import main

CORPUS = Path(__file__).parent / "fixtures" / "build"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (following the OUT link), by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(CORPUS / "results", root / "results")
    return root


def build(root: Path, out: Path) -> int:
    return main(["build", "--root", str(root), "--out", str(out)])


def test_writes_the_api_tree_behind_a_link(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site" / "build"
    assert build(repo, out) == 0
    assert out.is_symlink() and os.readlink(out).startswith(".build.v-")
    files = tree(out)
    assert files["api/v1/index.json"] == (CORPUS / "expected/api/v1/index.json").read_bytes()
    assert "api/v1/leaderboards/question-answering/squad2.0.json" in files
    assert "api/v1/papers/alpha-ensembles-for-reading.json" in files
    assert "api/v1/evaluation-tables.json" in files
    assert "4 leaderboards" in capsys.readouterr().out
    # Only the link, its folder and the lock file sit beside it.
    assert sorted(p.name for p in out.parent.iterdir()) == [".build.lock", os.readlink(out), "build"]


def test_a_rebuild_is_byte_identical(repo: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "build", tmp_path / "two" / "build"
    assert build(repo, first) == 0
    assert build(repo, second) == 0
    before = tree(first)
    assert build(repo, first) == 0  # in place: the link moves to a fresh folder
    for other in (tree(first), tree(second)):
        assert sorted(other) == sorted(before)
        assert [rel for rel in before if other[rel] != before[rel]] == []
    # The previous folder is gone once the new one is in place.
    assert len([p for p in first.parent.iterdir() if p.name.startswith(".build.v-")]) == 1


def test_an_invalid_repository_writes_nothing(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paper = repo / "results/papers/2019/gamma-numbers-as-written.yaml"
    paper.write_text(paper.read_text().replace("dataset: squad2.0", "dataset: squad-two"))
    out = tmp_path / "site" / "build"
    assert build(repo, out) == 1
    printed = capsys.readouterr().out
    assert "gamma-numbers-as-written.yaml" in printed and "squad-two" in printed
    assert not (tmp_path / "site").exists()


def test_an_invalid_repository_leaves_the_previous_build(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert build(repo, out) == 0
    before, target = tree(out), os.readlink(out)
    (repo / "results/tasks/language-modelling.yaml").write_text("id: language-modelling\nname: [not, a, name]\n")
    assert build(repo, out) == 1
    assert os.readlink(out) == target and tree(out) == before


def test_no_results_folder_cannot_run(tmp_path: Path) -> None:
    assert build(tmp_path, tmp_path / "build") == 2
    assert not (tmp_path / "build").exists()


def test_a_real_output_folder_from_an_older_build_is_replaced(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    (out / "api").mkdir(parents=True)
    (out / "stale.html").write_text("old")
    assert build(repo, out) == 0
    assert out.is_symlink() and not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".build.")) == [
        ".build.lock",
        os.readlink(out),
    ]


def test_a_folder_that_is_not_a_build_is_never_replaced(repo: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "thesis.tex").write_text("precious")
    assert build(repo, notes) == 2
    assert build(repo, repo) == 2  # the repository itself
    assert build(repo, tmp_path) == 2  # a folder holding the repository
    assert build(repo, repo / "results" / "build") == 2
    assert (notes / "thesis.tex").read_text() == "precious" and (repo / "results").is_dir()
    assert not (repo / "results" / "build").exists()


def test_an_output_path_that_is_a_file_cannot_run(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "build").write_text("not a folder")
    assert build(repo, tmp_path / "build") == 2
    assert (tmp_path / "build").read_text() == "not a folder"


def _grow(root: Path, papers: int) -> None:
    """Add generated papers so that a build takes long enough to be caught midway."""
    folder = root / "results/papers/2020"
    for i in range(papers):
        (folder / f"generated-{i:05d}.yaml").write_text(
            f'paper:\n  title: "Generated {i}"\n  published: 2020-03-{1 + i % 28:02d}\n'
            f'  url: https://example.org/generated/{i}\n'
            "results:\n"
            f"  - {{task: question-answering, dataset: squad2.0, model: Gen {i},"
            f" metrics: {{EM: {i % 80}, F1: {80 + i % 20}}}}}\n"
            f"  - {{task: language-modelling, dataset: penn-treebank-word, model: Gen {i},"
            f" metrics: {{Test perplexity: {10 + i % 500}}}}}\n"
        )


def test_a_build_killed_midway_leaves_the_previous_output_intact(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert build(repo, out) == 0
    before, target = tree(out), os.readlink(out)
    _grow(repo, 1500)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "validator", "build", "--root", str(repo), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        # Wait for the build to start writing its new folder, then freeze it there.
        deadline = time.monotonic() + 300
        partial: list[Path] = []
        while not partial and proc.poll() is None and time.monotonic() < deadline:
            partial = [p for p in tmp_path.glob(".build.v-*") if p.name != target and any(p.iterdir())]
            time.sleep(0.001)
        assert partial, "the build finished or failed before it could be caught writing"
        os.kill(proc.pid, signal.SIGSTOP)
        assert os.readlink(out) == target, "the build was caught after its swap; grow the corpus"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # The killed build left a partial folder behind, but OUT still shows the previous build, whole.
    assert any(p.exists() for p in partial)
    assert os.readlink(out) == target and tree(out) == before
    # The next build publishes the new data and removes the leftovers.
    assert build(repo, out) == 0
    assert os.readlink(out) != target
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".build.")) == [
        ".build.lock",
        os.readlink(out),
    ]
    assert b"Gen 1499" in (out / "api/v1/leaderboards/question-answering/squad2.0.json").read_bytes()


def test_the_forked_build_writes_the_same_tree(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At scale the checks and the api files run in forked processes (`PWC_JOBS=2` forces it on
    this small corpus): the same bytes, the same message."""
    monkeypatch.setenv("PWC_JOBS", "1")
    assert build(repo, tmp_path / "one" / "build") == 0
    serial = capsys.readouterr().out
    monkeypatch.setenv("PWC_JOBS", "2")
    assert build(repo, tmp_path / "two" / "build") == 0
    assert capsys.readouterr().out.replace("/two/", "/one/") == serial
    assert tree(tmp_path / "two" / "build") == tree(tmp_path / "one" / "build")


def test_the_forked_build_of_an_invalid_repository_publishes_nothing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tree is written while the checks run; their errors throw it away before the swap."""
    monkeypatch.setenv("PWC_JOBS", "2")
    out = tmp_path / "build"
    assert build(repo, out) == 0
    before, target = tree(out), os.readlink(out)
    paper = repo / "results/papers/2019/gamma-numbers-as-written.yaml"
    paper.write_text(paper.read_text().replace("dataset: squad2.0", "dataset: squad-two"))
    assert build(repo, out) == 1
    assert "squad-two" in capsys.readouterr().out
    assert os.readlink(out) == target and tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".build.")) == [".build.lock", target]
    fresh = tmp_path / "site" / "build"
    assert build(repo, fresh) == 1
    assert not (tmp_path / "site").exists()
