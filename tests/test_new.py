"""`pwc new --arxiv ID`: a paper file filled in from (a stand-in of) the arXiv API, or the template offline."""

from __future__ import annotations

import pytest
import yaml
from conftest import problems_of, write_repo
from hypothesis import given, settings
from hypothesis import strategies as st
from standins import closed_port_url
from standins.arxiv_api import REAL_PAPERS, ArxivPaper, ArxivStandIn

from validator.cli import main
from validator.commands.new import Filled, parse_arxiv, render, slug

ROBERTA = "results/papers/2019/roberta-a-robustly-optimized-bert-pretraining.yaml"


@pytest.fixture
def arxiv(monkeypatch, tmp_path):
    papers = dict(REAL_PAPERS)
    papers["2401.00001"] = ArxivPaper(
        "Ångström-scale $\\alpha$-Fold: \"Quotes\", colons: and #hashes",
        "2024-01-01T00:00:00Z",
        ("Zoë Müller", "O'Brien, Pat"),
        "- starts like a list item: with a colon # and a hash, \"quotes\", 'single', {braces} "
        "and [brackets], ünïcödé, and a long enough text to need wrapping over several lines " * 2,
    )
    with ArxivStandIn(papers) as server:
        monkeypatch.setenv("PWC_ARXIV_API_URL", server.url)
        monkeypatch.setenv("PWC_ARXIV_MIN_INTERVAL", "0")
        monkeypatch.setenv("PWC_ONLINE_BACKOFF", "0.01")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        yield server


def test_writes_the_paper_from_arxiv(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "1907.11692", "--root", str(root)]) == 0
    assert capsys.readouterr().out.strip() == ROBERTA
    text = (root / ROBERTA).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/paper.schema.json\n")
    assert "#   - url: https://github.com/<owner>/<repository>" in text and "# - task:" in text
    paper = yaml.safe_load(text)["paper"]
    source = REAL_PAPERS["1907.11692"]
    assert paper["title"] == source.title
    assert paper["authors"] == list(source.authors)
    assert str(paper["published"]) == "2019-07-26"
    assert paper["arxiv"] == "1907.11692"
    assert paper["abstract"] == source.summary
    # The new file is valid as it stands.
    assert [p for p in problems_of(root) if p.severity == "error"] == []


def test_text_that_is_hard_for_yaml_survives(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "2401.00001", "--root", str(root)]) == 0
    rel = capsys.readouterr().out.strip()
    assert rel == "results/papers/2024/angstrom-scale-alpha-fold-quotes-colons-and.yaml"  # no "$", "\\", '"', ":"
    paper = yaml.safe_load((root / rel).read_text(encoding="utf-8"))["paper"]
    source = arxiv.papers["2401.00001"]
    assert paper["title"] == source.title
    assert paper["authors"] == list(source.authors)
    assert paper["abstract"] == " ".join(source.summary.split())
    assert [p for p in problems_of(root) if p.severity == "error" and p.file == rel] == []


def test_the_version_is_dropped_and_said(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "https://arxiv.org/abs/1907.11692v1", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert "dropped the version v1" in captured.err
    assert yaml.safe_load((root / ROBERTA).read_text())["paper"]["arxiv"] == "1907.11692"


def test_old_style_ids_go_to_their_year(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "hep-th/9711200", "--root", str(root)]) == 0
    assert capsys.readouterr().out.strip() == (
        "results/papers/1997/the-large-n-limit-of-superconformal-field.yaml"
    )


def test_an_id_arxiv_does_not_know_writes_nothing(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "2401.99999", "--root", str(root)]) == 1
    assert "arXiv has no paper 2401.99999" in capsys.readouterr().err
    assert not (root / "results/papers/2024").exists()


def test_a_paper_already_in_the_repository_is_not_written_twice(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})  # holds ALBERT
    assert main(["new", "--arxiv", "1909.11942", "--root", str(root)]) == 1
    assert "already in results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml" in capsys.readouterr().err
    assert arxiv.requests == []


def test_offline_writes_the_template_with_the_id(tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "1907.11692", "--offline", "--root", str(root)]) == 0
    rel = capsys.readouterr().out.strip()
    assert rel == "results/papers/2019/arxiv-1907.11692.yaml"
    paper = yaml.safe_load((root / rel).read_text())["paper"]
    assert paper == {"title": "arXiv:1907.11692", "published": "2019-07", "arxiv": "1907.11692"}
    assert [p for p in problems_of(root) if p.severity == "error"] == []


def test_an_unreachable_arxiv_falls_back_to_the_template(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PWC_ARXIV_API_URL", closed_port_url() + "/api/query")
    monkeypatch.setenv("PWC_ONLINE_RETRIES", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", "1907.11692", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert "could not be asked" in captured.err and "refused" in captured.err
    assert captured.out.strip() == "results/papers/2019/arxiv-1907.11692.yaml"


def test_a_slug_taken_by_another_paper_is_numbered(arxiv, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {ROBERTA: "paper: {}\n"})
    assert main(["new", "--arxiv", "1907.11692", "--root", str(root)]) == 0
    assert capsys.readouterr().out.strip() == ROBERTA.replace(".yaml", "-1.yaml")


@pytest.mark.parametrize("bad", ["not-an-id", "1913.01234", ""])
def test_bad_ids_cannot_run(bad, tmp_path, capsys):
    root = write_repo(tmp_path / "repo", {})
    assert main(["new", "--arxiv", bad, "--offline", "--root", str(root)]) == 2


def test_no_results_folder_cannot_run(tmp_path):
    assert main(["new", "--arxiv", "1907.11692", "--offline", "--root", str(tmp_path)]) == 2


@pytest.mark.parametrize(
    "title, expected",
    [
        # Paper ids as Papers with Code made them.
        ("ALBERT: A Lite BERT for Self-supervised Learning of Language Representations",
         "albert-a-lite-bert-for-self-supervised"),
        ("BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
         "bert-pre-training-of-deep-bidirectional"),
        ("RoBERTa: A Robustly Optimized BERT Pretraining Approach", "roberta-a-robustly-optimized-bert-pretraining"),
        ("Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
         "exploring-the-limits-of-transfer-learning"),
        ("Attention Is All You Need", "attention-is-all-you-need"),
        ("XLNet: Generalized Autoregressive Pretraining for Language Understanding",
         "xlnet-generalized-autoregressive-pretraining"),
        ("Deep Residual Learning for Image Recognition", "deep-residual-learning-for-image-recognition"),
        ("DistilBERT, a distilled version of BERT: smaller, faster, cheaper and lighter",
         "distilbert-a-distilled-version-of-bert"),
        ("Don't Stop Pretraining: Adapt Language Models to Domains and Tasks",
         "dont-stop-pretraining-adapt-language-models"),
    ],
)
def test_slug_like_papers_with_code(title, expected):
    assert slug(title) == expected


@pytest.mark.parametrize(
    "raw, bare, version",
    [
        ("1909.11942", "1909.11942", None),
        ("1909.11942v2", "1909.11942", "v2"),
        ("arXiv:1909.11942", "1909.11942", None),
        ("https://arxiv.org/pdf/1909.11942v6.pdf", "1909.11942", "v6"),
        ("hep-th/9711200v3", "hep-th/9711200", "v3"),
        ("10.18653/v1/N19-1423", None, None),
    ],
)
def test_parse_arxiv(raw, bare, version):
    assert parse_arxiv(raw) == (bare, version)


@settings(max_examples=200, deadline=None)
@given(title=st.text(min_size=1, max_size=80), author=st.text(min_size=1, max_size=20),
       abstract=st.text(min_size=1, max_size=300))
def test_whatever_arxiv_says_comes_back_unchanged_from_the_file(title, author, abstract):
    text = render(Filled("1907.11692", title, (author,), "2019-07-26", abstract))
    paper = yaml.safe_load(text)["paper"]
    assert paper["title"] == title and paper["authors"] == [author] and paper["abstract"] == abstract
