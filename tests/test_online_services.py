"""The Crossref and GitHub clients against stand-ins that answer in those services' JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standins import Fault
from standins.crossref_api import CrossrefStandIn
from standins.github_repos_api import GithubStandIn

from validator.online.cache import AnswerCache
from validator.online.crossref import CrossrefClient, parse_work, parse_work_list
from validator.online.github import GithubClient
from validator.online.http import Http
from validator.online.settings import Settings


def chosen(tmp_path, **kw) -> Settings:
    options = dict(timeout=2.0, retries=1, backoff=0.01, budget=10.0, cache_dir=tmp_path / "cache")
    options.update(kw)
    return Settings(**options)


@pytest.fixture
def crossref():
    with CrossrefStandIn() as server:
        yield server


@pytest.fixture
def github():
    with GithubStandIn() as server:
        yield server


def crossref_client(tmp_path, server) -> CrossrefClient:
    s = chosen(tmp_path, doi_url=server.url)
    return CrossrefClient(Http(s), AnswerCache(s.cache_dir))


def github_client(tmp_path, server, token=None) -> GithubClient:
    s = chosen(tmp_path, github_url=server.url, github_token=token)
    return GithubClient(Http(s), AnswerCache(s.cache_dir))


def test_crossref_found_missing_and_registered_elsewhere(tmp_path, crossref):
    answers = crossref_client(tmp_path, crossref).lookup(
        ["10.18653/v1/n19-1423", "10.1234/does-not-exist", "10.48550/arxiv.1909.11942"]
    )
    bert = answers["10.18653/v1/n19-1423"]
    assert bert.found and bert.title.startswith("BERT: Pre-training") and bert.dates == ("2019",)
    assert not answers["10.1234/does-not-exist"].found
    elsewhere = answers["10.48550/arxiv.1909.11942"]
    assert elsewhere.found and elsewhere.title is None and "DataCite" in (elsewhere.note or "")
    # One filtered request for all three, then the two it did not hold, each confirmed on its own.
    assert crossref.requests[0].path == "/works"
    assert crossref.requests[0].query["filter"] == [
        "doi:10.18653/v1/n19-1423,doi:10.1234/does-not-exist,doi:10.48550/arxiv.1909.11942"]
    assert [r.path for r in crossref.requests[1:]] == [
        "/works/10.1234/does-not-exist", "/works/10.1234/does-not-exist/agency",
        "/works/10.48550/arxiv.1909.11942", "/works/10.48550/arxiv.1909.11942/agency"]


def test_crossref_many_dois_in_few_requests(tmp_path, crossref):
    dois = ["10.18653/v1/n19-1423", "10.1162/neco.1997.9.8.1735"]
    answers = crossref_client(tmp_path, crossref).lookup(dois)
    assert len(crossref.requests) == 1
    assert answers["10.1162/neco.1997.9.8.1735"].dates == ("1997-11-01",)
    assert answers["10.1162/neco.1997.9.8.1735"].authors == ("Sepp Hochreiter", "Jürgen Schmidhuber")


def test_crossref_second_run_asks_nothing(tmp_path, crossref):
    crossref_client(tmp_path, crossref).lookup(["10.18653/v1/n19-1423", "10.1234/does-not-exist"])
    asked = len(crossref.requests)
    crossref_client(tmp_path, crossref).lookup(["10.18653/v1/n19-1423", "10.1234/does-not-exist"])
    assert len(crossref.requests) == asked


def test_crossref_malformed_json_is_a_failure(tmp_path, crossref):
    crossref.fail(Fault(200, {"Content-Type": "application/json"}, b"{not json"))
    c = crossref_client(tmp_path, crossref)
    assert c.lookup(["10.18653/v1/n19-1423"]) == {}
    assert "malformed" in (c.failure or "")


def test_github_found_archived_and_missing(tmp_path, github):
    answers = github_client(tmp_path, github).lookup(
        ["google-research/albert", "example-org/retired-project", "nobody/nothing"]
    )
    albert = answers["google-research/albert"]
    assert albert.found and albert.full_name == "google-research/ALBERT"
    assert answers["example-org/retired-project"].archived
    assert not answers["nobody/nothing"].found


def test_github_without_a_token_asks_rest_per_repository(tmp_path, github):
    github_client(tmp_path, github).lookup(["google-research/bert", "google-research/albert"])
    assert [r.path for r in github.requests] == ["/repos/google-research/bert", "/repos/google-research/albert"]
    assert "Authorization" not in github.requests[0].headers
    assert github.requests[0].headers["Accept"] == "application/vnd.github+json"


def test_github_rate_limit_stops_the_client_after_one_request(tmp_path, github):
    github.rate_limited()
    c = github_client(tmp_path, github)
    assert c.lookup(["google-research/bert", "google-research/albert"]) == {}
    assert len(github.requests) == 1
    assert "rate limit" in (c.failure or "")


def test_github_with_a_token_asks_graphql_fifty_at_a_time(tmp_path, github):
    keys = ["google-research/albert", "example-org/retired-project", "nobody/nothing"]
    keys += [f"nobody/missing-{i}" for i in range(60)]
    answers = github_client(tmp_path, github, token="t0ken").lookup(keys)
    assert [(r.method, r.path) for r in github.requests] == [("POST", "/graphql"), ("POST", "/graphql")]
    assert github.requests[0].headers["Authorization"] == "Bearer t0ken"
    assert answers["google-research/albert"].found
    assert answers["google-research/albert"].full_name == "google-research/ALBERT"
    assert answers["example-org/retired-project"].archived
    assert not answers["nobody/nothing"].found and not answers["nobody/missing-59"].found


def test_github_graphql_refused_token_is_one_failure(tmp_path, github):
    github.fail(Fault(401, {"Content-Type": "application/json"}, b'{"message": "Bad credentials"}'))
    c = github_client(tmp_path, github, token="wrong")
    assert c.lookup(["google-research/albert", "google-research/bert"]) == {}
    assert "GITHUB_TOKEN" in (c.failure or "") and len(github.requests) == 1


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.binary(max_size=200),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                     st.sampled_from(["message", "items", "title", "issued", "date-parts", "DOI", "author", "given"]),
                     inner, max_size=4),
                 max_leaves=30).map(lambda v: json.dumps(v).encode()),
    st.just(b"[" * 100_000 + b"]" * 100_000),
))
def test_any_crossref_answer_parses_or_is_malformed(body):
    for parse in (parse_work, parse_work_list):
        try:
            parse(body)
        except ValueError:
            pass
