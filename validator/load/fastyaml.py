"""The fast path of the YAML loader: rapidyaml for files it reads exactly as libyaml would.

`fast_parse` gives the same data and the same `raw` texts as `yamlload.parse` for the files
contributors write, about ten times faster, or None when it cannot vouch for that; the caller
then runs the plain (positioned) loader, which also produces every reading problem. Positions
are not computed here: the returned `Doc` computes them with the plain loader the first time a
check asks for one, so a file that has no problem never pays for them.

How it stays exact. rapidyaml (`ryml`) builds a tree in C++ and emits it as JSON, which orjson
turns into dicts and lists; that gives the structure and the text of quoted and block scalars.
Plain scalars are re-typed here by PyYAML's own YAML 1.1 rules from their text as written, read
from the tree (JSON would lose `86.820` and the difference between `2019-09-26` and
`"2019-09-26"`). Node ids in a freshly parsed tree are handed out in document order, so the
walk over the JSON data knows each node's id and checks, node by node, that the tree agrees
(mapping, sequence or scalar; no anchor, alias or tag) and, at the end, that it saw every node
(a duplicate key, which JSON would fold away, leaves a node unseen). Anything else that libyaml
treats differently is routed to the plain loader before parsing: characters libyaml refuses,
tabs, other line breaks, directives, document markers, and plain scalars starting with `@` or
a backtick. `PWC_FAST=0` turns the fast path off.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from typing import Any

from validator.load import yamlload
from validator.load.yamlload import Doc

try:  # rapidyaml and orjson are dependencies; the plain loader stands in if either is missing
    import orjson
    import ryml
except ImportError:  # pragma: no cover - exercised only on a broken install
    ryml = None  # type: ignore[assignment]

# Flags of a node's type in the ryml tree.
if ryml is not None:
    _KEY = int(ryml.KEY)
    _VAL = int(ryml.VAL)
    _MAP = int(ryml.MAP)
    _SEQ = int(ryml.SEQ)
    _STREAM_OR_DOC = int(ryml.STREAM) | int(ryml.DOC)
    _VALQUO = int(ryml.VALQUO)  # any quoted or block style
    _KEYQUO = int(ryml.KEYQUO)
    _ODD = (
        int(ryml.KEYANCH) | int(ryml.VALANCH) | int(ryml.KEYREF) | int(ryml.VALREF)
        | int(ryml.KEYTAG) | int(ryml.VALTAG)
    )
    # The C functions behind ryml's Python wrappers: a call per node is the walk's main cost.
    from ryml import _ryml

    _Tree = ryml.Tree
    _parse = _ryml.parse_csubstr
    _emit_json = _ryml.emit_json_malloc
    _size = _ryml.Tree_size
    _type = _ryml.Tree_type
    _val = _ryml.Tree_val

MAX_FAST_DEPTH = 32  # deeper files go to the plain loader, which bounds depth with a problem
MAX_FAST_NODES = 200_000

# What the plain loader must see: characters libyaml refuses or reads as line breaks, tabs,
# carriage returns and byte-order marks; directives and document markers (`%`, `---` and `...`
# at a line's start).
_PRINTABLE_ASCII = b"\n" + bytes(range(0x20, 0x7F))
_SCREEN = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# Flow collections (`{EM: 85.1, F1: 88.1}`, `[a, b]`) are where YAML parsers disagree most
# (comments, colons and indicators inside them), so a line where a value or item starts with
# `[` or `{` must be a whole flow collection of simple scalars (one level of nesting, as in
# `{Acc: {value: 0.84, error: 0.01}}`), else the plain loader reads the file.
_INDICATOR = re.compile(r"[\[{|>]")
_FLOW_PREFIX = re.compile(r" *(?:- +)*(?:[^\s#:\[\]{},&*!|>'\"%@`?-][^\n:#]*: +)?")
_PLAIN_IN_FLOW = r"(?:[^\s:,#\[\]{}\"'&*!|>%@`?\\-]|-(?=[^\s,\]}]))[^:,#\[\]{}\"'\\\n]*"
_SCALAR_IN_FLOW = rf"(?:{_PLAIN_IN_FLOW}|\"[^\"\\\n]*\"|'[^'\n]*')"
_INNER = rf"(?:\{{ *{_SCALAR_IN_FLOW} *: +{_SCALAR_IN_FLOW}(?: *, *{_SCALAR_IN_FLOW} *: +{_SCALAR_IN_FLOW})* *\}})"
_VALUE_IN_FLOW = rf"(?:{_SCALAR_IN_FLOW}|{_INNER})"
_FLOW = (
    rf"(?:\{{ *{_SCALAR_IN_FLOW} *: +{_VALUE_IN_FLOW}(?: *, *{_SCALAR_IN_FLOW} *: +{_VALUE_IN_FLOW})* *\}}"
    rf"|\[ *{_VALUE_IN_FLOW}(?: *, *{_VALUE_IN_FLOW})* *\]|\[\]|\{{\}})"
)
_FLOW_LINE = re.compile(rf" *(?:- +)*(?:{_SCALAR_IN_FLOW} *: +)?{_FLOW} *")
# A block scalar's header (`>-`, `|`) must be exactly a style and a chomping indicator: libyaml
# refuses what ryml reads past (`>-1:2`, `> text`).
_HEADER_PREFIX = re.compile(r"(?:.*[-:] )? *")
_HEADER_REST = re.compile(r"[-+]? *")

_DECIMAL = re.compile(r"[-+]?[0-9]+\.[0-9]+")
_INTEGER = re.compile(r"[-+]?[1-9][0-9]*")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# First characters for which PyYAML's resolver may type a plain scalar as something else than
# a string (bool, float, int, merge, null, timestamp, value); an empty scalar is null.
_TYPED_START = frozenset("yYnNtTfFoO-+0123456789.<~=")
# libyaml refuses a plain scalar that starts with an indicator (ryml reads some of them), and
# `?` or `:` start a plain scalar only in some contexts: the plain loader decides those files.
_ODD_START = frozenset(("", *"@`%]},?:[{#!&*|>"))
# A string needs its tree flags (plain or quoted?) when, plain, it could be typed or refused:
# it starts with one of these, or it is one of PyYAML's boolean and null words.
_FLAG_START = frozenset("-+0123456789.<~=") | _ODD_START
_TYPED_WORDS = frozenset(
    "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF null Null NULL".split()
)

# Plain scalar text -> (value, typed). Values are immutable, so one object serves every file.
_PLAIN: dict[str, tuple[Any, bool]] = {}


class _NotExact(Exception):
    """The fast path cannot vouch for this file; the plain loader reads it."""


def enabled() -> bool:
    return ryml is not None and os.environ.get("PWC_FAST", "1") != "0"


class FastDoc(Doc):
    """A `Doc` whose positions (and, for a cached file, data) are computed from its text on first use.

    Positions come from the plain loader, so they are the very positions it would have given;
    data comes from the fast path again, or the plain loader.
    """

    __slots__ = ("_text",)

    def __init__(self, file: str, data: Any, raw: dict, text: str) -> None:
        _FILE.__set__(self, file)
        if data is not _LATER:
            _DATA.__set__(self, data)
        _RAW.__set__(self, raw)
        self._text = text

    @property  # type: ignore[override]
    def pos(self) -> dict:
        try:
            return _POS.__get__(self, FastDoc)
        except AttributeError:
            doc, _problems = yamlload.parse(self.file, self._text)
            _POS.__set__(self, doc.pos)
            try:
                _DATA.__get__(self, FastDoc)
            except AttributeError:
                _DATA.__set__(self, doc.data)
            return doc.pos

    @pos.setter
    def pos(self, value: dict) -> None:
        _POS.__set__(self, value)

    @property  # type: ignore[override]
    def data(self) -> Any:
        try:
            return _DATA.__get__(self, FastDoc)
        except AttributeError:
            doc = fast_parse(self.file, self._text)
            if doc is None:
                doc, _problems = yamlload.parse(self.file, self._text)
            _DATA.__set__(self, doc.data)
            return doc.data

    @data.setter
    def data(self, value: Any) -> None:
        _DATA.__set__(self, value)

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.file, self.raw, self._text))


def lazy_doc(file: str, raw: dict, text: str) -> Doc:
    """A document known only by its text and typed scalars: data and positions come on first use."""
    return FastDoc(file, _LATER, raw, text)


def _rebuild(file: str, raw: dict, text: str) -> Doc:
    return FastDoc(file, _LATER, raw, text)


_LATER = object()
_FILE = Doc.__dict__["file"]
_DATA = Doc.__dict__["data"]
_RAW = Doc.__dict__["raw"]
_POS = Doc.__dict__["pos"]


def fast_parse(file: str, text: str) -> Doc | None:
    """The document of `text` as the plain loader would give it, or None to use the plain loader."""
    if not enabled():
        return None
    encoded = text.encode("utf-8")
    if text.isascii():
        if encoded.translate(None, _PRINTABLE_ASCII):
            return None  # a control character or a tab
    elif _SCREEN.search(text) is not None:
        return None
    if text.startswith(("%", "---", "...")) or not _indicators_ok(text):
        return None
    try:
        tree = _Tree()
        _parse(encoded, tree)
        size = _size(tree)
        if size > MAX_FAST_NODES or not _type(tree, 0) & _MAP or _type(tree, 0) & (_STREAM_OR_DOC | _ODD):
            return None
        if "&" in text or "*" in text or "!" in text:  # anchors, aliases and tags need these
            for i in range(size):
                if _type(tree, i) & _ODD:
                    return None
        data = orjson.loads(_emit_json(tree, 0))
        if type(data) is not dict:
            return None
        raw: dict = {}
        if _map(tree, data, 0, (), raw, 0) != size:
            return None  # a duplicate key (folded away by JSON) or a tree that is not in order
    except (_NotExact, ryml.ExceptionBasic, orjson.JSONDecodeError, RecursionError, ValueError, TypeError):
        return None
    return FastDoc(file, data, raw, text)


def _line(text: str, at: int) -> tuple[int, int]:
    """The start and end of the line that holds offset `at`."""
    end = text.find("\n", at)
    return text.rfind("\n", 0, at) + 1, len(text) if end < 0 else end


def _indicators_ok(text: str) -> bool:
    """Block scalar headers and flow collections are of the forms both parsers read alike."""
    if "\n%" in text or "\n---" in text or "\n..." in text:
        return False  # a directive or a document marker (after the first line, checked by the caller)
    flow_line = -1
    # A plain set of characters (no `\n` alternative) lets the regex engine skip to each match.
    for m in _INDICATOR.finditer(text):
        at = m.start()
        char = text[at]
        if char in "|>":
            if at >= 2 and text.startswith(": ", at - 2) and text.startswith(("-\n", "\n", "+\n"), at + 1):
                continue  # the usual `abstract: >-`
            start, end = _line(text, at)
            if _HEADER_PREFIX.fullmatch(text, start, at) and not _HEADER_REST.fullmatch(text, at + 1, end):
                return False
            continue
        if at < flow_line:
            continue  # a bracket inside a flow line already checked
        start, end = _line(text, at)
        if at >= 2 and text.startswith(": ", at - 2) or _FLOW_PREFIX.fullmatch(text, start, at):
            if _FLOW_LINE.fullmatch(text, start, end) is None:
                return False
            flow_line = end
    return True


def _map(tree: Any, node: dict, nid: int, path: tuple, raw: dict, depth: int) -> int:
    """Check and re-type the mapping `node` (tree id `nid`); returns the next unused id."""
    if depth > MAX_FAST_DEPTH:
        raise _NotExact
    i = nid + 1
    for key, value in node.items():
        if key[:1] in _ODD_START and not _type(tree, i) & _KEYQUO:
            raise _NotExact  # libyaml refuses a plain scalar that starts so
        kind = type(value)
        if kind is str:
            if (value[:1] not in _FLAG_START and value not in _TYPED_WORDS) or _type(tree, i) & _VALQUO:
                i += 1
                continue
        elif kind is dict:
            if not _type(tree, i) & _MAP:
                raise _NotExact
            i = _map(tree, value, i, (*path, key), raw, depth + 1)
            continue
        elif kind is list:
            if not _type(tree, i) & _SEQ:
                raise _NotExact
            i = _seq(tree, value, i, (*path, key), raw, depth + 1)
            continue
        # A plain scalar that YAML may type (JSON numbers, true, false, null are all plain):
        # its value by PyYAML's rules from its text as written.
        view = _val(tree, i)
        text = "" if view is None else str(view, "utf-8")
        found = _PLAIN.get(text)
        if found is None:
            found = _remember(text)
        if found[1]:
            raw[(*path, key)] = text
        node[key] = found[0]
        i += 1
    return i


def _seq(tree: Any, node: list, nid: int, path: tuple, raw: dict, depth: int) -> int:
    if depth > MAX_FAST_DEPTH:
        raise _NotExact
    i = nid + 1
    for index, value in enumerate(node):
        kind = type(value)
        if kind is str:
            if (value[:1] not in _FLAG_START and value not in _TYPED_WORDS) or _type(tree, i) & _VALQUO:
                i += 1
                continue
        elif kind is dict:
            if not _type(tree, i) & _MAP:
                raise _NotExact
            i = _map(tree, value, i, (*path, index), raw, depth + 1)
            continue
        elif kind is list:
            if not _type(tree, i) & _SEQ:
                raise _NotExact
            i = _seq(tree, value, i, (*path, index), raw, depth + 1)
            continue
        view = _val(tree, i)
        text = "" if view is None else str(view, "utf-8")
        found = _PLAIN.get(text)
        if found is None:
            found = _remember(text)
        if found[1]:
            raw[(*path, index)] = text
        node[index] = found[0]
        i += 1
    return i


def _remember(text: str) -> tuple[Any, bool]:
    found = _resolve(text)
    if len(_PLAIN) < 500_000:
        _PLAIN[text] = found
    return found


def _resolve(text: str) -> tuple[Any, bool]:
    if text[:1] in _ODD_START:
        raise _NotExact
    if text and text[0] not in _TYPED_START:
        return text, False
    # The common forms, typed exactly as PyYAML's constructors would type them.
    if _DECIMAL.fullmatch(text):
        return float(text), True
    if _INTEGER.fullmatch(text):
        return int(text), True
    m = _DATE.fullmatch(text)
    if m:
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3])), True
        except ValueError:
            return yamlload.Invalid(text, "timestamp"), True
    # Everything else through the plain loader's own scalar rule (raises for what it refuses).
    probe: dict = {}
    try:
        value = yamlload._scalar(_PlainEvent(text), (), probe, "")
    except yamlload._Stop as stop:
        raise _NotExact from stop
    return value, bool(probe)


class _PlainEvent:
    """The fields of a plain, untagged scalar event that `yamlload._scalar` reads."""

    __slots__ = ("value",)
    tag = None
    implicit = (True, False)
    start_mark = None
    end_mark = None

    def __init__(self, value: str) -> None:
        self.value = value


def made_elsewhere(file: str, data: Any, raw: dict, text: str) -> Doc:
    """The document of `text` whose data and typed-scalar texts the fast path computed in another
    process (see validator/load/bulk.py); positions are computed here on first use."""
    return FastDoc(file, data, raw, text)
