"""The published files as (path, bytes): the api/v1 tree serialised with orjson, deterministically.

Every api/v1 file is compact JSON with sorted keys and a final newline. `evaluation-tables.json`
follows the archive's own conventions instead (sorted keys, two-space indent, non-ASCII escaped as
`\\uXXXX`, no final newline), the bytes Python's `json.dumps(..., indent=2, sort_keys=True)` gives.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

import orjson

from validator.export.api import ApiData, paper_page_path

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


def dumps_archive(obj: object) -> bytes:
    """Bytes in the archive's conventions. orjson with an ASCII pass is many times faster than json.dumps."""
    data = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    if data.isascii():
        return data
    # The codec scans in C and calls back only for the non-ASCII runs (a regular expression over
    # the bytes was slower than orjson itself on a 30 MB file).
    return data.decode("utf-8").encode("ascii", _ESCAPE)


def api_files(api: ApiData) -> Iterator[tuple[str, bytes]]:
    """Every file of the api/v1 tree, as (path relative to the output folder, bytes)."""
    yield f"{API_PREFIX}/index.json", dumps(api.index)
    for board, entry in zip(api.leaderboards, api.index["leaderboards"], strict=True):
        yield f"{API_PREFIX}/{entry['path']}", dumps(board)
    for paper_id, page in api.papers.items():
        yield f"{API_PREFIX}/{paper_page_path(paper_id)}", dumps(page)
    yield f"{API_PREFIX}/evaluation-tables.json", dumps_archive(api.evaluation_tables)
