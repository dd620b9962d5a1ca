"""A stand-in for the arXiv Atom API (`/api/query?id_list=...`) that answers in arXiv's real format.

Like arXiv: `max_results` defaults to 10; ids that exist come back as `<entry>` elements whose
`<id>` is the abstract page with the latest version; a well-formed id that does not exist is
simply absent (`opensearch:totalResults` counts what came back); a malformed id turns the
whole answer into one entry titled `Error` with an `<id>` under `http://arxiv.org/api/errors`;
titles and abstracts arrive hard-wrapped.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from standins import Answer, Request, StandIn

_WELL_FORMED = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


@dataclass(frozen=True, slots=True)
class ArxivPaper:
    title: str
    published: str  # the first version's timestamp
    authors: tuple[str, ...]
    summary: str
    version: int = 1
    category: str = "cs.CL"


REAL_PAPERS: dict[str, ArxivPaper] = {
    "1909.11942": ArxivPaper(
        "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations",
        "2019-09-26T07:06:13Z",
        ("Zhenzhong Lan", "Mingda Chen", "Sebastian Goodman", "Kevin Gimpel", "Piyush Sharma", "Radu Soricut"),
        "Increasing model size when pretraining natural language representations often results in "
        "improved performance on downstream tasks. However, at some point further model increases "
        "become harder due to GPU/TPU memory limitations and longer training times.",
        version=6,
    ),
    "1810.04805": ArxivPaper(
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "2018-10-11T00:50:01Z",
        ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"),
        "We introduce a new language representation model called BERT, which stands for "
        "Bidirectional Encoder Representations from Transformers.",
        version=2,
    ),
    "1907.11692": ArxivPaper(
        "RoBERTa: A Robustly Optimized BERT Pretraining Approach",
        "2019-07-26T17:48:29Z",
        ("Yinhan Liu", "Myle Ott", "Naman Goyal", "Jingfei Du"),
        "Language model pretraining has led to significant performance gains but careful comparison "
        "between different approaches is challenging.",
    ),
    "hep-th/9711200": ArxivPaper(
        "The Large N Limit of Superconformal Field Theories and Supergravity",
        "1997-11-27T20:16:48Z",
        ("Juan M. Maldacena",),
        "We show that the large N limit of certain conformal field theories in various dimensions "
        "include in their Hilbert space a sector describing supergravity on the product of "
        "Anti-deSitter spacetimes, spheres and other compact manifolds.",
        version=3,
        category="hep-th",
    ),
}


def _wrap(text: str) -> str:
    # arXiv hard-wraps titles and abstracts with a newline and two spaces.
    return "\n  ".join(textwrap.wrap(text, 70)) or text


def _entry(arxiv_id: str, paper: ArxivPaper) -> str:
    abs_url = f"http://arxiv.org/abs/{arxiv_id}v{paper.version}"
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in paper.authors)
    return f"""
  <entry>
    <id>{abs_url}</id>
    <updated>{paper.published}</updated>
    <published>{paper.published}</published>
    <title>{escape(_wrap(paper.title))}</title>
    <summary>  {escape(_wrap(paper.summary))}
</summary>{authors}
    <link href={quoteattr(abs_url)} rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v{paper.version}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""


def _error_entry(bad: str) -> str:
    slug = f"http://arxiv.org/api/errors#incorrect_id_format_for_{bad}"
    return f"""
  <entry>
    <id>{escape(slug)}</id>
    <title>Error</title>
    <summary>incorrect id format for {escape(bad)}</summary>
    <updated>2026-01-01T00:00:00-05:00</updated>
    <link href={quoteattr(slug)} rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>"""


def feed(query: str, entries: list[str], total: int, start: int, per_page: int) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?{escape(query)}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {escape(query)}</title>
  <id>http://arxiv.org/api/2cIHwoNq5ag7JRbE0GZNgyx3Tp8</id>
  <updated>2026-01-01T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="{OPENSEARCH}">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="{OPENSEARCH}">{start}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="{OPENSEARCH}">{per_page}</opensearch:itemsPerPage>{"".join(entries)}
</feed>
""".encode()


class ArxivStandIn(StandIn):
    """`GET /api/query?id_list=a,b&start=0&max_results=2` over a table of papers."""

    def __init__(self, papers: dict[str, ArxivPaper] | None = None) -> None:
        super().__init__()
        self.papers = dict(REAL_PAPERS if papers is None else papers)

    @property
    def url(self) -> str:
        return f"{self.base}/api/query"

    def id_lists(self) -> list[list[str]]:
        """The ids asked for, request by request."""
        return [r.query.get("id_list", [""])[0].split(",") for r in self.requests]

    def answer(self, request: Request) -> Answer:
        if request.path != "/api/query":
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        query = "&".join(f"{k}={v[0]}" for k, v in request.query.items())
        ids = [i for i in request.query.get("id_list", [""])[0].split(",") if i]
        try:
            start = int(request.query.get("start", ["0"])[0])
            per_page = int(request.query.get("max_results", ["10"])[0])
        except ValueError:
            return 400, {}, b"bad request"
        headers = {"Content-Type": "application/atom+xml; charset=utf-8"}
        bad = [i for i in ids if not _WELL_FORMED.match(i)]
        if bad:
            return 200, headers, feed(query, [_error_entry(bad[0])], 1, 0, 1)
        found = []
        for raw in ids:
            bare = re.sub(r"v\d+$", "", raw)
            if bare in self.papers:
                found.append(_entry(bare, self.papers[bare]))
        page = found[start : start + per_page]
        return 200, headers, feed(query, page, len(found), start, per_page)
