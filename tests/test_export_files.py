"""The archive file's bytes: orjson's output made ASCII exactly as Python's `json.dumps(indent=2, sort_keys=True)`."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from validator.export.files import _archive_part, dumps_archive

# DEL is ASCII, which orjson writes as is and json.dumps escapes; YAML does not allow it in a file.
_text = st.text(st.characters(blacklist_characters="\x7f", blacklist_categories=("Cs",)), max_size=12)
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_archive_bytes_are_what_json_dumps_writes(value: object) -> None:
    assert dumps_archive(value) == json.dumps(value, indent=2, sort_keys=True).encode("ascii")


def test_characters_beyond_the_basic_plane_are_surrogate_pairs() -> None:
    assert dumps_archive({"t": "é 😀 — x"}) == b'{\n  "t": "\\u00e9 \\ud83d\\ude00 \\u2014 x"\n}'


@settings(max_examples=200, deadline=None)
@given(_values, st.lists(st.sampled_from(["list", "dict"]), max_size=6))
def test_a_part_serialised_on_its_own_reads_as_in_place(value: object, wrappers: list[str]) -> None:
    # The archive's leaderboards are serialised one by one and spliced in at their nesting level.
    plain, spliced = value, _archive_part(value, len(wrappers))
    for wrapper in wrappers:
        plain, spliced = ([plain], [spliced]) if wrapper == "list" else ({"k": plain}, {"k": spliced})
    assert dumps_archive(spliced) == dumps_archive(plain)
