"""Renderers of a validation report: text for terminals, JSON for tools, GitHub workflow commands."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from validator.report.problem import Problem


@dataclass(frozen=True, slots=True)
class Report:
    problems: Sequence[Problem]
    files: int
    results: int

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.errors == 0,
            "counts": {
                "error": self.errors,
                "warning": self.warnings,
                "files": self.files,
                "results": self.results,
            },
            "problems": [p.as_dict() for p in self.problems],
        }


def render_json(report: Report, out: TextIO) -> None:
    json.dump(report.as_dict(), out, ensure_ascii=False, indent=1)
    out.write("\n")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(report: Report, out: TextIO, color: bool = False) -> None:
    """Problems grouped per file, then counts."""
    red, yellow, dim, bold, reset = (
        ("\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m") if color else ("",) * 5
    )
    current: str | None = "\0"
    for p in report.problems:
        if p.file != current:
            current = p.file
            out.write(f"\n{bold}{p.file or '(repository)'}{reset}\n")
        where = f"{p.line}:{p.column or 1}" if p.line else "-"
        sev = f"{red}error{reset}" if p.severity == "error" else f"{yellow}warning{reset}"
        out.write(f"  {where:>8}  {sev}  {p.message}  {dim}[{p.code}]{reset}\n")
        if p.hint:
            out.write(f"  {'':>8}  {dim}fix: {p.hint}{reset}\n")
    if report.problems:
        out.write("\n")
    verdict = "OK" if report.errors == 0 else "FAILED"
    out.write(
        f"{bold}{verdict}{reset}: {_plural(report.errors, 'error')}, "
        f"{_plural(report.warnings, 'warning')} in {_plural(report.files, 'file')} "
        f"({_plural(report.results, 'result')})\n"
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


MAX_ANNOTATIONS = 50


def render_github(report: Report, out: TextIO, summary_path: str | None = None) -> None:
    """Workflow commands for the first problems (GitHub shows a limited number per step),
    and the whole report as Markdown in the job summary."""
    for p in report.problems[:MAX_ANNOTATIONS]:
        props = []
        if p.file:
            props.append(f"file={_escape_property(p.file)}")
        if p.line:
            props.append(f"line={p.line}")
        if p.column:
            props.append(f"col={p.column}")
        props.append(f"title={_escape_property(p.code)}")
        message = p.message + (f" (fix: {p.hint})" if p.hint else "")
        out.write(f"::{p.severity} {','.join(props)}::{_escape_data(message)}\n")
    if len(report.problems) > MAX_ANNOTATIONS:
        rest = len(report.problems) - MAX_ANNOTATIONS
        out.write(f"::notice::{rest} more problems are listed in the job summary\n")
    render_text(report, out)
    summary_path = summary_path if summary_path is not None else os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as fh:
            fh.write(render_summary(report))


def _md_cell(text: str) -> str:
    """Contributor text in a Markdown table cell: inert, one line, no pipes, no HTML."""
    out = (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "\\`")
        .replace("@", "@\u200b")
        .replace("#", "#\u200b")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace("*", "\\*")
        .replace("_", "\\_")
    )
    return " ".join(out.split())


# GitHub refuses a step summary over 1 MiB; stay well under it, whole rows only.
SUMMARY_BUDGET = 900_000


def render_summary(report: Report, budget: int = SUMMARY_BUDGET) -> str:
    lines = [
        f"## pwc validate: {'✅ passed' if report.errors == 0 else '❌ failed'}",
        "",
        f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')} "
        f"in {_plural(report.files, 'file')} ({_plural(report.results, 'result')}).",
        "",
    ]
    if report.problems:
        lines += ["| | File | Line | Code | Problem |", "|---|---|---|---|---|"]
        used = sum(len(line.encode()) + 1 for line in lines)
        for shown, p in enumerate(report.problems):
            icon = "❌" if p.severity == "error" else "⚠️"
            message = p.message + (f" — fix: {p.hint}" if p.hint else "")
            row = f"| {icon} | {_md_cell(p.file or '')} | {p.line or ''} | `{p.code}` | {_md_cell(message)} |"
            used += len(row.encode()) + 1
            if used > budget:
                rest = len(report.problems) - shown
                lines.append(f"\n{rest} more problems not shown (GitHub limits a summary to 1 MiB); "
                             "run `pwc validate` locally for all of them.")
                break
            lines.append(row)
    return "\n".join(lines) + "\n"
