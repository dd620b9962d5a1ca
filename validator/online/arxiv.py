"""The arXiv client: many ids per request through the Atom API's `id_list`, one request every few seconds.

arXiv answers `id_list=a,b,c&max_results=3` with an Atom feed holding one `<entry>` per paper
that exists (its `<id>` is the abstract page with a version: `http://arxiv.org/abs/1909.11942v6`)
and nothing for a well-formed id that does not exist. A malformed id makes it answer with a
single entry titled `Error` whose `<id>` is `http://arxiv.org/api/errors#...`. Under load it
may answer a bare `Rate exceeded.`; both are handled here. Because arXiv has been seen to
return an empty feed for ids that do exist, the ids missing from an answer are asked once more
(together) before they are called missing.
"""

from __future__ import annotations

import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from validator.online.answers import PaperAnswer, paper_from_cache
from validator.online.cache import AnswerCache
from validator.online.client import Client
from validator.online.http import Http, ServiceDown

ATOM = "{http://www.w3.org/2005/Atom}"
_ABS = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
_ERROR_ID = re.compile(r"(?:incorrect[ _]id[ _]format[ _]for[ _]|for[ _]id[ _])(?P<id>\S+)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


class MalformedAnswer(ValueError):
    """The service's answer is not what its format promises."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    published: str | None
    authors: tuple[str, ...]
    summary: str | None


def _text(element: ET.Element | None) -> str:
    return _SPACE.sub(" ", element.text or "").strip() if element is not None else ""


def parse_feed(body: bytes) -> tuple[list[Entry], list[str]]:
    """The entries of an arXiv Atom feed and the messages of its error entries."""
    if body.lstrip().lower().startswith(b"rate exceeded"):
        raise MalformedAnswer("rate exceeded")
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown declared encoding
        raise MalformedAnswer(f"not XML ({exc})") from None
    if root.tag != ATOM + "feed":
        raise MalformedAnswer(f"not an Atom feed (root element {root.tag!r})")
    entries: list[Entry] = []
    errors: list[str] = []
    for node in root.iter(ATOM + "entry"):
        ident = _text(node.find(ATOM + "id"))
        title = _text(node.find(ATOM + "title"))
        if "/api/errors" in ident:
            errors.append(_text(node.find(ATOM + "summary")) or ident)
            continue
        match = _ABS.search(ident)
        if match is None or not title:
            continue  # an entry without an abstract page or a title says nothing about a paper
        published = _text(node.find(ATOM + "published"))[:10] or None
        authors = tuple(
            name for a in node.iter(ATOM + "author") if (name := _text(a.find(ATOM + "name")))
        )
        entries.append(Entry(match.group("id"), title, published, authors, _text(node.find(ATOM + "summary")) or None))
    return entries, errors


def _answer(entry: Entry) -> PaperAnswer:
    return PaperAnswer(
        found=True,
        title=entry.title,
        dates=(entry.published,) if entry.published else (),
        authors=entry.authors,
        abstract=entry.summary,
    )


class ArxivClient(Client[PaperAnswer]):
    name = "arXiv"
    prefix = "arxiv"

    def __init__(self, http: Http, cache: AnswerCache) -> None:
        super().__init__(http, cache, http.service("arXiv", http.settings.arxiv_min_interval))

    def _from_cache(self, value: object) -> PaperAnswer | None:
        return paper_from_cache(value)

    def _fetch(self, batch: list[str]) -> tuple[list[Entry], list[str]]:
        query = urllib.parse.urlencode(
            {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)}, safe=",/"
        )
        url = f"{self.settings.arxiv_url}?{query}"
        throttled = 0
        while True:
            response = self.http.request(self.service, url)
            if response.status != 200:
                raise self.http.give_up(self.service, f"HTTP {response.status}")
            try:
                return parse_feed(response.body)
            except MalformedAnswer as exc:
                if str(exc) != "rate exceeded" or throttled >= self.settings.retries:
                    raise self.http.give_up(self.service, f"malformed answer: {exc}") from None
                self.http.pause(self.service, self.settings.backoff * 2**throttled, "rate exceeded")
                throttled += 1

    def _ask(self, keys: list[str]) -> Iterator[tuple[str, PaperAnswer]]:
        size = max(1, self.settings.arxiv_batch)
        # (ids, confirming): ids missing from an answer are asked once more, together, before
        # they are called missing, so one empty answer under load costs one request, not errors.
        queue: deque[tuple[list[str], bool]] = deque((keys[i : i + size], False) for i in range(0, len(keys), size))
        while queue:
            batch, confirming = queue.popleft()
            entries, errors = self._fetch(batch)
            wanted = set(batch)
            got: dict[str, PaperAnswer] = {}
            for entry in entries:
                if entry.id in wanted and entry.id not in got:
                    got[entry.id] = _answer(entry)
            yield from got.items()
            rest = [key for key in batch if key not in got]
            if errors:
                rejected = {m.group("id").rstrip(".") for e in errors if (m := _ERROR_ID.search(e))} & set(rest)
                if not rejected:
                    raise self.http.give_up(self.service, f"arXiv answered with an error: {errors[0]}")
                for key in rest:
                    if key in rejected:
                        yield key, PaperAnswer(found=False, note=f"arXiv: {errors[0]}")
                rest = [key for key in rest if key not in rejected]
                if rest:
                    queue.appendleft((rest, confirming))  # asked again without the id arXiv rejected
                continue
            if rest and not confirming:
                queue.appendleft((rest, True))
            else:
                for key in rest:
                    yield key, PaperAnswer(found=False)


__all__ = ["ArxivClient", "MalformedAnswer", "ServiceDown", "parse_feed"]
