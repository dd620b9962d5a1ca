"""Review of the scoped PR check (validator/scope.py): inputs on which it might differ from the
full check. Each scenario generates a small corpus, commits it, runs the full check (which leaves
the board table), changes files, and compares `pwc validate --changed-since HEAD` (JSON output
and the --report-dir artifact) of the scoped path with the plain full check (PWC_CACHE=0,
PWC_FAST=0), after checking that the scoped path was taken."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from tests.conftest import commit_all, git  # noqa: E402
from validator import scope  # noqa: E402
from validator.cli import main  # noqa: E402
from validator.load import filecache  # noqa: E402
from validator.load.git import changed_files  # noqa: E402

PAPERS = "results/papers"


def _papers(root: Path) -> list[Path]:
    return sorted(p for p in (root / PAPERS).rglob("*.yaml") if not p.name.startswith("."))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _results(path: Path) -> list[dict]:
    return (yaml.safe_load(_text(path)) or {}).get("results") or []


def _biggest_board(root: Path) -> tuple[tuple[str, str], list[Path]]:
    """The leaderboard with the most files on it, and those files."""
    files: dict[tuple[str, str], list[Path]] = {}
    for path in _papers(root):
        for board in dict.fromkeys((r["task"], r["dataset"]) for r in _results(path)):
            files.setdefault(board, []).append(path)
    def fit(b: tuple[str, str]) -> bool:
        ds = _dataset(root, b[1])
        first = (ds.get("metrics") or [{}])[0]
        return first.get("unit") == "percent" and first.get("direction") == "higher"
    board = max(sorted(b for b in files if fit(b)), key=lambda b: len(files[b]))
    return board, files[board]


def _metrics_line(path: Path, board: tuple[str, str]) -> int:
    """The line number (0-based) of the `metrics:` line of the first result on `board`."""
    lines = _text(path).splitlines()
    for i, line in enumerate(lines):
        if line == f"  - task: {board[0]}" and lines[i + 1] == f"    dataset: {board[1]}":
            for j in range(i + 2, len(lines)):
                if lines[j].startswith("    metrics: "):
                    return j
    raise AssertionError((path, board))


def _edit_metrics(path: Path, board: tuple[str, str], fn: Callable[[dict], dict]) -> None:
    lines = _text(path).splitlines()
    j = _metrics_line(path, board)
    metrics = yaml.safe_load(lines[j].split(": ", 1)[1])
    new = fn(metrics)
    lines[j] = "    metrics: " + json.dumps(new).replace('"', "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _dataset(root: Path, ds: str) -> dict:
    for path in sorted((root / "results" / "datasets").glob("*.yaml")):
        data = yaml.safe_load(_text(path)) or {}
        if data.get("id") == ds:
            return data
    return {}


def _primary(root: Path, ds: str) -> str:
    data = _dataset(root, ds)
    return data.get("primary_metric") or data["metrics"][0]["name"]


def _raise_first(path: Path, board: tuple[str, str], factor: float = 1.4) -> None:
    """The primary metric of the file's result on `board` set far ahead (an unusual margin;
    `factor` < 1: divided by 100, the wrong scale)."""
    root = path.parents[3]
    primary = _primary(root, board[1])

    def fn(m: dict) -> dict:
        k = next((k for k in m if k.startswith(primary)), primary)
        m[k] = round(99.0 + factor / 10, 2) if factor >= 1 else 0.42
        return m
    _edit_metrics(path, board, fn)


def _set_field(path: Path, field: str, value: str) -> None:
    text = _text(path)
    if re.search(rf"^  {field}: .*$", text, re.M):
        text = re.sub(rf"^  {field}: .*$", f"  {field}: {value}", text, count=1, flags=re.M)
    else:
        text = text.replace("\n  published: ", f"\n  {field}: {value}\n  published: ", 1)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Scenarios: (prepare before the base commit, change after the full run)


def _other_year(path: Path) -> Path:
    year = int(path.parent.name)
    return path.parent.parent / str(2012 if year != 2012 else 2013) / path.name


def _copy_to_other_year(root: Path, n: int, factor: float) -> None:
    """The n-th file of the busiest leaderboard copied under the same stem into another year
    folder, its first value there multiplied by `factor`."""
    board, files = _biggest_board(root)
    dst = _other_year(files[n])
    dst.parent.mkdir(exist_ok=True)
    shutil.copy(files[n], dst)
    _raise_first(dst, board, factor)


def dup_stem_added(root: Path) -> None:
    """A new file with the stem of an existing paper in another year folder, values raised."""
    _copy_to_other_year(root, 1, 1.3)


def dup_stem_prepare(root: Path) -> None:
    _copy_to_other_year(root, 2, 0.9)


def dup_stem_change(root: Path) -> None:
    """Two year folders hold one stem at the base; the later one changes."""
    board, files = _biggest_board(root)
    names = Counter(p.name for p in files)
    twins = sorted(p for p in files if names[p.name] > 1)
    _raise_first(twins[-1], board, 1.5)


def dup_stem_change_first(root: Path) -> None:
    board, files = _biggest_board(root)
    names = Counter(p.name for p in files)
    twins = sorted(p for p in files if names[p.name] > 1)
    _raise_first(twins[0], board, 1.5)


def dup_stem_delete_later(root: Path) -> None:
    board, files = _biggest_board(root)
    names = Counter(p.name for p in files)
    twins = sorted(p for p in files if names[p.name] > 1)
    twins[-1].unlink()


def invalid_yaml(root: Path) -> None:
    board, files = _biggest_board(root)
    files[3].write_text(_text(files[3]) + "  - [\n", encoding="utf-8")
    _raise_first(files[4], board)


def schema_invalid(root: Path) -> None:
    board, files = _biggest_board(root)
    files[3].write_text(_text(files[3]).replace("  title: ", "  titel: ", 1), encoding="utf-8")


def moved_year(root: Path) -> None:
    board, files = _biggest_board(root)
    dst = _other_year(files[5])
    dst.parent.mkdir(exist_ok=True)
    files[5].rename(dst)
    _raise_first(dst, board, 1.2)


def chain_prepare(root: Path) -> None:
    """A-B share an arXiv id, B-C a DOI (C has no arXiv id)."""
    _board, files = _biggest_board(root)
    a, b, c = files[0], files[6], files[7]
    arxiv = re.search(r'arxiv: "([^"]+)"', _text(a))
    assert arxiv
    _set_field(b, "arxiv", f'"{arxiv.group(1)}"')
    _set_field(b, "doi", '"10.1000/chain.1"')
    text = re.sub(r'^  arxiv: .*\n', "", _text(c), flags=re.M)
    c.write_text(text, encoding="utf-8")
    _set_field(c, "doi", '"10.1000/CHAIN.1"')


def chain_change(root: Path) -> None:
    board, files = _biggest_board(root)
    c = files[7]
    lines = _text(c).splitlines()
    # a copy of its first result on the board under the same model: a duplicate across the group
    head = [f"  - task: {board[0]}", f"    dataset: {board[1]}"]
    start = next(i for i in range(len(lines) - 1) if lines[i : i + 2] == head)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - task: ")), len(lines))
    c.write_text("\n".join(lines + lines[start:end]) + "\n", encoding="utf-8")
    _raise_first(c, board, 1.1)


def dataset_renamed_prepare(root: Path) -> None:
    board, _files = _biggest_board(root)
    src = root / "results" / "datasets" / f"{board[1]}.yaml"
    src.rename(src.with_name(f"{board[1]}-file.yaml"))


def rescale_on_board(root: Path) -> None:
    board, files = _biggest_board(root)
    _raise_first(files[8], board, 0.5)
    _raise_first(files[9], board)


def aliases_prepare(root: Path) -> None:
    """The board's primary metric gets an alias that some files use, others write an unknown metric."""
    board, files = _biggest_board(root)
    primary = _primary(root, board[1])
    ds = root / "results" / "datasets" / f"{board[1]}.yaml"
    text = _text(ds).replace(f"  - name: {primary}\n", f"  - name: {primary}\n    aliases: [{primary} alias]\n", 1)
    ds.write_text(text, encoding="utf-8")
    for n, path in enumerate(files[10:]):
        if n % 2:
            _edit_metrics(path, board, lambda m: {(f"{primary} alias" if k == primary else k): v for k, v in m.items()})
        else:
            _edit_metrics(path, board, lambda m: {**m, "Bogus": 1.5})


def uncertain_prepare(root: Path) -> None:
    board, files = _biggest_board(root)
    for path in files[10:]:
        _edit_metrics(path, board, lambda m: {k: {"value": v, "error": 0.5} for k, v in m.items()})


def dataset_dropped(root: Path) -> None:
    """A file stops using a dataset (its only user, if the corpus has one) and a board changes."""
    uses: dict[str, list[Path]] = {}
    for path in _papers(root):
        for r in _results(path):
            uses.setdefault(r["dataset"], []).append(path)
    ds = min(sorted(uses), key=lambda d: len(uses[d]))
    path = uses[ds][0]
    lines = _text(path).splitlines()
    out, skip = [], False
    for i, line in enumerate(lines):
        if line.startswith("  - task: "):
            skip = i + 1 < len(lines) and lines[i + 1] == f"    dataset: {ds}"
        if not skip:
            out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def undeclared_dataset(root: Path) -> None:
    board, files = _biggest_board(root)
    path = files[11]
    text = _text(path).replace(f"    dataset: {board[1]}\n", "    dataset: no-such-dataset\n", 1)
    path.write_text(text, encoding="utf-8")
    _raise_first(files[12], board)


def untracked_twin(root: Path) -> None:
    """A new file with the arXiv id of an existing one, values raised."""
    board, files = _biggest_board(root)
    new = root / PAPERS / "2020" / "zz-new-paper.yaml"
    new.parent.mkdir(exist_ok=True)
    shutil.copy(files[13], new)
    _raise_first(new, board, 1.25)


def early_evaluated(root: Path) -> None:
    """A changed result dated before every other (the margin's history starts there)."""
    board, files = _biggest_board(root)
    path = files[14]
    lines = _text(path).splitlines()
    lines_j = lines[_metrics_line(path, board)]
    lines = [x for x in lines if not x.startswith("    evaluated_on: ")]
    j = next(i for i, x in enumerate(lines) if x == lines_j)
    lines.insert(j + 1, "    evaluated_on: 2011-01-01")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _raise_first(files[15], board)


def hidden_copy_prepare(root: Path) -> None:
    """A tracked hidden copy of a paper file (`.draft.yaml`): git lists it at the base, the
    working tree's discovery skips it."""
    _board, files = _biggest_board(root)
    shutil.copy(files[16], files[16].with_name(".draft.yaml"))


def hidden_other_prepare(root: Path) -> None:
    """A tracked hidden paper file (another paper, other model names) on the leaderboard the
    change touches."""
    _board, files = _biggest_board(root)
    text = _text(files[17]).replace("    model: ", "    model: Hidden ")
    text = re.sub(r'arxiv: "[^"]+"', 'arxiv: "2001.00001"', text)
    files[17].with_name(".hidden.yaml").write_text(text, encoding="utf-8")


def hidden_copy_change(root: Path) -> None:
    board, files = _biggest_board(root)
    _raise_first(files[16], board)


SCENARIOS: dict[str, tuple[Callable[[Path], None] | None, Callable[[Path], None]]] = {
    "same stem added in another year": (None, dup_stem_added),
    "same stem in two years, later changes": (dup_stem_prepare, dup_stem_change),
    "same stem in two years, earlier changes": (dup_stem_prepare, dup_stem_change_first),
    "same stem in two years, later deleted": (dup_stem_prepare, dup_stem_delete_later),
    "changed file becomes invalid YAML": (None, invalid_yaml),
    "changed file fails the schema": (None, schema_invalid),
    "file moved between year folders": (None, moved_year),
    "A-B by arXiv, B-C by DOI, C changes": (chain_prepare, chain_change),
    "dataset file id differs from its id": (dataset_renamed_prepare, rescale_on_board),
    "aliases and unknown metrics on context rows": (aliases_prepare, rescale_on_board),
    "uncertain values on context rows": (uncertain_prepare, rescale_on_board),
    "a dataset used only at the base": (None, dataset_dropped),
    "a result on an undeclared dataset": (None, undeclared_dataset),
    "untracked new file, same arXiv id": (None, untracked_twin),
    "evaluated_on before the board's history": (None, early_evaluated),
    "tracked hidden copy of the changed paper at the base": (hidden_copy_prepare, hidden_copy_change),
    "tracked hidden paper file on the touched leaderboard": (hidden_other_prepare, hidden_copy_change),
}

# Hidden files: the base revision comes from git's listing, the working tree from discover();
# both skip hidden folders and files (validator.load.repository.considered), so a tracked
# dotfile is neither matched to a changed paper nor shown as a removed leaderboard row.


def _validate(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> dict:
    main(["validate", "--root", str(root), "--format", "json", *extra])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scoped_matches_full(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prepare, change = SCENARIOS[name]
    work = tmp_path / "repo"
    generate(work, 150, seed=7)
    if prepare is not None:
        prepare(work)
    git(work, "init", "-q")
    commit_all(work, "base")
    monkeypatch.setenv("PWC_CACHE", "1")
    monkeypatch.setenv("PWC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PWC_SCOPE", raising=False)
    monkeypatch.delenv("PWC_FAST", raising=False)
    filecache.forget()
    _validate(capsys, work)  # the full run that leaves the table
    assert scope.read_table(work) is not None
    change(work)

    changed = {f for f in changed_files(work, "HEAD") if f.startswith("results/")}
    assert changed
    filecache.forget()
    assert scope.check_changed(work, "HEAD", changed) is not None, "the scoped path was not taken"
    filecache.forget()
    answer = _validate(capsys, work, "--changed-since", "HEAD", "--report-dir", str(tmp_path / "bot"))

    monkeypatch.setenv("PWC_CACHE", "0")
    monkeypatch.setenv("PWC_FAST", "0")
    filecache.forget()
    reference = _validate(capsys, work, "--changed-since", "HEAD", "--report-dir", str(tmp_path / "bot-ref"))
    assert answer == reference
    artifact = {p.name: p.read_bytes() for p in (tmp_path / "bot").iterdir()}
    assert artifact == {p.name: p.read_bytes() for p in (tmp_path / "bot-ref").iterdir()}
