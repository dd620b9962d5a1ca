"""The difference between two sets of leaderboards (base and head of a pull request), as plain data.

Input: lists of leaderboard dicts in the api/v1 shape (`task`, `dataset`, `primary_metric`,
`metrics`, `rows` with `rank`, `model`, `paper`, `metrics`). Output: one dict per leaderboard the
change touches, in (task id, dataset id) order:

```
{"task": {"id", "name"}, "dataset": {"id", "name"},
 "status": "added" | "changed" | "removed",
 "primary_metric": "F1", "previous_primary_metric": "EM" | None,
 "metrics": [{"name", "direction", "unit"}],
 "new_first_place": None | {"metric": "F1", "before": [entry], "after": [entry]},
 "rows": [{"change": "added" | "changed" | "moved" | "removed",
           "model", "paper": {"id", "title"}, "source",
           "rank", "previous_rank",
           "metrics": {name: value},            # head's values (base's for a removed row)
           "previous_metrics": {name: value | None},   # base values of changed or removed metrics
                                                        # (None: a metric the base did not have)
           "removed_metrics": [name]}],         # metrics on the base that the head no longer has
 "counts": {"added", "changed", "moved", "removed", "rows"}}
```

An entry of `new_first_place` is `{"model", "paper": {"id", "title"}, "value"}`. A row is
identified by its paper id and model name (the n-th duplicate of a pair by its position), so a
renamed model reads as one row removed and one added. The diff is pure: dicts in, dicts out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

RowKey = tuple[str, str, int]
BoardKey = tuple[str, str]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _ref(obj: Any) -> dict[str, str]:
    """`{"id", "name"}` of a task or dataset (or `{"id", "title"}` of a paper), tolerating junk."""
    obj = obj if isinstance(obj, Mapping) else {}
    return {"id": _text(obj.get("id")), "name": _text(obj.get("name")) or _text(obj.get("id"))}


def _paper(obj: Any) -> dict[str, str]:
    obj = obj if isinstance(obj, Mapping) else {}
    return {"id": _text(obj.get("id")), "title": _text(obj.get("title"))}


def _board_key(board: Mapping[str, Any]) -> BoardKey:
    return (_ref(board.get("task"))["id"], _ref(board.get("dataset"))["id"])


def _rows(board: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = board.get("rows")
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def _keyed(rows: Iterable[Mapping[str, Any]]) -> dict[RowKey, Mapping[str, Any]]:
    seen: dict[tuple[str, str], int] = {}
    out: dict[RowKey, Mapping[str, Any]] = {}
    for row in rows:
        pair = (_paper(row.get("paper"))["id"], _text(row.get("model")))
        n = seen.get(pair, 0)
        seen[pair] = n + 1
        out[(pair[0], pair[1], n)] = row
    return out


def _metrics(row: Mapping[str, Any]) -> dict[str, Any]:
    m = row.get("metrics")
    return dict(m) if isinstance(m, Mapping) else {}


def _rank(row: Mapping[str, Any]) -> int | None:
    r = row.get("rank")
    return r if isinstance(r, int) and not isinstance(r, bool) else None


def numeric(value: Any) -> float | int | None:
    """The number of a metric value (`92.2` or `{"value": 92.2, "error": 0.1}`)."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _row_out(row: Mapping[str, Any], change: str) -> dict[str, Any]:
    return {
        "change": change,
        "model": _text(row.get("model")),
        "paper": _paper(row.get("paper")),
        "source": _text(row.get("source")) or None,
        "rank": None,
        "previous_rank": None,
        "metrics": _metrics(row),
        "previous_metrics": {},
        "removed_metrics": [],
    }


def _first_entries(rows: Iterable[Mapping[str, Any]], metric: str | None) -> list[dict[str, Any]]:
    return [
        {
            "model": _text(r.get("model")),
            "paper": _paper(r.get("paper")),
            "value": _metrics(r).get(metric) if metric else None,
        }
        for r in rows
        if _rank(r) == 1
    ]


def _diff_rows(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    base_rows = _keyed(_rows(base)) if base is not None else {}
    head_rows = _keyed(_rows(head)) if head is not None else {}
    out: list[dict[str, Any]] = []
    for key, row in head_rows.items():
        old = base_rows.get(key)
        if old is None:
            entry = _row_out(row, "added")
            entry["rank"] = _rank(row)
            out.append(entry)
            continue
        new_m, old_m = _metrics(row), _metrics(old)
        previous = {k: old_m.get(k) for k in new_m if old_m.get(k) != new_m[k]}
        removed = sorted(k for k in old_m if k not in new_m)
        previous.update((k, old_m[k]) for k in removed)
        rank, previous_rank = _rank(row), _rank(old)
        if previous or removed:
            change = "changed"
        elif rank != previous_rank:
            change = "moved"
        else:
            continue
        entry = _row_out(row, change)
        entry.update(rank=rank, previous_rank=previous_rank, previous_metrics=previous, removed_metrics=removed)
        out.append(entry)
    for key, old in base_rows.items():
        if key not in head_rows:
            entry = _row_out(old, "removed")
            entry["previous_rank"] = _rank(old)
            entry["removed_metrics"] = sorted(_metrics(old))
            out.append(entry)

    def order(e: dict[str, Any]) -> tuple[int, int, str, str]:
        removed = e["change"] == "removed"
        rank = e["previous_rank"] if removed else e["rank"]
        return (1 if removed else 0, rank if rank is not None else 1 << 30, e["model"], e["paper"]["id"])

    out.sort(key=order)
    return out


def _diff_board(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> dict[str, Any] | None:
    board = head if head is not None else base
    assert board is not None
    status = "added" if base is None else "removed" if head is None else "changed"
    primary = _text(board.get("primary_metric")) or None
    previous_primary = _text(base.get("primary_metric")) or None if base is not None else None
    rows = _diff_rows(base, head)
    new_first: dict[str, Any] | None = None
    if base is not None and head is not None:
        before = {k for k, r in _keyed(_rows(base)).items() if _rank(r) == 1}
        after = {k for k, r in _keyed(_rows(head)).items() if _rank(r) == 1}
        # A new first place: some row is first now that was not first on the base (a new row,
        # an improved one, or one left alone at the top when the old leader was removed).
        if after - before:
            new_first = {
                "metric": primary,
                "previous_metric": previous_primary if previous_primary != primary else None,
                "before": _first_entries(_rows(base), previous_primary),
                "after": _first_entries(_rows(head), primary),
            }
    if status == "changed" and not rows and new_first is None and previous_primary == primary:
        return None
    metrics = board.get("metrics")
    counts = {kind: sum(1 for r in rows if r["change"] == kind) for kind in ("added", "changed", "moved", "removed")}
    counts["rows"] = len(_rows(head)) if head is not None else 0
    return {
        "task": _ref(board.get("task")),
        "dataset": _ref(board.get("dataset")),
        "status": status,
        "primary_metric": primary,
        "previous_primary_metric": previous_primary if previous_primary != primary else None,
        "metrics": [
            {
                "name": _text(m.get("name")),
                "direction": _text(m.get("direction")) or None,
                "unit": _text(m.get("unit")) or None,
            }
            for m in (metrics if isinstance(metrics, list) else [])
            if isinstance(m, Mapping)
        ],
        "new_first_place": new_first,
        "rows": rows,
        "counts": counts,
    }


def diff_leaderboards(base: Iterable[Mapping[str, Any]], head: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every leaderboard that differs between base and head, with what changed in it."""
    base_by = {_board_key(b): b for b in base if isinstance(b, Mapping)}
    head_by = {_board_key(b): b for b in head if isinstance(b, Mapping)}
    out = []
    for key in sorted(base_by.keys() | head_by.keys()):
        change = _diff_board(base_by.get(key), head_by.get(key))
        if change is not None:
            out.append(change)
    return out


def has_new_first_place(changes: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any existing leaderboard gets a new first place (the `new-sota` label)."""
    return any(c.get("new_first_place") for c in changes)
