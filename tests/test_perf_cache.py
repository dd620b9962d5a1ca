"""The file cache never changes an answer: edits, touched files, code changes, broken caches.

Each test validates a small generated repository through the CLI with the cache on, changes
something, and checks the answer against a run without any cache (`PWC_CACHE=0`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from validator.cli import main  # noqa: E402
from validator.load import filecache  # noqa: E402


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    generate(root, 60, seed=3)
    monkeypatch.setenv("PWC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PWC_CACHE", raising=False)
    monkeypatch.delenv("PWC_FAST", raising=False)
    filecache.forget()
    return root


def _answer(capsys: pytest.CaptureFixture[str], root: Path, monkeypatch: pytest.MonkeyPatch, *,
            cache: bool = True) -> dict:
    monkeypatch.setenv("PWC_CACHE", "1" if cache else "0")
    filecache.forget()  # every run reads the cache from disk, as a new process would
    main(["validate", "--root", str(root), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def _first_paper(root: Path) -> Path:
    return sorted((root / "results" / "papers").rglob("*.yaml"))[0]


def test_an_edit_is_seen(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _answer(capsys, repo, monkeypatch)
    assert before["counts"]["error"] == 0
    paper = _first_paper(repo)
    paper.write_text(paper.read_text(encoding="utf-8").replace("    model: ", "    modle: ", 1), encoding="utf-8")
    after = _answer(capsys, repo, monkeypatch)
    assert after == _answer(capsys, repo, monkeypatch, cache=False)
    assert any(p["code"] == "unknown-field" for p in after["problems"])


def test_same_size_same_mtime_edit_is_seen(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that keeps the size and puts the modification time back still changes the
    inode's change time, which is part of the stat key: the file is read and hashed again."""
    _answer(capsys, repo, monkeypatch)
    paper = _first_paper(repo)
    st = paper.stat()
    text = paper.read_text(encoding="utf-8")
    edited = text.replace("    dataset: ", "    datasex: ", 1)
    assert len(edited) == len(text)
    paper.write_text(edited, encoding="utf-8")
    os.utime(paper, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = _answer(capsys, repo, monkeypatch)
    assert after == _answer(capsys, repo, monkeypatch, cache=False)
    assert any(p["code"] == "unknown-field" for p in after["problems"])


def test_a_code_change_makes_the_cache_stale(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(capsys, repo, monkeypatch)
    index = filecache.index(repo)
    assert index.answers and index.stats
    monkeypatch.setattr(filecache, "_CODE", "another version of the validator")
    filecache.forget()
    assert not filecache.index(repo).answers  # written by other code: not used
    assert _answer(capsys, repo, monkeypatch) == _answer(capsys, repo, monkeypatch, cache=False)


def test_an_environment_switch_is_part_of_the_answer_key(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(capsys, repo, monkeypatch)
    key = filecache.answer_key("head", None)
    monkeypatch.setenv("PWC_SOMETHING", "1")
    assert filecache.answer_key("head", None) != key


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x01."])
def test_a_broken_cache_is_an_empty_cache(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    reference = _answer(capsys, repo, monkeypatch)
    for path in Path(os.environ["PWC_CACHE_DIR"]).glob("*.pickle"):
        path.write_bytes(damage)
    assert _answer(capsys, repo, monkeypatch) == reference


def test_a_deleted_file_is_seen(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(capsys, repo, monkeypatch)
    dataset = sorted((repo / "results" / "datasets").glob("*.yaml"))[0]
    dataset.unlink()
    after = _answer(capsys, repo, monkeypatch)
    assert after == _answer(capsys, repo, monkeypatch, cache=False)


def test_the_cache_is_written_where_asked(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(capsys, repo, monkeypatch)
    names = sorted(p.name.split(".", 1)[1] for p in Path(os.environ["PWC_CACHE_DIR"]).glob("*.pickle"))
    assert names == ["boards.pickle", "entries.pickle", "index.pickle"]
    monkeypatch.setenv("PWC_CACHE", "0")
    assert not filecache.enabled()


def test_a_named_cache_is_shared_by_two_checkouts(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workflows check main out at `.` and a pull request at `pr/`: `PWC_CACHE_NAME` makes the
    second find what the first saved (its answer and the table a PR check reads)."""
    import shutil

    from validator import scope

    monkeypatch.setenv("PWC_CACHE_NAME", "results")
    first = _answer(capsys, repo, monkeypatch)
    other = tmp_path / "pr"
    shutil.copytree(repo, other)
    cache = Path(os.environ["PWC_CACHE_DIR"])
    assert sorted(p.name for p in cache.glob("*.pickle")) == [
        "results.boards.pickle", "results.entries.pickle", "results.index.pickle"
    ]
    filecache.forget()
    assert scope.read_table(other) is not None  # the table of the other checkout, by content
    assert _answer(capsys, other, monkeypatch) == first
    monkeypatch.delenv("PWC_CACHE_NAME")
    filecache.forget()
    assert scope.read_table(other) is None  # per root without a name
