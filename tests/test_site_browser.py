"""The built site in real headless Chromium: crawl, ranking, chart, paper page, hostile text, search.

A small real repository (tests/fixtures/site/repo, with hostile titles and model names) goes through
`pwc build`; the output is served by http.server on 127.0.0.1 under a sub-path (as a GitHub
Pages project site would be), and Chromium, driven by Playwright, reads it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest

from validator.cli import main as pwc

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURE = Path(__file__).parent / "fixtures" / "site" / "repo"
SUBPATH = "/pwc2/"
EVIL_TITLE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=6</script>Evil & "Quoted" Paper</b>'
EVIL_MODEL = '<script>window.__pwned=2</script><img src=x onerror="window.__pwned=5">EvilNet'
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

if not os.path.exists(CHROMIUM):  # CI installs it (.ci/run); elsewhere these tests cannot run
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the fixture repository and serve it at http://127.0.0.1:PORT/pwc2/."""
    work = tmp_path_factory.mktemp("site")
    root = work / "repo"
    shutil.copytree(FIXTURE, root)
    www = work / "www"
    assert pwc(["build", "--root", str(root), "--out", str(www / SUBPATH.strip("/"))]) == 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUBPATH}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


class Watched:
    """A page whose console errors, uncaught exceptions, failed and off-site requests are recorded."""

    def __init__(self, browser: Any, site: str, *, javascript: bool = True, viewport: dict[str, int] = DESKTOP):
        self.context = browser.new_context(java_script_enabled=javascript, viewport=viewport)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.site = site
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        self.page.on("request", self._request)
        self.page.on("dialog", self._dialog)

    def _request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.site) or url.startswith("data:")):
            self.errors.append(f"request outside the site: {url}")

    def _failed(self, request: Any) -> None:
        # Leaving a page cancels its pending requests (the favicon, often): not a failure.
        # A missing file is an HTTP 404 response, recorded by the response handler.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, url: str) -> Any:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, url
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watched(browser: Any, site: str) -> Iterator[Watched]:
    w = Watched(browser, site)
    yield w
    w.close()


def test_crawl_every_page_from_home_without_broken_links_or_console_errors(watched: Watched, site: str) -> None:
    seen: set[str] = set()
    queue = [site]
    files: set[str] = set()
    external: list[tuple[str, str | None]] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page = watched.goto(url)
        assert page.locator("h1").count() == 1, f"{url}: one <h1>"
        assert page.locator("main").count() == 1, url
        assert page.title(), url
        for table in page.locator("table").all():
            assert table.locator("caption").count() == 1, f"{url}: table caption"
            assert table.locator("th").count() > 0, f"{url}: table header cells"
        for fragment in page.eval_on_selector_all("a[href^='#']", "els => els.map(e => e.getAttribute('href'))"):
            assert page.locator(f"[id='{fragment[1:]}']").count() == 1, f"{url}: anchor {fragment}"
        links = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => [e.getAttribute('href'), e.href, e.getAttribute('rel')])"
        )
        # the search box's form leads to the search page
        queue.extend(page.eval_on_selector_all("form[action]", "els => els.map(e => e.action)"))
        for raw, absolute, rel in links:
            # relative links only (the site lives under a sub-path), or https links to other sites
            assert not raw.startswith("/"), f"{url}: root-relative link {raw}"
            assert ":" not in raw.split("/")[0] or raw.startswith("https://"), f"{url}: link {raw}"
            target, _ = urldefrag(absolute)
            if target.startswith(site):
                if target.endswith("/") or target.endswith(".html"):
                    queue.append(target)
                else:
                    files.add(target)
            else:
                external.append((absolute, rel))
    assert watched.errors == [], watched.errors
    assert watched.dialogs == []
    # Every page kind was reached from the home page by plain links.
    paths = {urlparse(u).path.removeprefix(SUBPATH) for u in seen}
    for expected in (
        "",
        "sota/",
        "tasks/",
        "datasets/",
        "papers/",
        "submit/",
        "about/",
        "search/",
        "leaderboards/question-answering/squad2.0.html",
        "leaderboards/language-modelling/penn-treebank.html",
        "papers/albert-a-lite-bert-for-self-supervised.html",
        "papers/evil-paper.html",
        "tasks/reading-comprehension.html",
        "datasets/imagenet.html",
        "papers/years/2019/",
    ):
        assert expected in paths, f"{expected} not reached"
    assert len([p for p in paths if p.startswith("papers/") and p.count("/") == 1 and p.endswith(".html")]) == 10
    # Files linked from pages (the API) exist.
    for target in files:
        with urllib.request.urlopen(target, timeout=10) as response:
            assert response.status == 200, target
    # External links are https only, and open without a reference to us.
    assert external, "pages link to arXiv, code and the licence"
    for href, rel in external:
        assert href.startswith("https://"), href
        assert rel is not None and "noopener" in rel.split(), href


def _ranks_and_values(page: Any, metric: str) -> tuple[list[int | None], list[float], list[str]]:
    headers = page.eval_on_selector_all(".leaderboard thead th", "els => els.map(e => e.textContent)")
    column = next(i for i, h in enumerate(headers) if h.strip().startswith(metric))
    cells = page.eval_on_selector_all(
        ".leaderboard tbody tr", "rows => rows.map(r => Array.from(r.children).map(c => c.textContent.trim()))"
    )
    ranks = [int(c[0]) if c[0].isdigit() else None for c in cells]
    values = [float(c[column]) if c[column] else float("nan") for c in cells]
    models = [c[1] for c in cells]
    return ranks, values, models


def test_leaderboard_higher_is_better_in_rank_order(watched: Watched, site: str) -> None:
    page = watched.goto(site + "leaderboards/question-answering/squad2.0.html")
    ranks, values, models = _ranks_and_values(page, "F1")
    assert ranks == [1, 2, 3, 4]
    assert values == sorted(values, reverse=True) == [92.215, 90.902, 85.0, 83.1]
    assert models[0] == "ALBERT (ensemble model)"
    assert EVIL_MODEL in models  # as text
    assert watched.errors == []


def test_leaderboard_lower_is_better_in_rank_order_with_ties(watched: Watched, site: str) -> None:
    page = watched.goto(site + "leaderboards/language-modelling/penn-treebank.html")
    ranks, values, models = _ranks_and_values(page, "Test perplexity")
    assert values == sorted(values) == [35.76, 52.8, 54.55, 54.55, 57.3]
    assert ranks == [1, 2, 3, 3, 5]
    assert models[2:4] == ["Transformer-XL", "Tied model"]  # the tie: the earlier result first


def test_unranked_rows_come_last_and_numbers_are_shown_as_written(watched: Watched, site: str) -> None:
    page = watched.goto(site + "leaderboards/image-classification/imagenet.html")
    ranks, _, models = _ranks_and_values(page, "Top-1 Accuracy")
    assert ranks == [1, 2, 3, 4, None]
    assert models[-1] == "EfficientNet-B0 (params only)"
    row = page.locator(".leaderboard tbody tr", has_text="EfficientNet-B7")
    assert row.locator("td", has_text="84.30").count() == 1


def test_chart_has_one_titled_point_per_ranked_result_and_a_step_line(watched: Watched, site: str) -> None:
    for board, ranked in (("image-classification/imagenet", 4), ("language-modelling/penn-treebank", 5),
                          ("question-answering/squad2.0", 4)):
        page = watched.goto(site + f"leaderboards/{board}.html")
        svg = page.locator("figure svg.chart")
        assert svg.count() == 1
        assert svg.locator("circle.pt").count() == ranked
        titles = svg.locator("circle.pt title").all_text_contents()
        assert len(titles) == ranked
        rows = page.eval_on_selector_all(
            ".leaderboard tbody tr", "rows => rows.map(r => [r.children[0].textContent, r.children[1].textContent])"
        )
        for rank, model in rows:
            if rank.strip().isdigit():
                assert any(t.startswith(model + ": ") for t in titles), model
        assert svg.locator("path.sota-line").count() == 1
        assert svg.locator(".axis-label").count() == 2
        box = svg.bounding_box()
        assert box is not None and box["width"] >= 480 and box["height"] > 200
    # The step line: the penn-treebank records are AWD-LSTM + cache (2017) then GPT-2 (2019).
    page = watched.goto(site + "leaderboards/language-modelling/penn-treebank.html")
    best = page.locator("svg.chart circle.pt.best title").all_text_contents()
    assert sorted(t.split(":")[0] for t in best) == ["AWD-LSTM + continuous cache pointer", "GPT-2"]
    path = page.get_attribute("svg.chart path.sota-line", "d")
    assert path is not None and path.count("V") == 1


def test_paper_page_shows_its_results_with_ranks_links_and_related_papers(watched: Watched, site: str) -> None:
    page = watched.goto(site + "papers/albert-a-lite-bert-for-self-supervised.html")
    assert page.locator("h1").inner_text().startswith("ALBERT: A Lite BERT")
    assert "Zhenzhong Lan" in page.locator(".authors").inner_text()
    assert "2019-09-26" in page.locator(".meta").inner_text() and "ICLR 2020" in page.locator(".meta").inner_text()
    table = page.locator("table.paper-results")
    ensemble = table.locator("tr", has_text="ALBERT (ensemble model)")
    assert ensemble.locator("td.rank").inner_text() == "#1 of 4"
    assert table.locator("tr", has_text="ALBERT (single model)").locator("td.rank").inner_text() == "#2 of 4"
    assert ensemble.locator("td", has_text="92.215").count() == 1
    assert table.locator("tr", has_text="ALBERT (Ensemble)").locator("td.rank").inner_text() == "#1 of 1"
    # the rank links to the leaderboard
    href = ensemble.locator("td.rank a").get_attribute("href")
    assert href == "../leaderboards/question-answering/squad2.0.html"
    # links: arXiv, PDF and code with the official one marked
    links = page.locator(".links a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "https://arxiv.org/abs/1909.11942" in hrefs and "https://arxiv.org/pdf/1909.11942" in hrefs
    official = page.locator(".links li", has=page.locator(".tag.official"))
    assert official.count() == 1
    assert official.locator("a").get_attribute("href") == "https://github.com/google-research/ALBERT"
    tags = page.locator(".tags a").all_text_contents()
    assert tags == ["Question Answering", "Reading Comprehension"]
    related = page.locator(".related a").all_text_contents()
    assert any(t.startswith("BERT: Pre-training") for t in related)
    assert EVIL_TITLE in related
    assert watched.errors == []


@pytest.mark.parametrize(
    "path",
    [
        "papers/evil-paper.html",
        "leaderboards/question-answering/squad2.0.html",
        "papers/bert-pre-training-of-deep-bidirectional.html",
        "papers/",
        "search/?q=evil",
    ],
)
def test_hostile_title_and_model_name_are_text_and_fire_nothing(watched: Watched, site: str, path: str) -> None:
    page = watched.goto(site + path)
    if path.startswith("search/"):
        page.wait_for_selector("#search-results li")
    page.mouse.move(200, 200)  # an injected onmouseover would fire
    page.mouse.move(400, 300)
    text = page.locator("main").inner_text()
    assert EVIL_TITLE in text or EVIL_MODEL in text
    assert page.locator("main script, main img, main b[onmouseover], main [onerror]").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.dialogs == []
    assert watched.errors == []


def test_hostile_paper_page_shows_every_string_verbatim(watched: Watched, site: str) -> None:
    page = watched.goto(site + "papers/evil-paper.html")
    assert page.locator("h1").inner_text() == EVIL_TITLE
    assert page.locator(".authors").inner_text() == "<script>window.__pwned=3</script>"
    assert '<b onmouseover="x()">Venue</b>' in page.locator(".meta").inner_text()
    assert "</p><script>window.__pwned=4</script>" in page.locator(".prose").inner_text()
    assert page.locator("table.paper-results th.model").inner_text() == EVIL_MODEL
    # its https link with quotes and & stays one link, escaped in the attribute
    assert page.locator(".links a").first.get_attribute("href") == 'https://example.org/evil?a=1&b="2"'
    assert page.title().startswith(EVIL_TITLE)


def test_search_finds_a_paper_by_a_word_of_its_title(watched: Watched, site: str) -> None:
    page = watched.goto(site)
    page.fill("#site-search", "Residual")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=Residual$"))
    page.wait_for_selector("#search-results li")
    results = page.locator("#search-results a")
    assert results.first.inner_text() == "Deep Residual Learning for Image Recognition"
    results.first.click()
    page.wait_for_url(site + "papers/deep-residual-learning-for-image.html")
    assert page.locator("h1").inner_text() == "Deep Residual Learning for Image Recognition"
    # several words, any order, any case; tasks and datasets are found too
    page = watched.goto(site + "search/?q=models+LANGUAGE")
    page.wait_for_selector("#search-results li")
    found = page.locator("#search-results a").all_text_contents()
    assert "Language Models are Unsupervised Multitask Learners" in found
    assert "Regularizing and Optimizing LSTM Language Models" in found
    page = watched.goto(site + "search/?q=imagenet")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results a").first.inner_text() == "ImageNet"
    page = watched.goto(site + "search/?q=zzzznothing")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('Nothing')")
    assert page.locator("#search-results li").count() == 0
    assert watched.errors == []


def test_extra_data_filter_works_without_javascript(browser: Any, site: str) -> None:
    w = Watched(browser, site, javascript=False)
    try:
        page = w.goto(site + "leaderboards/language-modelling/penn-treebank.html")
        extra = page.locator(".leaderboard tbody tr.extra")
        assert extra.count() == 1 and extra.is_visible()
        assert extra.locator(".extra-tag").inner_text() == "extra data"
        page.check("#hide-extra")
        assert not extra.is_visible()
        assert page.locator(".leaderboard tbody tr:not(.extra)").first.is_visible()
        assert page.locator("svg.chart circle.pt").count() == 5  # the chart needs no script
        assert w.errors == []
    finally:
        w.close()


def test_pages_fit_a_phone_screen(browser: Any, site: str) -> None:
    w = Watched(browser, site, viewport=PHONE)
    try:
        for path in ("", "leaderboards/question-answering/squad2.0.html",
                     "papers/albert-a-lite-bert-for-self-supervised.html", "sota/", "submit/"):
            page = w.goto(site + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
        assert w.errors == []
    finally:
        w.close()


def test_screenshots_of_home_leaderboard_and_paper(browser: Any, site: str, tmp_path: Path) -> None:
    """Screenshots for people to look at (PWC_SCREENSHOTS=DIR keeps them)."""
    out = Path(os.environ.get("PWC_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    pages = {"home": "", "leaderboard": "leaderboards/language-modelling/penn-treebank.html",
             "paper": "papers/albert-a-lite-bert-for-self-supervised.html"}
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        w = Watched(browser, site, viewport=viewport)
        try:
            for name, path in pages.items():
                page = w.goto(site + path)
                target = out / f"{name}-{device}.png"
                page.screenshot(path=str(target), full_page=True)
                assert target.stat().st_size > 10_000
            assert w.errors == []
        finally:
            w.close()


def test_the_api_files_sit_beside_the_site(site: str) -> None:
    for path in ("api/v1/index.json", "api/v1/leaderboards/question-answering/squad2.0.json", "search/index.json"):
        with urllib.request.urlopen(site + path, timeout=10) as response:
            assert response.status == 200
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(site + "methods/", timeout=10)  # no empty methods page
