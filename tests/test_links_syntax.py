"""Identifier syntax, offline: arXiv ids that cannot exist, code links that are not repositories."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import PAPER_PATH, where

from validator.checks.links import arxiv_impossible, arxiv_key, normalise_title, parse_code_url


def paper(arxiv: str = '"1909.11942"', code: str = "") -> str:
    return f"""\
paper:
  title: "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"
  published: 2019-09-26
  arxiv: {arxiv}
{code}results:
  - task: question-answering
    dataset: squad2.0
    model: ALBERT (single model)
    metrics: {{EM: 88.107, F1: 90.902}}
"""


def test_a_valid_paper_has_no_link_problems(check_repo):
    code = "  code:\n    - url: https://github.com/google-research/ALBERT/tree/master/examples\n      official: true\n"
    problems = check_repo({PAPER_PATH: paper(code=code)})
    assert [p for p in problems if p.severity == "error"] == []
    assert [p.code for p in problems if p.code.startswith("code-")] == []


def test_an_impossible_arxiv_id_is_an_error_at_its_line(check_repo):
    problems = check_repo({PAPER_PATH: paper('"1913.01234"')})
    assert where(problems, "arxiv-id-impossible") == [(PAPER_PATH, 4, "error")]


def test_a_versioned_arxiv_id_is_an_error_with_the_version_dropped_in_the_hint(check_repo):
    problems = check_repo({PAPER_PATH: paper('"1909.11942v2"')})
    [problem] = [p for p in problems if p.line == 4]
    assert problem.severity == "error"
    assert problem.hint is not None and '"1909.11942"' in problem.hint


def test_a_code_link_to_an_owner_is_not_a_repository(check_repo):
    code = "  code:\n    - url: https://github.com/google-research\n"
    problems = check_repo({PAPER_PATH: paper(code=code)})
    assert where(problems, "code-url-not-repository") == [(PAPER_PATH, 6, "error")]


def test_a_code_link_on_an_unknown_host_is_a_warning(check_repo):
    code = "  code:\n    - url: https://example.org/code.zip\n"
    problems = check_repo({PAPER_PATH: paper(code=code)})
    assert where(problems, "code-url-unknown-host") == [(PAPER_PATH, 6, "warning")]


def test_a_dataset_introduced_in_an_impossible_arxiv_id(check_repo):
    dataset = """\
id: squad2.0
name: SQuAD2.0
introduced_in: {arxiv: "0612.01234"}
tasks: [question-answering]
metrics:
  - name: EM
    direction: higher
  - name: F1
    direction: higher
"""
    problems = check_repo({"results/datasets/squad2.0.yaml": dataset})
    assert where(problems, "arxiv-id-impossible") == [("results/datasets/squad2.0.yaml", 3, "error")]


@pytest.mark.parametrize(
    "value, ok",
    [
        ("1909.11942", True),
        ("0704.0001", True),
        ("1412.6980", True),
        ("2401.00001", True),
        ("hep-th/9711200", True),
        ("math.GT/0309136", True),
        ("1913.01234", False),  # month 13
        ("0612.0001", False),  # before new-style ids
        ("1501.0001", False),  # four digits after 2014
        ("1412.69801", False),  # five digits before 2015
        ("9912.12345", False),  # 2099: in the future
        ("foo-bar/9901001", False),  # no such archive
        ("hep-th/0801001", False),  # old style after March 2007
    ],
)
def test_arxiv_ids_that_can_and_cannot_exist(value, ok):
    assert (arxiv_impossible(value, today=dt.date(2026, 1, 1)) is None) == ok


def test_arxiv_key_drops_the_subject_class():
    assert arxiv_key("math.GT/0309136") == "math/0309136"
    assert arxiv_key("1909.11942") == "1909.11942"


@pytest.mark.parametrize(
    "url, key",
    [
        ("https://github.com/google-research/ALBERT", "google-research/albert"),
        ("https://www.github.com/PaddlePaddle/PGL/tree/main/ogb_examples", "paddlepaddle/pgl"),
        ("https://github.com/huggingface/transformers.git", "huggingface/transformers"),
        ("https://gitlab.com/group/sub/project", None),
        ("https://huggingface.co/albert/albert-base-v2", None),
    ],
)
def test_repository_urls(url, key):
    parsed, problem, _ = parse_code_url(url)
    assert problem is None and parsed is not None and parsed.github_key == key


@pytest.mark.parametrize(
    "url",
    ["https://github.com/topics/nlp", "https://github.com/", "https://gitlab.com/group",
     "https://huggingface.co/spaces/owner"],
)
def test_not_repository_urls(url):
    parsed, problem, _ = parse_code_url(url)
    assert parsed is None and problem is not None and problem.code == "code-url-not-repository"


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ("{BERT}: pre-training of deep bidirectional transformers",
         "BERT: Pre-training of Deep Bidirectional\n  Transformers"),
        ("Ångström-level α-Fold", "Angstrom-level $\\alpha$-Fold"),
        ("On the \\emph{Curse} of Depth", "On the <i>Curse</i> of Depth"),
        ("Q&A for Caf\\'e owners", "Q and A for Café Owners."),
        ("Exploring Text-to-Text Transfer", "Exploring text to text transfer"),
    ],
)
def test_titles_that_are_the_same(ours, theirs):
    assert normalise_title(ours) == normalise_title(theirs)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ("ALBERT: A Lite BERT", "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"),
        ("RoBERTa: Robustly Optimizing Everything", "RoBERTa: A Robustly Optimized BERT Pretraining Approach"),
        ("$\\beta$-VAE", "$\\alpha$-VAE"),
    ],
)
def test_titles_that_differ(ours, theirs):
    assert normalise_title(ours) != normalise_title(theirs)
