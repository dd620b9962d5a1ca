"""validator.load.parsehelper: the forked parse helper's documents are used only for the very
bytes it parsed, and whatever it does not send is parsed by the loader itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from validator.load import filecache
from validator.load.parsehelper import ParseHelper

DOCS = {f"results/papers/2020/p{i:04d}.yaml": f"id: p{i}\ntitle: T {i}\nscore: {i}.50\n".encode() for i in range(600)}
RELS = sorted(DOCS)


def test_the_helper_parses_and_sends_every_document() -> None:
    helper = ParseHelper(RELS, DOCS.get)
    try:
        found = {rel: helper.parsed(rel, filecache.blob_id(DOCS[rel])) for rel in RELS}
    finally:
        helper.finish()
    assert all(found.values())
    data, raw = found[RELS[7]]
    assert data == {"id": "p7", "title": "T 7", "score": 7.5} and raw[("score",)] == "7.50"
    assert helper.parsed("results/papers/2020/not-its.yaml", "0" * 40) is None


def test_a_document_of_other_bytes_is_refused() -> None:
    """The helper read the file before it changed: its blob id differs, the loader parses."""
    helper = ParseHelper(RELS, DOCS.get)
    try:
        assert helper.parsed(RELS[3], filecache.blob_id(b"other bytes")) is None
        assert helper.parsed(RELS[4], filecache.blob_id(DOCS[RELS[4]])) is not None
    finally:
        helper.finish()


def test_a_helper_that_dies_leaves_the_rest_to_the_loader() -> None:
    """What it sent before it died is used; the rest comes back as None (never a hang)."""

    def read(rel: str) -> bytes | None:
        if rel == RELS[400]:
            os.kill(os.getpid(), 9)  # in the helper: it dies mid-stream
        return DOCS.get(rel)

    helper = ParseHelper(RELS, read)
    try:
        found = [helper.parsed(rel, filecache.blob_id(DOCS[rel])) is not None for rel in RELS]
    finally:
        helper.finish()
    assert helper.done
    assert all(found[: ParseHelper.CHUNK]) and not any(found[400:])


def _on_disk(tmp_path: Path) -> Path:
    for rel, data in DOCS.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp_path


def test_a_reading_helper_reads_and_sends_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a cold load the helper reads its share itself: bytes, blob id, stat and document come
    back together, and the loader reads none of those files."""
    from validator.load.bulk import _read

    monkeypatch.setenv("PWC_JOBS", "2")
    root = _on_disk(tmp_path)
    helper = ParseHelper.reading(RELS, lambda rel: _read(f"{root}/{rel}"))
    assert helper is not None
    try:
        theirs = sorted(helper.theirs)
        assert theirs == RELS[len(RELS) - len(theirs) :] and 0 < len(theirs) < len(RELS)
        blob, parsed, data, key = helper.take(theirs[0])  # type: ignore[misc]
        assert data == DOCS[theirs[0]] and blob == filecache.blob_id(data)
        assert key == filecache.stat_key(os.stat(root / theirs[0]))
        i = RELS.index(theirs[0])
        assert parsed[0] == {"id": f"p{i}", "title": f"T {i}", "score": i + 0.5}
        assert all(helper.take(rel) is not None for rel in theirs[1:])
        assert helper.take(RELS[0]) is None  # not one of its files
    finally:
        helper.finish()


def test_a_file_the_reading_helper_cannot_read_is_left_to_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from validator.load.bulk import _read

    monkeypatch.setenv("PWC_JOBS", "2")
    root = _on_disk(tmp_path)
    gone = RELS[-3]
    (root / gone).unlink()
    helper = ParseHelper.reading(RELS, lambda rel: _read(f"{root}/{rel}"))
    assert helper is not None
    try:
        assert helper.take(gone) is None
        assert helper.take(RELS[-2]) is not None
    finally:
        helper.finish()


def test_no_reading_helper_for_nothing_to_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PWC_JOBS", "2")
    assert ParseHelper.reading([], lambda rel: (None, None)) is None
    monkeypatch.setenv("PWC_JOBS", "1")
    assert ParseHelper.reading(RELS, lambda rel: (None, None)) is None


def test_a_load_with_a_reading_helper_is_the_load_without_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same files, blob ids, digest, models and cache index, whichever process read a file;
    and the next load reads no file (the index knows each one's stat)."""
    from benchmarks.generate import generate
    from validator.load.bulk import _scan, load_repository

    root = tmp_path / "repo"
    generate(root, 120, seed=3)
    (root / "results" / "papers" / "2020" / "zz-binary.yaml").write_bytes(b"\x00\x01binary")
    loads = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("PWC_JOBS", jobs)
        monkeypatch.setenv("PWC_CACHE", "1")
        monkeypatch.setenv("PWC_CACHE_DIR", str(tmp_path / f"cache-{jobs}"))
        filecache.forget()
        repo = load_repository(root, remember=False)
        stats = dict(filecache.index(root).stats)
        loads[jobs] = (repo, stats)
    (one, one_stats), (two, two_stats) = loads["1"], loads["2"]
    # With two processes, this process read only its part of the files: the helper read the rest.
    filecache.forget()
    scan = _scan(root, None, early=True)
    try:
        assert scan.helper is not None and len(scan.pending) > len(one.files) // 3
        assert not scan.pending & set(scan.data) and scan.pending < set(one.files)
    finally:
        scan.helper.finish()
    assert two.files == one.files and two.blobs == one.blobs and two.digest == one.digest
    assert [e.model for e in two.papers] == [e.model for e in one.papers]
    assert [p.as_dict() for p in two.problems] == [p.as_dict() for p in one.problems]
    assert any(p.code == "binary-file" for p in two.problems)
    assert two_stats == one_stats and len(two_stats) == len(one.files)
