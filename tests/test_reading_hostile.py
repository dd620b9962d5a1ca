"""Family 1, reading: hostile and broken files give one clear problem at the right line, fast,
in bounded memory, and nothing they contain is ever executed."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from conftest import PAPER_PATH, where

from validator.load.yamlload import MAX_FILE_BYTES, decode, parse

P = PAPER_PATH


def test_billion_laughs_is_rejected_before_expansion(check_repo):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    problems = check_repo({P: "\n".join(lines) + "\n"})
    found = where(problems, "too-many-aliases")
    assert len(found) == 1
    file, line, severity = found[0]
    assert (file, severity) == (P, "error")
    assert line is not None and 2 <= line <= 10


def test_many_plain_aliases_hit_the_alias_bound(check_repo):
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * 150) + "]\n"
    assert where(check_repo({P: text}), "too-many-aliases") == [(P, 2, "error")]


def test_python_tags_are_rejected_and_nothing_executes(check_repo, tmp_path):
    marker = tmp_path / "pwned"
    text = (
        "paper:\n"
        f"  title: !!python/object/apply:os.system ['touch {marker}']\n"
        "  published: 2019-09-26\n"
    )
    problems = check_repo({P: text})
    assert where(problems, "forbidden-tag") == [(P, 2, "error")]
    assert not marker.exists()


def test_tag_on_a_mapping_is_rejected(check_repo):
    text = "paper: !!python/object:collections.OrderedDict\n  title: x\n"
    assert where(check_repo({P: text}), "forbidden-tag") == [(P, 1, "error")]


def test_50_mb_file_is_refused_without_reading_it(check_repo, tmp_path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    problems = check_repo({P: b"a: " + b"x" * (50 * 1024 * 1024) + b"\n"})
    assert where(problems, "file-too-large") == [(P, None, "error")]
    assert time.monotonic() - started < 30  # generous: the point is "not minutes"
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200 * 1024  # the 50 MB were written by the test, never read by the loader


def test_file_just_over_the_bound(check_repo):
    assert where(check_repo({P: b"#" * (MAX_FILE_BYTES + 1)}), "file-too-large") == [(P, None, "error")]


def test_20000_deep_flow_nesting(check_repo):
    text = "paper: " + "[" * 20000 + "]" * 20000 + "\n"
    assert where(check_repo({P: text}), "too-deep") == [(P, 1, "error")]


def test_deep_block_nesting_over_our_bound(check_repo):
    text = "".join(" " * i + "a:\n" for i in range(100)) + " " * 100 + "b: 1\n"
    found = where(check_repo({P: text}), "too-deep")
    assert found == [(P, 65, "error")]


def test_latin1_bytes(check_repo):
    text = "paper:\n  title: Caf\xe9\n".encode("latin-1")
    problems = check_repo({P: text})
    assert where(problems, "not-utf8") == [(P, 2, "error")]
    assert "0xE9" in next(p.message for p in problems if p.code == "not-utf8")


def test_utf16_file(check_repo):
    assert where(check_repo({P: "paper: x\n".encode("utf-16")}), "not-utf8") == [(P, 1, "error")]


def test_nul_bytes_are_binary(check_repo):
    assert where(check_repo({P: b"paper:\n  title: x\n\x89PNG\x00\x00"}), "binary-file") == [(P, 3, "error")]


def test_utf8_bom_is_a_warning_and_the_file_is_read(check_repo):
    from conftest import PAPER

    problems = check_repo({P: b"\xef\xbb\xbf" + PAPER.encode()})
    assert where(problems, "byte-order-mark") == [(P, 1, "warning")]
    assert [p for p in problems if p.severity == "error"] == []


def test_tab_indentation(check_repo):
    text = "paper:\n\ttitle: x\n"
    problems = check_repo({P: text})
    assert where(problems, "yaml-syntax") == [(P, 2, "error")]
    assert "tabs" in (next(p for p in problems if p.code == "yaml-syntax").hint or "")


def test_duplicate_keys(check_repo):
    text = (
        "paper:\n  title: x\n  published: 2019-09-26\n  arxiv: '1909.11942'\n"
        "results:\n  - task: question-answering\n    dataset: squad2.0\n    model: A\n"
        "    metrics: {EM: 85.1, EM: 88.1}\n"
    )
    problems = check_repo({P: text})
    assert where(problems, "duplicate-key") == [(P, 9, "error")]


def test_duplicate_top_level_key_names_first_line(check_repo):
    problems = check_repo({P: "paper: {}\nresults: []\npaper: {}\n"})
    (p,) = [p for p in problems if p.code == "duplicate-key"]
    assert (p.line, p.column) == (3, 1) and "first at line 1" in p.message


def test_syntax_error_line(check_repo):
    assert where(check_repo({P: "paper:\n  title: a: b\n"}), "yaml-syntax") == [(P, 2, "error")]


def test_several_documents(check_repo):
    assert where(check_repo({P: "paper: {}\n---\npaper: {}\n"}), "yaml-syntax") == [(P, 2, "error")]


def test_control_characters(check_repo):
    assert where(check_repo({P: "paper:\n  title: a\x07b\n"}), "yaml-syntax") == [(P, 2, "error")]


def test_keys_stay_strings_as_written():
    doc, problems = parse("f.yaml", "on: 1\nno: 2\n1.5: x\n")
    assert problems == []
    assert doc.data == {"on": 1, "no": 2, "1.5": "x"}


def test_positions_and_raw_text():
    doc, problems = parse("f.yaml", "a:\n  - {b: 86.820}\n  - c\n")
    assert problems == []
    assert doc.pos[("a",)] == (1, 1)
    assert doc.pos[("a", 0)] == (2, 5)
    assert doc.pos[("a", 0, "b")] == (2, 6)
    assert doc.pos[("a", 1)] == (3, 5)
    assert doc.raw[("a", 0, "b")] == "86.820"
    assert doc.at(("a", 0, "b", "missing")) == (2, 6)


def test_decode_reports_position_of_first_bad_byte():
    text, problems = decode("f.yaml", b"a: 1\nb: \xff\n")
    assert text is None
    assert (problems[0].line, problems[0].column) == (2, 4)


def test_unreadable_entry_is_reported_not_raised(check_repo, tmp_path: Path):
    target = tmp_path / "results/papers/2019/dangling.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(tmp_path / "does-not-exist")
    problems = check_repo({})
    assert where(problems, "unreadable-file") == [("results/papers/2019/dangling.yaml", None, "error")]
