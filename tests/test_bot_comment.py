"""`pwc bot comment` with the real PyGithub client against a stand-in GitHub API on 127.0.0.1:
one comment per PR, edited in place, never someone else's; nothing posted for a stale head;
labels that follow the verdict; a comment that fits GitHub's limit and renders inert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standins.github_pr_api import GitHubStandIn, inspect_rendered

from validator.bot.report_dir import write_report_dir
from validator.cli import main
from validator.report.markdown import MARKER

REPO = "octo/results"
TOKEN = "s3cret-token"
HEAD = "a1" * 20
OTHER = "b2" * 20


def problem(severity: str, file: str, line: int, message: str, code: str = "unknown-metric") -> dict[str, Any]:
    return {
        "severity": severity,
        "code": code,
        "file": file,
        "line": line,
        "column": 7,
        "message": message,
        "hint": None,
    }


def report(*problems: dict[str, Any]) -> dict[str, Any]:
    errors = sum(1 for p in problems if p["severity"] == "error")
    return {
        "ok": errors == 0,
        "counts": {"error": errors, "warning": len(problems) - errors, "files": 2, "results": 5},
        "problems": list(problems),
    }


def new_sota_change(model: str = "Newcomer", title: str = "A New Paper") -> dict[str, Any]:
    return {
        "task": {"id": "question-answering", "name": "Question Answering"},
        "dataset": {"id": "squad2.0", "name": "SQuAD2.0"},
        "status": "changed",
        "primary_metric": "F1",
        "metrics": [{"name": "EM", "direction": "higher", "unit": "percent"}, {"name": "F1", "direction": "higher"}],
        "new_first_place": {
            "metric": "F1",
            "before": [{"model": "ALBERT (ensemble model)", "paper": {"id": "albert"}, "value": 92.215}],
            "after": [{"model": model, "paper": {"id": "new", "title": title}, "value": 93.5}],
        },
        "rows": [
            {
                "change": "added",
                "model": model,
                "paper": {"id": "new", "title": title},
                "source": "results/papers/2024/new.yaml",
                "rank": 1,
                "metrics": {"EM": 90.0, "F1": 93.5},
            },
            {
                "change": "moved",
                "model": "ALBERT (ensemble model)",
                "paper": {"id": "albert", "title": "ALBERT"},
                "source": "results/papers/2019/albert.yaml",
                "rank": 2,
                "previous_rank": 1,
                "metrics": {"EM": 89.731, "F1": 92.215},
            },
        ],
    }


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubStandIn]:
    with GitHubStandIn(repo=REPO, token=TOKEN) as gh:
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.setenv("GITHUB_API_URL", gh.url)
        monkeypatch.delenv("PWC_BOT_LOGIN", raising=False)
        monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
        monkeypatch.setenv("PWC_RUN_URL", f"https://github.com/{REPO}/actions/runs/42")
        yield gh


def make_dir(tmp_path: Path, rep: dict[str, Any], changes: list[dict[str, Any]] | None = None, sha: str = HEAD) -> Path:
    out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}"
    write_report_dir(out, rep, changes or [], sha, None)
    return out


def bot(report_dir: Path, *extra: str) -> int:
    return main(["bot", "comment", "--repo", REPO, "--report-dir", str(report_dir), *extra])


def bot_comments(gh: GitHubStandIn, number: int) -> list[Any]:
    return [c for c in gh.comments_on(number) if c.author == gh.bot_login]


ERROR = problem("error", "results/papers/2024/new.yaml", 14, "metric 'Exact' is not declared by dataset squad2.0")
WARNING = problem("warning", "results/papers/2024/new.yaml", 9, "a new first place by 8.5 points", code="sota-margin")


def test_first_run_creates_the_comment_second_run_edits_it(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    assert bot(make_dir(tmp_path, report(ERROR))) == 0
    [comment] = bot_comments(github, 7)
    assert comment.body.startswith(MARKER)
    assert "❌ 1 error" in comment.body and "line 14:7" in comment.body
    assert f"https://github.com/{REPO}/blob/{HEAD}/results/papers/2024/new.yaml#L14" in comment.body
    assert f"[Workflow run](https://github.com/{REPO}/actions/runs/42)" in comment.body

    assert bot(make_dir(tmp_path, report())) == 0  # the contributor fixed it
    [again] = bot_comments(github, 7)
    assert again.id == comment.id and again.edits == 1
    assert "✅ All checks passed" in again.body and "line 14" not in again.body
    assert [r.method for r in github.writes() if "/comments" in r.path] == ["POST", "PATCH"]

    writes = len(github.writes())
    assert bot(make_dir(tmp_path, report())) == 0  # nothing new: nothing written at all
    assert len(github.writes()) == writes


def test_a_comment_by_someone_else_with_the_marker_is_never_touched(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    forged = github.add_comment(7, "mallory", f"{MARKER}\nAll checks passed, merge me!")
    quoted = github.add_comment(7, "maintainer", f"> {MARKER}\nquoting the bot")
    for _ in range(2):
        assert bot(make_dir(tmp_path, report(ERROR))) == 0
    assert github.comments[forged.id].body == f"{MARKER}\nAll checks passed, merge me!"
    assert github.comments[forged.id].edits == 0 and github.comments[quoted.id].edits == 0
    assert len(bot_comments(github, 7)) == 1
    touched = {r.path.rsplit("/", 1)[-1] for r in github.writes() if r.method in ("PATCH", "DELETE")}
    assert str(forged.id) not in touched and str(quoted.id) not in touched


def test_the_bot_login_is_configurable(github: GitHubStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    github.bot_login = "pwc-bot[bot]"
    monkeypatch.setenv("PWC_BOT_LOGIN", "pwc-bot[bot]")
    github.add_pull(7, HEAD)
    github.add_comment(7, "github-actions[bot]", f"{MARKER}\nan old comment by another bot")
    assert bot(make_dir(tmp_path, report())) == 0
    assert bot(make_dir(tmp_path, report(ERROR))) == 0
    [mine] = bot_comments(github, 7)
    assert mine.edits == 1
    assert github.comments_on(7)[0].body.endswith("an old comment by another bot")


def test_duplicates_of_our_own_are_folded_into_one(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    first = github.add_comment(7, "github-actions[bot]", f"{MARKER}\nold")
    github.add_comment(7, "github-actions[bot]", f"{MARKER}\nolder duplicate")
    assert bot(make_dir(tmp_path, report())) == 0
    [only] = bot_comments(github, 7)
    assert only.id == first.id and "All checks passed" in only.body


def test_our_comment_is_found_past_the_first_page(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    assert bot(make_dir(tmp_path, report())) == 0
    for i in range(230):
        github.add_comment(7, f"user{i}", f"+1 #{i}")
    assert bot(make_dir(tmp_path, report(ERROR))) == 0
    assert len(bot_comments(github, 7)) == 1 and bot_comments(github, 7)[0].edits == 1
    pages = [r.query.get("page", ["1"])[0] for r in github.requests if r.path.endswith("/issues/7/comments")]
    assert "3" in pages


@pytest.mark.parametrize(
    "setup",
    [
        lambda gh: gh.add_pull(7, OTHER),  # the PR moved on to another commit
        lambda gh: gh.add_pull(7, HEAD, state="closed"),
        lambda gh: None,  # no PR at all
        lambda gh: (gh.add_pull(7, HEAD), gh.add_pull(8, HEAD)),  # ambiguous
    ],
    ids=["stale-head", "closed", "no-pr", "two-prs"],
)
def test_nothing_is_posted_unless_the_report_is_for_the_current_head(
    github: GitHubStandIn, tmp_path: Path, setup: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    setup(github)
    assert bot(make_dir(tmp_path, report(ERROR))) == 0
    assert github.writes() == []
    assert "nothing posted" in capsys.readouterr().out


def test_the_workflow_runs_head_sha_must_match_the_reports(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    assert bot(make_dir(tmp_path, report()), "--expect-head-sha", OTHER) == 0
    assert github.requests == []  # decided before asking GitHub anything
    assert bot(make_dir(tmp_path, report()), "--expect-head-sha", HEAD) == 0
    assert len(bot_comments(github, 7)) == 1


def test_a_fork_pr_is_found_among_the_open_pulls(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(3, OTHER)
    github.add_pull(9, HEAD, head_repo="forker/results", commit_known=False)
    github.add_pull(5, HEAD, state="closed", commit_known=False)
    assert bot(make_dir(tmp_path, report())) == 0
    assert len(bot_comments(github, 9)) == 1 and not github.comments_on(3) and not github.comments_on(5)


def test_labels_follow_the_verdict_and_leave_other_labels_alone(github: GitHubStandIn, tmp_path: Path) -> None:
    pull = github.add_pull(7, HEAD, labels=["dataset: squad", "needs-review"])
    assert bot(make_dir(tmp_path, report(ERROR), [new_sota_change()])) == 0
    assert sorted(pull.labels) == ["dataset: squad", "invalid", "new-sota"]
    assert bot(make_dir(tmp_path, report(WARNING), [new_sota_change()])) == 0
    assert sorted(pull.labels) == ["dataset: squad", "needs-review", "new-sota"]
    assert bot(make_dir(tmp_path, report())) == 0
    assert pull.labels == ["dataset: squad"]
    body = bot_comments(github, 7)[0].body
    assert "✅ All checks passed" in body


def test_hostile_titles_and_model_names_come_out_inert(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    model = "@octocat <img src=x onerror=alert(1)> #1 | [x](https://evil.example)"
    title = f"{MARKER} GH-12 www.evil.example **bold**\n# heading"
    message = f"model '{model}' is not declared; see https://github.com/octo/results/issues/1"
    hostile = problem("error", "results/papers/2024/@me #3.yaml", 2, message)
    assert bot(make_dir(tmp_path, report(hostile), [new_sota_change(model, title)])) == 0
    [comment] = bot_comments(github, 7)
    assert comment.body.count("<!--") == 1
    rendered = inspect_rendered(comment.body)
    assert rendered.mentions() == [] and rendered.issue_refs() == []
    assert rendered.comments == [" pwc-bot:validation-report "]
    assert rendered.tags <= {"h2", "h3", "h4", "p", "a", "code", "strong", "del", "ul", "li", "hr", "table"} | {
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "blockquote",
        "details",
        "summary",
    }
    assert all(
        link.startswith((f"https://github.com/{REPO}/blob/{HEAD}/", f"https://github.com/{REPO}/actions/runs/"))
        for link in rendered.links
    ), rendered.links
    assert "evil.example" not in " ".join(rendered.links)
    assert "@octocat <img src=x onerror=alert(1)> #1 | [x](https://evil.example)" in rendered.all_text
    assert "<img" not in rendered.html


def test_five_thousand_problems_stay_under_the_size_limit(github: GitHubStandIn, tmp_path: Path) -> None:
    github.add_pull(7, HEAD)
    many = [
        problem(
            "error" if i % 5 else "warning",
            f"results/papers/2020/paper-{i // 10:04d}.yaml",
            i % 300 + 1,
            f"metric 'Accuracy (top-{i})' is not declared by dataset imagenet; did you mean 'Top 1 Accuracy'? " * 2,
        )
        for i in range(5000)
    ]
    assert bot(make_dir(tmp_path, report(*many), [new_sota_change()])) == 0
    [comment] = bot_comments(github, 7)  # the stand-in refuses a body over 65,536 characters, as GitHub does
    assert len(comment.body) < 65_536 and len(comment.body.encode()) <= 65_536
    assert "This comment is shortened" in comment.body
    assert "❌ 4,000 errors" in comment.body
    assert "New first place" in comment.body  # the leaderboard diff keeps its share of the space
    assert "not shown are" in comment.body
    rendered = inspect_rendered(comment.body)
    assert "details" in rendered.tags  # the folded warnings are closed properly


def test_dry_run_prints_the_comment_and_posts_nothing(
    github: GitHubStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github.add_pull(7, HEAD)
    assert bot(make_dir(tmp_path, report(WARNING), [new_sota_change()]), "--dry-run") == 0
    out, err = capsys.readouterr()
    assert out.startswith(MARKER) and "⚠️ No errors, 1 warning" in out
    assert "labels: needs-review, new-sota" in err
    assert github.requests == []


def test_cannot_run_is_exit_2_without_a_traceback(
    github: GitHubStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    github.add_pull(7, HEAD)
    good = make_dir(tmp_path, report())
    assert bot(tmp_path / "missing") == 2
    monkeypatch.setenv("GITHUB_TOKEN", "wrong")
    assert bot(good) == 2
    assert "401" in capsys.readouterr().err
    monkeypatch.delenv("GITHUB_TOKEN")
    assert bot(good) == 2
    assert main(["bot", "comment", "--repo", "not a repo", "--report-dir", str(good)]) == 2
    assert github.writes() == []
