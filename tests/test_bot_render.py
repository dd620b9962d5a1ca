"""The comment's Markdown, as GitHub renders it: verdict, errors per file with line links, folded
warnings, the leaderboard diff as tables, the footer, and the size limit."""

from __future__ import annotations

from typing import Any

import pytest
from standins.github_pr_api import inspect_rendered

from validator.report.markdown import MARKER, format_value, render_comment

SHA = "c0ffee" + "0" * 34
REPO = "octo/results"


def problem(severity: str, file: str | None, line: int | None, message: str = "m", hint: str | None = None) -> dict:
    return {
        "severity": severity,
        "code": "some-code",
        "file": file,
        "line": line,
        "column": 3,
        "message": message,
        "hint": hint,
    }


def report(*problems: dict, results: int = 10, files: int = 3) -> dict:
    errors = sum(1 for p in problems if p["severity"] == "error")
    counts = {"error": errors, "warning": len(problems) - errors, "files": files, "results": results}
    return {"ok": errors == 0, "counts": counts, "problems": list(problems)}


def board(dataset: str, status: str = "changed", rows: list[dict] | None = None, first: Any = None) -> dict:
    return {
        "task": {"id": "image-classification", "name": "Image Classification"},
        "dataset": {"id": dataset, "name": dataset.upper()},
        "status": status,
        "primary_metric": "Top 1 Accuracy",
        "metrics": [{"name": "Top 1 Accuracy"}, {"name": "Top 5 Accuracy"}],
        "new_first_place": first,
        "rows": rows or [],
    }


def added(rank: int, model: str, top1: Any, **extra: Any) -> dict:
    return {
        "change": "added",
        "model": model,
        "paper": {"id": model.lower(), "title": f"The {model} paper"},
        "source": f"results/papers/2024/{model.lower()}.yaml",
        "rank": rank,
        "metrics": {"Top 1 Accuracy": top1},
        **extra,
    }


def render(rep: dict, changes: list[dict] | None = None, **kw: Any) -> str:
    return render_comment(
        rep, changes or [], head_sha=SHA, repo=REPO, run_url=f"https://github.com/{REPO}/actions/runs/9", **kw
    )


@pytest.mark.parametrize(
    "problems, verdict",
    [
        ((), "## ✅ All checks passed"),
        ((problem("warning", "a.yaml", 1),), "## ⚠️ No errors, 1 warning for a maintainer to review"),
        ((problem("error", "a.yaml", 1), problem("error", "b.yaml", 2)), "## ❌ 2 errors: this pull request cannot"),
    ],
)
def test_the_verdict_comes_first_after_the_marker(problems: tuple, verdict: str) -> None:
    body = render(report(*problems))
    first, second = body.splitlines()[:2]
    assert first == MARKER and second.startswith(verdict)


def test_errors_are_grouped_per_file_with_line_links_and_hints() -> None:
    body = render(
        report(
            problem("error", "results/papers/2020/b.yaml", 7, "second file"),
            problem("error", "results/papers/2019/a.yaml", 9, "later line", hint="write EM"),
            problem("error", "results/papers/2019/a.yaml", 2, "earlier line"),
            problem("error", None, None, "a repository-wide problem"),
        )
    )
    errors = body[body.index("### Errors") : body.index("---")]
    order = [
        errors.index(s) for s in ("repository as a whole", "2019/a.yaml", "earlier line", "later line", "2020/b.yaml")
    ]
    assert order == sorted(order)
    assert errors.count("**[`results/papers/2019/a.yaml`]") == 1
    assert f"[line 9:3](https://github.com/{REPO}/blob/{SHA}/results/papers/2019/a.yaml#L9)" in errors
    assert "— **fix:** write EM" in errors
    r = inspect_rendered(body)
    assert {"h3", "ul", "li", "a", "code"} <= r.tags


def test_warnings_are_folded_and_do_not_hide_errors() -> None:
    body = render(report(problem("error", "a.yaml", 1, "the error"), problem("warning", "a.yaml", 2, "the warning")))
    details = body[body.index("<details>") : body.index("</details>")]
    assert "<summary>⚠️ 1 warning" in details and "the warning" in details and "the error" not in details
    assert body.index("the error") < body.index("<details>")
    assert "details" in inspect_rendered(body).tags


def test_the_leaderboard_diff_is_a_table_with_ranks_and_old_and_new_values() -> None:
    first = {
        "metric": "Top 1 Accuracy",
        "before": [{"model": "Old King", "value": 90.1}],
        "after": [{"model": "New King", "value": {"value": 91.25, "error": 0.05}}],
    }
    rows = [
        added(1, "New King", {"value": 91.25, "error": 0.05}),
        {
            "change": "changed",
            "model": "Tweaked",
            "rank": 4,
            "previous_rank": 3,
            "metrics": {"Top 1 Accuracy": 85.0},
            "previous_metrics": {"Top 1 Accuracy": 86.0, "Top 5 Accuracy": 97.0},
            "removed_metrics": ["Top 5 Accuracy"],
        },
        {"change": "removed", "model": "Gone", "previous_rank": 9, "metrics": {"Top 1 Accuracy": 70}},
    ]
    body = render(report(), [board("imagenet", rows=rows, first=first)])
    assert "#### Image Classification · IMAGENET" in body
    assert "🏆 **New first place** on Top 1 Accuracy: Old King (90.1) → **New King (91.25 ± 0.05)**" in body
    table = [ln for ln in body.splitlines() if ln.startswith("| ")]
    assert table[0] == "|  | Rank | Model | Paper | Top 1 Accuracy | Top 5 Accuracy |"
    assert table[1].startswith("| 🆕 new | 1 | [New King](https://github.com/")
    assert "| ✏️ changed | 3 → 4 | Tweaked |  | ~~86.0~~ → **85.0** | ~~97.0~~ removed |" in table
    assert "| 🗑️ removed | ~~9~~ | Gone |  | ~~70~~ |  |" in table
    r = inspect_rendered(body)
    assert r.html.count("<table>") == 1 and r.html.count("<tr>") == 4 and "del" in r.tags


def test_many_moved_rows_are_summarised() -> None:
    moved = [
        {
            "change": "moved",
            "model": f"M{i}",
            "rank": i + 2,
            "previous_rank": i + 1,
            "metrics": {"Top 1 Accuracy": 80 - i},
        }
        for i in range(40)
    ]
    body = render(report(), [board("imagenet", rows=[added(1, "Top", 99.0), *moved])])
    assert "M3 " not in body and "↕️ 40 other rows changed rank (40 down, 0 up)." in body


def test_many_new_leaderboards_are_one_line_each() -> None:
    boards = [
        board(f"set-{i}", status="added", rows=[added(1, f"Best{i}", 50 + i), added(2, "Other", 10)]) for i in range(6)
    ]
    body = render(report(), boards)
    assert "#### 🆕 6 new leaderboards" in body
    assert "| Image Classification · SET-3 | 2 | Best3 (53 Top 1 Accuracy) |" in body
    assert "Other" not in body


def test_a_few_new_leaderboards_are_shown_in_full() -> None:
    body = render(report(), [board("set-1", status="added", rows=[added(1, "Best", 50), added(2, "Other", 10)])])
    assert "#### 🆕 New leaderboard: Image Classification · SET-1" in body and "Other" in body


def test_existing_leaderboards_with_a_new_first_place_come_first() -> None:
    first = {"metric": "Top 1 Accuracy", "before": [], "after": [{"model": "X", "value": 1}]}
    changes = [board("aaa", rows=[added(5, "Low", 1.0)]), board("zzz", rows=[added(1, "X", 1)], first=first)]
    body = render(report(), changes)
    assert body.index("ZZZ") < body.index("AAA")


def test_footer_links_the_run_and_says_how_to_check_locally() -> None:
    footer = render(report()).split("\n---\n")[-1]
    assert f"[Workflow run](https://github.com/{REPO}/actions/runs/9)" in footer
    assert "`pip install -e . && pwc validate --changed-since origin/main`" in footer
    bad = render_comment(report(), [], run_url="javascript:alert(1)")
    assert "javascript" not in bad and "Workflow run" not in bad


def test_no_links_without_a_repository_or_a_valid_head() -> None:
    rep = report(problem("error", "a.yaml", 3))
    assert "](" not in render_comment(rep, [], head_sha=SHA)
    assert "](" not in render_comment(rep, [], head_sha="HEAD", repo=REPO)


@pytest.mark.parametrize("limit", [65_000, 20_000, 5_000])
def test_every_section_is_cut_whole_items_at_a_time_within_the_limit(limit: int) -> None:
    problems = [problem("error" if i % 3 else "warning", f"f{i // 7}.yaml", i + 1, "x" * 200) for i in range(3000)]
    rows = [added(i + 1, f"Model {i}", 90 - i / 100) for i in range(25)]
    body = render(report(*problems), [board(f"d{i}", rows=rows) for i in range(20)], limit=limit)
    assert len(body.encode()) <= limit
    assert "This comment is shortened" in body and "not shown are" in body
    r = inspect_rendered(body)
    assert r.html.count("<details>") == r.html.count("</details>") <= 1
    # A cut never leaves half a table row or half a list item behind.
    for line in body.splitlines():
        if line.startswith("| "):
            assert line.endswith(" |")


def test_format_value() -> None:
    assert [format_value(v) for v in (93, 92.215, {"value": 0.8428, "error": 0.0014}, None, True, "9")] == [
        "93",
        "92.215",
        "0.8428 ± 0.0014",
        "",
        "",
        "",
    ]
