"""validator.load.parsehelper: the forked parse helper's documents are used only for the very
bytes it parsed, and whatever it does not send is parsed by the loader itself."""

from __future__ import annotations

import os

from validator.load import filecache
from validator.load.parsehelper import ParseHelper

DOCS = {f"results/papers/2020/p{i:04d}.yaml": f"id: p{i}\ntitle: T {i}\nscore: {i}.50\n".encode() for i in range(600)}
RELS = sorted(DOCS)


def test_the_helper_parses_and_sends_every_document() -> None:
    helper = ParseHelper(RELS, DOCS.get)
    try:
        found = {rel: helper.parsed(rel, filecache.blob_id(DOCS[rel])) for rel in RELS}
    finally:
        helper.finish()
    assert all(found.values())
    data, raw = found[RELS[7]]
    assert data == {"id": "p7", "title": "T 7", "score": 7.5} and raw[("score",)] == "7.50"
    assert helper.parsed("results/papers/2020/not-its.yaml", "0" * 40) is None


def test_a_document_of_other_bytes_is_refused() -> None:
    """The helper read the file before it changed: its blob id differs, the loader parses."""
    helper = ParseHelper(RELS, DOCS.get)
    try:
        assert helper.parsed(RELS[3], filecache.blob_id(b"other bytes")) is None
        assert helper.parsed(RELS[4], filecache.blob_id(DOCS[RELS[4]])) is not None
    finally:
        helper.finish()


def test_a_helper_that_dies_leaves_the_rest_to_the_loader() -> None:
    """What it sent before it died is used; the rest comes back as None (never a hang)."""

    def read(rel: str) -> bytes | None:
        if rel == RELS[400]:
            os.kill(os.getpid(), 9)  # in the helper: it dies mid-stream
        return DOCS.get(rel)

    helper = ParseHelper(RELS, read)
    try:
        found = [helper.parsed(rel, filecache.blob_id(DOCS[rel])) is not None for rel in RELS]
    finally:
        helper.finish()
    assert helper.done
    assert all(found[: ParseHelper.CHUNK]) and not any(found[400:])
