"""The site renderer on its own: stable paths, relative links that resolve, escaping, https-only
links, no resources from other hosts, determinism, and tolerance of missing optional fields.

The data is tests/fixtures/site/api.json: the shape `build_api` produces, with hostile strings and
links a validator would reject (the renderer must not rely on the validator for safety).
"""

from __future__ import annotations

import copy
import filecmp
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from markupsafe import escape

from validator.site import render
from validator.site.render import code_label, https, paragraphs, render_site

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "api.json"
EVIL_TITLE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=6</script>Evil & "Quoted" Paper</b>'
EVIL_MODEL = '<script>window.__pwned=2</script><img src=x onerror="window.__pwned=5">EvilNet'


def load_api() -> SimpleNamespace:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return SimpleNamespace(index=data["index"], leaderboards=data["leaderboards"], papers=data["papers"])


class Page(HTMLParser):
    """The parts of a page the tests look at: links, resources, scripts, elements and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self.resources: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "a" and "href" in a:
            self.links.append(a)
        if tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.resources.append(str(a["src"]))
        if tag == "link" and a.get("href"):
            self.resources.append(str(a["href"]))
        if tag == "form" and a.get("action"):
            self.links.append({"href": a["action"]})

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    render_site(load_api(), out)
    return out


def test_pages_are_at_stable_clean_paths(site: Path) -> None:
    for rel in (
        "index.html",
        "sota/index.html",
        "tasks/index.html",
        "datasets/index.html",
        "papers/index.html",
        "search/index.html",
        "search/index.json",
        "submit/index.html",
        "about/index.html",
        "static/style.css",
        "static/search.js",
        "leaderboards/question-answering/squad2.0.html",
        "leaderboards/language-modelling/penn-treebank.html",
        "papers/albert-a-lite-bert-for-self-supervised.html",
        "papers/evil-paper.html",
        "papers/years/2019/index.html",
        "tasks/reading-comprehension.html",
        "datasets/squad2.0.html",
    ):
        assert (site / rel).is_file(), rel
    assert len(list(site.glob("leaderboards/*/*.html"))) == 4
    assert len([p for p in site.glob("papers/*.html") if p.name != "index.html"]) == 10
    assert not (site / "methods").exists()  # no empty page for methods


def test_every_relative_link_resolves_and_every_page_is_reachable_from_home(site: Path) -> None:
    base = "https://host.example/sub/path/"  # any sub-path
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    reached, queue = set(), ["index.html"]
    while queue:
        rel = queue.pop()
        if rel in reached:
            continue
        reached.add(rel)
        page = parse(site / rel)
        for link in page.links:
            href = str(link["href"])
            if href.startswith("https://") and not href.startswith(base):
                continue
            assert not href.startswith("/"), f"{rel}: {href} is not relative"
            assert ":" not in href.split("/")[0], f"{rel}: {href}"
            target, fragment = urldefrag(urljoin(base + rel, href))
            assert target.startswith(base), f"{rel}: {href} leaves the site"
            path = urlparse(target).path.removeprefix("/sub/path/")
            if path.startswith("api/"):
                continue  # written by the exporter beside the site; checked in the browser test
            if path == "" or path.endswith("/"):
                path += "index.html"
            assert (site / path).is_file(), f"{rel}: {href} -> {path} does not exist"
            if fragment and path == rel:
                assert fragment in page.ids, f"{rel}: #{fragment}"
            if path.endswith(".html"):
                queue.append(path)
    assert reached == pages, f"unreachable: {sorted(pages - reached)}"


def test_no_resource_comes_from_another_host(site: Path) -> None:
    for path in site.rglob("*.html"):
        page = parse(path)
        for resource in page.resources:
            assert "//" not in resource and ":" not in resource.split("/")[0], f"{path}: {resource}"
        assert "Content-Security-Policy" in path.read_text(encoding="utf-8")
    css = (site / "static" / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    js = (site / "static" / "search.js").read_text(encoding="utf-8")
    assert "http" not in js and "innerHTML" not in js


def test_external_links_are_https_with_noopener_and_bad_urls_get_no_href(site: Path) -> None:
    hrefs: list[str] = []
    for path in site.rglob("*.html"):
        for link in parse(path).links:
            href = str(link["href"])
            if re.match(r"^[a-z]+:", href):
                assert href.startswith("https://"), f"{path}: {href}"
                assert "noopener" in str(link.get("rel", "")).split(), f"{path}: {href}"
                hrefs.append(href)
    assert "https://github.com/google-research/ALBERT" in hrefs
    assert "https://arxiv.org/abs/1909.11942" in hrefs
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    # the fixture's javascript: code link, PDF link and homepage, and its http:// code link
    assert "javascript:" not in everything
    assert "insecure.example.org" not in everything


def test_contributor_strings_are_escaped_text(site: Path) -> None:
    for rel in ("papers/evil-paper.html", "leaderboards/question-answering/squad2.0.html",
                "papers/index.html", "papers/albert-a-lite-bert-for-self-supervised.html"):
        html = (site / rel).read_text(encoding="utf-8")
        page = parse(site / rel)
        text = "".join(page.text)
        assert EVIL_TITLE in text or EVIL_MODEL in text, rel
        assert "<script>window" not in html and "<img" not in html and "<b " not in html, rel
        assert not any(tag in ("img", "b", "iframe") for tag, _ in page.tags), rel
        assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs), rel
        scripts = [a for tag, a in page.tags if tag == "script"]
        assert scripts == [], rel  # only the search page has a script
    evil = parse(site / "papers/evil-paper.html")
    text = "".join(evil.text)
    for value in (EVIL_TITLE, EVIL_MODEL, "<script>window.__pwned=3</script>", '<b onmouseover="x()">Venue</b>',
                  "</p><script>window.__pwned=4</script>"):
        assert value in text
    # a code link whose URL carries markup stays one escaped attribute and escaped text
    assert "window.__pwned=7" in text
    assert 'href="https://github.com/&#34;&gt;&lt;script&gt;window.__pwned=7&lt;/script&gt;/repo"' in (
        site / "papers/evil-paper.html"
    ).read_text(encoding="utf-8")
    # the SVG chart's titles are escaped too
    board = (site / "leaderboards/question-answering/squad2.0.html").read_text(encoding="utf-8")
    assert f"<title>{escape(EVIL_MODEL)}: 85.0" in board


def test_only_the_search_page_loads_a_script(site: Path) -> None:
    with_scripts = [
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if "<script" in p.read_text(encoding="utf-8")
    ]
    assert with_scripts == ["search/index.html"]


def test_leaderboard_page_numbers_are_shown_as_written(site: Path) -> None:
    html = (site / "leaderboards/image-classification/imagenet.html").read_text(encoding="utf-8")
    assert '<td class="num" data-label="Top-1 Accuracy">84.30</td>' in html
    assert ">84.3<" not in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert ">84.30<" in home  # the SotA change of EfficientNet-B7, as written


def test_search_index_is_small_json(site: Path) -> None:
    data = json.loads((site / "search/index.json").read_text(encoding="utf-8"))
    resnet = ["Deep Residual Learning for Image Recognition", "deep-residual-learning-for-image", "2015"]
    assert resnet in data["papers"]
    assert ["Question Answering", "question-answering", "QA"] in data["tasks"]
    assert any(d[1] == "squad2.0" for d in data["datasets"])


def test_rendering_is_deterministic(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    render_site(load_api(), again)
    first = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert first == second
    match, mismatch, errors = filecmp.cmpfiles(site, again, first, shallow=False)
    assert mismatch == [] and errors == []


def test_several_processes_write_the_same_tree(site: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    assert render.workers_for(render._Site(load_api(), shared), 3) == 3  # this really forks
    render_site(load_api(), shared, workers=3)
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(shared).as_posix() for p in shared.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(site, shared, files, shallow=False)
    assert mismatch == [] and errors == []


def _strip_optional(data: Any) -> Any:
    """Drop every optional field the contract allows to be missing."""
    optional = {"description", "synonyms", "subtasks", "homepage", "full_name", "authors", "venue", "abstract",
                "code", "doi", "pdf_url", "related", "sota_history", "metrics_text", "first", "unit", "range",
                "evaluated_on", "area", "counts", "parent", "url", "arxiv", "published", "source"}
    if isinstance(data, dict):
        return {k: _strip_optional(v) for k, v in data.items() if k not in optional}
    if isinstance(data, list):
        return [_strip_optional(v) for v in data]
    return data


def test_missing_optional_fields_still_render(tmp_path: Path) -> None:
    api = load_api()
    bare = SimpleNamespace(
        index=_strip_optional(api.index), leaderboards=_strip_optional(api.leaderboards),
        papers=_strip_optional(api.papers),
    )
    render_site(bare, tmp_path)
    paper = (tmp_path / "papers/albert-a-lite-bert-for-self-supervised.html").read_text(encoding="utf-8")
    assert "92.215" in paper  # from the number, without metrics_text
    board = (tmp_path / "leaderboards/question-answering/squad2.0.html").read_text(encoding="utf-8")
    assert "ALBERT (ensemble model)" in board
    assert "None" not in paper and "None" not in board


def test_index_and_pages_that_disagree_give_no_broken_link(tmp_path: Path) -> None:
    """The index lists what has no page, and misses what has one: lists follow the pages."""
    data = copy.deepcopy(load_api().__dict__)
    data["index"]["leaderboards"].append(
        {"task": {"id": "ghost", "name": "Ghost"}, "dataset": {"id": "nowhere", "name": "Nowhere"}, "rows": 3}
    )
    data["index"]["papers"].append({"id": "ghost-paper", "title": "Ghost paper"})
    data["index"]["papers"] = [p for p in data["index"]["papers"] if p["id"] != "tied-paper"]
    render_site(SimpleNamespace(**data), tmp_path)
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.html"))
    assert "leaderboards/ghost/" not in everything and "ghost-paper" not in everything
    assert "papers/tied-paper.html" in (tmp_path / "papers/index.html").read_text(encoding="utf-8")


def test_none_values_and_ids_that_are_not_slugs_are_skipped(tmp_path: Path) -> None:
    api = load_api()
    data = copy.deepcopy(api.__dict__)
    nulled = {k: None for k in ("authors", "venue", "abstract", "code", "related", "results", "doi", "arxiv")}
    data["papers"]["tied-paper"].update(nulled)
    data["papers"]["../escape"] = dict(data["papers"]["tied-paper"], id="../escape")
    data["index"]["papers"].append({"id": "../escape", "title": "x"})
    data["leaderboards"][0]["rows"][0]["paper"] = None
    data["leaderboards"][0]["rows"][0]["code"] = None
    render_site(SimpleNamespace(**data), tmp_path / "out")
    assert (tmp_path / "out/papers/tied-paper.html").is_file()
    assert not (tmp_path / "escape").exists() and not (tmp_path / "out/escape").exists()
    assert all(p.resolve().is_relative_to((tmp_path / "out").resolve()) for p in (tmp_path / "out").rglob("*"))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.com/google-research/ALBERT", True),
        ("https://example.org/a?b=1&c=\"2\"", True),
        ("http://example.org/", False),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("https://exa mple.org/", False),
        ("https://example.org/\n", False),
        (" https://example.org/", False),
        ("//example.org/", False),
        ("data:text/html,x", False),
        (None, False),
        (42, False),
    ],
)
def test_only_well_formed_https_urls_become_links(url: Any, ok: bool) -> None:
    assert (https(url) is not None) is ok
    if ok:
        assert https(url) == url


def test_code_links_are_named_by_repository() -> None:
    assert code_label("https://github.com/google-research/ALBERT") == "google-research/ALBERT"
    assert code_label("https://gitlab.com/group/project.git") == "group/project"
    assert code_label("https://example.org/") == "example.org"


def test_descriptions_are_plain_text_paragraphs() -> None:
    assert paragraphs("One\nline.\n\n  Two <b>x</b>  \n\n\n") == ["One line.", "Two <b>x</b>"]
    assert paragraphs(None) == []


@pytest.mark.parametrize("workers", [1, 3])
def test_a_page_that_cannot_be_written_fails_the_render(tmp_path: Path, workers: int) -> None:
    (tmp_path / "papers" / "tied-paper.html").mkdir(parents=True)  # a folder where a page must go
    with pytest.raises((RuntimeError, OSError)):
        render_site(load_api(), tmp_path, workers=workers)


def test_an_id_named_index_gets_its_own_page_beside_the_folders_list(tmp_path: Path) -> None:
    """`papers/index.html` is the list of papers: a paper whose id is `index` (a valid slug) gets
    `papers/index-.html`, which no other id can name, and every link to it says so."""
    api = load_api()
    data = copy.deepcopy(api.__dict__)
    data["papers"]["index"] = dict(data["papers"]["tied-paper"], id="index", title="A paper called index")
    data["index"]["papers"].append({"id": "index", "title": "A paper called index", "published": "2030-01-01"})
    render_site(SimpleNamespace(**data), tmp_path)
    listing = (tmp_path / "papers/index.html").read_text(encoding="utf-8")
    assert "<h1>Papers</h1>" in listing and 'href="../papers/index-.html"' in listing
    assert "A paper called index" in (tmp_path / "papers/index-.html").read_text(encoding="utf-8")
