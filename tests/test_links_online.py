"""`pwc validate --online` against stand-ins of arXiv, Crossref and GitHub on 127.0.0.1.

Real papers pass; a wrong title or date warns; a well-formed id that does not exist is an error
at its line; a missing or archived repository is flagged; the second run asks nothing; a service
that answers 503, 429, garbage or nothing at all degrades to one warning per service.
"""

from __future__ import annotations

import io
import json

import pytest
from conftest import TASK, where, write_repo
from standins import Fault, closed_port_url
from standins.arxiv_api import ArxivStandIn
from standins.crossref_api import CrossrefStandIn
from standins.github_repos_api import GithubStandIn

from validator.cli import main
from validator.online.progress import Progress

DATASET = """\
id: squad2.0
name: SQuAD2.0
tasks: [question-answering]
metrics:
  - name: F1
    direction: higher
"""


def paper(title: str, published: str, ids: str, code: str = "") -> str:
    return f'paper:\n  title: "{title}"\n  published: {published}\n{ids}{code}results: []\n'


ALBERT = "results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml"
BERT = "results/papers/2018/bert-pre-training-of-deep-bidirectional.yaml"
ROBERTA = "results/papers/2019/roberta-wrong-title.yaml"
GHOST = "results/papers/2024/a-paper-that-does-not-exist.yaml"
MALDACENA = "results/papers/1999/the-large-n-limit.yaml"
LSTM = "results/papers/1997/long-short-term-memory.yaml"
NO_DOI = "results/papers/2019/a-doi-that-does-not-exist.yaml"

FILES = {
    "results/tasks/question-answering.yaml": TASK,
    "results/datasets/squad2.0.yaml": DATASET,
    ALBERT: paper(
        "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations",
        "2019-09-26",
        '  arxiv: "1909.11942"\n',
        "  code:\n    - url: https://github.com/google-research/ALBERT\n      official: true\n",
    ),
    BERT: paper(
        # Case, punctuation and LaTeX-ish braces differ from arXiv's and Crossref's: still a match.
        "{BERT}: pre-training of deep bidirectional transformers for language understanding",
        "2018-10",
        '  arxiv: "1810.04805"\n  doi: "10.18653/v1/N19-1423"\n',
        "  code:\n    - url: https://github.com/google-research/bert\n"
        "    - url: https://github.com/nobody/missing-repository\n"
        "    - url: https://github.com/example-org/retired-project\n",
    ),
    ROBERTA: paper("RoBERTa: Robustly Optimizing Everything", "2019-07-26", '  arxiv: "1907.11692"\n'),
    GHOST: paper("A Paper That Does Not Exist", "2024-01-15", '  arxiv: "2401.99999"\n'),
    MALDACENA: paper(
        "The Large N Limit of Superconformal Field Theories and Supergravity",
        "1999-06-01",
        '  arxiv: "hep-th/9711200"\n',
    ),
    LSTM: paper("Long Short-Term Memory", "1997-11-15", '  doi: "10.1162/neco.1997.9.8.1735"\n'),
    NO_DOI: paper("Nothing", "2019", '  doi: "10.1234/does-not-exist"\n'),
}


@pytest.fixture
def services(monkeypatch, tmp_path):
    with ArxivStandIn() as arxiv, CrossrefStandIn() as crossref, GithubStandIn() as github:
        env = {
            "PWC_ARXIV_API_URL": arxiv.url,
            "PWC_DOI_API_URL": crossref.url,
            "GITHUB_API_URL": github.url,
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "PWC_ARXIV_MIN_INTERVAL": "0",
            "PWC_ONLINE_TIMEOUT": "0.5",
            "PWC_ONLINE_RETRIES": "1",
            "PWC_ONLINE_BACKOFF": "0.01",
            "PWC_ONLINE_BUDGET": "3",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
        yield arxiv, crossref, github


def validate(root, *paths: str, capsys) -> tuple[int, list]:
    from validator.report.problem import Problem

    code = main(["validate", "--root", str(root), "--online", "--format", "json", *paths])
    report = json.loads(capsys.readouterr().out)
    problems = [Problem(p["severity"], p["code"], p["file"], p["line"], p["column"], p["message"], p["hint"])
                for p in report["problems"]]
    return code, problems


def test_online_findings_are_reported_where_they_are(services, tmp_path, capsys):
    arxiv, crossref, github = services
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, capsys=capsys)
    assert code == 1  # the ids that do not exist are errors
    assert where(problems, "paper-not-found") == [(NO_DOI, 4, "error"), (GHOST, 4, "error")]
    assert where(problems, "title-mismatch") == [(ROBERTA, 2, "warning")]
    [mismatch] = [p for p in problems if p.code == "title-mismatch"]
    assert "RoBERTa: Robustly Optimizing Everything" in mismatch.message
    assert "RoBERTa: A Robustly Optimized BERT Pretraining Approach" in mismatch.message
    assert where(problems, "date-mismatch") == [(MALDACENA, 3, "warning")]
    assert where(problems, "code-repo-not-found") == [(BERT, 8, "warning")]
    assert where(problems, "code-repo-archived") == [(BERT, 9, "warning")]
    assert where(problems, "lookup-failed") == []
    # The real papers pass: nothing reported for ALBERT, BERT's title and date, or LSTM.
    assert not [p for p in problems if p.file in (ALBERT, LSTM)]
    assert not [p for p in problems if p.file == BERT and p.code in ("title-mismatch", "date-mismatch")]
    # Five arXiv ids in one batch, then the missing one asked once more.
    assert sorted(arxiv.id_lists()[0]) == ["1810.04805", "1907.11692", "1909.11942", "2401.99999", "hep-th/9711200"]
    assert len(arxiv.requests) == 2


def test_the_second_run_asks_nothing(services, tmp_path, capsys):
    arxiv, crossref, github = services
    root = write_repo(tmp_path / "repo", FILES, base=False)
    first = validate(root, capsys=capsys)
    asked = (len(arxiv.requests), len(crossref.requests), len(github.requests))
    assert all(asked)
    second = validate(root, capsys=capsys)
    assert (len(arxiv.requests), len(crossref.requests), len(github.requests)) == asked
    assert second == first


def test_only_selected_files_are_looked_up(services, tmp_path, capsys):
    arxiv, crossref, github = services
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, str(root / GHOST), capsys=capsys)
    assert code == 1 and where(problems, "paper-not-found") == [(GHOST, 4, "error")]
    assert arxiv.id_lists() == [["2401.99999"], ["2401.99999"]]  # asked, then confirmed
    assert crossref.requests == [] and github.requests == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault(503, {"Content-Type": "text/plain"}, b"Service Unavailable"),
        Fault(429, {"Retry-After": "600"}),  # longer than we wait
        Fault(200, {"Content-Type": "application/atom+xml"}, b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>"),
        Fault(hang=True),
    ],
    ids=["503", "429-long-retry-after", "malformed-xml", "hang"],
)
def test_a_failing_arxiv_degrades_to_one_warning(services, tmp_path, capsys, fault):
    arxiv, crossref, github = services
    arxiv.fail(fault)
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, capsys=capsys)
    failed = [p for p in problems if p.code == "lookup-failed"]
    assert [(p.file, p.line, p.severity) for p in failed] == [(MALDACENA, 4, "warning")]
    assert failed[0].message.startswith("arXiv could not be asked")
    assert "5 look-ups skipped" in failed[0].message
    # The others still answered: the missing DOI is still an error, repositories still checked.
    assert code == 1 and where(problems, "paper-not-found") == [(NO_DOI, 4, "error")]
    assert where(problems, "code-repo-not-found") == [(BERT, 8, "warning")]
    # Failures are not cached: once arXiv is back, it is asked again and the ghost id is found missing.
    arxiv.recover()
    _, again = validate(root, capsys=capsys)
    assert where(again, "lookup-failed") == []
    assert (GHOST, 4, "error") in where(again, "paper-not-found")


def test_429_with_a_short_retry_after_is_waited_for(services, tmp_path, capsys):
    arxiv, crossref, github = services
    arxiv.fail(Fault(429, {"Retry-After": "1"}), times=1)
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, capsys=capsys)
    assert where(problems, "lookup-failed") == []
    assert where(problems, "title-mismatch") == [(ROBERTA, 2, "warning")]


def test_nothing_answers_at_all(monkeypatch, tmp_path, capsys):
    dead = closed_port_url()
    monkeypatch.setenv("PWC_ARXIV_API_URL", dead + "/api/query")
    monkeypatch.setenv("PWC_DOI_API_URL", dead + "/works")
    monkeypatch.setenv("GITHUB_API_URL", dead)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PWC_ONLINE_BACKOFF", "0.01")
    monkeypatch.setenv("PWC_ARXIV_MIN_INTERVAL", "0.01")
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, capsys=capsys)
    assert code == 0  # unreachable services are warnings, never errors
    assert sorted(p.message.split(" could not")[0] for p in problems if p.code == "lookup-failed") == [
        "Crossref", "GitHub", "arXiv"]
    assert all("refused" in p.message for p in problems if p.code == "lookup-failed")


def test_every_service_hangs_and_the_budget_ends_the_run(services, tmp_path, capsys):
    for server in services:
        server.fail(Fault(hang=True))
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, capsys=capsys)
    assert code == 0
    assert len([p for p in problems if p.code == "lookup-failed"]) == 3


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_only():
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(3, stream=stream, every=0)
        progress.advance(1)
        progress.advance(2)
        progress.close()
    assert "1/3 done, 2 left" in terminal.getvalue() and "3/3 done, 0 left" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_with_a_token_repositories_are_asked_in_one_graphql_request(services, monkeypatch, tmp_path, capsys):
    arxiv, crossref, github = services
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    root = write_repo(tmp_path / "repo", FILES, base=False)
    code, problems = validate(root, capsys=capsys)
    assert [(r.method, r.path) for r in github.requests] == [("POST", "/graphql")]
    assert where(problems, "code-repo-not-found") == [(BERT, 8, "warning")]
    assert where(problems, "code-repo-archived") == [(BERT, 9, "warning")]
