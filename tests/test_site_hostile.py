"""Every contributor-written string, in every field the site shows, comes out as escaped text.

The hot parts of the pages (leaderboard rows, a paper's results, lists, chart marks) are built in
Python rather than by autoescaping templates, so this test makes every shown field hostile at
once (names, titles, models, metric names, values as written, dates, authors, venues, abstracts,
code URLs) and checks that no page gains an element or an event-handler attribute from the data.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from validator.site.render import render_site

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "api.json"
TEXT_FIELDS = {"name", "title", "model", "venue", "abstract", "description", "full_name", "published",
               "evaluated_on", "date", "value_text", "area"}
FORBIDDEN_TAGS = {"script", "img", "iframe", "b", "i", "object", "embed", "style"}


def hostile(label: str) -> str:
    return f'<img src=x onerror="pwn()">{label}</b><script>pwn()</script>" \' & <i onclick=\'pwn()\'>'


def metric(name: str) -> str:
    return hostile("metric " + name)


def poison(data: Any, key: str = "") -> Any:
    """The data with every shown text hostile and every metric renamed to a hostile name
    (consistently: lists of metrics, metric values, primary metrics)."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            if key in ("metrics", "metrics_text") and not isinstance(v, dict | list):
                out[metric(k)] = hostile(f"text {k}") if key == "metrics_text" else v
            elif k == "primary_metric" and isinstance(v, str):
                out[k] = metric(v)
            elif k == "name" and key == "metrics" and isinstance(v, str):
                out[k] = metric(v)
            elif k in TEXT_FIELDS and isinstance(v, str):
                out[k] = hostile(f"{k} {v}")
            elif k == "authors" and isinstance(v, list):
                out[k] = [hostile(f"author {a}") for a in v]
            elif k == "url" and isinstance(v, str) and v.startswith("https://"):
                out[k] = v + '/"><script>pwn()</script>'
            else:
                out[k] = poison(v, k)
        return out
    if isinstance(data, list):
        return [poison(v, key) for v in data]
    return data


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_every_shown_field_is_escaped_on_every_page(tmp_path: Path) -> None:
    data = poison(json.loads(FIXTURE.read_text(encoding="utf-8")))
    render_site(SimpleNamespace(index=data["index"], leaderboards=data["leaderboards"], papers=data["papers"]),
                tmp_path, workers=1)
    pages = sorted(tmp_path.rglob("*.html"))
    assert len(pages) > 20
    shown = ""
    for page in pages:
        parser = Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        rel = page.relative_to(tmp_path).as_posix()
        tags = {tag for tag, _ in parser.tags}
        allowed = {"script"} if rel == "search/index.html" else set()  # the site's own search script
        assert not (tags & FORBIDDEN_TAGS) - allowed, rel
        assert not [name for _, attrs in parser.tags for name, _ in attrs if name.startswith("on")], rel
        shown += "".join(parser.text)
    # ... and the hostile strings are there, as text, from each kind of field and page
    for label in ("title ", "model ", "metric ", "text ", "name ", "author ", "venue ", "abstract ",
                  "published ", "evaluated_on "):
        assert hostile(label).split(label)[0] + label in shown, label
