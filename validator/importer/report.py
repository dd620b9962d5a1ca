"""The import report: every input row's outcome, every dropped value, every guess, as text or JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from validator.importer.metrics import Decision

# Why a row was not converted (the `reason` codes of the report).
REASONS = {
    "no-paper": "no paper reference (no arXiv id, DOI or URL)",
    "no-date": "no date for its paper",
    "no-value": "no numeric value",
    "no-model": "no model name",
    "conflict": "same paper, model and leaderboard as another row, with other values",
    "bad-structure": "not in the archive's format",
}


@dataclass
class ImportReport:
    total_rows: int = 0
    converted: int = 0  # rows that became a new result
    merged_rows: list[dict] = field(default_factory=list)  # identical (or complementary) rows merged
    present_rows: list[dict] = field(default_factory=list)  # results the repository already had
    skipped: list[dict] = field(default_factory=list)  # rows not converted, with a reason
    dropped_values: list[dict] = field(default_factory=list)  # cells that are not numbers
    undeclared_columns: list[dict] = field(default_factory=list)
    links_dropped: list[dict] = field(default_factory=list)  # impossible arXiv ids, non-repository code links
    metrics: list[dict] = field(default_factory=list)  # directions/units not from the catalogue
    areas: list[dict] = field(default_factory=list)
    titles: list[dict] = field(default_factory=list)
    ignored_titles: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    task_graph_notes: list[dict] = field(default_factory=list)
    structure_notes: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    unwritten: list[dict] = field(default_factory=list)  # planned files the validator would reject
    updated: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- recording

    def structure(self, message: str) -> None:
        self.structure_notes.append(message)

    def not_converted(self, row: int, task: str, dataset: str, model: str, reason: str, detail: str) -> None:
        self.skipped.append({"row": row, "task": task, "dataset": dataset, "model": model, "reason": reason,
                             "detail": detail})

    def value_dropped(self, row: int, task: str, dataset: str, model: str, metric: str, value: object,
                      detail: str) -> None:
        self.dropped_values.append({"row": row, "task": task, "dataset": dataset, "model": model,
                                    "metric": metric, "value": value, "detail": detail})

    def link_dropped(self, row: int, task: str, dataset: str, model: str, url: str, detail: str) -> None:
        self.links_dropped.append({"row": row, "task": task, "dataset": dataset, "model": model, "url": url,
                                   "detail": detail})

    def converted_row(self) -> None:
        self.converted += 1

    def merged(self, row: int, task: str, dataset: str, model: str, into: int) -> None:
        self.merged_rows.append({"row": row, "task": task, "dataset": dataset, "model": model, "merged_into": into})

    def present(self, row: int, task: str, dataset: str, model: str, file: str) -> None:
        self.present_rows.append({"row": row, "task": task, "dataset": dataset, "model": model, "file": file})

    def column_undeclared(self, task: str, dataset: str, column: str) -> None:
        self.undeclared_columns.append({"task": task, "dataset": dataset, "column": column,
                                        "detail": "no numeric value in this column: not declared as a metric"})

    def metric_decision(self, dataset_id: str, dataset: str, column: str, d: Decision) -> None:
        self.metrics.append({"dataset": dataset_id, "dataset_name": dataset, "metric": column,
                             "direction": d.direction, "unit": d.unit, "source": d.source})

    def area_guess(self, task_id: str, name: str, area: str, how: str) -> None:
        self.areas.append({"task": task_id, "name": name, "area": area, "from": how})

    def placeholder_title(self, title: str, rows: list[int]) -> None:
        self.titles.append({"title": title, "rows": rows,
                            "detail": "no title in the archive or --papers: the identifier stands in for it"})

    def junk_title(self, row: int, task: str, dataset: str, model: str, title: str) -> None:
        self.ignored_titles.append({"row": row, "task": task, "dataset": dataset, "model": model, "title": title,
                                    "detail": "not a title (a reference marker); ignored"})

    def date_guess(self, title: str, published: str, how: str) -> None:
        self.dates.append({"paper": title, "published": published, "from": how})

    def task_graph(self, task: str, message: str) -> None:
        self.task_graph_notes.append({"task": task, "detail": message})

    # ---------------------------------------------------------------- summary

    @property
    def not_converted_count(self) -> int:
        return len(self.skipped)

    @property
    def accounted(self) -> int:
        return self.converted + len(self.merged_rows) + len(self.present_rows) + len(self.skipped)

    @property
    def lossless(self) -> bool:
        """Every row converted and every value kept: exit status 0."""
        return not self.skipped and not self.dropped_values and not self.unwritten

    def guessed_directions(self) -> list[dict]:
        return [m for m in self.metrics if m["source"] != "catalogue"]

    def as_dict(self) -> dict:
        return {
            "ok": self.lossless,
            "counts": {
                "rows": self.total_rows,
                "converted": self.converted,
                "merged": len(self.merged_rows),
                "already_present": len(self.present_rows),
                "not_converted": len(self.skipped),
                "not_converted_by_reason": dict(sorted(Counter(s["reason"] for s in self.skipped).items())),
                "values_dropped": len(self.dropped_values),
                "links_dropped": len(self.links_dropped),
                "directions_to_confirm": len(self.guessed_directions()),
                "areas_guessed": len(self.areas),
                "placeholder_titles": len(self.titles),
                "titles_ignored": len(self.ignored_titles),
                "dates_to_confirm": len(self.dates),
                "files_created": len(self.created),
                "files_updated": len(self.updated),
                "files_not_written": len(self.unwritten),
            },
            "not_converted": self.skipped,
            "values_dropped": self.dropped_values,
            "links_dropped": self.links_dropped,
            "merged": self.merged_rows,
            "already_present": self.present_rows,
            "columns_not_declared": self.undeclared_columns,
            "metrics_to_confirm": self.guessed_directions(),
            "areas_guessed": self.areas,
            "placeholder_titles": self.titles,
            "titles_ignored": self.ignored_titles,
            "dates_guessed": self.dates,
            "task_graph": self.task_graph_notes,
            "structure": self.structure_notes,
            "files_created": self.created,
            "files_updated": self.updated,
            "files_not_written": self.unwritten,
        }


def render_json(report: ImportReport, out: TextIO) -> None:
    json.dump(report.as_dict(), out, ensure_ascii=False, indent=1)
    out.write("\n")


def render_text(report: ImportReport, out: TextIO) -> None:
    def w(line: str = "") -> None:
        out.write(line + "\n")

    def where(e: dict) -> str:
        return f"row {e['row']}: {e['task']} / {e['dataset']} / {e['model'] or '(no model name)'}"

    c = report.as_dict()["counts"]
    w(f"{c['rows']} rows: {c['converted']} converted, {c['merged']} merged into an identical row, "
      f"{c['already_present']} already in the repository, {c['not_converted']} not converted")
    w(f"files: {c['files_created']} created, {c['files_updated']} updated")
    if report.skipped:
        w()
        w(f"Rows not converted ({len(report.skipped)}):")
        for reason, n in sorted(Counter(s["reason"] for s in report.skipped).items()):
            w(f"  {n:5d}  {reason}: {REASONS.get(reason, reason)}")
        for e in report.skipped:
            w(f"  {where(e)}: {e['detail']}")
    def section(title: str, items: list, line: Callable[[dict], str]) -> None:
        if items:
            w()
            w(title.format(n=len(items)))
            for item in items:
                w(f"  {line(item)}")

    section("Values not converted ({n}; the rest of each row was kept):", report.dropped_values,
            lambda e: f"{where(e)}: {e['metric']} = {e['value']!r}")
    section("Links left out ({n}):", report.links_dropped, lambda e: f"{where(e)}: {e['url']}: {e['detail']}")
    section("Rows merged into another row of the same paper, model and leaderboard ({n}):", report.merged_rows,
            lambda e: f"{where(e)} -> row {e['merged_into']}")
    section("Metric directions and units not from the catalogue, to confirm ({n}):", report.guessed_directions(),
            lambda m: f"{m['dataset']}: {m['metric']}: {m['direction']}, {m['unit']} ({m['source']})")
    section("Columns without a numeric value, not declared ({n}):", report.undeclared_columns,
            lambda e: f"{e['task']} / {e['dataset']}: {e['column']}")
    section("Task areas guessed ({n}):", report.areas, lambda a: f"{a['task']}: {a['area']} (from {a['from']})")
    section("Papers without a title, identifier written as the title ({n}):", report.titles,
            lambda t: f"{t['title']} (rows {', '.join(map(str, t['rows']))})")
    section("paper_title values that are not titles, ignored ({n}):", report.ignored_titles,
            lambda e: f"{where(e)}: {e['title']!r}")
    section("Paper dates to confirm (not from paper_date or --papers, or far from the arXiv id) ({n}):",
            report.dates, lambda d: f"{d['published']}: {d['paper']} (from {d['from']})")
    section("Task graph ({n}):", report.task_graph_notes, lambda t: f"{t['task']}: {t['detail']}")
    for e in report.unwritten:
        w(f"error: {e['file']}: {e['detail']}")
    for note in report.structure_notes:
        w(f"note: {note}")
