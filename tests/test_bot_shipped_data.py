"""The comment for the shipped data: `results/` as one pull request against an empty repository
(the import), through the report directory and back, renders within GitHub's limit, inert, with
every leaderboard accounted for."""

from __future__ import annotations

import re
from pathlib import Path

from standins.github_pr_api import inspect_rendered

from validator import pipeline
from validator.bot.github import Settings, render_for
from validator.bot.report_dir import read_report_dir, write_report_dir
from validator.leaderboard.build import leaderboard_dicts
from validator.leaderboard.diff import diff_leaderboards
from validator.report.render import Report

ROOT = Path(__file__).resolve().parent.parent
SHA = "5" * 40
REPO = "pwc2/results"


def test_the_shipped_data_as_one_pull_request(tmp_path: Path) -> None:
    repo = pipeline.load(ROOT)
    boards = leaderboard_dicts(repo)
    changes = diff_leaderboards([], boards)
    assert len(changes) == len(boards) and all(c["status"] == "added" for c in changes)
    assert sum(len(c["rows"]) for c in changes) == sum(len(b["rows"]) for b in boards)

    report = Report(pipeline.check(repo), len(repo.files), repo.result_count()).as_dict()
    write_report_dir(tmp_path / "report", report, changes, SHA, None)
    got = read_report_dir(tmp_path / "report")
    body = render_for(got, Settings(repo=REPO, token="", run_url=f"https://github.com/{REPO}/actions/runs/1"))

    assert len(body.encode()) < 65_536
    assert "❌" not in body.splitlines()[1]  # the shipped data validates without errors
    rendered = inspect_rendered(body)
    assert rendered.mentions() == [] and rendered.issue_refs() == []
    assert all(link.startswith(f"https://github.com/{REPO}/") for link in rendered.links)
    if "This comment is shortened" not in body:
        # Every new leaderboard is there: one line each in the compact table, or in full.
        many = re.search(r"#### 🆕 ([\d,]+) new leaderboards", body)
        listed = int(many[1].replace(",", "")) if many else body.count("#### 🆕 New leaderboard:")
        assert listed == len(boards)
