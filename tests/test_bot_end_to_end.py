"""A pull request end to end, as the two workflows run it: a local git repository with a base and a
PR branch, `pwc validate --changed-since --report-dir`, then `pwc bot comment` with the real
PyGithub client against the GitHub API stand-in on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_repo
from standins.github_pr_api import GitHubStandIn, inspect_rendered

from validator.report.markdown import MARKER

ROOT = Path(__file__).resolve().parent.parent
REPO = "octo/results"
TOKEN = "e2e-token"

NEW_PAPER = "results/papers/2024/a-newcomer.yaml"
NEW_PAPER_TEXT = """\
    paper:
      title: "A Newcomer @octocat <img src=x onerror=alert(1)> #1"
      published: 2024-01-10
      arxiv: "2401.00001"
    results:
      - task: question-answering
        dataset: squad2.0
        model: Newcomer (ensemble) @evil
        metrics: {EM: 91.0, F1: 95.0}
      - task: question-answering
        dataset: squad2.0
        model: Newcomer small
        metrics: {Exact: 80.0, F1: 85.0}
    """


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def pwc(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PWC_"))}
    return subprocess.run(
        [sys.executable, "-m", "validator", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def pr_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_repo(repo, {})  # the shared minimal repository: one task, dataset and paper
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "add-newcomer")
    write_repo(repo, {NEW_PAPER: NEW_PAPER_TEXT}, base=False)
    albert = repo / "results/papers/2019/albert-a-lite-bert-for-self-supervised.yaml"
    albert.write_text(albert.read_text().replace("F1: 90.902", "F1: 90.95"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the newcomer")
    return repo


def validate(repo: Path, out: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    head = git(repo, "rev-parse", "HEAD").strip()
    return pwc(
        "validate",
        "--root",
        str(repo),
        "--changed-since",
        "main",
        "--format",
        "github",
        "--report-dir",
        str(out),
        "--head-sha",
        head,
        env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_REPOSITORY": REPO, "GITHUB_RUN_ID": "77"},
    )


def test_a_pull_request_from_validation_to_comment(pr_repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    proc = validate(pr_repo, tmp_path / "report", summary)
    assert proc.returncode == 1, proc.stderr  # an error in the new paper
    assert "::error file=results/papers/2024/a-newcomer.yaml,line=13" in proc.stdout
    assert summary.read_text().strip()

    out = tmp_path / "report"
    assert sorted(p.name for p in out.iterdir()) == [
        "comment.md",
        "head_sha.txt",
        "leaderboard-changes.json",
        "report.json",
    ]
    head = git(pr_repo, "rev-parse", "HEAD").strip()
    assert (out / "head_sha.txt").read_text().strip() == head
    report = json.loads((out / "report.json").read_text())
    assert [(p["code"], p["file"], p["line"]) for p in report["problems"] if p["severity"] == "error"] == [
        ("unknown-metric", NEW_PAPER, 13)
    ]
    [board] = json.loads((out / "leaderboard-changes.json").read_text())["leaderboards"]
    first = board["new_first_place"]
    assert [(e["model"], e["value"]) for e in first["before"]] == [("ALBERT (single model)", 90.902)]
    assert [(e["model"], e["value"]) for e in first["after"]] == [("Newcomer (ensemble) @evil", 95.0)]
    albert = next(r for r in board["rows"] if r["model"] == "ALBERT (single model)")
    assert (albert["change"], albert["previous_rank"], albert["rank"]) == ("changed", 1, 2)
    assert albert["previous_metrics"] == {"F1": 90.902}
    assert (out / "comment.md").read_text().startswith(MARKER)

    with GitHubStandIn(repo=REPO, token=TOKEN) as gh:
        pull = gh.add_pull(12, head, head_repo="contributor/results", labels=["dataset"])
        env = {
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_API_URL": gh.url,
            "PWC_RUN_URL": f"https://github.com/{REPO}/actions/runs/77",
            "RUNNER_TEMP": str(tmp_path),
        }
        bot = pwc("bot", "comment", "--repo", REPO, "--report-dir", str(out), "--expect-head-sha", head, env=env)
        assert bot.returncode == 0, bot.stderr
        [comment] = gh.comments_on(12)
        assert comment.author == "github-actions[bot]"
        body = comment.body
        assert "❌ 1 error" in body
        assert f"https://github.com/{REPO}/blob/{head}/{NEW_PAPER}#L13" in body
        assert "metric 'Exact' is not declared by dataset squad2.0" in body, body
        assert (
            "🏆 **New first place** on F1: ALBERT (single model) (90.902) → **Newcomer (ensemble) @\u200bevil (95.0)**"
            in body
        )
        assert "~~90.902~~ → **90.95**" in body and "1 → 2" in body
        assert "<details>" in body and "value-changed" in body
        assert f"[Workflow run](https://github.com/{REPO}/actions/runs/77)" in body
        assert sorted(pull.labels) == ["dataset", "invalid", "needs-review", "new-sota"]
        rendered = inspect_rendered(body)
        assert rendered.mentions() == [] and rendered.issue_refs() == [] and "img" not in rendered.tags

        # The contributor fixes the metric name and pushes: a new head, a new report.
        old_out, old_head = tmp_path / "old-report", head
        out.rename(old_out)
        new_paper = pr_repo / NEW_PAPER
        new_paper.write_text(new_paper.read_text().replace("Exact:", "EM:"))
        git(pr_repo, "commit", "-q", "-am", "Fix the metric name")
        head = git(pr_repo, "rev-parse", "HEAD").strip()
        pull.head_sha = head

        # The older run's report arrives late: its head is no longer the PR's, so nothing is posted.
        late = pwc("bot", "comment", "--repo", REPO, "--report-dir", str(old_out), env=env)
        assert late.returncode == 0 and "nothing posted" in late.stdout
        assert gh.comments_on(12)[0].edits == 0

        proc = validate(pr_repo, out, summary)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        bot = pwc("bot", "comment", "--repo", REPO, "--report-dir", str(out), "--expect-head-sha", head, env=env)
        assert bot.returncode == 0, bot.stderr
        [comment] = gh.comments_on(12)
        assert comment.edits == 1
        assert "⚠️ No errors, 1 warning" in comment.body and "❌" not in comment.body
        assert sorted(pull.labels) == ["dataset", "needs-review", "new-sota"]
        assert old_head not in comment.body
