"""HTML escaping for the fragments the renderer builds in Python, exactly as Jinja's autoescape does it.

The hot parts of the site (leaderboard rows, a paper's results, chart marks) are built as plain
strings in Python rather than in template loops: tens of thousands of `{{ }}` each cost an
`escape()` that wraps its result in a `Markup` object. `esc` gives the same characters as
`markupsafe.escape` (so the pages are byte-identical either way) without that object: on a plain
`str` it calls markupsafe's C escaper directly. Every contributor-written value in such a
fragment must go through `esc`; ids that passed `is_slug` and the renderer's own constants need not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import escape

# `esc_text(text)` is `esc(text)` for a value known to be a `str` (an f-string's result, a value
# whose type was checked): the C function itself, without a Python call around it, for the
# loops that escape hundreds of thousands of values.
esc_text: Callable[[str], str]
try:  # markupsafe's C speedup: escapes a str, returns a str (no Markup object)
    from markupsafe._speedups import _escape_inner as esc_text
except ImportError:  # pragma: no cover - a markupsafe without its C extension or with another layout
    def esc_text(text: str) -> str:
        return str(escape(text))


def esc(value: Any) -> str:
    """`value` as HTML text: the same characters `{{ value }}` writes in an autoescaping template
    (markup that is already safe, i.e. has `__html__`, is kept; anything else is `str()`-ed)."""
    if type(value) is str:
        return esc_text(value)
    if type(value) is int:  # a rank or a count: digits only, nothing to escape
        return str(value)
    return str(escape(value))


__all__ = ["esc", "esc_text"]
