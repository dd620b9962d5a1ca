"""`pwc bot comment`: post (or edit) the validation report as one comment on its pull request.

Environment: `GITHUB_TOKEN` (required unless `--dry-run`), `GITHUB_API_URL` (default
https://api.github.com), `PWC_BOT_LOGIN` (the login the token posts as; a workflow's token cannot
read /user, so it is configured: default github-actions[bot]), `GITHUB_SERVER_URL` for links,
and the run link from `--run-url`, `PWC_RUN_URL`, or `GITHUB_SERVER_URL`/`GITHUB_REPOSITORY`/
`GITHUB_RUN_ID`.
"""

from __future__ import annotations

import argparse
import os
import sys

from validator.bot.escape import is_commit_sha, is_repo_slug


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="bot_command", metavar="ACTION", required=True)
    comment = sub.add_parser(
        "comment",
        help="post or update the report comment on the pull request whose head is the report's",
        description="Post or update the one report comment on the pull request whose current head "
        "is the report's head SHA, and keep its labels (new-sota, invalid, needs-review) in sync.",
    )
    comment.add_argument("--repo", metavar="OWNER/NAME", help="the repository (default: $GITHUB_REPOSITORY)")
    comment.add_argument("--report-dir", required=True, metavar="DIR", help="written by pwc validate --report-dir")
    comment.add_argument("--dry-run", action="store_true", help="print the comment and labels; post nothing")
    comment.add_argument("--run-url", metavar="URL", help="link to the validation run (default: from env)")
    comment.add_argument(
        "--expect-head-sha",
        metavar="SHA",
        help="post nothing unless the report is for this commit (github.event.workflow_run.head_sha)",
    )


def _fail(message: str) -> int:
    print(f"pwc bot: {message}", file=sys.stderr)
    return 2


def _run_url(args: argparse.Namespace) -> str | None:
    if args.run_url:
        return args.run_url
    if os.environ.get("PWC_RUN_URL"):
        return os.environ["PWC_RUN_URL"]
    repo, run_id = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_RUN_ID")
    if repo and run_id:
        return f"{os.environ.get('GITHUB_SERVER_URL', 'https://github.com')}/{repo}/actions/runs/{run_id}"
    return None


def _comment(args: argparse.Namespace) -> int:
    from pathlib import Path

    from validator.bot.github import DEFAULT_API_URL, DEFAULT_BOT_LOGIN, BotError, Settings, post_report, render_for
    from validator.bot.labels import wanted_labels
    from validator.bot.report_dir import ReportDirError, read_report_dir

    repo = args.repo or os.environ.get("GITHUB_REPOSITORY") or ""
    if repo and not is_repo_slug(repo):
        return _fail(f"--repo {repo!r} is not OWNER/NAME")
    if not repo and not args.dry_run:
        return _fail("--repo OWNER/NAME is required (or GITHUB_REPOSITORY)")
    if args.expect_head_sha and not is_commit_sha(args.expect_head_sha):
        return _fail("--expect-head-sha must be a full lowercase commit SHA")
    try:
        report_dir = read_report_dir(Path(args.report_dir))
    except ReportDirError as exc:
        return _fail(f"cannot use the report directory {args.report_dir}: {exc}")
    settings = Settings(
        repo=repo,
        token=os.environ.get("GITHUB_TOKEN", ""),
        api_url=os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
        bot_login=os.environ.get("PWC_BOT_LOGIN") or DEFAULT_BOT_LOGIN,
        server_url=os.environ.get("GITHUB_SERVER_URL") or "https://github.com",
        run_url=_run_url(args),
        expect_head_sha=args.expect_head_sha,
    )
    if args.dry_run:
        sys.stdout.write(render_for(report_dir, settings))
        labels = ", ".join(sorted(wanted_labels(report_dir.report, report_dir.changes))) or "none"
        print(f"pwc bot: dry run for {report_dir.head_sha}; labels: {labels}", file=sys.stderr)
        return 0
    if not settings.token:
        return _fail("GITHUB_TOKEN is not set")
    try:
        outcome = post_report(report_dir, settings)
    except BotError as exc:
        return _fail(str(exc))
    if outcome.action == "skipped":
        print(f"pwc bot: nothing posted: {outcome.reason}")
        return 0
    print(f"pwc bot: comment {outcome.action} on {outcome.reason}: {outcome.comment_url}")
    if outcome.labels_added or outcome.labels_removed:
        print(
            f"pwc bot: labels added: {', '.join(outcome.labels_added) or 'none'}; "
            f"removed: {', '.join(outcome.labels_removed) or 'none'}"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    if args.bot_command == "comment":
        return _comment(args)
    return _fail(f"unknown action {args.bot_command!r}")
