"""The pull-request comment as GitHub Markdown: verdict, problems per file, the leaderboard diff.

Input is plain JSON-shaped data: the `pwc validate --format json` report and the list of
leaderboard changes from `validator/leaderboard/diff.py` (as read back, bounded, by
`validator/bot/report_dir.py`). Every string in them may come from a contributor and goes through
`validator/bot/escape.py`; only numbers and our own words are written as they are.

The comment never exceeds `limit` UTF-8 bytes (an upper bound of the characters GitHub counts
against its 65,536 limit): sections share the space by priority (errors, then the leaderboard
diff, then warnings), whatever does not fit is cut whole items at a time, and a note at the top
says what was left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from validator.bot.escape import blob_url, is_commit_sha, md_code, md_text

MARKER = "<!-- pwc-bot:validation-report -->"
GITHUB_LIMIT = 65_536
DEFAULT_LIMIT = 65_000
MAX_ROWS_PER_LEADERBOARD = 30
# A leaderboard that is new (or removed) as a whole is shown by its top rows only: in an import
# of hundreds of leaderboards, their first rows are what a reviewer looks at.
MAX_ROWS_WHOLE_LEADERBOARD = 5
# More leaderboards than this added (or removed) whole are listed one line each in a table.
MAX_WHOLE_LEADERBOARDS_DETAILED = 3
MAX_MOVED_LISTED = 5
MAX_METRIC_COLUMNS = 6
LOCAL_COMMAND = "pip install -e . && pwc validate --changed-since origin/main"

_RUN_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/[A-Za-z0-9_.\-/]+$")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def format_value(value: Any) -> str:
    """A metric value as text: `92.215`, `93`, or `0.8428 ± 0.0014`; '' when there is none."""
    if isinstance(value, Mapping):
        main = format_value(value.get("value"))
        err = value.get("error")
        return f"{main} ± {format_value(err)}" if err is not None and main else main
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return ""


@dataclass
class _Group:
    """Items under one header (a file's problems, a leaderboard's rows)."""

    header: str
    items: list[str]
    trailer: str = ""


@dataclass
class _Section:
    opener: str
    closer: str
    noun: str
    weight: float
    groups: list[_Group] = field(default_factory=list)

    @property
    def total_items(self) -> int:
        return sum(len(g.items) for g in self.groups)

    def natural_size(self) -> int:
        if not self.groups:
            return 0
        size = _size(self.opener) + _size(self.closer)
        for g in self.groups:
            size += _size(g.header) + sum(_size(i) for i in g.items) + _size(g.trailer)
        return size

    def render(self, budget: int) -> tuple[str, int]:
        """The section within `budget` bytes, and how many items were left out."""
        if not self.groups:
            return "", 0
        total = self.total_items
        omitted_line = "\n_… {n} more {noun} not shown (comment size limit)._\n"
        # When everything fits, no room is kept for the line that says what was left out.
        reserve = 0 if self.natural_size() <= budget else _size(omitted_line.format(n=f"{total:,}", noun=self.noun))
        left = budget - _size(self.opener) - _size(self.closer) - reserve
        if left <= 0:
            return "", total
        parts = [self.opener]
        shown = 0
        stop = False
        for g in self.groups:
            for idx, item in enumerate(g.items):
                piece = (g.header if idx == 0 else "") + item
                if idx == len(g.items) - 1:
                    piece += g.trailer
                if _size(piece) > left:
                    stop = True
                    break
                parts.append(piece)
                left -= _size(piece)
                shown += 1
            if stop:
                break
        omitted = total - shown
        if omitted:
            parts.append(omitted_line.format(n=f"{omitted:,}", noun=self.noun))
        if shown == 0:
            return "", total
        parts.append(self.closer)
        return "".join(parts), omitted


def _allocate(sections: list[_Section], budget: int) -> list[int]:
    """Share `budget` by weight; a section that needs less than its share gives the rest back."""
    alloc = [0] * len(sections)
    active = [i for i, s in enumerate(sections) if s.groups]
    remaining = budget
    while active:
        weight = sum(sections[i].weight for i in active)
        small = [i for i in active if sections[i].natural_size() <= remaining * sections[i].weight / weight]
        if not small:
            for i in active:
                alloc[i] = int(remaining * sections[i].weight / weight)
            break
        for i in small:
            alloc[i] = sections[i].natural_size()
            remaining -= alloc[i]
            active.remove(i)
    return alloc


class _Links:
    def __init__(self, repo: str | None, server_url: str, head_sha: str | None) -> None:
        self.repo, self.server, self.sha = repo, server_url, head_sha

    def blob(self, path: str | None, line: int | None = None) -> str | None:
        if not (self.repo and self.sha and path):
            return None
        return blob_url(self.server, self.repo, self.sha, path, line)


def _problem_section(problems: list[Mapping[str, Any]], severity: str, links: _Links) -> list[_Group]:
    chosen = [p for p in problems if p.get("severity") == severity]
    chosen.sort(key=lambda p: (p.get("file") or "", p.get("line") or 0, p.get("column") or 0))
    groups: list[_Group] = []
    current: str | None = None
    for p in chosen:
        file = p.get("file") or None
        if not groups or file != current:
            current = file
            name = md_code(file, 300) if file else "_the repository as a whole_"
            url = links.blob(file)
            title = f"[{name}]({url})" if url else name
            groups.append(_Group(header=f"\n**{title}**\n\n", items=[]))
        line, column = p.get("line"), p.get("column")
        where = f"line {line}" if line else "file"
        if line and column:
            where += f":{column}"
        url = links.blob(file, line) if line else None
        place = f"[{where}]({url})" if url else where
        text = f"- {place} {md_code(p.get('code') or '', 80)}: {md_text(p.get('message') or '', 1000)}"
        if p.get("hint"):
            text += f" — **fix:** {md_text(p['hint'], 500)}"
        groups[-1].items.append(text + "\n")
    return groups


def _rank_cell(row: Mapping[str, Any]) -> str:
    rank, before = row.get("rank"), row.get("previous_rank")
    if row.get("change") == "removed":
        return f"~~{before}~~" if before is not None else "–"
    if row.get("change") == "added":
        return str(rank) if rank is not None else "unranked"
    if rank != before:
        return f"{before if before is not None else 'unranked'} → {rank if rank is not None else 'unranked'}"
    return str(rank) if rank is not None else "unranked"


def _value_cell(row: Mapping[str, Any], metric: str) -> str:
    now = (row.get("metrics") or {}).get(metric)
    prev_map = row.get("previous_metrics") or {}
    if row.get("change") == "removed":
        text = format_value(now)
        return f"~~{text}~~" if text else ""
    if metric in (row.get("removed_metrics") or []):
        text = format_value(prev_map.get(metric))
        return f"~~{text}~~ removed" if text else "removed"
    if metric in prev_map:
        before = format_value(prev_map[metric])
        after = format_value(now)
        return f"~~{before}~~ → **{after}**" if before else f"**{after}** (new)"
    return format_value(now)


_BADGE = {"added": "🆕 new", "changed": "✏️ changed", "moved": "↕️ moved", "removed": "🗑️ removed"}


def _entry_text(entry: Mapping[str, Any]) -> str:
    value = format_value(entry.get("value"))
    name = md_text(entry.get("model") or "(unnamed)", 120)
    return f"{name} ({value})" if value else name


def _leaderboard_group(change: Mapping[str, Any], links: _Links) -> _Group:
    title = _board_title(change)
    status = change.get("status")
    prefix = {"added": "🆕 New leaderboard: ", "removed": "🗑️ Leaderboard removed: "}.get(status or "", "")
    lines = [f"\n#### {prefix}{title}\n"]
    primary = change.get("primary_metric")
    if change.get("previous_primary_metric"):
        lines.append(
            f"\nThe ranking metric changes from {md_text(change['previous_primary_metric'], 100)} "
            f"to {md_text(primary or '?', 100)}.\n"
        )
    first = change.get("new_first_place")
    if first:
        before = " / ".join(_entry_text(e) for e in first.get("before") or []) or "nobody"
        after = " / ".join(_entry_text(e) for e in first.get("after") or []) or "nobody"
        metric = md_text(first.get("metric") or primary or "?", 100)
        lines.append(f"\n🏆 **New first place** on {metric}: {before} → **{after}**\n")

    rows = list(change.get("rows") or [])
    moved = [r for r in rows if r.get("change") == "moved"]
    listed = [r for r in rows if r.get("change") != "moved" or len(moved) <= MAX_MOVED_LISTED]
    cap = MAX_ROWS_PER_LEADERBOARD if status == "changed" else MAX_ROWS_WHOLE_LEADERBOARD
    hidden = listed[cap:]
    listed = listed[:cap]

    declared = [m.get("name") for m in change.get("metrics") or [] if m.get("name")]
    order = ([primary] if primary else []) + [m for m in declared if m != primary]
    used: set[str] = set()
    for r in listed:
        used |= set(r.get("metrics") or {}) | set(r.get("previous_metrics") or {})
    columns = [m for m in order if m in used]
    columns += sorted(m for m in used if m not in columns)
    extra_columns = len(columns) - MAX_METRIC_COLUMNS
    columns = columns[:MAX_METRIC_COLUMNS]

    trailer_notes = []
    if len(moved) > MAX_MOVED_LISTED:
        down = sum(1 for r in moved if (r.get("rank") or 0) > (r.get("previous_rank") or 0))
        trailer_notes.append(
            f"↕️ {_plural(len(moved), 'other row')} changed rank ({down:,} down, {len(moved) - down:,} up)."
        )
    if hidden:
        trailer_notes.append(f"{_plural(len(hidden), 'more row')} not listed here.")
    if extra_columns > 0:
        trailer_notes.append(f"{_plural(extra_columns, 'more metric')} not shown as columns.")

    if not listed:
        return _Group(
            header="",
            items=["".join(lines) + "".join(f"\n{n}\n" for n in trailer_notes)],
        )
    head_cells = ["", "Rank", "Model", "Paper"] + [md_text(c, 60) for c in columns]
    align = ["---", "---:", "---", "---"] + ["---:"] * len(columns)
    lines.append("\n| " + " | ".join(head_cells) + " |\n")
    lines.append("|" + "|".join(align) + "|\n")
    items = []
    for r in listed:
        model = md_text(r.get("model") or "(unnamed)", 120)
        url = links.blob(r.get("source")) if r.get("change") != "removed" else None
        model_cell = f"[{model}]({url})" if url else model
        paper = r.get("paper") or {}
        cells = [
            _BADGE.get(r.get("change") or "", ""),
            _rank_cell(r),
            model_cell,
            md_text(paper.get("title") or paper.get("id") or "", 90),
            *(_value_cell(r, c) for c in columns),
        ]
        items.append("| " + " | ".join(cells) + " |\n")
    trailer = "".join(f"\n{n}\n" for n in trailer_notes)
    return _Group(header="".join(lines), items=items, trailer=trailer)


def _boards(changes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [c for c in changes if isinstance(c, Mapping)]


def _review_order(change: Mapping[str, Any]) -> tuple[int, str, str]:
    """What a reviewer should look at first: new first places, other changes to existing
    leaderboards, then leaderboards added or removed whole; by task and dataset name within."""
    status = change.get("status")
    group = 0 if change.get("new_first_place") else 1 if status == "changed" else 2 if status == "added" else 3
    task, dataset = change.get("task") or {}, change.get("dataset") or {}
    return (group, str(task.get("name") or ""), str(dataset.get("name") or ""))


def _board_title(change: Mapping[str, Any]) -> str:
    task, dataset = change.get("task") or {}, change.get("dataset") or {}
    return (
        f"{md_text(task.get('name') or task.get('id') or '?', 150)} · "
        f"{md_text(dataset.get('name') or dataset.get('id') or '?', 150)}"
    )


def _compact_group(status: str, boards: list[Mapping[str, Any]]) -> _Group:
    """Leaderboards added or removed whole, one table line each (an import touches hundreds)."""
    if status == "added":
        header = f"\n#### 🆕 {_plural(len(boards), 'new leaderboard')}\n\n| Leaderboard | Results | First place |\n"
        header += "|---|---:|---|\n"
    else:
        header = f"\n#### 🗑️ {_plural(len(boards), 'leaderboard')} removed\n\n| Leaderboard | Results removed |\n"
        header += "|---|---:|\n"
    items = []
    for board in boards:
        rows = list(board.get("rows") or [])
        cells = [_board_title(board), str(len(rows))]
        if status == "added":
            primary = board.get("primary_metric")
            firsts = [r for r in rows if r.get("rank") == 1]
            cells.append(
                " / ".join(
                    f"{md_text(r.get('model') or '(unnamed)', 100)} "
                    f"({format_value((r.get('metrics') or {}).get(primary))} {md_text(primary or '', 60)})"
                    for r in firsts
                )
                or "–"
            )
        items.append("| " + " | ".join(cells) + " |\n")
    return _Group(header=header, items=items)


def _leaderboard_groups(changes: list[Mapping[str, Any]], links: _Links) -> list[_Group]:
    ordered = sorted(changes, key=_review_order)
    groups = []
    for status in ("added", "removed"):
        whole = [c for c in ordered if c.get("status") == status]
        if len(whole) > MAX_WHOLE_LEADERBOARDS_DETAILED:
            ordered = [c for c in ordered if c.get("status") != status]
            groups.append((status, _compact_group(status, whole)))
    detailed = [_leaderboard_group(c, links) for c in ordered]
    # Detailed changes to existing leaderboards first, then the compact tables, added before removed.
    return detailed + [g for _, g in groups]


def _verdict(errors: int, warnings: int) -> str:
    if errors:
        it = "it is" if errors == 1 else "they are"
        return f"## ❌ {_plural(errors, 'error')}: this pull request cannot be merged until {it} fixed"
    if warnings:
        return f"## ⚠️ No errors, {_plural(warnings, 'warning')} for a maintainer to review"
    return "## ✅ All checks passed"


def _count(report: Mapping[str, Any], key: str, severity: str | None = None) -> int:
    counts = report.get("counts") or {}
    value = counts.get(key)
    n = value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
    if severity:
        n = max(n, sum(1 for p in report.get("problems") or [] if p.get("severity") == severity))
    return n


def render_comment(
    report: Mapping[str, Any],
    changes: Sequence[Mapping[str, Any]],
    *,
    head_sha: str | None = None,
    repo: str | None = None,
    server_url: str = "https://github.com",
    run_url: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> str:
    """The whole comment, starting with the hidden marker the bot finds it by."""
    sha = head_sha if head_sha and is_commit_sha(head_sha) else None
    links = _Links(repo, server_url, sha)
    problems = [p for p in report.get("problems") or [] if isinstance(p, Mapping)]
    errors, warnings = _count(report, "error", "error"), _count(report, "warning", "warning")
    files, results = _count(report, "files"), _count(report, "results")

    summary = [f"Checked {_plural(results, 'result')} in {_plural(files, 'file')}"]
    if sha:
        summary[0] += f" at commit `{sha[:12]}`"
    summary[0] += "."
    if changes:
        firsts = sum(1 for c in changes if c.get("new_first_place"))
        text = f"{_plural(len(changes), 'leaderboard')} {'changes' if len(changes) == 1 else 'change'}"
        if firsts:
            text += f", {firsts:,} with a new first place"
        summary.append(text + ".")
    head = f"{MARKER}\n{_verdict(errors, warnings)}\n\n{' '.join(summary)}\n"

    run = run_url if run_url and _RUN_URL.match(run_url) else None
    footer = "\n---\n"
    footer += f"[Workflow run]({run}) · " if run else ""
    footer += "This comment is updated on every push. "
    footer += f"Run the same check locally: `{LOCAL_COMMAND}`\n"

    sections = [
        _Section("\n### Errors\n", "", "errors", 0.5, _problem_section(problems, "error", links)),
        _Section(
            "\n### Leaderboard changes\n",
            "",
            "leaderboard rows",
            0.35,
            _leaderboard_groups(_boards(changes), links),
        ),
        _Section(
            f"\n<details>\n<summary>⚠️ {_plural(warnings, 'warning')} (they do not block the merge)</summary>\n",
            "\n</details>\n",
            "warnings",
            0.15,
            _problem_section(problems, "warning", links),
        ),
    ]
    note_reserve = 600
    budget = limit - _size(head) - _size(footer) - note_reserve
    alloc = _allocate(sections, max(0, budget))
    rendered = [s.render(a) for s, a in zip(sections, alloc, strict=True)]
    errors_md, board_md, warnings_md = (r[0] for r in rendered)
    omitted = {s.noun: r[1] for s, r in zip(sections, rendered, strict=True) if r[1]}
    note = ""
    if omitted:
        singular = {"errors": "error", "warnings": "warning", "leaderboard rows": "leaderboard row"}
        what = ", ".join(_plural(n, singular[noun], noun) for noun, n in omitted.items())
        note = (
            f"\n> ✂️ **This comment is shortened** to stay under GitHub's {GITHUB_LIMIT:,}-character "
            f"limit: not shown are {what}. The workflow run's `pwc-report` artifact has the whole "
            "report (`report.json`), and so does the local check below.\n"
        )
    # Display order: verdict, what was cut, errors, warnings (folded), leaderboards, footer.
    body = head + note + errors_md + warnings_md + board_md + footer
    if _size(body) > limit:  # cannot happen with the reserves above; never post an oversized body
        body = head + note + footer
    return body
