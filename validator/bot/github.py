"""Posting a report on its pull request with PyGithub: find the PR, keep one comment, sync labels.

The report directory is untrusted, so the pull request is never taken from it: it is found from
the report's head SHA (the commit's pull requests, then the open pull requests), and nothing is
posted unless exactly one open pull request of this repository has that SHA as its current head.
The comment is found again by the hidden marker *and* the bot's own login, so a comment by anyone
else that carries the marker is never edited or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from validator.bot.labels import label_changes, wanted_labels
from validator.bot.report_dir import ReportDir
from validator.report.markdown import MARKER, render_comment

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_BOT_LOGIN = "github-actions[bot]"
# How many open pull requests to look through when the commit's own list does not name the PR.
MAX_OPEN_PULLS_SCANNED = 500


@dataclass(frozen=True)
class Settings:
    repo: str
    token: str
    api_url: str = DEFAULT_API_URL
    bot_login: str = DEFAULT_BOT_LOGIN
    server_url: str = "https://github.com"
    run_url: str | None = None
    # The head SHA GitHub itself gave the workflow (github.event.workflow_run.head_sha), if any.
    expect_head_sha: str | None = None


@dataclass
class Outcome:
    action: Literal["created", "updated", "unchanged", "skipped"]
    reason: str
    pr: int | None = None
    comment_url: str | None = None
    labels_added: list[str] = field(default_factory=list)
    labels_removed: list[str] = field(default_factory=list)


class BotError(Exception):
    """GitHub could not be reached or refused a request."""


def _client(settings: Settings):  # -> github.Github, imported lazily: only the bot needs it
    from github import Auth, Github, GithubRetry

    return Github(
        auth=Auth.Token(settings.token),
        base_url=settings.api_url.rstrip("/"),
        timeout=30,
        per_page=100,
        user_agent="pwc-bot",
        retry=GithubRetry(total=3),
    )


def _same_repo(pr: PullRequest, repo: Repository) -> bool:
    base_repo = pr.base.repo
    return base_repo is not None and base_repo.full_name.casefold() == repo.full_name.casefold()


def find_pull_request(repo: Repository, sha: str) -> tuple[PullRequest | None, str]:
    """The one open pull request of `repo` whose current head is `sha`, or None and why not."""
    from github import GithubException

    found: dict[int, PullRequest] = {}
    try:
        for pr in repo.get_commit(sha).get_pulls():
            found[pr.number] = pr
    except GithubException as exc:
        if exc.status not in (404, 422):
            raise
        # GitHub does not know the commit here (422 "No commit found for SHA", as for some fork
        # heads); the open pull requests may still name it.
    matching = [p for p in found.values() if p.state == "open" and p.head.sha == sha and _same_repo(p, repo)]
    if not matching:
        for i, pr in enumerate(repo.get_pulls(state="open", sort="updated", direction="desc")):
            if i >= MAX_OPEN_PULLS_SCANNED:
                break
            if pr.head.sha == sha and _same_repo(pr, repo):
                matching.append(pr)
    if not matching:
        return None, f"no open pull request has {sha} as its head (it may have moved on)"
    if len(matching) > 1:
        numbers = ", ".join(f"#{p.number}" for p in sorted(matching, key=lambda p: p.number))
        return None, f"several open pull requests have {sha} as their head ({numbers}); not guessing"
    # Read it again on its own: the head must be the report's *now*, not when a list was cached.
    pr = repo.get_pull(matching[0].number)
    if pr.state != "open" or pr.head.sha != sha:
        return None, f"pull request #{pr.number} is {pr.state} at {pr.head.sha}, not at {sha}"
    return pr, f"pull request #{pr.number}"


def _is_mine(comment, login: str) -> bool:
    user = comment.user
    return user is not None and (user.login or "").casefold() == login.casefold() and MARKER in (comment.body or "")


def render_for(report_dir: ReportDir, settings: Settings) -> str:
    """The comment for a report, rendered by this (the base repository's) code."""
    return render_comment(
        report_dir.report.model_dump(),
        report_dir.changes.model_dump()["leaderboards"],
        head_sha=report_dir.head_sha,
        repo=settings.repo,
        server_url=settings.server_url,
        run_url=settings.run_url,
    )


def post_report(report_dir: ReportDir, settings: Settings) -> Outcome:
    """Create or edit the bot's one comment on the report's pull request and sync its labels."""
    from github import GithubException
    from requests import RequestException

    sha = report_dir.head_sha
    if settings.expect_head_sha and settings.expect_head_sha != sha:
        return Outcome("skipped", f"the report is for {sha}, the workflow run for {settings.expect_head_sha}")
    try:
        gh = _client(settings)
        repo = gh.get_repo(settings.repo)
        pr, why = find_pull_request(repo, sha)
        if pr is None:
            return Outcome("skipped", why)
        body = render_for(report_dir, settings)
        mine = [c for c in pr.get_issue_comments() if _is_mine(c, settings.bot_login)]
        if mine:
            comment = mine[0]
            if comment.body == body:
                outcome = Outcome("unchanged", why, pr.number, comment.html_url)
            else:
                comment.edit(body)
                outcome = Outcome("updated", why, pr.number, comment.html_url)
            for extra in mine[1:]:  # only ever our own: restore the one-comment invariant
                extra.delete()
        else:
            comment = pr.create_issue_comment(body)
            outcome = Outcome("created", why, pr.number, comment.html_url)
        add, remove = label_changes(
            (label.name for label in pr.get_labels()), wanted_labels(report_dir.report, report_dir.changes)
        )
        if add:
            pr.add_to_labels(*add)
        for name in remove:
            pr.remove_from_labels(name)
        outcome.labels_added, outcome.labels_removed = add, remove
        return outcome
    except GithubException as exc:
        message = exc.data.get("message") if isinstance(exc.data, dict) else None
        raise BotError(f"GitHub answered {exc.status}: {message or exc}") from None
    except RequestException as exc:
        raise BotError(f"GitHub could not be reached: {exc}") from None
