"""`pwc validate`: check results/ and report problems as text, JSON or GitHub annotations."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from validator import pipeline
from validator.cli import hold
from validator.load.git import GitError, changed_files, head_sha, load_base
from validator.report.render import Report, render_github, render_json, render_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="report only these files")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument(
        "--changed-since", metavar="GIT_REF", help="report only files changed since this revision"
    )
    online = parser.add_mutually_exclusive_group()
    online.add_argument("--online", action="store_true", help="look identifiers up (arXiv, Crossref, GitHub)")
    online.add_argument("--offline", action="store_true", help="no network (the default)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--report-dir", metavar="DIR", help="write the PR bot's report artifact here")
    parser.add_argument("--head-sha", metavar="SHA", help="the PR head commit (default: git rev-parse HEAD)")


def fail(message: str) -> int:
    print(f"pwc validate: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if not (root / "results").is_dir():
        return fail(f"no results/ folder under {root}")
    if args.changed_since and not (args.paths or args.online):
        # A PR check: only what the change can affect is loaded, when the cache allows it.
        from validator import scope

        try:
            changed = {f for f in changed_files(root, args.changed_since) if f.startswith("results/")}
            scoped = scope.check_changed(root, args.changed_since, changed)
        except GitError as exc:
            return fail(f"--changed-since {args.changed_since}: {exc}")
        if scoped is not None:
            hold(scoped)
            files = len(scoped.reported & set(scoped.repo.files))
            report = Report(scoped.problems, files, scope.reported_results(scoped.repo, scoped.reported))
            code = _render(args, report)
            if args.report_dir:
                pairs = touched_leaderboards(scoped.repo, scoped.reported)
                boards = scoped.leaderboard_repositories(pairs) if pairs is not None else None
                return _write_report_dir(args, root, scoped.repo, report, scoped.reported, boards) or code
            return code
    repo = pipeline.load(root)
    hold(repo)
    selected: set[str] | None = None
    if args.paths:
        selected = set()
        for raw in args.paths:
            path = Path(raw)
            absolute = path if path.is_absolute() else Path.cwd() / path
            try:
                rel = absolute.resolve().relative_to(root).as_posix()
            except ValueError:
                return fail(f"{raw} is not inside the repository root {root}")
            if absolute.is_dir():
                selected |= {f for f in repo.files if f == rel or f.startswith(rel.rstrip("/") + "/")}
            else:
                selected.add(rel)
    if args.changed_since:
        try:
            changed = changed_files(root, args.changed_since)
            repo.base = load_base(root, args.changed_since)
        except GitError as exc:
            return fail(f"--changed-since {args.changed_since}: {exc}")
        changed = {f for f in changed if f.startswith("results/")}
        selected = changed if selected is None else selected & changed
    if selected is not None:
        selected = pipeline.involved_files(repo, selected)
    problems = pipeline.check(repo)
    if args.online:
        from validator.checks.links import online_problems

        problems = pipeline.sort_problems([*problems, *online_problems(repo, selected)])
    problems = pipeline.select(problems, selected)
    files = len(repo.files) if selected is None else len(selected & set(repo.files))
    results = repo.result_count() if selected is None else sum(
        len(p.model.results) for p in repo.papers if p.file in selected
    )
    report = Report(problems, files, results)
    if args.report_dir:
        _render(args, report)
        code = _write_report_dir(args, root, repo, report, selected)
        if code:
            return code
        return 0 if report.errors == 0 else 1
    return _render(args, report)


def _render(args: argparse.Namespace, report: Report) -> int:
    """Print the report in the requested format; the exit status it gives."""
    if args.format == "json":
        render_json(report, sys.stdout)
    elif args.format == "github":
        render_github(report, sys.stdout)
    else:
        render_text(report, sys.stdout, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    return 0 if report.errors == 0 else 1


def _write_report_dir(
    args: argparse.Namespace, root: Path, repo, report: Report, selected: set[str] | None, boards=None
) -> int:
    """Write the bot's artifact. `boards`: (base, head) repositories to build the touched
    leaderboards from, when `repo` and its base do not hold all their files (a scoped PR check)."""
    from validator.bot.report_dir import ReportDirError, write_report_dir

    sha = args.head_sha
    if not sha:
        try:
            sha = head_sha(root)
        except GitError as exc:
            return fail(f"--report-dir needs --head-sha or a git checkout: {exc}")
    changes: list[dict] = []
    if repo.base is not None:
        from validator.leaderboard.build import leaderboard_dicts
        from validator.leaderboard.diff import diff_leaderboards

        pairs = touched_leaderboards(repo, selected)
        base, head = boards if boards is not None else (repo.base, repo)
        changes = diff_leaderboards(leaderboard_dicts(base, pairs), leaderboard_dicts(head, pairs))
    run_url = None
    if os.environ.get("GITHUB_RUN_ID") and os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        run_url = f"{server}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ['GITHUB_RUN_ID']}"
    try:
        write_report_dir(Path(args.report_dir), report.as_dict(), changes, sha, run_url)
    except (ReportDirError, OSError) as exc:
        return fail(f"--report-dir {args.report_dir}: {exc}")
    return 0


def touched_leaderboards(repo, selected: set[str] | None) -> set[tuple[str, str]] | None:
    """The (task, dataset) pairs a change can alter: those of the results in the changed paper
    files, on the base and on the head. None (every leaderboard) when a task, dataset or the
    metric catalogue changed, since those can re-rank boards whose papers did not change."""
    if selected is None or any(not f.startswith("results/papers/") for f in selected):
        return None
    pairs: set[tuple[str, str]] = set()
    for side in (repo, repo.base):
        for paper in side.papers:
            if paper.file in selected:
                pairs.update((r.task, r.dataset) for r in paper.model.results)
    return pairs
