"""The labels the bot keeps on a pull request, decided from the report alone."""

from __future__ import annotations

from collections.abc import Iterable

from validator.bot.report_dir import LeaderboardChanges, ValidationReport

NEW_SOTA = "new-sota"
INVALID = "invalid"
NEEDS_REVIEW = "needs-review"
# Only these are added or removed; every other label on the PR belongs to people.
MANAGED = (NEW_SOTA, INVALID, NEEDS_REVIEW)


def wanted_labels(report: ValidationReport, changes: LeaderboardChanges) -> set[str]:
    """`invalid` when there are errors, `needs-review` when there are warnings, `new-sota` when an
    existing leaderboard gets a new first place."""
    wanted = set()
    if report.errors:
        wanted.add(INVALID)
    if report.warnings:
        wanted.add(NEEDS_REVIEW)
    if any(c.new_first_place for c in changes.leaderboards):
        wanted.add(NEW_SOTA)
    return wanted


def label_changes(current: Iterable[str], wanted: set[str]) -> tuple[list[str], list[str]]:
    """(labels to add, labels to remove), touching only the managed ones."""
    have = set(current)
    add = sorted(wanted - have)
    remove = sorted(label for label in MANAGED if label in have and label not in wanted)
    return add, remove
