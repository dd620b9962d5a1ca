"""`pwc validate --online` on the shipped results/ makes a handful of batched requests, not one per paper.

The stand-ins are filled with every identifier the shipped files name (titles and dates as the
files give them), then the real look-up runs over the whole shipped repository.
"""

from __future__ import annotations

import math

from conftest import REPO_ROOT
from standins.arxiv_api import ArxivPaper, ArxivStandIn
from standins.crossref_api import CrossrefStandIn, Work
from standins.github_repos_api import GithubStandIn

from validator.checks.links import arxiv_impossible, arxiv_key, online_problems, parse_code_url
from validator.load.repository import load_repository
from validator.online.settings import Settings


def _stamp(published: str) -> str:
    parts = (published.split("-") + ["01", "01"])[:3]
    return "-".join(parts) + "T00:00:00Z"


def test_shipped_results_are_looked_up_in_batches(tmp_path):
    repo = load_repository(REPO_ROOT)
    papers: dict[str, ArxivPaper] = {}
    works: dict[str, Work] = {}
    repos: dict[str, dict[str, object]] = {}
    for entry in repo.papers:
        paper = entry.model.paper
        if paper.arxiv and not arxiv_impossible(paper.arxiv):
            papers[arxiv_key(paper.arxiv)] = ArxivPaper(paper.title, _stamp(str(paper.published)), (), "")
        if paper.doi:
            works[paper.doi.lower()] = Work(paper.title, tuple(int(p) for p in str(paper.published).split("-")))
        for link in paper.code:
            parsed, _, _ = parse_code_url(link.url)
            if parsed is not None and parsed.github_key:
                repos[parsed.github_key] = {"full_name": parsed.github_key, "archived": False}
    assert papers, "the shipped results name arXiv papers"
    with ArxivStandIn(papers) as arxiv, CrossrefStandIn(works) as crossref, GithubStandIn(repos) as github:
        settings = Settings(
            arxiv_url=arxiv.url, doi_url=crossref.url, github_url=github.url, github_token="t0ken",
            cache_dir=tmp_path / "cache", arxiv_min_interval=0.0, timeout=5.0, retries=1, budget=20.0,
        )
        problems = online_problems(repo, None, settings=settings)
        assert [p for p in problems if p.code in ("paper-not-found", "lookup-failed", "title-mismatch")] == []
        assert len(arxiv.requests) == math.ceil(len(papers) / settings.arxiv_batch)
        assert len(crossref.requests) == math.ceil(len(works) / 20)
        assert len(github.requests) == math.ceil(len(repos) / 50)
        assert all(len(ids) > 1 for ids in arxiv.id_lists()[:-1])
