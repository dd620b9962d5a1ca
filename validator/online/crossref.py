"""The Crossref client: DOIs' titles and dates, twenty DOIs per request.

Crossref's `GET {PWC_DOI_API_URL}?filter=doi:A,doi:B&rows=2` answers a list of the works it
holds (a filter repeated means "or"); `GET {PWC_DOI_API_URL}/{doi}` answers one work,
`{"message": {"title": [...], "issued": {"date-parts": [[y, m, d]]}}}`, or 404 for a DOI it
does not hold. DOIs missing from a batch are asked one by one. A 404 does not prove the DOI does not exist: DataCite,
mEDRA and others register DOIs too (arXiv's own 10.48550 DOIs are DataCite's). So a 404 is
followed by `GET {doi}/agency`, which Crossref answers for any registered DOI; only when that
is 404 too is the DOI called missing.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

from validator.online.answers import PaperAnswer, paper_from_cache
from validator.online.cache import AnswerCache
from validator.online.client import Client
from validator.online.http import Http, Response, json_body

# DOIs per filtered request; twenty keep the URL well under any server's limit.
BATCH = 20
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
    data = json_body(body)
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise ValueError("no 'message' object")
    return _work(message)


def parse_work_list(body: bytes) -> dict[str, PaperAnswer]:
    """A Crossref `/works?filter=...` answer: lowercase DOI -> found paper; ValueError when malformed."""
    data = json_body(body)
    message = data.get("message") if isinstance(data, dict) else None
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list):
        raise ValueError("no 'message.items' list")
    return {
        item["DOI"].lower(): _work(item)
        for item in items
        if isinstance(item, dict) and isinstance(item.get("DOI"), str)
    }


def _work(message: dict[str, Any]) -> PaperAnswer:
    titles = message.get("title")
    title = titles[0] if isinstance(titles, list) and titles and isinstance(titles[0], str) else None
    dates = tuple(dict.fromkeys(d for f in _DATE_FIELDS if (d := _date(message.get(f)))))
    authors = []
    people = message.get("author")
    for person in people if isinstance(people, list) else []:
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
        # A comma would split the filter; such DOIs (rare) are asked on their own.
        one_by_one = [k for k in keys if "," in k]
        batchable = [k for k in keys if "," not in k]
        for start in range(0, len(batchable), BATCH):
            batch = batchable[start : start + BATCH]
            if len(batch) == 1:
                one_by_one.extend(batch)
                continue
            query = urllib.parse.urlencode({"filter": ",".join(f"doi:{d}" for d in batch), "rows": len(batch)})
            response = self.http.request(self.service, f"{self.settings.doi_url}?{query}")
            if response.status != 200:
                one_by_one.extend(batch)  # the filter was refused: ask each DOI instead
                continue
            try:
                found = parse_work_list(response.body)
            except ValueError as exc:
                raise self.http.give_up(self.service, f"malformed answer: {exc}") from None
            for doi in batch:
                if doi in found:
                    yield doi, found[doi]
                else:
                    one_by_one.append(doi)
        yield from self._ask_each(one_by_one)

    def _ask_each(self, keys: list[str]) -> Iterator[tuple[str, PaperAnswer]]:
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
                name = json_body(agency.body)["message"]["agency"]["label"]
            except (ValueError, KeyError, TypeError):
                name = "another registration agency"
            yield doi, PaperAnswer(found=True, note=f"registered with {name}, not Crossref")
