"""`esc`, the escaper of the fragments render.py builds in Python, writes what autoescaping writes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from validator.site.escaping import esc, esc_text

HOSTILE = [
    "<script>alert(1)</script>",
    "\" onmouseover=\"alert(1)",
    "' onfocus='x'",
    "a & b &amp; c",
    "</td></tr><tr><td>",
    "\x00\u2028é😀",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_escaped_like_markupsafe(value: str) -> None:
    assert esc(value) == str(escape(value))
    assert "<" not in esc(value) and '"' not in esc(value) and "'" not in esc(value)
    assert type(esc(value)) is str  # a plain str: callers build on it, then wrap the whole in Markup once


@pytest.mark.parametrize("value", [0, 7, -3, True, None, 1.5, 1e20, Markup("<b>safe</b>"), ["<x>"], {"a": "<"}])
def test_other_values_are_escaped_like_markupsafe(value: Any) -> None:
    assert esc(value) == str(escape(value))


@given(st.text())
def test_any_text_is_escaped_like_markupsafe(value: str) -> None:
    assert esc(value) == str(escape(value))


@given(st.text())
def test_esc_text_of_a_str_is_esc(value: str) -> None:
    assert esc_text(value) == esc(value) and type(esc_text(value)) is str
