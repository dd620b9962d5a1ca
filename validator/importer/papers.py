"""The archive's `papers-with-abstracts.json`, indexed by arXiv id, URL and title, for titles,
authors, abstracts and dates the evaluation tables lack."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from validator.importer.ids import arxiv_from_url, normalise_arxiv, title_key, url_key

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class PaperInfo:
    title: str | None
    authors: tuple[str, ...]
    abstract: str | None
    date: str | None
    arxiv: str | None


@dataclass
class PapersIndex:
    by_arxiv: dict[str, PaperInfo] = field(default_factory=dict)
    by_url: dict[str, PaperInfo] = field(default_factory=dict)
    by_title: dict[str, PaperInfo] = field(default_factory=dict)
    entries: int = 0
    skipped: int = 0  # entries that were not objects

    def find(self, arxiv: str | None, urls: list[str], title: str | None) -> PaperInfo | None:
        if arxiv and arxiv in self.by_arxiv:
            return self.by_arxiv[arxiv]
        for url in urls:
            found = self.by_url.get(url_key(url))
            if found:
                return found
        if title:
            return self.by_title.get(title_key(title))
        return None


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split()) if "\n" not in value.strip() else value.strip()
    return None


@dataclass(frozen=True, slots=True)
class Wanted:
    """The keys the archive's rows can be matched by: only these entries are kept (the full
    papers-with-abstracts file has hundreds of thousands of abstracts)."""

    arxiv: frozenset[str]
    urls: frozenset[str]
    titles: frozenset[str]


class NotAnArray(ValueError):
    pass


def iter_array(fh: TextIO, chunk: int = 1 << 20) -> Iterator[object]:
    """The items of a top-level JSON array, read incrementally: memory holds one item, not the file."""
    decoder = json.JSONDecoder()
    space = re.compile(r"[\s,]*")
    buf = fh.read(chunk)
    while buf and not buf.strip():
        more = fh.read(chunk)
        if not more:
            break
        buf += more
    buf = buf.lstrip()
    if not buf.startswith("["):
        raise NotAnArray("the file is not a JSON list")
    pos = 1
    while True:
        pos = space.match(buf, pos).end()  # type: ignore[union-attr]
        if pos >= len(buf) or (buf[pos] not in "]" and len(buf) - pos < 64):
            more = fh.read(chunk)
            if more:
                buf, pos = buf[pos:] + more, 0
                continue
            if pos >= len(buf):
                raise json.JSONDecodeError("the list is not closed", buf, pos)
        if buf[pos] == "]":
            return
        try:
            item, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError:
            more = fh.read(chunk)
            if not more:
                raise
            buf, pos = buf[pos:] + more, 0
            continue
        yield item
        pos = end


def build_index(items: Iterable[object], wanted: Wanted | None = None) -> PapersIndex:
    """Index the entries (objects); entries that are not objects are counted and skipped. With
    `wanted`, only entries matching one of its keys are kept."""
    index = PapersIndex()
    for item in items:
        if not isinstance(item, dict):
            index.skipped += 1
            continue
        index.entries += 1
        arxiv = None
        raw_arxiv = item.get("arxiv_id")
        if isinstance(raw_arxiv, str):
            arxiv = normalise_arxiv(raw_arxiv)
        urls = [u for u in (item.get("url_abs"), item.get("url_pdf"), item.get("paper_url")) if isinstance(u, str)]
        if arxiv is None:
            arxiv = next((a for a in map(arxiv_from_url, urls) if a), None)
        raw_title = _text(item.get("title"))
        if wanted is not None and not (
            (arxiv and arxiv in wanted.arxiv)
            or any(url_key(u) in wanted.urls for u in urls if u.strip())
            or (raw_title and title_key(raw_title) in wanted.titles)
        ):
            continue
        authors = item.get("authors")
        date = item.get("date")
        info = PaperInfo(
            title=raw_title,
            authors=tuple(" ".join(a.split()) for a in authors if isinstance(a, str) and a.strip())
            if isinstance(authors, list)
            else (),
            abstract=_text(item.get("abstract")),
            date=date[:10] if isinstance(date, str) and _DATE_RE.match(date) else None,
            arxiv=arxiv,
        )
        if arxiv:
            index.by_arxiv.setdefault(arxiv, info)
        for url in urls:
            if url.strip():
                index.by_url.setdefault(url_key(url), info)
        if info.title:
            index.by_title.setdefault(title_key(info.title), info)
    return index
