"""The Crossref client: a DOI's title and dates from `GET {PWC_DOI_API_URL}/{doi}`.

Crossref answers 200 with `{"message": {"title": [...], "issued": {"date-parts": [[y, m, d]]}}}`
or 404 for a DOI it does not hold. A 404 does not prove the DOI does not exist: DataCite,
mEDRA and others register DOIs too (arXiv's own 10.48550 DOIs are DataCite's). So a 404 is
followed by `GET {doi}/agency`, which Crossref answers for any registered DOI; only when that
is 404 too is the DOI called missing.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

from validator.online.answers import PaperAnswer, paper_from_cache
from validator.online.cache import AnswerCache
from validator.online.client import Client
from validator.online.http import Http, Response

_DATE_FIELDS = ("issued", "published", "published-print", "published-online")


def _date(value: Any) -> str | None:
    try:
        parts = value["date-parts"][0]
        numbers = [int(p) for p in parts if p is not None][:3]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not numbers:
        return None
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])


def parse_work(body: bytes) -> PaperAnswer:
    """A Crossref `/works/{doi}` answer as a found paper; ValueError when it is not one."""
    data = json.loads(body)
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise ValueError("no 'message' object")
    titles = message.get("title")
    title = titles[0] if isinstance(titles, list) and titles and isinstance(titles[0], str) else None
    dates = tuple(dict.fromkeys(d for f in _DATE_FIELDS if (d := _date(message.get(f)))))
    authors = []
    for person in message.get("author") or []:
        if isinstance(person, dict):
            name = " ".join(str(person[k]) for k in ("given", "family") if isinstance(person.get(k), str))
            if name:
                authors.append(name)
    abstract = message.get("abstract") if isinstance(message.get("abstract"), str) else None
    return PaperAnswer(found=True, title=title, dates=dates, authors=tuple(authors), abstract=abstract)


class CrossrefClient(Client[PaperAnswer]):
    name = "Crossref"
    prefix = "doi"

    def __init__(self, http: Http, cache: AnswerCache) -> None:
        super().__init__(http, cache, http.service("Crossref", 0.0, {"Accept": "application/json"}))

    def _from_cache(self, value: object) -> PaperAnswer | None:
        return paper_from_cache(value)

    def _get(self, path: str) -> Response:
        response = self.http.request(self.service, f"{self.settings.doi_url}/{path}")
        if response.status not in (200, 404):
            raise self.http.give_up(self.service, f"HTTP {response.status}")
        return response

    def _ask(self, keys: list[str]) -> Iterator[tuple[str, PaperAnswer]]:
        for doi in keys:
            path = urllib.parse.quote(doi, safe="/:()")
            response = self._get(path)
            if response.status == 200:
                try:
                    yield doi, parse_work(response.body)
                except ValueError as exc:
                    raise self.http.give_up(self.service, f"malformed answer: {exc}") from None
                continue
            agency = self._get(path + "/agency")
            if agency.status == 404:
                yield doi, PaperAnswer(found=False)
                continue
            try:
                name = json.loads(agency.body)["message"]["agency"]["label"]
            except (ValueError, KeyError, TypeError):
                name = "another registration agency"
            yield doi, PaperAnswer(found=True, note=f"registered with {name}, not Crossref")
