"""The importer's YAML writer: every string reads back as itself, numbers keep their text."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from validator.importer import emit
from validator.load.yamlload import parse

TRICKY = [
    "no", "yes", "on", "off", "null", "~", "true", "1.5", "1e3", "0x1F", "2019-09-26", "2019-09", "2019",
    "- a", "? b", ": c", "a: b", "a #b", "#x", "@x", "`x", "'q'", '"q"', " lead", "trail ", "", "{x}", "[x]",
    "a, b", "x\ny", "tab\there", "\x02ctl\x03", "\u2028sep", "\ufeffbom", "naïve café", "🙂", "<<", "=", "!tag",
    "&anchor", "*alias", "%pct", "|", ">", "Q->A", "P@10%", "Bias (F/M)", "R_1@100", "EM (Quasar-T)",
    "https://github.com/a/b_c", "arXiv:1909.11942",
]


@pytest.mark.parametrize("text", TRICKY)
def test_strings_read_back_as_themselves(text: str) -> None:
    doc = {"s": text, "flow": emit.Flow({text: emit.Num("1"), "k": text}), "items": emit.Flow([text])}
    out = emit.document(doc, "x.json")
    loaded = yaml.safe_load(out)
    assert loaded["s"] == text
    assert loaded["flow"] == {text: 1, "k": text} if text != "k" else True
    assert loaded["items"] == [text]


@given(st.text(max_size=40))
def test_any_string_reads_back(text: str) -> None:
    out = emit.document({"s": text, "m": emit.Flow({"k": text})}, "x.json")
    loaded = yaml.safe_load(out)
    assert loaded == {"s": text, "m": {"k": text}}


def test_numbers_are_written_as_given_and_read_by_our_loader_with_raw_text() -> None:
    out = emit.document(
        {"results": [{"model": "no", "metrics": emit.Flow({"EM": emit.Num("86.820"),
                                                           "F1": emit.Flow({"value": emit.Num("0.8120"),
                                                                            "error": emit.Num("0.0007")})})}]},
        "../../../schemas/paper.schema.json",
    )
    assert out.startswith("# yaml-language-server: $schema=../../../schemas/paper.schema.json\n")
    assert "{EM: 86.820, F1: {value: 0.8120, error: 0.0007}}" in out
    doc, problems = parse("results/papers/2019/x.yaml", out)
    assert not problems and doc is not None
    assert doc.raw[("results", 0, "metrics", "EM")] == "86.820"
    assert doc.data["results"][0]["model"] == "no"


def test_block_text_round_trips_or_falls_back_to_quotes() -> None:
    for text in ["line one\nline two\n\nline four", "  leading", "x\ttab", "trailing  \nspace"]:
        out = emit.document({"d": emit.Block(text)}, "x")
        assert yaml.safe_load(out)["d"] == text


def test_from_doc_keeps_number_text_and_dates() -> None:
    text = "a: 86.820\nb: 2019-09-26\nc: [x, y]\nd:\n  - e: 1.50\n"
    doc, _ = parse("f.yaml", text)
    assert doc is not None
    again = "\n".join(emit.lines(emit.from_doc(doc.data, doc.raw))) + "\n"
    assert "a: 86.820" in again and "b: 2019-09-26" in again and "c: [x, y]" in again and "e: 1.50" in again


@given(st.text(max_size=60))
def test_any_block_text_reads_back(text: str) -> None:
    out = emit.document({"d": emit.Block(text), "e": 1}, "x.json")
    assert yaml.safe_load(out) == {"d": text, "e": 1}
