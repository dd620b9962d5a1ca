"""Ranking and state-of-the-art history (validator.leaderboard.rank): the rules of INTERFACES.md, one test each."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from validator.leaderboard.rank import Scored, rank_rows, sota_history


def row(model: str, value: float | None, date: str = "2020-01-01", tiebreak: tuple = ()) -> Scored[str]:
    return Scored(value, date, model, tiebreak, model)


def ranks(rows: list[Scored[str]], direction: str | None) -> list[tuple[int | None, str]]:
    return [(rank, r.item) for rank, r in rank_rows(rows, direction)]


def test_higher_is_better_ranks_descending() -> None:
    assert ranks([row("a", 1.0), row("b", 3.0), row("c", 2.0)], "higher") == [(1, "b"), (2, "c"), (3, "a")]


def test_lower_is_better_ranks_ascending() -> None:
    assert ranks([row("a", 1.0), row("b", 3.0), row("c", 2.0)], "lower") == [(1, "a"), (2, "c"), (3, "b")]


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    rows = [row("a", 90.0), row("b", 80.0), row("c", 80.0), row("d", 70.0)]
    assert [r for r, _ in ranks(rows, "higher")] == [1, 2, 2, 4]


def test_ties_are_ordered_by_date_then_model_name() -> None:
    rows = [row("z", 5.0, "2020-01-01"), row("b", 5.0, "2021-01-01"), row("a", 5.0, "2021-01-01")]
    assert ranks(rows, "higher") == [(1, "z"), (1, "a"), (1, "b")]


def test_a_partial_date_sorts_as_its_first_day() -> None:
    # 2019-07 counts as 2019-07-01: before 2019-07-26, after 2019-06-30.
    rows = [row("late", 1.0, "2019-07-26"), row("month", 1.0, "2019-07"), row("early", 1.0, "2019-06-30")]
    assert [m for _, m in ranks(rows, "higher")] == ["early", "month", "late"]
    assert [m for _, m in ranks([row("year", 1.0, "2019"), row("jan", 1.0, "2019-01-02")], "lower")] == ["year", "jan"]


def test_integer_and_float_values_that_are_equal_tie() -> None:
    assert [r for r, _ in ranks([row("a", 5), row("b", 5.0)], "higher")] == [1, 1]


def test_rows_without_the_primary_metric_come_last_unranked() -> None:
    rows = [row("none", None, "2018-01-01"), row("a", 1.0), row("b", 2.0)]
    assert ranks(rows, "lower") == [(1, "a"), (2, "b"), (None, "none")]


def test_not_a_number_is_not_ranked() -> None:
    assert ranks([row("nan", float("nan")), row("a", 1.0)], "higher") == [(1, "a"), (None, "nan")]


def test_a_metric_without_direction_ranks_nothing() -> None:
    assert ranks([row("a", 1.0), row("b", 2.0)], None) == [(None, "a"), (None, "b")]
    assert sota_history([row("a", 1.0)], None) == []


def test_the_tiebreak_keeps_identical_rows_in_a_stable_order() -> None:
    rows = [row("m", 1.0, tiebreak=("p2",)), row("m", 1.0, tiebreak=("p1",))]
    assert [r.tiebreak for _, r in rank_rows(rows, "higher")] == [("p1",), ("p2",)]
    assert [r.tiebreak for _, r in rank_rows(list(reversed(rows)), "higher")] == [("p1",), ("p2",)]


def history(rows: list[Scored[str]], direction: str) -> list[tuple[str, str]]:
    return [(r.date, r.item) for r in sota_history(rows, direction)]


def test_history_lists_each_strict_improvement_in_date_order() -> None:
    rows = [
        row("c", 92.0, "2019-09-26"),
        row("a", 83.0, "2018-10"),
        row("b", 90.0, "2019-06-19"),
        row("x", 85.0, "2019-07"),
    ]
    assert history(rows, "higher") == [("2018-10", "a"), ("2019-06-19", "b"), ("2019-09-26", "c")]


def test_history_in_the_lower_direction() -> None:
    rows = [row("a", 78.4, "2018"), row("b", 55.97, "2019-02-14"), row("c", 60.0, "2020-01-01")]
    assert history(rows, "lower") == [("2018", "a"), ("2019-02-14", "b")]


def test_history_takes_only_the_best_of_one_date() -> None:
    rows = [row("small", 82.7, "2018"), row("big", 78.4, "2018"), row("later", 80.0, "2019")]
    assert history(rows, "lower") == [("2018", "big")]


def test_history_needs_a_strict_improvement() -> None:
    rows = [row("first", 55.97, "2019-02-14"), row("tie", 55.97, "2020-02-01")]
    assert history(rows, "lower") == [("2019-02-14", "first")]


def test_history_skips_rows_without_a_value() -> None:
    assert history([row("none", None, "2017"), row("a", 1.0, "2018")], "higher") == [("2018", "a")]


def _history_by_date(rows: list[Scored[str]], direction: str) -> list[Scored[str]]:
    """The history computed the direct way: sort by date, the best of each date, keep strict improvements."""
    sign = -1.0 if direction == "higher" else 1.0
    candidates = sorted(
        (r for r in rows if r.value is not None and math.isfinite(r.value)),
        key=lambda r: (r.date_key, sign * r.value, r.model, r.tiebreak),
    )
    history: list[Scored[str]] = []
    best: float | None = None
    current: str | None = None
    for r in candidates:
        if r.date_key == current:
            continue
        current = r.date_key
        if best is None or sign * r.value < best:
            history.append(r)
            best = sign * r.value
    return history


_values = st.one_of(
    st.none(),
    st.sampled_from([float("nan"), float("inf"), 0.0, -0.0, 1.0, 1, 2.5, 3]),
    st.integers(-5, 5),
    st.floats(-10, 10, allow_nan=False),
)
_dates = st.sampled_from(["2018", "2018-01", "2018-01-01", "2018-06", "2018-06-15", "2019", "2019-02-14"])


@given(
    st.lists(st.tuples(_values, _dates, st.sampled_from(["a", "b", "c"]), st.integers(0, 3)), max_size=25),
    st.sampled_from(["higher", "lower"]),
)
def test_history_from_the_ranking_is_the_history_by_date(
    specs: list[tuple[float | None, str, str, int]], direction: str
) -> None:
    rows = [row(model, value, date, (n, i)) for i, (value, date, model, n) in enumerate(specs)]
    assert sota_history(rows, direction) == _history_by_date(rows, direction)


def _ranks_plain(rows: list[Scored[str]], direction: str | None) -> list[tuple[int | None, Scored[str]]]:
    """The ranking computed the direct way: one sort on (signed value, date, model, tiebreak)."""
    sign = -1.0 if direction == "higher" else 1.0
    can_rank = direction in ("higher", "lower")
    rankable = [can_rank and r.value is not None and math.isfinite(r.value) for r in rows]
    ranked = sorted(
        (r for r, ok in zip(rows, rankable, strict=True) if ok),
        key=lambda r: (sign * r.value, r.date_key, r.model, r.tiebreak),
    )
    unranked = sorted(
        (r for r, ok in zip(rows, rankable, strict=True) if not ok), key=lambda r: (r.date_key, r.model, r.tiebreak)
    )
    out: list[tuple[int | None, Scored[str]]] = []
    for position, r in enumerate(ranked, 1):
        out.append((out[-1][0] if out and out[-1][1].value == r.value else position, r))
    return out + [(None, r) for r in unranked]


@given(
    st.lists(st.tuples(_values, _dates, st.sampled_from(["a", "b", "c"]), st.integers(0, 3)), max_size=25),
    st.sampled_from(["higher", "lower", None]),
)
def test_ranking_is_the_one_sort_ranking(
    specs: list[tuple[float | None, str, str, int]], direction: str | None
) -> None:
    # rank_rows sorts by value, then only runs of equal values by the rest: the same order and ranks.
    rows = [row(model, value, date, (n, i)) for i, (value, date, model, n) in enumerate(specs)]
    assert rank_rows(rows, direction) == _ranks_plain(rows, direction)
