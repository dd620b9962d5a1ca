"""The round trip on both archive samples: import, `pwc build`, and the archive export gives back
every converted row with the same numbers under the same metric names; every row is accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validator import pipeline
from validator.cli import main
from validator.importer.convert import Importer
from validator.importer.values import parse_value
from validator.importer.write import apply
from validator.load.repository import load_repository

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "archive"


def _export_rows(tables: list[dict]) -> dict[tuple[str, str, str], list[dict]]:
    found: dict[tuple[str, str, str], list[dict]] = {}
    stack = list(tables)
    while stack:
        task = stack.pop()
        stack.extend(task["subtasks"])
        for ds in task["datasets"]:
            for row in ds["sota"]["rows"]:
                found.setdefault((task["task"], ds["dataset"], row["model_name"]), []).append(row["metrics"])
    return found


def _archive_cells(data: list[dict]) -> list[dict]:
    """Every row's metric cells in the archive's reading order (the importer's row numbers)."""
    cells: list[dict] = []

    def dataset(ds: dict) -> None:
        for row in (ds.get("sota") or {}).get("rows") or []:
            cells.append(row.get("metrics") or {})
        for sub in ds.get("subdatasets") or []:
            dataset(sub)

    def task(t: dict) -> None:
        for ds in t.get("datasets") or []:
            dataset(ds)
        for sub in t.get("subtasks") or []:
            task(sub)

    for t in data:
        task(t)
    return cells


@pytest.mark.parametrize("sample", ["nlp-progress.json", "ogb.json"])
def test_round_trip(tmp_path: Path, sample: str, capsys) -> None:
    data = json.loads((FIXTURES / sample).read_text(encoding="utf-8"))
    root = tmp_path / "repo"
    (root / "results").mkdir(parents=True)
    repo = load_repository(root)
    importer = Importer(repo)
    importer.read(data)
    plan = importer.convert()
    apply(plan, root, repo)
    report = plan.report

    # Every input row has exactly one outcome.
    cells = _archive_cells(data)
    assert report.total_rows == len(cells) == report.accounted
    outcomes = sorted([c["row"] for c in plan.converted] + [s["row"] for s in report.skipped])
    assert outcomes == list(range(1, len(cells) + 1))
    assert report.converted > 200

    # The repository validates, builds, and the export gives every converted row back.
    assert [p for p in pipeline.check(load_repository(root)) if p.severity == "error"] == []
    out = tmp_path / "build"
    assert main(["build", "--root", str(root), "--out", str(out)]) == 0
    capsys.readouterr()
    exported = _export_rows(json.loads((out / "api/v1/evaluation-tables.json").read_text(encoding="utf-8")))
    assert sum(len(v) for v in exported.values()) == report.converted
    for row in plan.converted:
        candidates = exported.get((row["task"], row["dataset"], row["model"]), [])
        archive_row = cells[row["row"] - 1]

        def matches(metrics: dict, row: dict = row, archive_row: dict = archive_row) -> bool:
            for name, (text, error) in row["metrics"].items():
                if name not in metrics:
                    return False
                back = parse_value(metrics[name])
                source = parse_value(archive_row[name])
                if back is None or source is None:
                    return False
                if (back.text, back.error) != (text, error) or (source.text, source.error) != (text, error):
                    return False
                # A plain number comes back exactly as the archive wrote it ("86.820").
                if archive_row[name].strip().lstrip("\ufeff") == text and metrics[name] != text:
                    return False
            return True

        assert any(matches(m) for m in candidates), (row, candidates)
