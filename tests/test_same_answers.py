"""The same answers on every path: the fast YAML path, the plain loader, the cache, cold and warm.

A synthetic repository (benchmarks/generate.py) with planted defects (reading, schema,
reference, metric and cross-file problems) is validated with the fast path forced off
(`PWC_FAST=0`, no cache), which is the reference, and then on every other path: fast without a
cache, fast with a cold cache, warm (the whole answer cached), warm from disk in a fresh
state, a PR-style run limited to some files, and after one file changed (the others come
from the cache). Every run must print the very same problems: code, file, line, column,
message and hint.

Then the fast YAML path alone is compared with the plain loader on thousands of mutated files:
it either declines a file or gives exactly the plain loader's data and typed-scalar texts.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate, plant_defects  # noqa: E402
from validator.cli import main  # noqa: E402
from validator.load import fastyaml, filecache, yamlload  # noqa: E402


def _validate(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> tuple[int, dict]:
    code = main(["validate", "--root", str(root), "--format", "json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("same-answers")
    generate(root, 300, seed=7)
    planted = plant_defects(root, seed=7)
    return root, planted


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path, *,
         fast: bool, cache: Path | None, extra: tuple[str, ...] = (), fresh: bool = True) -> tuple[int, dict]:
    monkeypatch.setenv("PWC_FAST", "1" if fast else "0")
    if cache is None:
        monkeypatch.setenv("PWC_CACHE", "0")
    else:
        monkeypatch.setenv("PWC_CACHE", "1")
        monkeypatch.setenv("PWC_CACHE_DIR", str(cache))
    if fresh:
        filecache.forget()
    return _validate(capsys, root, *extra)


def _run_jobs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path,
              cache: Path | None = None) -> tuple[int, dict]:
    monkeypatch.setenv("PWC_JOBS", "2")  # the parse helper and the forked checks, by default only at scale
    try:
        return _run(monkeypatch, capsys, root, fast=True, cache=cache)
    finally:
        monkeypatch.delenv("PWC_JOBS")


def _run_chunked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path
                 ) -> tuple[int, dict]:
    """The parse helper sends each document as it goes, and this process takes them in between."""
    from validator.load.parsehelper import ParseHelper

    with monkeypatch.context() as patch:
        patch.setattr(ParseHelper, "CHUNK", 1)
        return _run_jobs(monkeypatch, capsys, root)


def test_every_path_gives_the_same_problems(
    corpus: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, planted = corpus
    assert len(planted) > 40
    ref_code, reference = _run(monkeypatch, capsys, root, fast=False, cache=None)
    assert ref_code == 1
    codes = {p["code"] for p in reference["problems"]}
    # The planted defects show up as problems of many kinds, with positions.
    for expected in ("yaml-syntax", "duplicate-key", "forbidden-tag", "unknown-field", "unknown-metric",
                     "value-not-a-number", "invalid-date", "not-utf8", "binary-file", "too-deep",
                     "wrong-year-folder", "duplicate-paper", "id-mismatch", "empty-file", "unknown-task"):
        assert expected in codes, expected
    assert all(p["line"] for p in reference["problems"] if p["code"] not in ("unexpected-file",))

    runs = {
        "fast, no cache": _run(monkeypatch, capsys, root, fast=True, cache=None),
        "fast, cold cache": _run(monkeypatch, capsys, root, fast=True, cache=tmp_path / "c1"),
        "fast, warm cache (same process)": _run(monkeypatch, capsys, root, fast=True, cache=tmp_path / "c1",
                                                fresh=False),
        "fast, warm cache (from disk)": _run(monkeypatch, capsys, root, fast=True, cache=tmp_path / "c1"),
        "fast, two processes": _run_jobs(monkeypatch, capsys, root),
        "fast, two processes, cold cache": _run_jobs(monkeypatch, capsys, root, tmp_path / "c3"),
        "fast, two processes, warm cache": _run_jobs(monkeypatch, capsys, root, tmp_path / "c3"),
        "fast, two processes, one document per message": _run_chunked(monkeypatch, capsys, root),
        "plain, cold cache": _run(monkeypatch, capsys, root, fast=False, cache=tmp_path / "c2"),
        "plain, warm cache": _run(monkeypatch, capsys, root, fast=False, cache=tmp_path / "c2"),
    }
    for name, (code, answer) in runs.items():
        assert code == ref_code, name
        assert answer == reference, name


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_changed_file_with_the_rest_from_the_cache(
    corpus: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], jobs: str,
) -> None:
    """The cache is filled (with two processes, by the forked one) and read back for all but one
    changed file; the answer is the plain loader's."""
    monkeypatch.setenv("PWC_JOBS", jobs)
    root, _planted = corpus
    work = tmp_path / "repo"
    import shutil

    shutil.copytree(root, work)
    cache = tmp_path / "cache"
    _run(monkeypatch, capsys, work, fast=True, cache=cache)  # fills the cache
    assert len(list(cache.glob("*.entries.pickle"))) == 1
    paper = sorted((work / "results" / "papers").rglob("*.yaml"))[5]
    text = paper.read_text(encoding="utf-8", errors="replace")
    paper.write_text(text.replace("    model: ", "    model: Changed ", 1) + "  - task: no-such-task\n",
                     encoding="utf-8")
    _, reference = _run(monkeypatch, capsys, work, fast=False, cache=None)
    for fresh in (True, False):
        _, answer = _run(monkeypatch, capsys, work, fast=True, cache=cache, fresh=fresh)
        assert answer == reference
    # A PR-style run: only some files reported, the same problems for them on every path.
    rel = paper.relative_to(work).as_posix()
    _, ref_pr = _run(monkeypatch, capsys, work, fast=False, cache=None, extra=(str(work / rel),))
    _, pr = _run(monkeypatch, capsys, work, fast=True, cache=cache, extra=(str(work / rel),))
    assert pr == ref_pr
    assert ref_pr["problems"] and all(p["file"] == rel for p in ref_pr["problems"])


# --------------------------------------------------------------------------------------------
# The fast YAML path against the plain loader, file by file


def _same(a: object, b: object) -> bool:
    """Equal values of equal types, all the way down (1 is not 1.0, a date is not a string)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)  # type: ignore[arg-type]
    if isinstance(a, yamlload.Invalid):
        return a == b and a.kind == b.kind  # type: ignore[attr-defined]
    return a == b


def _agrees(text: str) -> str:
    fast = fastyaml.fast_parse("f.yaml", text)
    if fast is None:
        return "declined"
    plain, problems = yamlload.parse("f.yaml", text)
    assert not problems, (text, problems)
    assert _same(fast.data, plain.data), (text, fast.data, plain.data)
    assert fast.raw == plain.raw, (text, fast.raw, plain.raw)
    assert fast.pos == plain.pos
    return "accepted"


_SNIPPETS = [
    ":", ": ", " #", "#", "-", "- ", "?", "'", '"', "[", "]", "{", "}", ",", "&a ", "*a", "!", "|", ">",
    "%", "@", "`", "\n", "\n  ", " ", "  ", "\\", "~", "null", "yes", ".5", "0x1", "1e3", "é", "\u00a0",
    "\u2028", "\x85", "\t", "\r\n", "---\n", "...", "<<: ", "=", "\ufeff", '"\\x41"', "'a''b'", "2019-02-30",
    "1_000", "-.inf", "nan", "inf", "0", "00", "+1", "1:2", "2019-9-6", "0o17", "1.0e+3", "True", "NULL",
]


@pytest.mark.skipif(not fastyaml.enabled(), reason="rapidyaml is not installed")
def test_fast_path_agrees_with_the_plain_loader_on_mutated_files(tmp_path: Path) -> None:
    generate(tmp_path, 120, seed=11)
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "results").rglob("*.yaml"))]
    for text in texts:
        assert _agrees(text) == "accepted"  # every file the generator writes takes the fast path
    rng = random.Random(5)
    outcomes = {"declined": 0, "accepted": 0}
    with fastyaml_quiet():
        for _ in range(3000):
            text = rng.choice(texts)
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(text) + 1)
                op = rng.random()
                if op < 0.6:
                    text = text[:at] + rng.choice(_SNIPPETS) + text[at:]
                elif op < 0.8:
                    text = text[:at] + text[at + rng.randint(1, 3):]
                else:
                    lines = text.split("\n")
                    j = rng.randrange(len(lines))
                    lines[j] = rng.choice(["", " ", "   ", "\t"]) + lines[j].lstrip(" ")
                    text = "\n".join(lines)
            outcomes[_agrees(text)] += 1
    assert outcomes["accepted"] > 500 and outcomes["declined"] > 500


def fastyaml_quiet():  # noqa: ANN201 - a context manager
    from validator.load.bulk import quiet_stderr

    return quiet_stderr()
