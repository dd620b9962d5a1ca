"""A small YAML writer for results files: strings quoted only when YAML would read them otherwise,
numbers written as the exact text given (`86.820`), block mappings with flow lists and flow
metric maps, as contributors write them by hand.

PyYAML's emitter would write metric values through `float.__repr__` and lose `86.820`; writing
the text ourselves keeps the archive's digits, and every scalar is checked against PyYAML's own
resolver so that a title such as `no` or `1.5` stays a string.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_RESOLVER = Resolver()
# A plain scalar we trust in block and flow context: no indicator at the start, no `: `, ` #`,
# no flow indicators, no leading/trailing space.
_PLAIN_RE = re.compile(r"^[^\n\r\t,\[\]{}#:]+$")
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")
_PRINTABLE_RE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Num:
    """A number to write exactly as this text."""

    text: str


@dataclass(frozen=True, slots=True)
class Flow:
    """A mapping or list to write in flow style: `{EM: 1, F1: 2}` / `[a, b]`."""

    value: dict | list


@dataclass(frozen=True, slots=True)
class Block:
    """A long text to write as a folded-free literal block (`|-`)."""

    text: str


def scalar(value: object) -> str:
    """One scalar as YAML text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Num):
        return value.text
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return string(value)
    raise TypeError(f"cannot write {type(value).__name__}")


def string(text: str, flow: bool = False) -> str:
    """A string as a plain scalar when YAML reads it back as this same string, else double-quoted.
    In block context a `:` not followed by a space is allowed (URLs); in flow context it is not."""
    # Block context allows `:` not followed by a space, and flow indicators after the first character.
    probe = text if flow else re.sub(r":(?=[^\s])|(?<=.)[,\[\]{}]", "x", text)
    if any(c in text for c in "\x85\u2028\u2029"):
        return quoted(text)  # line breaks to YAML 1.1
    if flow and any(c in text for c in "?:#"):
        return quoted(text)  # PyYAML ends a plain scalar at these inside {...} / [...]
    if (
        text
        and text == text.strip()
        and text[0] not in _PLAIN_BAD_START
        and _PLAIN_RE.match(probe)
        and " #" not in text
        and not _PRINTABLE_RE.search(text)
        and _RESOLVER.resolve(ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """A double-quoted YAML string; JSON escapes are YAML escapes, plus the characters YAML
    treats as line breaks or rejects as unprintable."""
    out = json.dumps(text, ensure_ascii=False)
    out = out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")
    return _PRINTABLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000 else
                             f"\\U{ord(m.group()):08x}", out)


def _flow(value: object) -> str:
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{string(str(k), flow=True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return string(value, flow=True)
    return scalar(value)


def _block_text(text: str, indent: str) -> str | None:
    """`|-` with the text's lines, or None when a literal block cannot hold it exactly."""
    if (not text or text != text.strip() or _PRINTABLE_RE.search(text) or "\r" in text or "\t" in text
            or any(c in text for c in "\x85\u2028\u2029")):
        return None
    lines = text.split("\n")
    if any(line != line.rstrip() for line in lines):
        return None
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return "|-\n" + body


def lines(value: object, indent: int = 0) -> Iterable[str]:
    """Block-style lines of a mapping (dict) whose values may be scalars, lists, dicts, `Flow`."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            k = string(str(key))
            if isinstance(item, Flow) or (isinstance(item, list) and not item):
                yield f"{pad}{k}: {_flow(item)}"
            elif isinstance(item, Block):
                block = _block_text(item.text, pad + "  ")
                yield f"{pad}{k}: {block if block is not None else quoted(item.text)}"
            elif isinstance(item, dict):
                if not item:
                    yield f"{pad}{k}: {{}}"
                    continue
                yield f"{pad}{k}:"
                yield from lines(item, indent + 2)
            elif isinstance(item, list):
                yield f"{pad}{k}:"
                yield from _seq(item, indent + 2)
            else:
                yield f"{pad}{k}: {scalar(item)}"
    else:
        raise TypeError("a document is a mapping")


def _seq(items: list, indent: int) -> Iterable[str]:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            sub = list(lines(item, indent + 2))
            sub[0] = f"{pad}- {sub[0][indent + 2:]}"
            yield from sub
        elif isinstance(item, list | Flow):
            yield f"{pad}- {_flow(item)}"
        else:
            yield f"{pad}- {scalar(item)}"


def document(data: dict, schema: str) -> str:
    """A whole file: the schema comment line, then the mapping."""
    return f"# yaml-language-server: $schema={schema}\n" + "\n".join(lines(data)) + "\n"


def result_items(items: list[dict], indent: int) -> str:
    """Items of a `results:` list, to append to an existing file at this indentation of `-`."""
    return "\n".join(_seq(items, indent)) + "\n"


def from_doc(data: object, raw: dict, path: tuple = ()) -> object:
    """Data read from a file, made writable again: numbers and dates keep their text (`raw`),
    lists of scalars stay flow lists."""
    if isinstance(data, dict):
        return {k: from_doc(v, raw, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        items = [from_doc(v, raw, (*path, i)) for i, v in enumerate(data)]
        if all(not isinstance(v, dict) for v in items):
            return Flow(items)
        return items
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return data
    text = raw.get(path)
    if text is not None:
        return Num(text)
    if isinstance(data, _dt.date):
        return Num(data.isoformat())
    return data
