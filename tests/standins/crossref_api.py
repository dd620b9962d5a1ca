"""A stand-in for Crossref's REST API (`/works?filter=doi:...`, `/works/{doi}`, `/works/{doi}/agency`) in its JSON.

Like Crossref: DOIs are matched without regard to case; an unknown DOI is a 404 with the plain
text body `Resource not found.`; `/agency` names the registration agency of any registered DOI,
including those registered elsewhere (DataCite), and is 404 for DOIs that do not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from standins import Answer, Request, StandIn


@dataclass(frozen=True, slots=True)
class Work:
    title: str
    issued: tuple[int, ...]
    authors: tuple[tuple[str, str], ...] = ()
    kind: str = "proceedings-article"


REAL_WORKS: dict[str, Work] = {
    "10.18653/v1/n19-1423": Work(
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        (2019,),
        (("Jacob", "Devlin"), ("Ming-Wei", "Chang"), ("Kenton", "Lee"), ("Kristina", "Toutanova")),
    ),
    "10.1162/neco.1997.9.8.1735": Work(
        "Long Short-Term Memory", (1997, 11, 1), (("Sepp", "Hochreiter"), ("Jürgen", "Schmidhuber")),
        "journal-article",
    ),
}
# DOIs registered with another agency: Crossref knows them only through /agency.
OTHER_AGENCIES: dict[str, tuple[str, str]] = {
    "10.48550/arxiv.1909.11942": ("datacite", "DataCite"),
}

_JSON = {"Content-Type": "application/json;charset=utf-8"}


class CrossrefStandIn(StandIn):
    def __init__(self, works: dict[str, Work] | None = None) -> None:
        super().__init__()
        self.works = dict(REAL_WORKS if works is None else works)
        self.agencies = dict(OTHER_AGENCIES)

    @property
    def url(self) -> str:
        return f"{self.base}/works"

    def _message(self, doi: str, work: Work) -> dict[str, object]:
        parts = [list(work.issued)]
        return {
            "DOI": doi,
            "type": work.kind,
            "title": [work.title],
            "author": [{"given": g, "family": f, "sequence": "first" if i == 0 else "additional", "affiliation": []}
                       for i, (g, f) in enumerate(work.authors)],
            "issued": {"date-parts": parts},
            "published": {"date-parts": parts},
            "created": {"date-parts": [[2019, 6, 21]], "date-time": "2019-06-21T12:00:00Z", "timestamp": 1561118400000},
            "publisher": "Association for Computational Linguistics",
            "URL": f"https://doi.org/{doi}",
        }

    def filtered(self, request: Request) -> Answer:
        """`/works?filter=doi:A,doi:B&rows=N`: the works Crossref holds among those DOIs."""
        wanted = [f.removeprefix("doi:") for f in request.query["filter"][0].split(",")]
        if not all(f.startswith("doi:") for f in request.query["filter"][0].split(",")):
            return 400, _JSON, json.dumps({"status": "failed", "message-type": "validation-failure"}).encode()
        rows = int(request.query.get("rows", ["20"])[0])
        # Crossref gives back each DOI as registered (here: upper case), not as asked.
        items = [self._message(d.upper(), self.works[d.lower()]) for d in wanted if d.lower() in self.works]
        message = {"facets": {}, "total-results": len(items), "items": items[:rows], "items-per-page": rows,
                   "query": {"start-index": 0, "search-terms": None}}
        return 200, _JSON, json.dumps(
            {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": message}
        ).encode()

    def answer(self, request: Request) -> Answer:
        if request.path == "/works" and "filter" in request.query:
            return self.filtered(request)
        if not request.path.startswith("/works/"):
            return 404, {"Content-Type": "text/plain"}, b"Resource not found."
        doi = request.path.removeprefix("/works/")
        agency_asked = doi.endswith("/agency")
        doi = doi.removesuffix("/agency").lower()
        work = self.works.get(doi)
        if agency_asked:
            agency = ("crossref", "Crossref") if work else self.agencies.get(doi)
            if agency is None:
                return 404, {"Content-Type": "text/plain"}, b"Resource not found."
            message = {"DOI": doi, "agency": {"id": agency[0], "label": agency[1]}}
            return 200, _JSON, json.dumps(
                {"status": "ok", "message-type": "work-agency", "message-version": "1.0.0", "message": message}
            ).encode()
        if work is None:
            return 404, {"Content-Type": "text/plain"}, b"Resource not found."
        message = self._message(doi, work)
        return 200, _JSON, json.dumps(
            {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
        ).encode()
