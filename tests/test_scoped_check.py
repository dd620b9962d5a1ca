"""A PR check that loads only what a change can affect gives the full check's answer.

`pwc validate --changed-since REF` takes the scoped path (validator/scope.py) when a full run
left its board table in the cache and only paper files changed. Each scenario below commits a
synthetic repository with planted defects, runs the full check once (which writes the table),
changes files the way pull requests do, and then compares, problem by problem, the scoped
answer with the reference: the plain loader without any cache, which checks everything.
The scenarios are chosen so that the answer depends on files the scoped path does not load:
values on the wrong scale and unusual margins (judged against whole leaderboards), duplicate
papers whose other file did not change, deleted and renamed files, and a table older than the
base revision.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate, plant_defects  # noqa: E402
from tests.conftest import commit_all, git  # noqa: E402
from validator import scope  # noqa: E402
from validator.cli import main  # noqa: E402
from validator.load import filecache  # noqa: E402
from validator.load.git import changed_files  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scoped")
    generate(root, 400, seed=3)
    plant_defects(root, seed=3)
    return root


def _papers(root: Path) -> list[Path]:
    return sorted(p for p in (root / "results" / "papers").rglob("*.yaml") if p.stat().st_size > 200)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


_VALUE = re.compile(r"(?<=: )(\d{2,3}\.\d+)(?=[,}])")


def _add_results(root: Path, rng: random.Random) -> None:
    """Five files get a copy of their last result under a new model name (as the benchmark does)."""
    for path in rng.sample(_papers(root), 5):
        lines = _text(path).splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("  - task: ")]
        if not starts:
            continue
        block = [line.replace("    model: ", "    model: New ", 1) for line in lines[starts[-1]:]]
        path.write_text("\n".join(lines + block) + "\n", encoding="utf-8")


def _rescale(root: Path, rng: random.Random) -> None:
    """Values divided by 100 (the wrong scale among their leaderboard's) and values raised far
    ahead of the rest (an unusual margin), in a dozen files."""
    for n, path in enumerate(rng.sample(_papers(root), 12)):
        text = _text(path)
        if n % 2:
            text = _VALUE.sub(lambda m: f"{float(m.group()) / 100:.4f}", text)
        else:
            text = _VALUE.sub(lambda m: f"{min(float(m.group()) * 1.4, 99.99):.2f}", text, count=1)
        path.write_text(text, encoding="utf-8")


def _delete_rename_duplicate(root: Path, rng: random.Random) -> None:
    """A file deleted, one renamed, and a changed file given the arXiv id of an unchanged one."""
    with_arxiv = [p for p in _papers(root) if re.search(r'arxiv: "[^"]+"', _text(p))]
    files = rng.sample(with_arxiv, 4)
    files[0].unlink()
    files[1].rename(files[1].with_name("renamed-" + files[1].name))
    arxiv = re.search(r'arxiv: "([^"]+)"', _text(files[2]))
    assert arxiv
    text = re.sub(r'arxiv: "[^"]+"', f'arxiv: "{arxiv.group(1)}"', _text(files[3]), count=1)
    files[3].write_text(text.replace("    model: ", "    model: Other ", 1), encoding="utf-8")


def _stale_table(root: Path, rng: random.Random) -> None:
    """Commits after the table was written (the table is older than the base), then a change."""
    _rescale(root, rng)
    commit_all(root, "later")
    _add_results(root, rng)


SCENARIOS: dict[str, Callable[[Path, random.Random], None]] = {
    "results added": _add_results,
    "values rescaled": _rescale,
    "deleted, renamed, duplicated": _delete_rename_duplicate,
    "table older than the base": _stale_table,
}


def _validate(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> dict:
    main(["validate", "--root", str(root), "--format", "json", *extra])
    return json.loads(capsys.readouterr().out)


def _checked_out(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    """A committed copy of the corpus, validated once in full with the cache on (which leaves the table)."""
    work = tmp_path / "repo"
    shutil.copytree(corpus, work)
    git(work, "init", "-q")
    commit_all(work, "base")
    monkeypatch.setenv("PWC_CACHE", "1")
    monkeypatch.setenv("PWC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PWC_SCOPE", raising=False)
    filecache.forget()
    _validate(capsys, work)
    return work


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_scoped_check_gives_the_full_answer(
    name: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = _checked_out(corpus, tmp_path, monkeypatch, capsys)
    assert scope.read_table(work) is not None
    SCENARIOS[name](work, random.Random(name))

    changed = {f for f in changed_files(work, "HEAD") if f.startswith("results/")}
    assert changed
    filecache.forget()
    scoped = scope.check_changed(work, "HEAD", changed)
    assert scoped is not None, "the scoped path was not taken"
    loaded = {p.file for p in scoped.repo.papers}
    assert len(loaded) < len(_papers(work)) / 4  # it did not load everything
    filecache.forget()
    answer = _validate(capsys, work, "--changed-since", "HEAD")
    filecache.forget()  # and the PR bot's artifact, with the leaderboards the change moves
    assert _validate(capsys, work, "--changed-since", "HEAD", "--report-dir", str(tmp_path / "bot")) == answer

    monkeypatch.setenv("PWC_CACHE", "0")
    monkeypatch.setenv("PWC_FAST", "0")
    filecache.forget()
    reference = _validate(capsys, work, "--changed-since", "HEAD")
    assert answer == reference
    _validate(capsys, work, "--changed-since", "HEAD", "--report-dir", str(tmp_path / "bot-reference"))
    artifact = {p.name: p.read_bytes() for p in (tmp_path / "bot").iterdir()}
    assert artifact == {p.name: p.read_bytes() for p in (tmp_path / "bot-reference").iterdir()}
    assert b'"change"' in b"".join(artifact.values())  # leaderboard changes are part of it
    assert [p.as_dict() for p in scoped.problems] == reference["problems"]
    if name == "values rescaled":  # judged against leaderboards the scoped path did not load
        codes = {p["code"] for p in reference["problems"]}
        assert {"value-wrong-scale", "value-changed"} <= codes, codes
    if name == "deleted, renamed, duplicated":
        codes = {p["code"] for p in reference["problems"]}
        assert {"result-removed", "duplicate-paper"} <= codes, codes


def test_a_task_or_dataset_change_checks_everything(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = _checked_out(corpus, tmp_path, monkeypatch, capsys)
    dataset = sorted((work / "results" / "datasets").glob("*.yaml"))[0]
    dataset.write_text(_text(dataset) + "\n", encoding="utf-8")
    changed = {f for f in changed_files(work, "HEAD") if f.startswith("results/")}
    assert scope.check_changed(work, "HEAD", changed) is None


def test_a_damaged_table_is_no_table(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A leaderboard of the table that cannot be read sends the check down the full path, with
    the full answer (a damaged cache never stops a validation)."""
    work = _checked_out(corpus, tmp_path, monkeypatch, capsys)
    table = scope.read_table(work)
    assert table is not None
    table.boards = {board: b"\x80\x05not a pickle" for board in table.boards}
    filecache.write(filecache.path_of(work, "boards"), table)
    _add_results(work, random.Random(1))
    changed = {f for f in changed_files(work, "HEAD") if f.startswith("results/")}
    filecache.forget()
    assert scope.check_changed(work, "HEAD", changed) is None
    filecache.forget()
    answer = _validate(capsys, work, "--changed-since", "HEAD")
    monkeypatch.setenv("PWC_CACHE", "0")
    filecache.forget()
    assert answer == _validate(capsys, work, "--changed-since", "HEAD")
