"""The HTTP layer against real servers on 127.0.0.1: retries, Retry-After, back-off, budget, give-up."""

from __future__ import annotations

import email.utils
import time

import pytest
from standins import Fault, closed_port_url
from standins.github_repos_api import GithubStandIn

from validator.online.http import Budget, Http, ServiceDown, retry_after
from validator.online.settings import Settings


class Sleeps:
    """Records the waits the layer asks for instead of sleeping (no timing in tests)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def settings(tmp_path, **kw) -> Settings:
    base = dict(timeout=2.0, retries=3, backoff=0.5, budget=30.0, cache_dir=tmp_path / "cache")
    base.update(kw)
    return Settings(**base)


@pytest.fixture
def github():
    with GithubStandIn() as server:
        yield server


def test_503_is_retried_with_backoff_then_answered(tmp_path, github):
    github.fail(Fault(503, body=b"Service Unavailable"), times=2)
    sleeps = Sleeps()
    http = Http(settings(tmp_path), sleep=sleeps)
    service = http.service("GitHub")
    response = http.request(service, f"{github.url}/repos/google-research/bert")
    assert response.status == 200
    assert len(github.requests) == 3
    assert sleeps.waits == [0.5, 1.0]  # doubled after each failed attempt


def test_429_retry_after_is_honoured(tmp_path, github):
    github.fail(Fault(429, {"Retry-After": "2"}), times=1)
    sleeps = Sleeps()
    http = Http(settings(tmp_path), sleep=sleeps)
    response = http.request(http.service("GitHub"), f"{github.url}/repos/google-research/bert")
    assert response.status == 200
    assert sleeps.waits == [2.0]


def test_retry_after_longer_than_allowed_gives_up_at_once(tmp_path, github):
    github.fail(Fault(429, {"Retry-After": "3600"}))
    http = Http(settings(tmp_path, max_retry_after=10), sleep=Sleeps())
    service = http.service("GitHub")
    with pytest.raises(ServiceDown, match="asked to wait 3600 s"):
        http.request(service, f"{github.url}/repos/google-research/bert")
    assert len(github.requests) == 1
    # The service is down for the rest of the run: no further request is sent.
    with pytest.raises(ServiceDown):
        http.request(service, f"{github.url}/repos/google-research/albert")
    assert len(github.requests) == 1


def test_github_rate_limit_403_is_a_failure_not_an_answer(tmp_path, github):
    github.rate_limited()
    http = Http(settings(tmp_path), sleep=Sleeps())
    with pytest.raises(ServiceDown, match="GITHUB_TOKEN"):
        http.request(http.service("GitHub"), f"{github.url}/repos/google-research/bert")


def test_404_is_an_answer_not_a_failure(tmp_path, github):
    http = Http(settings(tmp_path), sleep=Sleeps())
    response = http.request(http.service("GitHub"), f"{github.url}/repos/nobody/nothing")
    assert response.status == 404
    assert len(github.requests) == 1


def test_connection_refused_gives_up_after_retries(tmp_path):
    sleeps = Sleeps()
    http = Http(settings(tmp_path, retries=2), sleep=sleeps)
    service = http.service("arXiv")
    with pytest.raises(ServiceDown, match="after 3 attempts") as caught:
        http.request(service, closed_port_url() + "/api/query")
    assert "refused" in caught.value.reason
    assert len(sleeps.waits) == 2


def test_a_hanging_service_times_out_within_the_budget(tmp_path, github):
    github.fail(Fault(hang=True))
    sleeps = Sleeps()
    # Budget of 1 s, 0.3 s per attempt, many retries allowed: the budget ends it.
    http = Http(settings(tmp_path, timeout=0.3, retries=50, backoff=0.1, budget=1.0), sleep=sleeps)
    with pytest.raises(ServiceDown, match="budget"):
        http.request(http.service("GitHub"), f"{github.url}/repos/google-research/bert")
    assert len(github.requests) < 10
    assert http.budget.exhausted or http.budget.remaining() < 0.3


def test_the_budget_is_shared_so_a_second_service_gives_up_at_once(tmp_path):
    budget = Budget(0.5)
    budget.spend(0.5)
    http = Http(settings(tmp_path), budget=budget, sleep=Sleeps())
    with pytest.raises(ServiceDown, match="budget"):
        http.request(http.service("Crossref"), closed_port_url() + "/works/10.1/x")


def test_rate_limit_keeps_the_interval_between_requests(tmp_path, github):
    sleeps = Sleeps()
    http = Http(settings(tmp_path), sleep=sleeps)
    service = http.service("arXiv", min_interval=3.0)
    http.request(service, f"{github.url}/repos/google-research/bert")
    http.request(service, f"{github.url}/repos/google-research/bert")
    assert len(sleeps.waits) == 1 and 2.0 < sleeps.waits[0] <= 3.0


def test_user_agent_identifies_the_tool(tmp_path, github):
    http = Http(settings(tmp_path, contact="maintainers@example.org"), sleep=Sleeps())
    http.request(http.service("GitHub"), f"{github.url}/repos/google-research/bert")
    agent = github.requests[0].headers["User-Agent"]
    assert agent.startswith("pwc2-validator/") and "mailto:maintainers@example.org" in agent


def test_retry_after_parses_seconds_and_http_dates():
    assert retry_after("7") == 7.0
    assert retry_after(None) is None
    assert retry_after("soon") is None
    now = time.time()
    date = email.utils.formatdate(now + 120, usegmt=True)
    assert 110 <= (retry_after(date, now=now) or 0) <= 121


def test_a_mistyped_service_url_is_a_failure_not_a_crash(tmp_path):
    http = Http(settings(tmp_path), sleep=Sleeps())
    with pytest.raises(ServiceDown, match="cannot ask"):
        http.request(http.service("arXiv"), "export.arxiv.org/api/query?id_list=1")
    with pytest.raises(ServiceDown):
        http.request(http.service("arXiv"), "http://127.0.0.1:99999/api/query")
