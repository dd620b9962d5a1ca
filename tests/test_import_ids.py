"""Identifiers from archive URLs, Papers-with-Code-style slugs, dates from ids and model names."""

from __future__ import annotations

import pytest

from validator.importer import ids


@pytest.mark.parametrize(
    ("url", "arxiv"),
    [
        ("https://arxiv.org/abs/1909.11942", "1909.11942"),
        ("https://arxiv.org/abs/1909.11942v6", "1909.11942"),
        ("http://arxiv.org/pdf/1909.11942v2.pdf", "1909.11942"),
        ("https://arxiv.org/pdf/1409.0473.pdf", "1409.0473"),
        ("https://arxiv.org/pdf/2104.09376", "2104.09376"),
        ("https://www.arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("http://aclweb.org/anthology/S18-1116", None),
        ("https://example.org/abs/1909.11942", None),
    ],
)
def test_arxiv_from_url(url: str, arxiv: str | None) -> None:
    assert ids.arxiv_from_url(url) == arxiv


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.org/10.1016/j.knosys.2018.11.018", "10.1016/j.knosys.2018.11.018"),
        ("https://www.mitpressjournals.org/doi/full/10.1162/tacl_a_00051", "10.1162/tacl_a_00051"),
        ("https://pubs.acs.org/doi/10.1021/ci100050t", "10.1021/ci100050t"),
        ("https://openreview.net/forum?id=r1lGO0EKDH", None),
    ],
)
def test_doi_from_url(url: str, doi: str | None) -> None:
    assert ids.doi_from_url(url) == doi


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("ALBERT: A Lite BERT for Self-supervised Learning of Language Representations",
         "albert-a-lite-bert-for-self-supervised"),
        ("BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
         "bert-pre-training-of-deep-bidirectional"),
        ("Deep Residual Learning for Image Recognition", "deep-residual-learning-for-image-recognition"),
        ("Attention Is All You Need", "attention-is-all-you-need"),
        ("Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
         "exploring-the-limits-of-transfer-learning"),
        ("RoBERTa: A Robustly Optimized BERT Pretraining Approach", "roberta-a-robustly-optimized-bert-pretraining"),
        ("Regularizing and Optimizing LSTM Language Models", "regularizing-and-optimizing-lstm-language"),
        ("Pneumonoultramicroscopicsilicovolcanoconiosisandthensome words", "pneumonoultramicroscopicsilicovolcanoconiosisa"[:45]),  # noqa: E501
        ("Don’t Give Me the Details, Just the Summary!", "dont-give-me-the-details-just-the-summary"),
        ("Ünïcödé Títlé", "unicode-title"),
        ("!!!", "paper"),
    ],
)
def test_paper_slug_like_papers_with_code(title: str, slug: str) -> None:
    assert ids.paper_slug(title, set()) == slug
    assert ids.valid_id(slug)


def test_paper_slug_is_unique() -> None:
    taken = {"attention-is-all-you-need", "attention-is-all-you-need-1"}
    assert ids.paper_slug("Attention is all you need", taken) == "attention-is-all-you-need-2"


@pytest.mark.parametrize(
    ("name", "slug"),
    [("SQuAD2.0", "squad2.0"), ("Part-Of-Speech Tagging", "part-of-speech-tagging"),
     ("Wsd Lexical Sample Task:", "wsd-lexical-sample-task"), ("1B Words / Google Billion Word benchmark",
                                                               "1b-words-google-billion-word-benchmark"),
     ("Q->A", "q-a"), ("...", "unnamed"), ("x" * 300, "x" * 120)],
)
def test_entity_ids_are_valid_slugs(name: str, slug: str) -> None:
    assert ids.entity_id(name) == slug
    assert ids.valid_id(slug)


def test_a_numbered_id_stays_within_the_length_bound() -> None:
    """Two datasets of one 130-character name: the second id is numbered and still valid
    (found by hypothesis: `-1` made it 122 characters, the validator refused the dataset file and
    the paper file that used it, and a second import converted the rows again)."""
    first = ids.entity_id("x" * 130)
    second = ids.entity_id("x" * 130, {first})
    assert len(first) == ids.MAX_ID and second != first
    assert ids.valid_id(second) and second.endswith("-1")
    tenth = ids.entity_id("x" * 130, {first, *(f"{'x' * (ids.MAX_ID - 2)}-{n}" for n in range(1, 10))})
    assert tenth.endswith("-10") and ids.valid_id(tenth)


def test_dates_from_ids_and_names() -> None:
    assert ids.arxiv_month("1708.02182") == "2017-08"
    assert ids.arxiv_month("hep-th/9901001") == "1999-01"
    assert ids.arxiv_month("1713.02182") is None
    assert ids.year_in_name("AWD-LSTM (2017)") == "2017"
    assert ids.year_in_name("Zhong et al. (2018)") == "2018"
    assert ids.year_in_name("Kummerfeld et al. , (2010)") == "2010"
    assert ids.year_in_name("GPT-2 1542M") is None
    assert ids.acl_year("http://aclweb.org/anthology/P18-1116") == "2018"
    assert ids.acl_year("https://www.aclweb.org/anthology/papers/D/D08/D08-1050/") == "2008"


def test_model_names_are_cleaned() -> None:
    assert ids.clean_text("Bi-LSTM\x02wzxhzdk:12\x03att+LEX\x02wzxhzdk:13\x03") == "Bi-LSTM att+LEX"
    assert ids.clean_text("  a\tb\n c ") == "a b c"


def test_urls() -> None:
    assert ids.https_url("http://aclweb.org/anthology/S18-1116") == "https://aclweb.org/anthology/S18-1116"
    assert ids.https_url("ftp://x.org/a") is None
    assert ids.https_url("https://x.org/a b") == "https://x.org/a%20b"
    assert ids.url_key("http://www.aclweb.org/anthology/P18-1116/") == ids.url_key(
        "https://aclweb.org/anthology/P18-1116.pdf")


@pytest.mark.parametrize(
    ("title", "usable"),
    [("[13] [code]", False), ("[14]", False), ("link", False), ("(pdf)", False), ("no", True),
     ("XLNet", True), ("Mogrifier LSTM", True)],
)
def test_reference_markers_are_not_titles(title: str, usable: bool) -> None:
    assert ids.usable_title(title) is usable
