"""papers-with-abstracts.json: streamed item by item, only the papers the archive rows can match kept."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.cli import main
from validator.importer.papers import NotAnArray, Wanted, build_index, iter_array

PAPERS = [
    {"arxiv_id": "1609.02907", "title": "Semi-Supervised Classification with Graph Convolutional Networks",
     "abstract": "A [bracketed] \"quoted\" abstract, with ] and } inside.", "url_abs": "https://arxiv.org/abs/1609.02907v4",
     "authors": ["Thomas N. Kipf", "Max Welling"], "date": "2016-09-09"},
    {"arxiv_id": None, "title": "A Paper Without arXiv", "url_abs": "https://www.aclweb.org/anthology/P18-1000/",
     "authors": None, "date": None},
    "not an object",
    {"arxiv_id": "2001.00001", "title": "Unrelated", "date": "2020-01-01"},
]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_items_are_streamed_at_any_chunk_size(chunk: int) -> None:
    text = json.dumps(PAPERS, indent=1)
    assert list(iter_array(io.StringIO(text), chunk=chunk)) == PAPERS
    assert list(iter_array(io.StringIO("  [ ]  "), chunk=chunk)) == []


@given(st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=20) | st.integers(), max_size=3), max_size=5),
       st.integers(min_value=1, max_value=50))
def test_any_list_of_objects_streams_back(items: list[dict], chunk: int) -> None:
    assert list(iter_array(io.StringIO(json.dumps(items)), chunk=chunk)) == items


def test_not_a_list_or_truncated() -> None:
    with pytest.raises(NotAnArray):
        list(iter_array(io.StringIO('{"a": 1}')))
    with pytest.raises(json.JSONDecodeError):
        list(iter_array(io.StringIO('[{"a": 1}, {"b": '), chunk=4))


def test_only_wanted_papers_are_kept() -> None:
    wanted = Wanted(frozenset({"1609.02907"}), frozenset({"aclweb.org/anthology/P18-1000"}), frozenset())
    index = build_index(PAPERS, wanted)
    assert index.entries == 3 and index.skipped == 1
    assert set(index.by_arxiv) == {"1609.02907"}
    info = index.find(None, ["http://aclweb.org/anthology/P18-1000"], None)
    assert info is not None and info.title == "A Paper Without arXiv" and info.date is None
    assert index.find("2001.00001", [], None) is None
    kipf = index.find("1609.02907", [], None)
    assert kipf is not None and kipf.authors == ("Thomas N. Kipf", "Max Welling") and kipf.date == "2016-09-09"


def test_cli_refuses_a_papers_file_that_is_not_a_list(tmp_path: Path, capsys) -> None:
    (tmp_path / "results").mkdir()
    archive = tmp_path / "a.json"
    archive.write_text("[]")
    papers = tmp_path / "p.json"
    papers.write_text('{"papers": []}')
    assert main(["import", str(archive), "--papers", str(papers), "--root", str(tmp_path)]) == 2
    assert "not a JSON list of papers" in capsys.readouterr().err
    assert main(["import", str(archive), "--papers", str(tmp_path / "none.json"), "--root", str(tmp_path)]) == 2
