"""Ranking a leaderboard's rows and tracing its state-of-the-art history: pure functions over plain values.

The rules (INTERFACES.md, `pwc build`): rows are ordered by the primary metric in its direction;
equal values share a rank (1, 2, 2, 4) and are ordered by `evaluated_on` (earlier first, a partial
date counting as its first day), then by model name; rows without a rankable primary value come
last with rank None. The history lists, in date order, each result strictly better than every
earlier one; of several results on one date only the best counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter, eq, itemgetter
from typing import Generic, TypeVar

from validator.model.inputs import date_sort_key

T = TypeVar("T")

DIRECTIONS = ("higher", "lower")


@dataclass(slots=True, init=False)
class Scored(Generic[T]):
    """One row as the ranking sees it: its primary value, date, model name and a payload.

    Not frozen, and with its own `__init__`: a build makes one per result (tens of thousands),
    and a frozen dataclass sets each field through `object.__setattr__`."""

    value: float | None  # the primary metric's value; None when the row does not report it
    date: str  # evaluated_on as written (2019, 2019-09 or 2019-09-26)
    model: str
    # Last resort for rows equal in value, date and model (the same model in two papers, or twice
    # in one file): keeps the order stable from run to run, so the output is byte-identical.
    tiebreak: tuple[str | int, ...]
    item: T
    date_key: str  # the date as it sorts, computed once: sorts read it often

    def __init__(
        self,
        value: float | None,
        date: str,
        model: str,
        tiebreak: tuple[str | int, ...],
        item: T,
        date_key: str | None = None,  # date_sort_key(date), when the caller has it already
    ) -> None:
        self.value = value
        self.date = date
        self.model = model
        self.tiebreak = tiebreak
        self.item = item
        self.date_key = date_sort_key(date) if date_key is None else date_key


def rankable(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


# Leaderboard order is (value in its direction, date, model, tiebreak). The rows are sorted by value
# alone with a C key function (cheaper than a Python key per row), then each run of equal values
# by the rest.
_AFTER_VALUE = attrgetter("date_key", "model", "tiebreak")
_VALUE = attrgetter("value")
_DATE_KEY = attrgetter("date_key")


def rank_rows(rows: Iterable[Scored[T]], direction: str | None) -> list[tuple[int | None, Scored[T]]]:
    """The rows in leaderboard order with their ranks (standard competition ranking: 1, 2, 2, 4).

    A metric without a direction cannot rank anything (the metric checks report the dataset), so
    then every row gets rank None rather than a guess."""
    rows = list(rows)
    values = list(map(_VALUE, rows))
    # Usually every value is a finite number: then one C-level test (a sum with an infinity or a
    # NaN is not finite; a finite sum too large for a float just takes the row-by-row way).
    if direction in DIRECTIONS and None not in values and math.isfinite(sum(values)):
        ranked, unranked = rows, []
    else:
        ranked, unranked = [], []
        for row, value in zip(rows, values, strict=True):
            if direction in DIRECTIONS and rankable(value):
                ranked.append(row)
            else:
                unranked.append(row)
    ranked.sort(key=_VALUE, reverse=direction == "higher")
    unranked.sort(key=_AFTER_VALUE)
    ranks = list(range(1, len(ranked) + 1))
    values = list(map(_VALUE, ranked))
    # Equal values (a few short runs) share the rank of the first and are ordered among themselves.
    ends: dict[int, int] = {}  # a run's rank -> the end of its run
    for i in [i for i, same in enumerate(map(eq, values[1:], values), 1) if same]:  # ascending
        rank = ranks[i] = ranks[i - 1]
        ends[rank] = i + 1
    for rank, end in ends.items():
        ranked[rank - 1 : end] = sorted(ranked[rank - 1 : end], key=_AFTER_VALUE)
    out: list[tuple[int | None, Scored[T]]] = list(zip(ranks, ranked, strict=True))
    out.extend((None, row) for row in unranked)
    return out


def sota_history(rows: Iterable[Scored[T]], direction: str | None) -> list[Scored[T]]:
    """Each row that beat every earlier one on the primary metric, in date order.

    All rows count (additional data included). Rows on the same date (a partial date counting as
    its first day) compete among themselves first: only the best of them can enter, ties going to
    the row that ranks first (model name, then the tiebreak)."""
    return ranked_history(rank_rows(rows, direction))


def ranked_history(ranked: list[tuple[int | None, Scored[T]]]) -> list[Scored[T]]:
    """`sota_history` of rows already in leaderboard order (`rank_rows`), without sorting them again.

    For one date, leaderboard order is (value, model, tiebreak) order, so the first row of each
    date is the best of that date; a smaller rank is a strictly better value."""
    end = len(ranked)
    while end and ranked[end - 1][0] is None:
        end -= 1  # the unranked rows come last
    pairs = ranked[:end]
    # The first row of each date: built from the last row up, each date keeps its first row.
    best_of_date: dict[str, tuple[int, Scored[T]]] = dict(
        zip(map(_DATE_KEY, map(itemgetter(1), reversed(pairs))), reversed(pairs), strict=True)
    )
    history: list[Scored[T]] = []
    best: int | None = None
    for date_key in sorted(best_of_date):
        rank, row = best_of_date[date_key]
        if best is None or rank < best:
            history.append(row)
            best = rank
    return history
