"""The arXiv client against a stand-in that answers in arXiv's Atom format."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standins import Fault
from standins.arxiv_api import ArxivStandIn

from validator.online.arxiv import ArxivClient, MalformedAnswer, parse_feed
from validator.online.cache import AnswerCache
from validator.online.http import Http
from validator.online.settings import Settings


@pytest.fixture
def arxiv():
    with ArxivStandIn() as server:
        yield server


def client(tmp_path, server, **kw) -> ArxivClient:
    options = dict(arxiv_url=server.url, arxiv_min_interval=0.0, timeout=2.0, retries=2, backoff=0.01,
                   budget=10.0, cache_dir=tmp_path / "cache")
    options.update(kw)
    chosen = Settings(**options)
    return ArxivClient(Http(chosen), AnswerCache(chosen.cache_dir))


def test_many_ids_in_one_request(tmp_path, arxiv):
    answers = client(tmp_path, arxiv).lookup(["1909.11942", "1810.04805", "hep-th/9711200"])
    assert len(arxiv.requests) == 1
    assert arxiv.requests[0].query["max_results"] == ["3"]  # arXiv's default of 10 would cut a batch
    albert = answers["1909.11942"]
    assert albert.found
    assert albert.title == "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations"
    assert albert.dates == ("2019-09-26",)
    assert albert.authors[0] == "Zhenzhong Lan"
    assert answers["hep-th/9711200"].title.startswith("The Large N Limit")


def test_batches_follow_the_batch_size(tmp_path, arxiv):
    ids = ["1909.11942", "1810.04805", "1907.11692", "hep-th/9711200"]
    answers = client(tmp_path, arxiv, arxiv_batch=2).lookup(ids)
    assert arxiv.id_lists() == [ids[:2], ids[2:]]
    assert all(answers[i].found for i in ids)


def test_missing_ids_are_asked_once_more_together_then_reported_missing(tmp_path, arxiv):
    answers = client(tmp_path, arxiv).lookup(["1909.11942", "2401.99999", "2401.99998"])
    assert arxiv.id_lists() == [["1909.11942", "2401.99999", "2401.99998"], ["2401.99999", "2401.99998"]]
    assert answers["1909.11942"].found
    assert not answers["2401.99999"].found and not answers["2401.99998"].found


def test_an_empty_answer_under_load_is_asked_again_not_believed(tmp_path, arxiv):
    empty = Fault(200, {"Content-Type": "application/atom+xml"},
                  b'<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title></feed>')
    arxiv.fail(empty, times=1)
    answers = client(tmp_path, arxiv).lookup(["1909.11942", "1810.04805"])
    assert answers["1909.11942"].found and answers["1810.04805"].found
    assert len(arxiv.requests) == 2


def test_an_id_arxiv_rejects_is_missing_and_the_rest_is_asked_again(tmp_path, arxiv):
    answers = client(tmp_path, arxiv).lookup(["1909.11942", "1234.5"])
    assert not answers["1234.5"].found
    assert "incorrect id format" in (answers["1234.5"].note or "")
    assert answers["1909.11942"].found
    assert arxiv.id_lists()[-1] == ["1909.11942"]


def test_second_lookup_asks_nothing(tmp_path, arxiv):
    client(tmp_path, arxiv).lookup(["1909.11942", "2401.99999"])
    asked = len(arxiv.requests)
    again = client(tmp_path, arxiv).lookup(["1909.11942", "2401.99999"])  # a new run, same cache folder
    assert len(arxiv.requests) == asked
    assert again["1909.11942"].found and not again["2401.99999"].found


def test_malformed_xml_is_a_failure_not_a_crash(tmp_path, arxiv):
    arxiv.fail(Fault(200, {"Content-Type": "application/atom+xml"}, b"<feed><entry><title>oops"))
    c = client(tmp_path, arxiv)
    answers = c.lookup(["1909.11942"])
    assert answers == {}
    assert c.failure is not None and "malformed" in c.failure


def test_rate_exceeded_text_is_retried(tmp_path, arxiv):
    arxiv.fail(Fault(200, {"Content-Type": "text/plain"}, b"Rate exceeded."), times=1)
    c = client(tmp_path, arxiv)
    answers = c.lookup(["1909.11942"])
    assert answers["1909.11942"].found and c.failure is None


def test_failures_are_not_cached(tmp_path, arxiv):
    arxiv.fail(Fault(503))
    first = client(tmp_path, arxiv)
    assert first.lookup(["1909.11942"]) == {} and first.failure is not None
    arxiv.recover()
    assert client(tmp_path, arxiv).lookup(["1909.11942"])["1909.11942"].found


def test_parse_feed_reads_https_ids_and_versions():
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>https://arxiv.org/abs/2401.00001v3</id>
<published>2024-01-01T00:00:00Z</published><title>A
  Title</title></entry></feed>"""
    entries, errors = parse_feed(body)
    assert errors == [] and entries[0].id == "2401.00001" and entries[0].title == "A Title"


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: f'<?xml version="1.0" encoding="{t[:8]}"?><feed>{t}</feed>'.encode(
        "utf-8", "replace")),
    st.text(max_size=300).map(
        lambda t: f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>{t}</id><title>{t}</title></entry></feed>'
        .encode("utf-8", "replace")),
))
def test_any_answer_parses_or_is_malformed(body):
    try:
        parse_feed(body)
    except MalformedAnswer:
        pass
