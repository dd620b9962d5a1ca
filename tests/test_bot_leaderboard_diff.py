"""The leaderboard diff of a pull request: new rows with their rank, a new first place, rank
changes, values changed or removed relative to the base (leaderboards as api/v1 dicts)."""

from __future__ import annotations

import copy
from typing import Any

from validator.leaderboard.diff import diff_leaderboards, has_new_first_place


def row(rank: int | None, model: str, paper: str, **metrics: Any) -> dict[str, Any]:
    return {
        "rank": rank,
        "model": model,
        "paper": {"id": paper, "title": paper.replace("-", " ").title(), "url": f"https://arxiv.org/abs/{paper}"},
        "metrics": metrics,
        "uses_additional_data": False,
        "evaluated_on": "2019-09-26",
        "source": f"results/papers/2019/{paper}.yaml",
    }


def board(rows: list[dict[str, Any]], dataset: str = "squad2.0", primary: str = "F1") -> dict[str, Any]:
    return {
        "schema_version": 1,
        "task": {"id": "question-answering", "name": "Question Answering"},
        "dataset": {"id": dataset, "name": dataset.upper()},
        "metrics": [
            {"name": "EM", "direction": "higher", "unit": "percent"},
            {"name": "F1", "direction": "higher", "unit": "percent"},
        ],
        "primary_metric": primary,
        "rows": rows,
        "sota_history": [],
    }


BASE_ROWS = [
    row(1, "ALBERT (ensemble model)", "albert", EM=89.731, F1=92.215),
    row(2, "XLNet", "xlnet", EM=87.926, F1=90.689),
    row(3, "BERT", "bert", EM=80.005, F1=83.061),
]


def test_untouched_leaderboards_are_not_listed() -> None:
    base = [board(BASE_ROWS), board(BASE_ROWS, dataset="squad1.1")]
    assert diff_leaderboards(base, copy.deepcopy(base)) == []


def test_a_new_first_place_with_old_and_new_values_and_the_rank_changes_it_causes() -> None:
    head_rows = [
        row(1, "Newcomer", "newcomer", EM=90.1, F1=93.0),
        *(dict(r, rank=r["rank"] + 1) for r in BASE_ROWS),
    ]
    [change] = diff_leaderboards([board(BASE_ROWS)], [board(head_rows)])
    assert change["status"] == "changed"
    assert change["task"] == {"id": "question-answering", "name": "Question Answering"}
    assert change["dataset"] == {"id": "squad2.0", "name": "SQUAD2.0"}
    first = change["new_first_place"]
    assert first["metric"] == "F1"
    assert [(e["model"], e["value"]) for e in first["before"]] == [("ALBERT (ensemble model)", 92.215)]
    assert [(e["model"], e["value"]) for e in first["after"]] == [("Newcomer", 93.0)]
    kinds = [(r["change"], r["model"], r["previous_rank"], r["rank"]) for r in change["rows"]]
    assert kinds == [
        ("added", "Newcomer", None, 1),
        ("moved", "ALBERT (ensemble model)", 1, 2),
        ("moved", "XLNet", 2, 3),
        ("moved", "BERT", 3, 4),
    ]
    assert change["counts"] == {"added": 1, "changed": 0, "moved": 3, "removed": 0, "rows": 4}
    assert has_new_first_place([change])


def test_a_new_row_below_the_top_has_its_rank_and_no_new_first_place() -> None:
    head_rows = [*BASE_ROWS, row(4, "Tiny", "tiny", F1=50.0)]
    [change] = diff_leaderboards([board(BASE_ROWS)], [board(head_rows)])
    assert change["new_first_place"] is None
    assert [(r["change"], r["rank"], r["metrics"]) for r in change["rows"]] == [("added", 4, {"F1": 50.0})]
    assert not has_new_first_place([change])


def test_values_changed_and_removed_relative_to_the_base() -> None:
    head_rows = copy.deepcopy(BASE_ROWS)
    head_rows[1]["metrics"] = {"F1": 90.7}  # EM removed, F1 changed
    head_rows[2]["metrics"] = {"EM": 80.005, "F1": {"value": 83.061, "error": 0.2}}  # uncertainty added
    [change] = diff_leaderboards([board(BASE_ROWS)], [board(head_rows)])
    xlnet, bert = change["rows"]
    assert xlnet["change"] == "changed" and xlnet["rank"] == xlnet["previous_rank"] == 2
    assert xlnet["previous_metrics"] == {"F1": 90.689, "EM": 87.926}
    assert xlnet["removed_metrics"] == ["EM"]
    assert bert["previous_metrics"] == {"F1": 83.061}
    assert bert["metrics"]["F1"] == {"value": 83.061, "error": 0.2}


def test_a_removed_row_and_the_first_place_it_leaves_behind() -> None:
    head_rows = [dict(r, rank=r["rank"] - 1) for r in BASE_ROWS[1:]]
    [change] = diff_leaderboards([board(BASE_ROWS)], [board(head_rows)])
    removed = [r for r in change["rows"] if r["change"] == "removed"]
    assert [(r["model"], r["previous_rank"], r["metrics"]["F1"]) for r in removed] == [
        ("ALBERT (ensemble model)", 1, 92.215)
    ]
    assert [e["model"] for e in change["new_first_place"]["after"]] == ["XLNet"]


def test_new_and_removed_leaderboards() -> None:
    base = [board(BASE_ROWS, dataset="old-set")]
    head = [board(BASE_ROWS[:1], dataset="new-set")]
    changes = diff_leaderboards(base, head)
    assert [(c["dataset"]["id"], c["status"]) for c in changes] == [("new-set", "added"), ("old-set", "removed")]
    added, removed = changes
    assert added["new_first_place"] is None  # a new leaderboard is not a new state of the art
    assert [(r["change"], r["rank"]) for r in added["rows"]] == [("added", 1)]
    assert [r["change"] for r in removed["rows"]] == ["removed"] * 3
    assert removed["counts"]["rows"] == 0


def test_a_tie_for_first_place_counts_as_a_new_first_place() -> None:
    head_rows = [row(1, "Equal", "equal", F1=92.215), *(dict(r, rank=r["rank"] + (r["rank"] > 1)) for r in BASE_ROWS)]
    [change] = diff_leaderboards([board(BASE_ROWS)], [board(head_rows)])
    after = [e["model"] for e in change["new_first_place"]["after"]]
    assert sorted(after) == ["ALBERT (ensemble model)", "Equal"]


def test_a_changed_primary_metric_is_reported() -> None:
    head_rows = [
        dict(BASE_ROWS[1], rank=1),
        dict(BASE_ROWS[0], rank=2),
        BASE_ROWS[2],
    ]
    [change] = diff_leaderboards([board(BASE_ROWS)], [board(head_rows, primary="EM")])
    assert change["previous_primary_metric"] == "F1" and change["primary_metric"] == "EM"
    assert change["new_first_place"]["previous_metric"] == "F1"


def test_duplicate_rows_and_junk_do_not_break_the_diff() -> None:
    dup = [BASE_ROWS[0], dict(BASE_ROWS[0], rank=1), {"rank": "x", "metrics": None}, "junk"]
    changes = diff_leaderboards([board(dup)], [board(dup[:1]), {"task": None}, 7])  # type: ignore[list-item]
    assert changes  # the second ALBERT row and the junk row were removed; the rest is reported
    assert all(isinstance(c["rows"], list) for c in changes)
