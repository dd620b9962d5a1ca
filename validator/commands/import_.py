"""`pwc import`: convert a Papers with Code archive dump (evaluation-tables.json) into results/."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("archive", metavar="EVALUATION_TABLES_JSON", help="the archive's evaluation-tables.json")
    parser.add_argument("--papers", metavar="PAPERS_WITH_ABSTRACTS_JSON",
                        help="the archive's papers-with-abstracts.json: titles, authors, abstracts, dates")
    parser.add_argument("--root", default=".", help="repository root to import into (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")


def fail(message: str) -> int:
    print(f"pwc import: {message}", file=sys.stderr)
    return 2


def _read_json(path: str, what: str) -> object:
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read())
    except OSError as exc:
        raise _Fail(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise _Fail(f"{what} {path} is not JSON: {exc}") from exc


class _Fail(Exception):
    pass


class _Bar:
    """A one-line progress bar on a terminal; nothing when stderr is not a TTY (CI, pipes)."""

    def __init__(self, out: TextIO, label: str = "importing", unit: str = "rows") -> None:
        self.out = out
        self.label = label
        self.unit = unit
        self.on = out.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total <= 0:
            return
        width = 30
        filled = int(width * done / total)
        self.out.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {self.unit}")
        self.out.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.out.write("\n")
            self.out.flush()


def run(args: argparse.Namespace) -> int:
    from validator.importer.convert import ArchiveError, Importer
    from validator.importer.papers import build_index, iter_array
    from validator.importer.report import render_json, render_text
    from validator.importer.write import apply
    from validator.load.repository import load_repository

    root = Path(args.root).resolve()
    if not root.is_dir():
        return fail(f"--root {args.root} is not a folder")
    try:
        data = _read_json(args.archive, "archive")
    except _Fail as exc:
        return fail(str(exc))
    repo = load_repository(root)
    bar = _Bar(sys.stderr)
    importer = Importer(repo, progress=bar)
    try:
        importer.read(data)
    except ArchiveError as exc:
        return fail(f"{args.archive}: {exc}")
    except RecursionError:
        return fail(f"{args.archive}: subtasks or subdatasets are nested too deeply to be an archive dump")
    del data
    if args.papers:
        # Streamed, keeping only the papers the rows can match: the full file is several GB as objects.
        try:
            with open(args.papers, encoding="utf-8") as fh:
                importer.papers = build_index(iter_array(fh), importer.wanted())
        except OSError as exc:
            return fail(f"cannot read --papers file {args.papers}: {exc.strerror or exc}")
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, NotAnArray, UnicodeDecodeError
            return fail(f"--papers file {args.papers} is not a JSON list of papers: {exc}")
    try:
        plan = importer.convert()
    except RecursionError:
        return fail(f"{args.archive}: the task graph is nested too deeply to be an archive dump")
    bar.close()
    if not args.dry_run:
        try:
            writing = _Bar(sys.stderr, "writing  ", "files")
            apply(plan, root, repo, progress=writing)
            writing.close()
        except OSError as exc:
            return fail(f"cannot write into {root}: {exc}")
    if args.format == "json":
        render_json(plan.report, sys.stdout)
    else:
        render_text(plan.report, sys.stdout)
    return 0 if plan.report.lossless else 1
