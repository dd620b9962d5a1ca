"""Contributor text in a comment renders as itself and nothing more: no mention, reference, link,
HTML or layout change, as GitHub's own Markdown parser (cmarkgfm) shows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standins.github_pr_api import inspect_rendered

from validator.bot.escape import ZWSP, blob_url, clean, md_code, md_text

HOSTILE = [
    "@octocat please look",
    "cc @org/team and @x",
    "fixes #123 and GH-45 and octo/results#7",
    "see https://github.com/octo/results/issues/1 or www.example.com or mail a@b.example",
    "<!-- pwc-bot:validation-report -->",
    "<details><summary>gotcha</summary>",
    "<img src=x onerror=alert(1)><script>alert(1)</script>",
    "**bold** _em_ `code` ~~gone~~ $x^2$",
    "[click](https://evil.example) ![img](https://evil.example/x.png)",
    "| breaks | the | table |",
    "line one\nline two\r\n# heading\n- list",
    "- starts a list",
    "1. starts an ordered list",
    "# a heading",
    "> a quote",
    "\\ backslash \\* and &amp; &#64;octocat &lt;b&gt;",
    "right-to-left \u202eevil\u202c text",
    ":+1: emoji :shipit:",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_inert_in_a_paragraph_list_and_table(text: str) -> None:
    safe = md_text(text)
    visible = clean(text)
    for doc in (f"Model: {safe}\n", f"- {safe}\n", f"| a | b |\n|---|---|\n| {safe} | x |\n"):
        r = inspect_rendered(doc)
        assert r.mentions() == [], doc
        assert r.issue_refs() == [], doc
        assert r.links == [], doc
        assert r.comments == [], doc
        assert r.tags <= {"p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}, (doc, r.tags)
        # What the reader sees is exactly what the contributor wrote (on one line).
        assert visible in r.all_text, (doc, r.all_text)


def test_the_table_keeps_its_two_columns() -> None:
    r = inspect_rendered(f"| a | b |\n|---|---|\n| {md_text('x | y | z')} | w |\n")
    assert r.html.count("<td>") == 2


def test_zero_width_spaces_break_mentions_and_references() -> None:
    assert md_text("@octocat") == "@" + ZWSP + "octocat"
    assert md_text("#12") == "\\#" + ZWSP + "12"
    assert md_text("GH-12") == "GH-" + ZWSP + "12"
    assert "https:" + ZWSP + "//" in md_text("https://x.example")


def test_clean_folds_lines_removes_bidi_and_bounds_length() -> None:
    assert clean("a\nb\tc") == "a b c"
    assert clean("x\u202ey") == "xy"
    long = clean("x" * 1000, 50)
    assert len(long) == 50 and long.endswith("…")


def test_code_spans_hold_backticks_and_pipes() -> None:
    assert md_code("a`b") == "``a`b``"
    r = inspect_rendered(f"| a |\n|---|\n| {md_code('p|q`r', in_table=True)} |\n")
    assert "<code>p|q`r</code>" in r.html
    assert md_code("") == ""


def test_blob_url_is_percent_encoded_or_refused() -> None:
    sha = "a" * 40
    url = blob_url("https://github.com", "octo/results", sha, "results/papers/2019/a b(c).yaml", 3)
    assert url == f"https://github.com/octo/results/blob/{sha}/results/papers/2019/a%20b%28c%29.yaml#L3"
    assert blob_url("https://github.com", "octo/results", "main", "x.yaml") is None
    assert blob_url("https://github.com", "octo/../x", sha, "x.yaml") is None
    assert blob_url("javascript:alert(1)//", "octo/results", sha, "x.yaml") is None
    assert blob_url("https://github.com", "octo/results", sha, "../etc/passwd") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_any_text_stays_inert(text: str) -> None:
    r = inspect_rendered(f"| {md_text(text)} | x |\n|---|---|\n| {md_text(text)} | y |\n")
    assert r.mentions() == [] and r.issue_refs() == [] and r.links == [] and r.comments == []
    assert r.tags <= {"table", "thead", "tbody", "tr", "th", "td", "p"}
    assert r.html.count("<td>") == 2
