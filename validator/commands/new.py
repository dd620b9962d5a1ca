"""`pwc new --arxiv ID`: start a paper file from an arXiv id, filled in from the arXiv API.

The file goes to `results/papers/<year>/<slug>.yaml`, where the slug is made from the title the
way Papers with Code made its paper ids (`albert-a-lite-bert-for-self-supervised`). Offline, or
when arXiv cannot be reached, it writes the template with the id only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import idutils
import yaml

from validator import atomic
from validator.checks.links import arxiv_impossible
from validator.model import slugs

SCHEMA_HEADER = "# yaml-language-server: $schema=../../../schemas/paper.schema.json"
# Papers with Code cut its paper slugs at 45 characters, at a word boundary:
# roberta-a-robustly-optimized-bert-pretraining (45) is whole, "-approach" did not fit, and
# exploring-the-limits-of-transfer-learning (41) stopped before "-with" (46).
SLUG_MAX = slugs.PAPER_SLUG_CHARS
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(?P<id>.+?)(?:\.pdf)?/?$", re.IGNORECASE)
_VERSION = re.compile(r"v(\d+)$")
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--arxiv", required=True, metavar="ID", help='the arXiv id, e.g. "1909.11942"')
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("--offline", action="store_true", help="do not ask arXiv; write the template with the id")
    parser.add_argument("--force", action="store_true", help="overwrite the file if it exists")


@dataclass(slots=True)
class Filled:
    arxiv: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    abstract: str | None = None


def parse_arxiv(raw: str) -> tuple[str | None, str | None]:
    """(bare id, dropped version or None), or (None, None) when `raw` is not an arXiv id."""
    text = raw.strip()
    match = _ARXIV_URL.search(text)
    if match:
        text = match.group("id")
    if not idutils.is_arxiv(text):
        return None, None
    bare = idutils.normalize_arxiv(text).removeprefix("arXiv:")
    version = _VERSION.search(bare)
    if version:
        bare = bare[: version.start()]
    return bare, (version.group(0) if version else None)


def slug(title: str, limit: int = SLUG_MAX) -> str:
    """Papers with Code's paper slug of a title (validator.model.slugs)."""
    return slugs.paper_slug(title, limit)


def offline_date(arxiv: str) -> str | None:
    """The year and month an arXiv id encodes (1909.11942 -> 2019-09, hep-th/9711200 -> 1997-11)."""
    match = re.fullmatch(r"(\d{2})(\d{2})\.\d{4,5}", arxiv) or re.fullmatch(r"[a-z-]+/(\d{2})(\d{2})\d{3}", arxiv)
    if match is None:
        return None
    yy = int(match.group(1))
    year = 1900 + yy if yy >= 91 else 2000 + yy
    return f"{year}-{match.group(2)}"


def _quote(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar; control characters come out escaped, and so
    # must every other character YAML does not allow in a file (DEL, C1 controls, U+FFFE).
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _block(text: str) -> str:
    lines = textwrap.wrap(text, width=92, break_long_words=False, break_on_hyphens=False)
    return ">-\n" + "\n".join(f"    {line}" for line in lines)


def render(filled: Filled) -> str:
    """The paper file's text: the schema header, the paper, and a commented results template."""
    title = filled.title or f"arXiv:{filled.arxiv}"
    published = filled.published or offline_date(filled.arxiv) or "2000"
    lines = [SCHEMA_HEADER, "paper:"]
    if filled.title is None:
        lines.append("  # TODO: the paper's title, authors and first public date (YYYY-MM-DD)")
    lines.append(f"  title: {_quote(title)}")
    if filled.authors:
        lines.append(f"  authors: [{', '.join(_quote(a) for a in filled.authors)}]")
    lines.append(f"  published: {published}")
    lines.append(f"  arxiv: {_quote(filled.arxiv)}")
    if filled.abstract:
        block = _block(filled.abstract)
        # A folded block keeps the file readable; if the text would not survive it, quote it.
        try:
            same = yaml.safe_load(f"abstract: {block}\n") == {"abstract": filled.abstract}
        except yaml.YAMLError:
            same = False
        lines.append(f"  abstract: {block if same else _quote(filled.abstract)}")
    lines += [
        "  # code:",
        "  #   - url: https://github.com/<owner>/<repository>",
        "  #     official: true",
        "results:",
        "  # One entry per (task, dataset, model); metric names as the dataset declares them,",
        "  # numbers exactly as the paper's table prints them. Uncomment and fill in:",
        "  # - task: question-answering",
        "  #   dataset: squad2.0",
        "  #   model: ALBERT (single model)",
        "  #   metrics: {EM: 88.107, F1: 90.902}",
        "  #   source: Table 5",
        "",
    ]
    return "\n".join(lines)


def _already_there(root: Path, arxiv: str) -> Path | None:
    pattern = re.compile(rf"^\s*arxiv:\s*[\"']?{re.escape(arxiv)}[\"']?\s*(?:#.*)?$", re.MULTILINE)
    papers = root / "results" / "papers"
    if not papers.is_dir():
        return None
    for path in sorted(papers.glob("*/*.yaml")):
        try:
            if pattern.search(path.read_text(encoding="utf-8", errors="replace")):
                return path
        except OSError:
            continue
    return None


def _look_up(arxiv: str) -> tuple[Filled | None, str | None]:
    """(what arXiv says, None), (None, None) when arXiv has no such paper, or (None, reason) on failure."""
    from validator.online.arxiv import ArxivClient
    from validator.online.cache import AnswerCache
    from validator.online.http import Http
    from validator.online.settings import Settings

    settings = Settings.from_env()
    cache = AnswerCache(settings.cache_dir)
    try:
        client = ArxivClient(Http(settings), cache)
        answer = client.lookup([arxiv]).get(arxiv)
    finally:
        cache.close()
    if answer is None:
        return None, client.failure or "no answer"
    if not answer.found:
        return None, None
    published = answer.dates[0] if answer.dates else None
    return Filled(arxiv, answer.title, answer.authors, published, answer.abstract), None


def _write(path: Path, text: str) -> None:
    atomic.write_text(path, text)


def run(args: argparse.Namespace) -> int:
    arxiv, version = parse_arxiv(args.arxiv)
    if arxiv is None:
        print(f"pwc new: {args.arxiv!r} is not an arXiv id (like 1909.11942 or hep-th/9711200)", file=sys.stderr)
        return 2
    why = arxiv_impossible(arxiv)
    if why:
        print(f"pwc new: {why}", file=sys.stderr)
        return 2
    if version:
        print(f"pwc new: dropped the version {version}: paper files name the paper, not a version", file=sys.stderr)
    root = Path(args.root)
    if not (root / "results").is_dir():
        print(f"pwc new: no results/ folder under {root.resolve()}", file=sys.stderr)
        return 2
    existing = _already_there(root, arxiv)
    if existing is not None and not args.force:
        print(f"pwc new: arXiv {arxiv} is already in {existing.relative_to(root).as_posix()}", file=sys.stderr)
        return 1
    filled = Filled(arxiv)
    if not args.offline:
        found, failure = _look_up(arxiv)
        if found is not None:
            filled = found
        elif failure is None:
            print(f"pwc new: arXiv has no paper {arxiv}", file=sys.stderr)
            return 1
        else:
            print(f"pwc new: warning: arXiv could not be asked ({failure}); writing the template with the id only",
                  file=sys.stderr)
    published = filled.published or offline_date(arxiv) or "2000"
    name = slug(filled.title) if filled.title else ""
    if not name:
        name = "arxiv-" + re.sub(r"[^a-z0-9.]+", "-", arxiv.lower()).strip("-")
    folder = root / "results" / "papers" / published[:4]
    path = folder / f"{name}.yaml"
    if path.exists() and not args.force:
        # Another paper has this slug: number it, as Papers with Code did (`-1`, `-2`).
        n = 1
        while (folder / f"{name}-{n}.yaml").exists():
            n += 1
        path = folder / f"{name}-{n}.yaml"
    try:
        _write(path, render(filled))
    except OSError as exc:
        print(f"pwc new: could not write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(path.relative_to(root).as_posix())
    return 0
