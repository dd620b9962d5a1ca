"""Bytes to positioned data: a YAML loader that bounds size, depth and aliases and keeps lines.

The loader walks libyaml's event stream (PyYAML's C parser, pure Python as a fallback) with an
explicit stack, so no input can cause a `RecursionError`, and builds plain Python data together
with a table of positions: every mapping key and sequence item is recorded under its path
(`("results", 3, "metrics", "EM")`) with its 1-based line and column. Plain scalars that YAML
typed as something other than a string keep their source text in `raw`, so a value can be shown
as written (`86.820`) and a hint can quote what the contributor typed (`arxiv: 1906.08230`).

Mapping keys are always kept as strings as written: `on:` stays the key `"on"`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from validator.checks import reading
from validator.report.problem import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_NODES = 1_000_000

Path = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_STR = _CORE + "str"
_resolver = Resolver()
_constructor = SafeConstructor()
_BOOL = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


@dataclass(slots=True)
class Doc:
    """One loaded file: its data and where each node came from."""

    file: str
    data: Any = None
    pos: dict[Path, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)

    def at(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        pos = self.pos
        while path:
            found = pos.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return pos.get((), (1, 1))


class _Stop(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def decode(file: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes to text, or a reading problem: NUL bytes, non-UTF-8, UTF-16/32 byte-order marks."""
    problems: list[Problem] = []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"\x00\x00\xfe\xff",):
        return None, [
            reading.NOT_UTF8(file, (1, 1), "the file is UTF-16 or UTF-32, not UTF-8", "re-save the file as UTF-8")
        ]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, [
            reading.BINARY_FILE(file, (line, 1), "the file contains NUL bytes: it is binary, not YAML text")
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        problems.append(
            reading.BYTE_ORDER_MARK(
                file,
                (1, 1),
                "the file starts with a UTF-8 byte-order mark",
                "save the file without a byte-order mark (BOM)",
            )
        )
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        problems.append(
            reading.NOT_UTF8(
                file,
                (line, col),
                f"byte 0x{byte} at line {line} is not valid UTF-8 (Latin-1 or Windows-1252?)",
                "re-save the file as UTF-8",
            )
        )
        return None, problems


def _scalar(ev: ScalarEvent, path: Path, raw: dict[Path, str], file: str) -> Any:
    tag = ev.tag
    value = ev.value
    if tag is None or tag == "!":
        if not ev.implicit[0]:
            return value  # quoted or block scalar: a string
        tag = _resolver.resolve(ScalarNode, value, (True, False))
        if tag == _STR:
            return value
    elif tag not in _ALLOWED_TAGS:
        raise _forbidden_tag(file, ev)
    elif tag == _STR:
        return value
    raw[path] = value
    suffix = tag[len(_CORE) :]
    if suffix == "null":
        return None
    if suffix == "bool":
        found = _BOOL.get(value.lower())
        if found is None:
            raise _Stop(reading.YAML_SYNTAX(file, _mark(ev.start_mark), f"{value!r} is not a boolean"))
        return found
    node = ScalarNode(tag, value, ev.start_mark, ev.end_mark)
    try:
        if suffix == "int":
            return _constructor.construct_yaml_int(node)
        if suffix == "float":
            return _constructor.construct_yaml_float(node)
        if suffix == "timestamp":
            return _constructor.construct_yaml_timestamp(node)
    except (ValueError, TypeError, OverflowError, ConstructorError):
        # An impossible date (2019-02-30) or a malformed number: keep the text; the schema
        # check reports it at this position with the raw text in the message.
        return _Invalid(value, suffix)
    return value


class _Invalid(str):
    """A scalar YAML typed (timestamp, int, float) whose text is not a valid value of that type."""

    kind: str

    def __new__(cls, text: str, kind: str) -> _Invalid:
        self = super().__new__(cls, text)
        self.kind = kind
        return self

    def __reduce__(self) -> tuple:
        return (_Invalid, (str(self), self.kind))


Invalid = _Invalid


def _forbidden_tag(file: str, ev: Any) -> _Stop:
    return _Stop(
        reading.FORBIDDEN_TAG(
            file,
            _mark(ev.start_mark),
            f"tag {_short_tag(ev.tag)} is not allowed (only the YAML core tags are)",
            "remove the tag; nothing in these files needs one",
        )
    )


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def parse(file: str, text: str) -> tuple[Doc, list[Problem]]:
    """Text to a positioned document, or reading problems. Never raises for any input."""
    doc = Doc(file)
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        doc.data = _walk(loader, doc, file)
    except _Stop as stop:
        doc.data = None
        problems.append(stop.problem)
    except yaml.MarkedYAMLError as exc:
        doc.data = None
        problems.append(_syntax_problem(file, text, exc))
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        doc.data = None
        line, col = _reader_position(exc, text)
        problems.append(
            reading.YAML_SYNTAX(file, (line, col), f"not valid YAML: {_one_line(str(exc))}")
        )
    finally:
        loader.dispose()
    return doc, problems


def _reader_position(exc: yaml.YAMLError, text: str) -> tuple[int, int]:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        return line, position - (text.rfind("\n", 0, position) + 1) + 1
    return 1, 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _syntax_problem(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = _mark(mark)
    what = _one_line(" ".join(p for p in (exc.context, exc.problem) if p))
    if "nesting depth" in what:
        return reading.TOO_DEEP(
            file, (line, col), "nesting deeper than the parser allows",
            "flatten the structure; no valid file nests this deep",
        )
    hint = None
    lines = text.split("\n")
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(col, 1) + 1] or "'\\t'" in what:
        hint = "indent with spaces: YAML does not allow tabs for indentation"
    elif "mapping values are not allowed" in what:
        hint = 'quote the value: a ": " inside an unquoted value starts a new mapping'
    return reading.YAML_SYNTAX(file, (line, col), f"not valid YAML: {what}", hint)


def _walk(loader: Any, doc: Doc, file: str) -> Any:
    """Build data from events with an explicit stack; bounds depth, aliases and total size."""
    pos = doc.pos
    raw = doc.raw
    get_event = loader.get_event
    anchors: dict[str, tuple[Any, int]] = {}
    aliases = 0
    nodes = 0  # nodes in the expanded document (an alias counts its whole subtree)
    # Each frame: [container, path, is_mapping, pending_key_path, anchor, nodes_at_start]
    stack: list[list[Any]] = []
    result: Any = None
    seen_document = False

    while True:
        ev = get_event()
        cls = type(ev)
        if cls is StreamStartEvent or cls is DocumentEndEvent:
            continue
        if cls is StreamEndEvent:
            return result
        if cls is DocumentStartEvent:
            if seen_document:
                raise _Stop(
                    reading.YAML_SYNTAX(
                        file,
                        _mark(ev.start_mark),
                        "the file holds more than one YAML document",
                        "remove the `---` line: each file is one document",
                    )
                )
            seen_document = True
            continue

        # Where does the next value go?
        if stack:
            frame = stack[-1]
            if frame[2]:  # mapping
                if frame[3] is None:  # expecting a key
                    if cls is MappingEndEvent:
                        nodes, result = _close(stack, anchors, nodes, file, ev)
                        continue
                    if cls is not ScalarEvent:
                        raise _Stop(
                            reading.YAML_SYNTAX(
                                file,
                                _mark(ev.start_mark),
                                "a mapping key must be a plain name, not a mapping, list or alias",
                            )
                        )
                    key = ev.value
                    if ev.tag not in (None, "!") and ev.tag not in _ALLOWED_TAGS:
                        raise _forbidden_tag(file, ev)
                    kpath = (*frame[1], key)
                    kpos = _mark(ev.start_mark)
                    if key in frame[0]:
                        first = pos.get(kpath, (0, 0))[0]
                        raise _Stop(
                            reading.DUPLICATE_KEY(
                                file,
                                kpos,
                                f"key {key!r} appears twice in this mapping"
                                + (f" (first at line {first})" if first else ""),
                                "keep one of the two; YAML would silently drop the first",
                            )
                        )
                    pos[kpath] = kpos
                    frame[3] = kpath
                    continue
                path = frame[3]
            else:  # sequence
                if cls is SequenceEndEvent:
                    nodes, result = _close(stack, anchors, nodes, file, ev)
                    continue
                path = (*frame[1], len(frame[0]))
                pos[path] = _mark(ev.start_mark)
        else:
            path = ()
            pos[path] = _mark(ev.start_mark)

        if cls is ScalarEvent:
            value = _scalar(ev, path, raw, file)
            nodes = _count(nodes, 1, file, ev)
            if ev.anchor:
                anchors[ev.anchor] = (value, 1)
            result = _attach_value(stack, value, result)
        elif cls is AliasEvent:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _Stop(
                    reading.TOO_MANY_ALIASES(
                        file,
                        _mark(ev.start_mark),
                        f"more than {MAX_ALIASES} aliases",
                        "write the values out instead of using anchors and aliases",
                    )
                )
            target = anchors.get(ev.anchor)
            if target is None:
                raise _Stop(
                    reading.YAML_SYNTAX(file, _mark(ev.start_mark), f"alias *{ev.anchor} names no anchor")
                )
            nodes = _count(nodes, target[1], file, ev)
            result = _attach_value(stack, target[0], result)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if ev.tag not in (None, "!") and ev.tag not in _ALLOWED_TAGS:
                raise _forbidden_tag(file, ev)
            if len(stack) >= MAX_DEPTH:
                raise _Stop(
                    reading.TOO_DEEP(
                        file,
                        _mark(ev.start_mark),
                        f"nesting deeper than {MAX_DEPTH} levels",
                        "flatten the structure; no valid file nests this deep",
                    )
                )
            is_map = cls is MappingStartEvent
            container: Any = {} if is_map else []
            stack.append([container, path, is_map, None, ev.anchor, nodes])
        else:  # pragma: no cover - libyaml emits no other events
            raise _Stop(reading.YAML_SYNTAX(file, _mark(ev.start_mark), "unexpected YAML event"))


def _close(
    stack: list[list[Any]], anchors: dict[str, tuple[Any, int]], nodes: int, file: str, ev: Any
) -> tuple[int, Any]:
    """A mapping or sequence ends: count it, remember its anchor with its expanded size, attach it."""
    frame = stack.pop()
    nodes = _count(nodes, 1, file, ev)
    if frame[4]:
        anchors[frame[4]] = (frame[0], nodes - frame[5])
    return nodes, _attach_value(stack, frame[0], frame[0])


def _count(nodes: int, add: int, file: str, ev: Any) -> int:
    nodes += add
    if nodes > MAX_NODES:
        raise _Stop(
            reading.TOO_MANY_ALIASES(
                file,
                _mark(ev.start_mark),
                f"the document expands to more than {MAX_NODES:,} nodes",
                "write the values out instead of using anchors and aliases",
            )
        )
    return nodes


def _attach_value(stack: list[list[Any]], value: Any, result: Any) -> Any:
    if not stack:
        return value
    parent = stack[-1]
    if parent[2]:
        parent[0][parent[3][-1]] = value
        parent[3] = None
    else:
        parent[0].append(value)
    return result


def is_date(value: Any) -> bool:
    return isinstance(value, _dt.date)
