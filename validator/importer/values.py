"""Metric value strings of the archive ("89.09%", "0.8428 ± 0.0014", "5.3M") to normalised numeric text.

The archive stores every value as a string written by hand. We accept the forms whose meaning is
unambiguous and keep the digits exactly as written (`86.820` stays `86.820`, so the round trip
gives back the same text); everything else is *not* guessed: the caller reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Cells that mean "no value" in the archive's tables: not a loss, nothing to report.
ABSENT = frozenset({"", "-", "--", "---", "\u2212", "\u2013", "\u2014", "n/a", "N/A", "NA"})

_NUMBER = r"[-+\u2212]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_RE = re.compile(rf"^{_NUMBER}$")
_THOUSANDS_RE = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PM_RE = re.compile(rf"^({_NUMBER})\s*(?:±|\+/-|\+-)\s*({_NUMBER})$")
_SUFFIX_RE = re.compile(rf"^({_NUMBER})\s*([kKMGBT])$")
_SCALE = {"k": 3, "K": 3, "M": 6, "G": 9, "B": 9, "T": 12}
# Invisible characters seen in the archive's cells (a byte-order mark, no-break spaces).
_INVISIBLE = str.maketrans({"\ufeff": None, "\u200b": None, "\xa0": " ", "\u202f": " "})


@dataclass(frozen=True, slots=True)
class Value:
    """A converted cell: the number as YAML text (`86.820`), and an uncertainty where given."""

    text: str
    error: str | None = None
    percent: bool = False  # written with a % sign

    @property
    def number(self) -> float:
        return float(self.text)


class Unparseable(ValueError):
    """A cell that is neither a number in a form we accept nor an absent marker."""


def parse_value(raw: object) -> Value | None:
    """A cell to a `Value`, None when the cell is absent ("-", ""); `Unparseable` otherwise."""
    if isinstance(raw, bool):
        raise Unparseable(f"{raw!r} is a boolean, not a number")
    if isinstance(raw, int | float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise Unparseable(f"{raw!r} is not a finite number")
        return Value(_plain(repr(raw)))
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise Unparseable(f"{type(raw).__name__} is not a number")
    text = " ".join(raw.translate(_INVISIBLE).split())
    if text in ABSENT:
        return None
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    found = _PM_RE.match(text)
    if found:
        value, error = _plain(found.group(1)), _plain(found.group(2))
        if error.startswith("-"):
            raise Unparseable(f"{raw!r} has a negative uncertainty")
        return Value(value, error, percent)
    if _NUMBER_RE.match(text):
        return Value(_plain(text), None, percent)
    if _THOUSANDS_RE.match(text):
        return Value(_plain(text.replace(",", "")), None, percent)
    found = _SUFFIX_RE.match(text)
    if found and not percent:
        scaled = Decimal(_plain(found.group(1))).scaleb(_SCALE[found.group(2)])
        return Value(_decimal_text(scaled))
    raise Unparseable(f"{raw!r} is not a number in a form the importer accepts")


def _plain(text: str) -> str:
    """Number text that YAML reads back as the same number: a sign YAML knows, no bare `.5`,
    no exponent (PyYAML reads `1e-5` as a string), digits otherwise exactly as written."""
    text = text.replace("\u2212", "-")
    if text.startswith("+"):
        text = text[1:]
    if "e" in text or "E" in text:
        try:
            return _decimal_text(Decimal(text))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
            raise Unparseable(text) from exc
    sign = "-" if text.startswith("-") else ""
    body = text.lstrip("-")
    if body.startswith("."):
        body = "0" + body
    if body.endswith("."):
        body = body[:-1]
    # Leading zeros (`007`) would make YAML 1.1 read an octal or a string: drop them.
    if "." in body:
        whole, frac = body.split(".", 1)
        whole = whole.lstrip("0") or "0"
        body = f"{whole}.{frac}"
    else:
        body = body.lstrip("0") or "0"
    if sign and set(body) <= {"0", "."}:
        sign = ""  # -0 is 0
    return sign + body


def _decimal_text(value: Decimal) -> str:
    """A Decimal in plain positional notation without a trailing `.0`: 5.3E+6 -> 5300000."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text
