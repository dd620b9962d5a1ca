"""The archive's `papers-with-abstracts.json`, indexed by arXiv id, URL and title, for titles,
authors, abstracts and dates the evaluation tables lack."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def build_index(data: object) -> PapersIndex:
    """Index the parsed JSON list; entries that are not objects are counted and skipped."""
    index = PapersIndex()
    if not isinstance(data, list):
        return index
    for item in data:
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
        authors = item.get("authors")
        date = item.get("date")
        info = PaperInfo(
            title=_text(item.get("title")),
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
