"""Render the static site (HTML, CSS, the search index) from the export's data into a build tree.

Rendering only reads the data that `validator.export.api.build_api` produces (the same that the
JSON API publishes), so the site can never show something the API does not. Every page links
relatively (`../../`), so the tree works from any static host under any sub-path; page paths are
derived from ids only, so they stay stable across builds. Templates autoescape, and the parts
built in Python (the bodies of paper and leaderboard pages, the rows of long lists: there are
tens of thousands) pass every contributor value through `esc`: contributor text is always text.
The output is deterministic: the same data gives byte-identical files.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import orjson
from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from markupsafe import Markup

from validator.atomic import TreeWriter
from validator.forking import can_fork, share_work
from validator.site.chart import Points, format_number, sota_chart
from validator.site.escaping import esc, esc_text

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Ids become path segments; anything that is not a slug gets no page (the validator rejects
# such ids, this is a second line of defence against writing outside the tree).
SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
# An external link must be a plain https URL without spaces or control characters.
HTTPS_RE = re.compile(r"https://[^\s/$.?#][^\s\x00-\x1f\x7f]*")

# Placeholders where the shell takes each page's title and body (never in escaped text: NUL).
_TITLE = "\x00title\x00"
_BODY = "\x00body\x00"

NOTABLE = 12  # leaderboards on the home page
RECENT = 15  # state-of-the-art changes on the home page
PAPERS_ON_INDEX = 200  # newest papers on papers/; the rest by year
DEFAULT_AREA = "Miscellaneous"
ARROWS = {"higher": "↑", "lower": "↓"}
EXTRA_ROW = ' class="extra"'
EXTRA_TAG = '<span class="tag extra-tag">extra data</span>'
NO_METRIC = '<td class="metric"></td><td class="value"></td>'
PRIMARY_TAG = ' <span class="tag">primary</span>'


def https(url: Any) -> str | None:
    """The URL when it is a well-formed https URL, else None (then no href is written)."""
    if isinstance(url, str) and len(url) <= 2000 and HTTPS_RE.fullmatch(url):
        return url
    return None


def code_label(url: str) -> str:
    """A short name for a code link: `owner/repo` on a forge, else the host."""
    rest = url.removeprefix("https://")
    host, _, path = rest.partition("/")
    parts = [p for p in path.split("?")[0].split("#")[0].split("/") if p]
    if len(parts) >= 2:
        return f"{parts[0]}/{parts[1].removesuffix('.git')}"
    return host


BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: Any) -> list[str]:
    """Plain-text paragraphs of a description (split on blank lines; shown as text, never markup)."""
    if not isinstance(text, str):
        return []
    return [_one_line(p) for p in BLANK_LINES.split(text) if p.strip()]


def _one_line(text: str) -> str:
    """`text` with each run of whitespace as one space and none at either end. Most abstracts
    already are, which is cheap to see: an ASCII text without control characters can only hold
    " " as whitespace (splitting and joining thousands of them cost more)."""
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def prose(text: Any) -> str:
    """A description as `<p>` paragraphs of escaped text, one a line (HTML)."""
    return "".join([f"<p>{esc_text(para)}</p>\n" for para in paragraphs(text)])


def page_file(ident: str) -> str:
    """The file name of the page of the task, dataset or paper `ident` in its folder: `<id>.html`,
    but `index-.html` for the id `index`, whose plain name is the folder's list (`papers/`); a
    slug never ends with `-`, so that name is no other id's."""
    return "index-.html" if ident == "index" else f"{ident}.html"


def is_slug(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 120 and SLUG_RE.match(value) is not None


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment, templates compiled once per process."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=ChainableUndefined,  # a missing optional field renders as nothing
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        # Each template is compiled once and rendered a few times (the pages of thousands are
        # built in Python): compiling without the constant-folding pass is the cheaper whole.
        optimized=False,
    )
    env.filters["page_file"] = page_file
    return env


def _get(data: Any, key: str, default: Any = None) -> Any:
    """A field of a mapping or an object; absent and None both give the default."""
    if type(data) is dict:  # the common case, without the cost of an ABC check
        value = data.get(key)
    elif isinstance(data, Mapping):
        value = data.get(key)
    else:
        value = getattr(data, key, None)
    return default if value is None else value


def _fields(data: Any) -> dict[str, Any]:
    """A record of the export as a dict (the hot loops then use plain `dict.get`): the dict itself,
    a copy of another mapping, and an empty dict for anything else (None, a string...)."""
    if type(data) is dict:
        return data
    return dict(data) if isinstance(data, Mapping) else {}


def _or(value: Any, default: Any) -> Any:
    """`value`, or `default` when it is None (what `_get` does for a field that is there)."""
    return default if value is None else value


def _as_list(value: Any) -> list[Any]:
    """`value` if it is a list (itself: callers only read it), a tuple as a list, else an empty list."""
    if type(value) is list:
        return value
    return list(value) if isinstance(value, list | tuple) else []


def _date_key(value: Any) -> str:
    """A partial date sorts as its first day; a missing one sorts first."""
    if not isinstance(value, str):
        return ""
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


def _value_text(metrics_text: Any, metrics: Any, name: str) -> str:
    """A metric's value as written in the data, falling back to the number's shortest form."""
    return _cell_text(_fields(metrics_text), _fields(metrics), name)


def _cell_text(texts: dict[str, Any], values: dict[str, Any], name: str) -> str:
    """`_value_text` of a row whose `metrics_text` and `metrics` are already dicts (hot loops)."""
    text = texts.get(name)
    if text is not None:
        return str(text)
    return format_number(values[name]) if name in values else ""


def _cell_html(texts: dict[str, Any], values: dict[str, Any], name: str) -> str:
    """`esc(_cell_text(...))`: a metric's cell as HTML. The common cases take the short way: a
    text as written (a str), and no value at all (a row without this leaderboard's metric)."""
    text = texts.get(name)
    if type(text) is str:
        return esc_text(text)
    if text is None and name not in values:
        return ""
    return esc(_cell_text(texts, values, name))


def _paper_rows(root: str, papers: list[tuple[Any, Any, Any, Any]]) -> Markup:
    """The `<tr>`s of a list of papers, each (published, title, id, number of results): title,
    date, number of results. Built here rather than by a loop in papers.html: the year pages
    list every paper."""
    return Markup(
        "\n".join(
            [
                f'<tr><th scope="row"><a href="{root}papers/{page_file(pid)}">{esc(title)}</a></th>'
                f'<td class="nowrap" data-label="Date">{esc(published or "")}</td>'
                f'<td class="num" data-label="Results">{esc(results)}</td></tr>'
                for published, title, pid, results in papers
            ]
        )
    )


# The pages of tasks and datasets (thousands) are built here too, as paper and leaderboard pages
# are: a template render per page cost more than the page's own work. They sit one folder down
# (`tasks/<id>.html`, `datasets/<id>.html`), so their links to the top start with "../".

_BOARDS_HEAD = (
    '<div class="table-scroll">\n<table class="cards-on-phone">\n<caption>{caption}</caption>\n'
    '<thead><tr><th scope="col">{first}</th><th scope="col">Best model</th><th scope="col">Metric</th>'
    '<th scope="col" class="num">Value</th><th scope="col" class="num">Results</th></tr></thead>\n<tbody>\n'
)


def _board_rows(boards: list[dict[str, Any]], name: str) -> list[str]:
    """A table of leaderboards (summaries): the one named by `name` ("task_name" on a dataset's
    page, "dataset_name" on a task's), its best model, metric, best value and number of results."""
    lines = []
    for lb in boards:
        first = lb["first"]
        lines.append(
            f'<tr><th scope="row"><a href="../leaderboards/{esc(lb["task_id"])}/{esc(lb["dataset_id"])}.html">'
            f'{esc(lb[name])}</a></th><td data-label="Best model">{esc(first["model"]) if first else ""}</td>'
            f'<td data-label="Metric">{esc(lb["metric"])}</td>'
            f'<td class="num" data-label="Value">{esc(first["value_text"]) if first else ""}</td>'
            f'<td class="num" data-label="Results">{esc(lb["rows"])}</td></tr>\n'
        )
    return lines


def _links_section(heading: str, kind: str, items: list[dict[str, Any]]) -> list[str]:
    """A section listing links to tasks or datasets (`kind`), by their `id` and `name`; none if empty."""
    if not items:
        return []
    return [
        f'<section>\n<h2>{heading}</h2>\n<ul class="columns">\n',
        *[f'<li><a href="../{kind}/{esc(page_file(i["id"]))}">{esc(i["name"])}</a></li>\n' for i in items],
        "</ul>\n</section>\n",
    ]


def _dataset_body(
    dataset: Any, name: str, metrics: list[dict[str, Any]], boards: list[dict[str, Any]], tasks: list[dict[str, Any]]
) -> list[str]:
    """A dataset's page: its names, homepage (an https URL only), description, metrics,
    leaderboards and tasks."""
    full_name, homepage = _get(dataset, "full_name"), _get(dataset, "homepage")
    description, primary = _get(dataset, "description"), _get(dataset, "primary_metric")
    name = esc(name)
    parts = [
        f"<h1>{name}</h1>\n",
        f'<p class="lead">{esc(full_name)}</p>' if full_name else "",
        f'<p>Homepage: <a href="{esc(homepage)}" rel="noopener">{esc(homepage)}</a></p>' if https(homepage) else "",
        f'<div class="prose">{prose(description)}</div>' if description else "",
        "\n<section>\n<h2>Metrics</h2>\n",
    ]
    if metrics:
        parts.append(
            '<div class="table-scroll">\n<table class="cards-on-phone">\n'
            f"<caption>Metrics declared by {name}{f'; {esc(primary)} ranks its leaderboards' if primary else ''}"
            '</caption>\n<thead><tr><th scope="col">Metric</th><th scope="col">Better</th><th scope="col">Unit</th>'
            '<th scope="col">Range</th></tr></thead>\n<tbody>\n'
        )
        for m in metrics:
            parts.append(
                f'<tr><th scope="row">{esc(m["name"])}{PRIMARY_TAG if m["name"] == primary else ""}'
                f'</th><td data-label="Better">{esc(m["direction_text"])}</td>'
                f'<td data-label="Unit">{esc(m["unit"] or "")}</td><td data-label="Range">{esc(m["range_text"])}</td>'
                "</tr>\n"
            )
        parts.append("</tbody>\n</table>\n</div>\n")
    else:
        parts.append("<p>No metrics declared.</p>\n")
    parts.append("</section>\n\n<section>\n<h2>Leaderboards</h2>\n")
    parts += _boards_table(
        boards, f"Leaderboards on {name}", "Task", "task_name", "No leaderboards on this dataset yet."
    )
    parts += _links_section("Tasks", "tasks", tasks)
    return parts


def _boards_table(boards: list[dict[str, Any]], caption: str, first: str, column: str, empty: str) -> list[str]:
    """A task's or dataset's leaderboards (the other side of each in `column`), closing the section."""
    if not boards:
        return [f"<p>{empty}</p>\n", "</section>\n"]
    return [_BOARDS_HEAD.format(caption=caption, first=first), *_board_rows(boards, column),
            "</tbody>\n</table>\n</div>\n", "</section>\n"]


def _task_body(
    task: Any,
    name: str,
    parent: dict[str, str] | None,
    subtasks: list[dict[str, str]],
    boards: list[dict[str, Any]],
    datasets: list[dict[str, Any]],
) -> list[str]:
    """A task's page: its name, area, synonyms, parent, description, subtasks, leaderboards and datasets."""
    synonyms, description = _get(task, "synonyms"), _get(task, "description")
    name = esc(name)
    parts = [
        f'<h1>{name}</h1>\n<p class="muted">{esc(_get(task, "area", ""))}',
        f" · also known as {esc(', '.join(map(str, synonyms)))}" if synonyms else "",
        f' · part of <a href="../tasks/{esc(page_file(parent["id"]))}">{esc(parent["name"])}</a>' if parent else "",
        "</p>\n",
        f'<div class="prose">{prose(description)}</div>' if description else "",
        "\n",
        *_links_section("Subtasks", "tasks", subtasks),
        "\n<section>\n<h2>Leaderboards</h2>\n",
    ]
    parts += _boards_table(
        boards, f"Benchmarks of {name}", "Dataset", "dataset_name", "No leaderboards for this task yet."
    )
    parts += _links_section("Datasets", "datasets", datasets)
    return parts


def _record_texts(lb: Mapping[str, Any], metric: str) -> dict[tuple[Any, Any, Any], str]:
    """Each record of a leaderboard's history (model, paper id, date) with its value as its row
    writes it: only the rows that are records are looked at (the last row of a key wins), and
    only a row whose model set a record can be one."""
    history = _as_list(lb.get("sota_history"))
    records = {(_get(item, "model"), _get(item, "paper_id"), _get(item, "date")) for item in history}
    models = {model for model, _, _ in records}
    texts = {}
    for row in _as_list(lb.get("rows")) if records else ():
        if type(row) is not dict:
            row = _fields(row)
        model = row.get("model")
        if model not in models:
            continue
        row_key = (model, _fields(row.get("paper")).get("id"), row.get("evaluated_on"))
        if row_key in records:
            texts[row_key] = _value_text(row.get("metrics_text"), row.get("metrics"), metric)
    return texts


class _Memo:
    """HTML made from an object of the export, once per object.

    Many rows share one object (a paper's `paper` and `code` on each of its leaderboard rows, a
    paper's entry in the related lists of many others), so objects are told apart by identity,
    which costs one lookup. The memo holds each object it has seen, so no other object can take
    its id; equal objects that are distinct are merely made once each."""

    __slots__ = ("make", "made")

    def __init__(self, make: Callable[[Any], str]) -> None:
        self.make = make
        self.made: dict[int, tuple[Any, str]] = {}

    def __call__(self, obj: Any) -> str:
        return (self.made.get(id(obj)) or self.add(obj))[1]

    def add(self, obj: Any) -> tuple[Any, str]:
        known = self.made[id(obj)] = (obj, self.make(obj))
        return known

    # The hottest loops look up `made` themselves, without the call:
    # `(made_get(id(obj)) or memo.add(obj))[1]` (an entry, a tuple, is never false).


class _Site:
    """The data of the whole site, indexed once, and one method per kind of page."""

    def __init__(self, api: Any, out_dir: Path) -> None:
        self.env = environment()
        self.links: dict[tuple[str, str, str], str] = {}
        self.links_to_papers: dict[str, dict[str, str]] = {}  # root -> paper id -> link (HTML)
        self.code_cells: dict[tuple[tuple[Any, bool], ...], str] = {}
        self.related_item = _Memo(self._related_item)
        self.paper_cell = _Memo(self._paper_cell)
        self.code_cell = _Memo(self.code_links)
        self.result_boards: dict[tuple[str, str], tuple[str, str, str | None, str]] = {}
        self.shells: dict[tuple[str, str | None, str], tuple[str, str, str]] = {}
        self.out_dir = out_dir
        self.writer: TreeWriter  # one per process that renders (see site_jobs)
        index = _get(api, "index", {})
        self.counts = dict(_get(index, "counts", {}))
        self.tasks = {_get(t, "id"): t for t in _as_list(_get(index, "tasks")) if is_slug(_get(t, "id"))}
        self.datasets = {_get(d, "id"): d for d in _as_list(_get(index, "datasets")) if is_slug(_get(d, "id"))}
        papers = _get(api, "papers", {})
        self.papers: Mapping[str, Any] = papers if isinstance(papers, Mapping) else {}
        self.paper_ids = [i for i in self.papers if is_slug(i)]
        self.paged = frozenset(self.paper_ids)  # the papers that have a page
        # Only papers that get a page are listed and searched (no link may lead nowhere).
        self.paper_index = [
            p for p in _as_list(_get(index, "papers")) if isinstance(pid := _get(p, "id"), str) and pid in self.paged
        ]
        listed = {_get(p, "id") for p in self.paper_index}
        self.paper_index += [  # a paper missing from the index is still listed
            {
                "id": i,
                "title": _get(p, "title", i),
                "published": _get(p, "published"),
                "results": len(_as_list(_get(p, "results"))),
            }
            for i, p in ((i, self.papers[i]) for i in self.paper_ids if i not in listed)
        ]
        self.leaderboards = [
            lb
            for lb in _as_list(_get(api, "leaderboards"))
            if is_slug(_get(_get(lb, "task", {}), "id")) and is_slug(_get(_get(lb, "dataset", {}), "id"))
        ]
        # The summary of each leaderboard (what lists and cards show), from the index entries.
        self.summaries: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in _as_list(_get(index, "leaderboards")):
            summary = self._summary(entry)
            if summary is not None:
                self.summaries[(summary["task_id"], summary["dataset_id"])] = summary
        for lb in self.leaderboards:  # a leaderboard missing from the index still gets listed
            key = (lb["task"]["id"], lb["dataset"]["id"])
            if key not in self.summaries:
                self.summaries[key] = self._summary_of_board(lb)
        # ... and one without a page is not (no link may lead nowhere).
        pages = {(lb["task"]["id"], lb["dataset"]["id"]) for lb in self.leaderboards}
        self.summaries = {key: s for key, s in self.summaries.items() if key in pages}
        self.primary = {key: s["metric"] for key, s in self.summaries.items()}
        # Tasks and datasets that only appear in leaderboards (not in the index) still get pages.
        for summary in self.summaries.values():
            if summary["task_id"] not in self.tasks:
                self.tasks[summary["task_id"]] = {
                    "id": summary["task_id"], "name": summary["task_name"], "area": DEFAULT_AREA,
                }
            if summary["dataset_id"] not in self.datasets:
                self.datasets[summary["dataset_id"]] = {"id": summary["dataset_id"], "name": summary["dataset_name"]}

    # -- helpers ---------------------------------------------------------------------------

    def render(
        self,
        name: str,
        rel: str,
        *,
        title: str,
        section: str | None = None,
        crumbs: Sequence[tuple[str, str | None]] = (),
        scripts: str = "",
        **context: Any,
    ) -> None:
        """Render template `name` as the body of page `rel` (a path under the output tree)."""
        root = "../" * rel.count("/")
        body = self.env.get_template(name).render(root=root, **context)
        self.page(rel, root, [body], title=title, section=section, crumbs=crumbs, scripts=scripts)

    def page(
        self,
        rel: str,
        root: str,
        body: list[str],
        *,
        title: str,
        section: str | None = None,
        crumbs: Sequence[tuple[str, str | None]] = (),
        scripts: str = "",
    ) -> None:
        """Write page `rel` (`root` leads from it to the top of the tree): `body`, HTML in parts, in
        the shell. The parts are joined once, with the page: a big table is not copied again."""
        before_title, before_body, after_body = self._shell(root, section, scripts)
        parts = [before_title, esc(title), before_body]
        if crumbs:
            parts.append('<nav class="crumbs" aria-label="Breadcrumb"><ol>')
            for label, href in crumbs:
                if href:
                    parts.append(f'<li><a href="{esc(href)}">{esc(label)}</a></li>')
                else:
                    parts.append(f'<li><span aria-current="page">{esc(label)}</span></li>')
            parts.append("</ol></nav>\n")
        parts += body
        parts.append(after_body)
        self.writer.write(rel, "".join(parts))

    def _shell(self, root: str, section: str | None, scripts: str) -> tuple[str, str, str]:
        """The page around the body (head, header, footer) for one depth and section, rendered once:
        the part before the title, the part between title and body, and the part after the body."""
        key = (root, section, scripts)
        shell = self.shells.get(key)
        if shell is None:
            html = self.env.get_template("base.html").render(
                root=root, home=root or "./", section=section, title=Markup(_TITLE), body=Markup(_BODY),
                scripts=Markup(scripts),
            )
            head, rest = html.split(_TITLE)
            middle, tail = rest.split(_BODY)
            shell = self.shells[key] = (head, middle, tail)
        return shell

    # -- fragments repeated across many pages, built once. Ids are slugs (checked) and roots are
    # ours; every other string goes through esc(), exactly as autoescaping would. --

    def paper_links(self, root: str) -> dict[str, str]:
        """The links to papers made so far for pages at `root`, by paper id (see `paper_link`)."""
        links = self.links_to_papers.get(root)
        if links is None:
            links = self.links_to_papers[root] = {}
        return links

    def paper_link(self, root: str, paper_id: str) -> str:
        links = self.paper_links(root)
        link = links.get(paper_id)
        if link is None:
            title = _get(self.papers.get(paper_id, {}), "title", paper_id)
            link = links[paper_id] = f'<a href="{root}papers/{page_file(paper_id)}">{esc(title)}</a>'
        return link

    def named_link(self, kind: str, root: str, ident: str, name: str) -> str:
        key = (kind, root, ident)
        link = self.links.get(key)
        if link is None:
            link = self.links[key] = f'<a href="{root}{kind}/{page_file(ident)}">{esc(name)}</a>'
        return link

    def code_links(self, code: Any) -> str:
        """Up to two code links, the official one first and marked (none unless `code` is a list)."""
        if not code or not isinstance(code, list | tuple):
            return ""
        links = [(str(_get(c, "url", "")), bool(_get(c, "official", False))) for c in code]
        key = tuple(links)
        cached = self.code_cells.get(key)
        if cached is None:
            usable = sorted(((u, o) for u, o in links if https(u)), key=lambda link: not link[1])
            cached = self.code_cells[key] = "<br>".join(
                f'<a href="{esc(url)}" rel="noopener">{"/<wbr>".join(esc(code_label(url)).split("/"))}</a>'
                + (' <span class="tag official">official</span>' if official else "")
                for url, official in usable[:2]
            )
        return cached

    def _summary(self, entry: Any) -> dict[str, Any] | None:
        task, dataset = _get(entry, "task", {}), _get(entry, "dataset", {})
        task_id, dataset_id = _get(task, "id"), _get(dataset, "id")
        if not (is_slug(task_id) and is_slug(dataset_id)):
            return None
        first = _get(entry, "first")
        return {
            "task_id": task_id,
            "dataset_id": dataset_id,
            "task_name": _get(task, "name", task_id),
            "dataset_name": _get(dataset, "name", dataset_id),
            "metric": _get(entry, "primary_metric", ""),
            "direction": _get(entry, "direction", ""),
            "rows": _get(entry, "rows", 0),
            "first": (
                {
                    "model": _get(first, "model", ""),
                    "paper_id": _get(first, "paper_id"),
                    "value_text": _get(first, "value_text")
                    or format_number(_get(first, "value")),
                }
                if first
                else None
            ),
            "area": _get(self.tasks.get(task_id, {}), "area", DEFAULT_AREA),
        }

    def _summary_of_board(self, lb: Mapping[str, Any]) -> dict[str, Any]:
        rows = _as_list(lb.get("rows"))
        primary = _get(lb, "primary_metric", "")
        first = next((r for r in rows if _get(r, "rank") is not None), None)
        direction = next(
            (_get(m, "direction", "") for m in _as_list(lb.get("metrics")) if _get(m, "name") == primary), ""
        )
        entry = {
            "task": lb["task"],
            "dataset": lb["dataset"],
            "primary_metric": primary,
            "direction": direction,
            "rows": len(rows),
            "first": (
                {
                    "model": _get(first, "model", ""),
                    "paper_id": _get(_get(first, "paper", {}), "id"),
                    "value_text": _value_text(_get(first, "metrics_text"), _get(first, "metrics"), primary),
                }
                if first
                else None
            ),
        }
        summary = self._summary(entry)
        assert summary is not None  # ids were checked by the caller
        return summary

    def _task_ref(self, task_id: str) -> dict[str, str]:
        return {"id": task_id, "name": _get(self.tasks.get(task_id, {}), "name", task_id)}

    # -- pages ----------------------------------------------------------------------------

    def home(self) -> None:
        boards = sorted(
            self.summaries.values(),
            key=lambda s: (-int(s["rows"] or 0), s["task_name"].lower(), s["dataset_name"].lower()),
        )
        # Every record of every leaderboard, newest first; only the first RECENT are shown, so only
        # theirs are looked up in their leaderboard's rows.
        records = [
            (self.summaries[(lb["task"]["id"], lb["dataset"]["id"])], lb, item)
            for lb in self.leaderboards
            for item in _as_list(lb.get("sota_history"))
        ]
        records.sort(
            key=lambda r: (_date_key(_get(r[2], "date", "")), r[0]["task_name"], r[0]["dataset_name"],
                           _get(r[2], "model", "")),
            reverse=True,
        )
        texts_of: dict[int, dict[tuple[Any, Any, Any], str]] = {}  # id(leaderboard) -> its records' texts
        changes: list[dict[str, Any]] = []
        for summary, lb, item in records[:RECENT]:
            texts = texts_of.get(id(lb))
            if texts is None:
                texts = texts_of[id(lb)] = _record_texts(lb, summary["metric"])
            paper_id = _get(item, "paper_id")
            text = texts.get((_get(item, "model"), paper_id, _get(item, "date")))
            changes.append(
                {
                    **summary,
                    "date": _get(item, "date", ""),
                    "model": _get(item, "model", ""),
                    "paper_id": paper_id if is_slug(paper_id) and paper_id in self.papers else None,
                    "value_text": text or format_number(_get(item, "value")),
                }
            )
        counts = {
            "leaderboards": self.counts.get("leaderboards", len(self.summaries)),
            "tasks": self.counts.get("tasks", len(self.tasks)),
            "datasets": self.counts.get("datasets", len(self.datasets)),
            "papers": self.counts.get("papers", len(self.paper_index)),
            "results": self.counts.get("results", 0),
        }
        self.render(
            "home.html", "index.html", title="Benchmarks, papers and state-of-the-art results", counts=counts,
            notable=boards[:NOTABLE], recent=changes, section="home",
        )

    def _areas(self) -> dict[str, list[str]]:
        """Task ids by area, areas and tasks sorted by name."""
        areas: dict[str, list[str]] = defaultdict(list)
        for task_id, task in self.tasks.items():
            areas[_get(task, "area", DEFAULT_AREA)].append(task_id)
        for ids in areas.values():
            ids.sort(key=lambda i: (str(_get(self.tasks[i], "name", i)).lower(), i))
        return dict(sorted(areas.items()))

    def boards_of_task(self) -> dict[str, list[dict[str, Any]]]:
        by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for summary in self.summaries.values():
            by_task[summary["task_id"]].append(summary)
        for boards in by_task.values():
            boards.sort(key=lambda s: (s["dataset_name"].lower(), s["dataset_id"]))
        return by_task

    def sota_and_tasks(self) -> None:
        by_task = self.boards_of_task()
        sota_areas, task_areas = [], []
        for number, (area, ids) in enumerate(self._areas().items()):
            with_boards = [
                {"id": i, "name": _get(self.tasks[i], "name", i), "leaderboards": by_task[i]} for i in ids if by_task[i]
            ]
            if with_boards:
                sota_areas.append(
                    {
                        "name": area,
                        "anchor": f"area-{number}",
                        "tasks": with_boards,
                        "count": sum(len(t["leaderboards"]) for t in with_boards),
                    }
                )
            task_areas.append(
                {
                    "name": area,
                    "tasks": [
                        {"id": i, "name": _get(self.tasks[i], "name", i), "leaderboards": len(by_task[i])} for i in ids
                    ],
                }
            )
        self.render(
            "sota.html", "sota/index.html", title="State of the art", areas=sota_areas,
            total=len(self.summaries), section="sota",
        )
        self.render("tasks.html", "tasks/index.html", title="Tasks", areas=task_areas, total=len(self.tasks),
                    section="tasks")
        children: dict[str, list[str]] = defaultdict(list)
        for task_id, task in self.tasks.items():
            parent = _get(task, "parent")
            if is_slug(parent) and parent in self.tasks:
                children[parent].append(task_id)
        for task_id, task in self.tasks.items():
            sub_ids = sorted(set(_as_list(_get(task, "subtasks"))) | set(children[task_id]))
            subtasks = [self._task_ref(i) for i in sub_ids if is_slug(i) and i in self.tasks]
            subtasks.sort(key=lambda t: t["name"].lower())
            parent_id = _get(task, "parent")
            parent = self._task_ref(parent_id) if parent_id in self.tasks else None
            ds_ids = {s["dataset_id"] for s in by_task[task_id]}
            ds_ids |= {i for i in _as_list(_get(task, "datasets")) if i in self.datasets}
            datasets = sorted(
                ({"id": i, "name": _get(self.datasets.get(i, {}), "name", i)} for i in ds_ids),
                key=lambda d: (d["name"].lower(), d["id"]),
            )
            name = _get(task, "name", task_id)
            self.page(
                "tasks/" + page_file(task_id), "../",
                _task_body(task, name, parent, subtasks, by_task[task_id], datasets),
                title=name, crumbs=[("Tasks", "./"), (name, None)], section="tasks",
            )

    def datasets_pages(self) -> None:
        by_dataset: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for summary in self.summaries.values():
            by_dataset[summary["dataset_id"]].append(summary)
        listing = sorted(
            (
                {
                    "id": i,
                    "name": _get(d, "name", i),
                    "full_name": _get(d, "full_name"),
                    "leaderboards": len(by_dataset[i]),
                }
                for i, d in self.datasets.items()
            ),
            key=lambda d: (str(d["name"]).lower(), d["id"]),
        )
        self.render("datasets.html", "datasets/index.html", title="Datasets", datasets=listing, section="datasets")
        for dataset_id, dataset in self.datasets.items():
            metrics = []
            for metric in _as_list(_get(dataset, "metrics")):
                direction = _get(metric, "direction", "")
                value_range = _get(metric, "range")
                metrics.append(
                    {
                        "name": _get(metric, "name", ""),
                        "unit": _get(metric, "unit"),
                        "direction_text": {"higher": "↑ higher", "lower": "↓ lower"}.get(direction, direction),
                        "range_text": (
                            f"{format_number(value_range[0])} to {format_number(value_range[1])}"
                            if isinstance(value_range, list | tuple) and len(value_range) == 2
                            else ""
                        ),
                    }
                )
            boards = sorted(by_dataset[dataset_id], key=lambda s: (s["task_name"].lower(), s["task_id"]))
            task_ids = {s["task_id"] for s in boards} | {
                i for i in _as_list(_get(dataset, "tasks")) if is_slug(i) and i in self.tasks
            }
            # by name, then id: `task_ids` is a set, so without the id two tasks of one name would
            # come in an order that changes from process to process
            tasks = sorted((self._task_ref(i) for i in task_ids), key=lambda t: (t["name"].lower(), t["id"]))
            name = _get(dataset, "name", dataset_id)
            self.page(
                "datasets/" + page_file(dataset_id), "../", _dataset_body(dataset, name, metrics, boards, tasks),
                title=name, crumbs=[("Datasets", "./"), (name, None)], section="datasets",
            )

    def leaderboard_pages(self, start: int = 0, end: int | None = None) -> None:
        for lb in self.leaderboards[start:end]:
            task_id, dataset_id = lb["task"]["id"], lb["dataset"]["id"]
            summary = self.summaries[(task_id, dataset_id)]
            crumbs = [
                ("State of the art", "../../sota/"),
                (summary["task_name"], "../../tasks/" + page_file(task_id)),
                (summary["dataset_name"], None),
            ]
            self.page(
                f"leaderboards/{task_id}/{dataset_id}.html", "../../", self._leaderboard_body(lb, summary),
                title=f"{summary['task_name']} on {summary['dataset_name']}", crumbs=crumbs, section="sota",
            )

    # A leaderboard page's body is built here rather than by a template, as a paper page's is:
    # its table is most of the page, and the rows are the site's hottest loop.

    def _leaderboard_body(self, lb: Mapping[str, Any], summary: dict[str, Any]) -> list[str]:
        """A leaderboard's heading, its chart with caption, and its table (a header cell per metric)."""
        task_id, dataset_id = summary["task_id"], summary["dataset_id"]
        task_name, dataset_name = esc(summary["task_name"]), esc(summary["dataset_name"])
        primary = _get(lb, "primary_metric", "")
        metrics = [(_get(m, "name", ""), _get(m, "direction", "")) for m in _as_list(lb.get("metrics"))]
        primary_direction = next((direction for name, direction in metrics if name == primary), "")
        headers = []
        for name, direction in metrics:
            header = f'<th scope="col" class="num">{esc(name)}'
            if name == primary:
                header += ' <span class="tag">primary</span>'
            arrow = ARROWS.get(direction, "")
            if arrow:
                header += f' <abbr title="{esc(direction)} is better">{arrow}</abbr>'
            headers.append(header + "</th>")
        rows = _as_list(lb.get("rows"))
        count = len(rows)
        points = Points(lb)
        lines, has_extra = self._leaderboard_rows(rows, [name for name, _ in metrics], points)
        chart = sota_chart(lb, points.points)
        primary = esc(primary)
        parts = [
            f"<h1>{task_name} on {dataset_name}</h1>\n"
            f'<p class="muted">Ranked by <strong>{primary}</strong>'
            f"{f' ({esc(primary_direction)} is better)' if primary_direction else ''}"
            f' · {count} result{"" if count == 1 else "s"}'
            f' · <a href="../../tasks/{page_file(task_id)}">{task_name}</a>'
            f' · <a href="../../datasets/{page_file(dataset_id)}">{dataset_name}</a>'
            f' · <a href="../../api/v1/leaderboards/{task_id}/{dataset_id}.json" type="application/json">JSON</a>'
            "</p>\n\n"
        ]
        if chart:
            parts.append('<figure class="chart-figure">\n<div class="chart-wrap">')
            parts.append(chart)
            parts.append(
                f'</div>\n<figcaption id="chart-caption">State of the art over time on {dataset_name} ({primary}): '
                "every ranked result is a point, the line is the best result so far.\n"
                '<span class="legend"><span class="key key-pt" aria-hidden="true"></span> result '
                '<span class="key key-best" aria-hidden="true"></span> new state of the art '
                '<span class="key key-extra" aria-hidden="true"></span> extra training data</span></figcaption>\n'
                "</figure>\n"
            )
        parts.append("\n<section>\n<h2>Results</h2>\n")
        if count:
            if has_extra:
                parts.append(
                    '<p class="filter"><input type="checkbox" id="hide-extra"> '
                    '<label for="hide-extra">Hide results that use extra training data</label> '
                    '<span class="muted">(marked <span class="tag extra-tag">extra data</span>; '
                    "ranks stay those of the full leaderboard)</span></p>\n"
                )
            parts.append(
                '<div class="table-scroll">\n<table class="leaderboard cards-on-phone">\n'
                f"<caption>{task_name} on {dataset_name}, ranked by {primary}</caption>\n"
                f'<thead><tr><th scope="col" class="num">Rank</th><th scope="col">Model</th>{"".join(headers)}'
                '<th scope="col">Extra data</th><th scope="col">Paper</th><th scope="col">Code</th>'
                '<th scope="col">Date</th></tr></thead>\n<tbody>\n'
            )
            parts += lines
            parts.append("</tbody>\n</table>\n</div>\n")
        else:
            parts.append("<p>No results yet.</p>\n")
        parts.append("</section>")
        return parts

    def _leaderboard_rows(self, rows: list[Any], names: list[str], points: Points) -> tuple[list[str], bool]:
        """The `<tr>`s of a leaderboard's table, each a line ending in a newline, and whether any
        row used extra data; each ranked row goes to the chart's `points` on the way.

        This is the site's hottest loop (every result of every leaderboard), so the rows are
        f-strings rather than a template loop; every contributor value goes through `esc`
        (`esc_text` when it is known to be a str), and the loop keeps to local names."""
        columns = []  # per metric: the cell's start, the cell without a value, the metric
        for name in names:
            start = f'<td class="num" data-label="{esc(name)}">'
            columns.append((start, start + "</td>", name))
        paper_cell, code_cell = self.paper_cell, self.code_cell
        papers_made, codes_made = paper_cell.made.get, code_cell.made.get
        add_point = points.add
        lines = []
        append = lines.append
        has_extra = False
        for row in rows:
            if type(row) is not dict:
                row = _fields(row)
            texts, values = row.get("metrics_text"), row.get("metrics")
            if type(texts) is not dict:
                texts = _fields(texts)
            if type(values) is not dict:
                values = _fields(values)
            cells = []
            for start, empty, name in columns:  # `_cell_html`, with its common cases written out
                text = texts.get(name)
                if type(text) is str:
                    cells.append(f"{start}{esc_text(text)}</td>")
                elif text is None and name not in values:
                    cells.append(empty)
                else:
                    cells.append(f"{start}{_cell_html(texts, values, name)}</td>")
            rank, model, date, code = row.get("rank"), row.get("model"), row.get("evaluated_on"), row.get("code")
            paper, extra = row.get("paper"), bool(row.get("uses_additional_data"))
            if rank is not None:
                add_point(values, texts, model, date, paper, extra)
            paper = (papers_made(id(paper)) or paper_cell.add(paper))[1]
            code = (codes_made(id(code)) or code_cell.add(code))[1] if code else ""
            model = esc_text(model) if type(model) is str else esc(_or(model, ""))
            date = esc_text(date) if type(date) is str else esc(_or(date, ""))
            has_extra = has_extra or extra
            append(
                f'<tr{EXTRA_ROW if extra else ""}><td class="num rank">'
                f'{rank if type(rank) is int else "—" if rank is None else esc(rank)}</td>'
                f'<th scope="row" class="model">{model}</th>{"".join(cells)}'
                f'<td class="extra-cell">{EXTRA_TAG if extra else ""}</td>'
                f'<td class="paper" data-label="Paper">{paper}</td>'
                f'<td class="code" data-label="Code">{code}</td>'
                f'<td class="nowrap" data-label="Date">{date}</td></tr>\n'
            )
        return lines, has_extra

    def _paper_cell(self, paper: Any) -> str:
        """A leaderboard row's paper: a link to its page, else to its URL, else its title as text."""
        paper = _fields(paper)
        paper_id = paper.get("id")
        if type(paper_id) is str and paper_id in self.paged:
            return self.paper_link("../../", paper_id)
        if https(paper.get("url")):
            return f'<a href="{esc(paper["url"])}" rel="noopener">{esc(_or(paper.get("title"), "paper"))}</a>'
        return esc(_or(paper.get("title"), ""))

    def paper_pages(self, start: int = 0, end: int | None = None) -> None:
        for paper_id in self.paper_ids[start:end]:
            fields = _fields(self.papers[paper_id])
            title = _or(fields.get("title"), paper_id)
            self.page(
                "papers/" + page_file(paper_id), "../", self._paper_body(paper_id, fields, title), title=title,
                crumbs=[("Papers", "./"), (title, None)], section="papers",
            )

    # A paper page's body is built here, not by a template: with 10,000 papers, a template's
    # render (its context, an escape() and a Markup object per value) was a third of their cost.
    # Its lists and table are the loops below. They give plain HTML (a str: a Markup would be
    # copied again by each f-string it goes into), the table and the related papers as lines
    # that `page` joins once with the rest. Every contributor value goes through `esc`.

    def _paper_body(self, paper_id: str, paper: dict[str, Any], title: str) -> list[str]:
        """The `<article>` of a paper's page: title, authors, date, venue, tasks, links, abstract,
        results, related papers; a list or section without content is left out."""
        results, tasks = self._paper_results(_as_list(paper.get("results")))
        links = self._paper_links(paper)
        authors = [a for a in _as_list(paper.get("authors")) if isinstance(a, str)]
        venue, abstract = paper.get("venue"), paper.get("abstract")
        related = self._related(_as_list(paper.get("related")))
        return [
            f'<article class="paper">\n<h1>{esc(title)}</h1>\n',
            f'<p class="authors">{esc(", ".join(authors))}</p>' if authors else "",
            f'<p class="meta"><time>{esc(_or(paper.get("published"), ""))}</time>',
            f' · <span class="venue">{esc(venue)}</span>' if venue else "",
            f' · <a href="../api/v1/papers/{paper_id}.json" type="application/json">JSON</a></p>\n',
            f'<ul class="tags" aria-label="Tasks">\n{tasks}\n</ul>\n' if tasks else "",
            f'<ul class="links" aria-label="Links">\n{links}\n</ul>\n' if links else "",
            "\n",
            (
                f'<section>\n<h2>Abstract</h2>\n<div class="prose">{prose(abstract)}</div>\n</section>\n'
                if abstract
                else ""
            ),
            "\n<section>\n<h2>Results</h2>\n",
            *(
                [
                    '<div class="table-scroll">\n<table class="paper-results cards-on-phone">\n'
                    "<caption>Results of this paper, with their rank on each leaderboard</caption>\n"
                    '<thead><tr><th scope="col">Task</th><th scope="col">Dataset</th><th scope="col">Model</th>'
                    '<th scope="col">Metric</th><th scope="col" class="num">Value</th>'
                    '<th scope="col" class="num">Rank</th></tr></thead>\n<tbody>\n',
                    *results,
                    "</tbody>\n</table>\n</div>\n",
                ]
                if results
                else ["<p>No results recorded for this paper.</p>\n"]
            ),
            "</section>\n\n",
            *(
                [
                    '<section>\n<h2>Related papers</h2>\n'
                    '<p class="muted">Papers with results on the same leaderboards.</p>\n<ul class="related">\n',
                    *related,
                    "</ul>\n</section>\n",
                ]
                if related
                else []
            ),
            "</article>",
        ]

    def _paper_links(self, paper: dict[str, Any]) -> str:
        """The `<li>` buttons: the paper's own links (arXiv, DOI, URL, PDF), then its code, official first."""
        links = []  # (label, URL): each URL is checked once, by `https`, before it is added
        arxiv = paper.get("arxiv")
        if isinstance(arxiv, str) and arxiv:
            links.append(("arXiv", f"https://arxiv.org/abs/{arxiv}"))
        doi = paper.get("doi")
        if isinstance(doi, str) and doi:
            links.append(("DOI", f"https://doi.org/{doi}"))
        links = [link for link in links if https(link[1])]
        url = paper.get("url")
        if https(url) and not any(link_url == url for _, link_url in links):
            links.append(("Paper", url))
        pdf = paper.get("pdf_url") or (f"https://arxiv.org/pdf/{arxiv}" if isinstance(arxiv, str) and arxiv else None)
        if https(pdf):
            links.append(("PDF", pdf))
        items = [  # labels are ours, URLs that pass `https` are str
            f'<li><a class="button" href="{esc_text(url)}" rel="noopener">{label}</a></li>' for label, url in links
        ]
        code = paper.get("code")
        code = [c for c in code if https(_get(c, "url"))] if code and isinstance(code, list | tuple) else []
        code.sort(key=lambda c: not _get(c, "official", False))
        for c in code:
            url = _get(c, "url")
            official = ' <span class="tag official">official</span>' if _get(c, "official") else ""
            items.append(
                f'<li><a class="button{" official" if official else ""}" href="{esc(url)}" rel="noopener">'
                f"Code: {esc(code_label(url))}</a>{official}</li>"
            )
        return "\n".join(items)

    def _paper_results(self, results: list[Any]) -> tuple[list[str], str]:
        """The rows of a paper's results table, each a line ending in a newline (a result with
        several metrics spans several rows, the leaderboard's primary metric first), and the tag
        links of the tasks they are on.
        Every result of every paper passes here: the loop keeps to local names."""
        lines, tags, seen_tasks = [], [], set()
        boards = self.result_boards
        for result in results:
            if type(result) is not dict:
                result = _fields(result)
            task, dataset = result.get("task"), result.get("dataset")
            if type(task) is not dict:
                task = _fields(task)
            if type(dataset) is not dict:
                dataset = _fields(dataset)
            task_id, dataset_id = task.get("id"), dataset.get("id")
            if type(task_id) is not str or type(dataset_id) is not str:
                continue
            board = boards.get((task_id, dataset_id))
            if board is None:  # what every result on this leaderboard shares, built once
                if not (is_slug(task_id) and is_slug(dataset_id)):
                    continue
                board = boards[(task_id, dataset_id)] = (
                    self.named_link("tasks", "../", task_id, _or(task.get("name"), task_id)),
                    self.named_link("datasets", "../", dataset_id, _or(dataset.get("name"), dataset_id)),
                    self.primary.get((task_id, dataset_id)),
                    f'<a href="../leaderboards/{task_id}/{dataset_id}.html">',
                )
            task_link, dataset_link, primary, board_link = board
            if task_id not in seen_tasks:
                seen_tasks.add(task_id)
                task_name = _or(task.get("name"), task_id)
                tags.append(f'<li><a class="tag-link" href="../tasks/{page_file(task_id)}">{esc(task_name)}</a></li>')
            texts, values = result.get("metrics_text"), result.get("metrics")
            if type(texts) is not dict:
                texts = _fields(texts)
            if type(values) is not dict:
                values = _fields(values)
            names = list(texts or values)
            if primary in names and names[0] != primary:  # the metric that ranks the leaderboard first
                names.remove(primary)
                names.insert(0, primary)
            cells = []
            for name in names:  # `_cell_html`, with its common case written out
                text = texts.get(name)
                text = esc_text(text) if type(text) is str else _cell_html(texts, values, name)
                cells.append(
                    f'<td class="metric">{esc_text(name) if type(name) is str else esc(name)}</td>'
                    f'<td class="num value">{text}</td>'
                )
            rank, rows, model = result.get("rank"), result.get("rows"), result.get("model")
            if rank is None:
                rank_text = "unranked"
            elif type(rank) is int and type(rows) is int:  # digits only: nothing to escape
                rank_text = f"#{rank} of {rows}" if rows else f"#{rank}"
            else:
                rank_text = esc(f"#{rank} of {rows}" if rows else f"#{rank}")
            extra = bool(result.get("uses_additional_data"))
            span = len(names) or 1
            lines.append(
                f'<tr class="result-start{" extra" if extra else ""}">'
                f'<td rowspan="{span}" data-label="Task">{task_link}</td>'
                f'<td rowspan="{span}" data-label="Dataset">{dataset_link}{" " + EXTRA_TAG if extra else ""}</td>'
                f'<th scope="row" rowspan="{span}" class="model">'
                f'{esc_text(model) if type(model) is str else esc(_or(model, ""))}</th>'
                f'{cells[0] if cells else NO_METRIC}'
                f'<td rowspan="{span}" class="num rank" data-label="Rank">{board_link}{rank_text}</a></td></tr>\n'
            )
            for cell in cells[1:]:
                lines.append(f"<tr{EXTRA_ROW if extra else ''}>{cell}</tr>\n")
        return lines, "\n".join(tags)

    def _related(self, related: list[Any]) -> list[str]:
        """The `<li>`s of the related papers that have a page, each with its date, each a line
        ending in a newline."""
        memo = self.related_item
        made = memo.made.get
        items = []
        for entry in related:
            item = (made(id(entry)) or memo.add(entry))[1]
            if item:
                items.append(item)
        return items

    def _related_item(self, entry: Any) -> str:
        """A related paper's `<li>` and a newline, or "" when it has no page."""
        entry = _fields(entry)
        related_id, published = entry.get("id"), entry.get("published")
        if type(related_id) is not str or related_id not in self.paged:
            return ""
        link = self.paper_link("../", related_id)
        return f'<li>{link} <span class="muted nowrap">{esc(_or(published, ""))}</span></li>\n'

    def paper_lists(self) -> None:
        # Each entry's fields are read once (the lists hold every paper): published, title, id, results.
        listing = [
            (_get(p, "published"), _get(p, "title", ""), _get(p, "id"), _get(p, "results", ""))
            for p in self.paper_index
        ]
        listing.sort(key=lambda p: (_date_key(p[0]), str(p[1])), reverse=True)
        by_year: dict[str, list[Any]] = defaultdict(list)
        for paper in listing:
            year = str(_or(paper[0], ""))[:4]
            by_year[year if year.isdigit() else "unknown"].append(paper)
        years = [{"year": y, "count": len(ps)} for y, ps in sorted(by_year.items(), reverse=True)]
        newest = listing[:PAPERS_ON_INDEX]
        self.render(
            "papers.html", "papers/index.html", title="Papers", heading="Papers", count=len(newest),
            table=_paper_rows("../", newest), years=years, year=None, more=len(listing) > PAPERS_ON_INDEX,
            total=len(listing), section="papers",
        )
        for year, papers in by_year.items():
            self.render(
                "papers.html", f"papers/years/{year}/index.html", title=f"Papers of {year}",
                heading=f"Papers of {year}", count=len(papers), table=_paper_rows("../../../", papers), years=years,
                year=year, more=False, total=len(papers), crumbs=[("Papers", "../../"), (year, None)], section="papers",
            )

    def fixed_pages(self) -> None:
        script = '<script src="../static/search.js" data-index="index.json" data-root="../" defer></script>'
        self.render("search.html", "search/index.html", title="Search", scripts=script)
        self.render("submit.html", "submit/index.html", title="Submit results", section="submit")
        self.render("about.html", "about/index.html", title="About", section="about")

    def search_index(self) -> None:
        """A small JSON index the search page loads: [name, id, extra words] per kind."""
        papers = sorted(
            ([str(_get(p, "title", "")), p["id"], str(_get(p, "published", ""))[:4]] for p in self.paper_index),
            key=lambda p: p[1],
        )
        tasks = sorted(
            [str(_get(t, "name", i)), i, " ".join(str(s) for s in _as_list(_get(t, "synonyms")))]
            for i, t in self.tasks.items()
        )
        datasets = sorted(
            [str(_get(d, "name", i)), i, str(_get(d, "full_name", ""))] for i, d in self.datasets.items()
        )
        data = orjson.dumps({"papers": papers, "tasks": tasks, "datasets": datasets})
        self.writer.write_bytes("search/index.json", data)

    def static(self) -> None:
        for source in sorted(STATIC.iterdir()):
            if source.is_file():
                target = self.out_dir / "static" / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


# Pages per job when the work is shared among processes: small enough to balance the load.
PAPERS_PER_JOB = 1000
ROWS_PER_JOB = 5000
PARALLEL_FROM = 3000  # pages; below this a second process costs more than it saves
# Rough costs, in leaderboard rows, used to share the work out evenly (measured at 10,000 papers:
# a paper page costs about as much as eight leaderboard rows, the row counting its chart mark).
PAPER_COST = 8
PAGE_COST = 10

Job = tuple[str, int, int]


def _jobs(site: _Site) -> list[tuple[Job, int]]:
    """The work in independent pieces with their rough costs. Each piece writes its own files,
    so the tree is the same whichever process renders which piece, in whatever order."""
    jobs: list[tuple[Job, int]] = []
    start, cost = 0, 0
    for i, lb in enumerate(site.leaderboards):
        cost += len(_as_list(lb.get("rows"))) + PAGE_COST
        if cost >= ROWS_PER_JOB:
            jobs.append((("leaderboard_pages", start, i + 1), cost))
            start, cost = i + 1, 0
    if start < len(site.leaderboards):
        jobs.append((("leaderboard_pages", start, len(site.leaderboards)), cost))
    for start in range(0, len(site.paper_ids), PAPERS_PER_JOB):
        count = min(PAPERS_PER_JOB, len(site.paper_ids) - start)
        jobs.append((("paper_pages", start, start + PAPERS_PER_JOB), count * PAPER_COST))
    jobs.append((("sota_and_tasks", 0, 0), len(site.tasks) * PAGE_COST))
    jobs.append((("datasets_pages", 0, 0), len(site.datasets) * PAGE_COST))
    jobs.append((("paper_lists", 0, 0), len(site.paper_ids) // 2))
    for name in ("static", "home", "fixed_pages", "search_index"):
        jobs.append(((name, 0, 0), PAGE_COST))
    return jobs


# The folder (under the site's root) each kind of job writes its pages in, "" for several.
_JOB_FOLDERS = {
    "paper_pages": "papers",
    "paper_lists": "papers",
    "leaderboard_pages": "leaderboards",
    "datasets_pages": "datasets",
    "sota_and_tasks": "sota",
}


def site_jobs(api: Any, out_dir: Path) -> list[tuple[Callable[[TreeWriter], None], int, str]]:
    """The whole site as independent jobs with their rough costs and the folder each writes in,
    for `forking.share_work`: each job renders its pages through the writer of the process that
    runs it. `pwc build` runs them in the same queue as the api files."""
    site = _Site(api, Path(out_dir))
    return [(partial(_run_job, site, job), cost, _JOB_FOLDERS.get(job[0], "")) for job, cost in _jobs(site)]


def _site_jobs(site: _Site) -> list[tuple[Callable[[TreeWriter], None], int]]:
    return [(partial(_run_job, site, job), cost) for job, cost in _jobs(site)]


def _run_job(site: _Site, job: Job, writer: TreeWriter) -> None:
    site.writer = writer
    name, start, end = job
    method = getattr(site, name)
    if name in ("leaderboard_pages", "paper_pages"):
        method(start, end)
    else:
        method()


def workers_for(site: _Site, requested: int | None) -> int:
    """How many processes render: `requested`, else PWC_SITE_WORKERS, else one per CPU (at most
    4) for a big site. Processes are forked, so the data is shared, not copied or pickled; fork
    is only safe while this process runs no other thread, so otherwise the work stays here."""
    if requested is None:
        env = os.environ.get("PWC_SITE_WORKERS", "")
        if env.isdigit():
            requested = int(env)
        elif len(site.leaderboards) + len(site.paper_ids) >= PARALLEL_FROM:
            requested = min(os.cpu_count() or 1, 4)
        else:
            requested = 1
    if requested > 1 and not can_fork():
        return 1
    return max(1, requested)


def render_site(api: Any, out_dir: Path, workers: int | None = None) -> None:
    """Write the whole site into `out_dir` (beside `out_dir/api/v1`).

    `workers` processes share the pages (default: see `workers_for`); the files are the same
    whatever their number. When this returns the tree is complete; a failure in a worker makes
    it raise (see `forking.share_work`)."""
    # The export's data (hundreds of thousands of objects) lives through the render: a full
    # collection scanning it frees nothing and costs ~0.4 s at 10,000 papers, so it is frozen out
    # of the collector's sight (as the loader does with the corpus), which also keeps forked
    # workers from copying its memory by scanning it. Unfrozen after, unless the caller froze too.
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        site = _Site(api, Path(out_dir))
        share_work(_site_jobs(site), workers_for(site, workers), lambda: TreeWriter(site.out_dir))
    finally:
        if not frozen_before:
            gc.unfreeze()


__all__ = ["render_site", "site_jobs", "https", "paragraphs", "code_label", "workers_for"]
