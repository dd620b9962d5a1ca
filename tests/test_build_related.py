"""Related papers on the paper pages: most shared leaderboards first, then the closest in rank, then by id.

`validator.export.api._related` computes them with integer keys for speed; these tests compare it,
on random leaderboards, with the rule computed the plain way (as it was first written).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from validator.export.api import RELATED_MAX, RELATED_WINDOW, _related
from validator.load.repository import Entry
from validator.load.yamlload import Doc
from validator.model.inputs import PaperFile

IDS = [f"paper-{c}" for c in "abcdefghijklmnopqrstuvwxyz"]


def _entry(pid: str) -> Entry[PaperFile]:
    model = PaperFile.model_validate(
        {"paper": {"title": f"Title of {pid}", "published": "2020-01", "url": f"https://example.org/{pid}"}}
    )
    file = f"results/papers/2020/{pid}.yaml"
    return Entry(pid, file, Doc(file), model)


ENTRIES = {pid: _entry(pid) for pid in IDS}


def _summaries(papers: dict[str, Entry[PaperFile]]) -> dict[str, dict[str, Any]]:
    """What build_api makes for each paper with a page, for `_related` to list."""
    return {
        pid: {"id": pid, "title": e.model.paper.title, "published": e.model.paper.published}
        for pid, e in papers.items()
    }


def _plain(orders: list[list[str]], papers: dict[str, Entry[PaperFile]]) -> dict[str, list[dict[str, Any]]]:
    """The rule, the plain way: count shared leaderboards and the closest distance, sort by key."""
    positions: dict[str, list[tuple[list[str], int]]] = {}
    for board in orders:
        order = list(dict.fromkeys(board))
        for i, pid in enumerate(order):
            positions.setdefault(pid, []).append((order, i))
    related = {}
    for pid, where in positions.items():
        score: dict[str, tuple[int, int]] = {}
        for order, i in where:
            for j in range(max(0, i - RELATED_WINDOW), min(len(order), i + RELATED_WINDOW + 1)):
                if j != i:
                    other, d = order[j], abs(i - j)
                    seen = score.get(other)
                    score[other] = (1, d) if seen is None else (seen[0] + 1, min(seen[1], d))
        chosen = [o for o, _ in sorted(score.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))]
        related[pid] = [
            {"id": o, "title": papers[o].model.paper.title, "published": papers[o].model.paper.published}
            for o in chosen[:RELATED_MAX]
            if o in papers
        ]
    return related


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(IDS), max_size=30), max_size=6),
    st.sets(st.sampled_from(IDS), max_size=3),
)
def test_related_follows_the_rule(orders: list[list[str]], unknown: set[str]) -> None:
    papers = {pid: e for pid, e in ENTRIES.items() if pid not in unknown}  # papers with no page
    assert _related(orders, _summaries(papers)) == _plain(orders, papers)


def test_most_shared_first_then_closest_then_by_id() -> None:
    a, b, c, d, e = IDS[:5]
    # b shares two leaderboards with a; c and e are next to a on one, d two places away.
    related = _related([[a, c, d], [b, a], [e, a, b]], _summaries(ENTRIES))
    assert [s["id"] for s in related[a]] == [b, c, e, d]
    assert related[a][0] == {"id": b, "title": f"Title of {b}", "published": "2020-01"}
