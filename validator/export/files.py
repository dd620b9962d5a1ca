"""The published files as (path, bytes): the api/v1 tree serialised with orjson, deterministically.

Every api/v1 file is compact JSON with sorted keys and a final newline. `evaluation-tables.json`
follows the archive's own conventions instead (sorted keys, two-space indent, non-ASCII escaped as
`\\uXXXX`, no final newline), the bytes Python's `json.dumps(..., indent=2, sort_keys=True)` gives.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from functools import partial

import orjson

from validator.export.api import ApiData, paper_page_path
from validator.export.archive import evaluation_tables

API_PREFIX = "api/v1"
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
_ESCAPE = "pwc-json-ascii"


def dumps(obj: object) -> bytes:
    """An api/v1 document's bytes."""
    return orjson.dumps(obj, option=_OPTIONS)


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as json.dumps writes it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _escape(error: UnicodeError) -> tuple[str, int]:
    # An encoding error handler: the ASCII codec hands over each run of non-ASCII characters
    # (in orjson's output they only occur inside strings) and carries on after it.
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_escape_char(c) for c in error.object[error.start : error.end]), error.end


codecs.register_error(_ESCAPE, _escape)


_ARCHIVE_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2


def dumps_archive(obj: object) -> bytes:
    """Bytes in the archive's conventions. orjson with an ASCII pass is many times faster than json.dumps."""
    data = orjson.dumps(obj, option=_ARCHIVE_OPTIONS)
    if data.isascii():
        return data
    # The codec scans in C and calls back only for the non-ASCII runs (a regular expression over
    # the bytes was slower than orjson itself on a 30 MB file).
    return data.decode("utf-8").encode("ascii", _ESCAPE)


def _archive_part(obj: object, level: int) -> orjson.Fragment:
    """`obj` serialised on its own, to stand for it at nesting `level` in a `dumps_archive`
    document (orjson copies a fragment as it is: each of its lines gets the level's indent).

    The archive's leaderboards, each serialised as soon as it is built, while its tens of
    thousands of row dicts are fresh in memory, which is then reused for the next one: the rows
    are never all held, nor read again from all over memory."""
    return orjson.Fragment(orjson.dumps(obj, option=_ARCHIVE_OPTIONS).replace(b"\n", b"\n" + b"  " * level))


def archive_bytes(api: ApiData) -> bytes:
    """`evaluation-tables.json`: `api.evaluation_tables` in the archive's conventions."""
    return dumps_archive(evaluation_tables(api.repo, api.boards, _archive_part))


def api_files(api: ApiData) -> Iterator[tuple[str, bytes]]:
    """Every file of the api/v1 tree, as (path relative to the output folder, bytes)."""
    for part, _cost, _folder in api_parts(api):
        yield from part()


# Files per part, so that parts are small enough to share out evenly between processes.
FILES_PER_PART = 500


def api_parts(api: ApiData) -> list[tuple[Callable[[], Iterator[tuple[str, bytes]]], int, str]]:
    """The api/v1 tree in independent parts, each with its rough cost (results serialised) and
    the folder its files go in: calling a part gives its files as `api_files` does. `pwc build`
    writes the parts in the queue the site's pages are rendered from."""
    index = api.index
    boards = list(zip(api.leaderboards, index["leaderboards"], strict=True))
    papers = list(api.papers.items())
    results = index["counts"]["results"]

    def first() -> Iterator[tuple[str, bytes]]:
        yield f"{API_PREFIX}/index.json", dumps(index)

    def leaderboards(start: int, end: int) -> Iterator[tuple[str, bytes]]:
        for board, entry in boards[start:end]:
            yield f"{API_PREFIX}/{entry['path']}", dumps(board)

    def pages(start: int, end: int) -> Iterator[tuple[str, bytes]]:
        for paper_id, page in papers[start:end]:
            yield f"{API_PREFIX}/{paper_page_path(paper_id)}", dumps(page)

    def archive() -> Iterator[tuple[str, bytes]]:
        yield f"{API_PREFIX}/evaluation-tables.json", archive_bytes(api)

    parts: list[tuple[Callable[[], Iterator[tuple[str, bytes]]], int, str]] = [
        (first, len(index["papers"]), API_PREFIX)
    ]
    for start in range(0, len(boards), FILES_PER_PART // 4):  # leaderboards are bigger files
        chunk = boards[start : start + FILES_PER_PART // 4]
        cost = sum(len(b["rows"]) for b, _ in chunk)
        parts.append((partial(leaderboards, start, start + len(chunk)), cost, f"{API_PREFIX}/leaderboards"))
    for start in range(0, len(papers), FILES_PER_PART):
        chunk = papers[start : start + FILES_PER_PART]
        cost = sum(len(p["results"]) for _, p in chunk)
        parts.append((partial(pages, start, start + len(chunk)), cost, f"{API_PREFIX}/papers"))
    parts.append((archive, 2 * results, API_PREFIX))
    return parts
