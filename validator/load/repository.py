"""Repository discovery and loading: every file under `results/`, read, typed and indexed once.

The `Repository` is what every check and every output reads. It holds the valid models with
their positioned documents, the ids of every file (valid or not, so one broken file does not
cascade into a hundred unknown-reference errors), and the resolved metric declarations of each
dataset (catalogue defaults merged with the dataset's own fields).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from validator.checks import reading, schema
from validator.load.fastyaml import fast_parse, made_elsewhere
from validator.load.paths import RESULTS
from validator.load.yamlload import MAX_FILE_BYTES, Doc, decode, parse
from validator.model.inputs import (
    Dataset,
    MetricCatalogue,
    MetricDecl,
    MetricKind,
    PaperFile,
    Task,
)
from validator.report.problem import Problem

M = TypeVar("M", bound=BaseModel)



@dataclass(slots=True)
class Entry(Generic[M]):
    """One valid file: its id, root-relative path, positioned document and model."""

    id: str
    file: str
    doc: Doc
    model: M


@dataclass(frozen=True, slots=True)
class ResolvedMetric:
    """A dataset's metric with the catalogue's defaults filled in."""

    name: str
    aliases: tuple[str, ...]
    direction: str | None
    unit: str | None
    range: tuple[float, float] | None
    index: int  # position in the dataset's `metrics` list


@dataclass(slots=True)
class DeclaredMetrics:
    metrics: list[ResolvedMetric]
    lookup: dict[str, ResolvedMetric]  # declared names and aliases -> metric
    primary: str | None

    def resolve(self, name: str) -> ResolvedMetric | None:
        return self.lookup.get(name)


@dataclass
class Repository:
    root: Path
    tasks: dict[str, Entry[Task]] = field(default_factory=dict)
    datasets: dict[str, Entry[Dataset]] = field(default_factory=dict)
    papers: list[Entry[PaperFile]] = field(default_factory=list)
    catalogue: Entry[MetricCatalogue] | None = None
    task_ids: set[str] = field(default_factory=set)  # every task file's id, valid or not
    dataset_ids: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)  # every file considered, root-relative
    problems: list[Problem] = field(default_factory=list)  # reading and schema problems
    declared: dict[str, DeclaredMetrics] = field(default_factory=dict)
    # The repository at the base revision (`--changed-since`), for the review signals.
    base: Repository | None = None
    # A digest of every file's path and content (git blob ids): the key of a cached answer.
    digest: str | None = None
    # Every file's git blob id (None: unreadable), as the loader found them.
    blobs: dict[str, str | None] = field(default_factory=dict)
    # A PR check's repository loads only some paper files (validator/scope.py): the results of
    # the others on the leaderboards it checks, by (task, dataset). None: every file is loaded.
    context: dict[tuple[str, str], list[Any]] | None = None

    @property
    def catalogue_kinds(self) -> dict[str, MetricKind]:
        if self.catalogue is None:
            return {}
        kinds: dict[str, MetricKind] = {}
        for kind in self.catalogue.model.metrics:
            for name in (kind.name, *kind.aliases):
                kinds.setdefault(name, kind)
        return kinds

    def result_count(self) -> int:
        return sum(len(p.model.results) for p in self.papers)


def file_id(rel: str) -> str:
    """The id a file's name gives: `results/tasks/question-answering.yaml` -> `question-answering`."""
    return rel.rsplit("/", 1)[-1].removesuffix(".yaml")


def kind_of(rel: str) -> str | None:
    """The file kind of a root-relative path, or None when it is not in the layout."""
    parts = rel.split("/")
    if parts[0] != RESULTS or not rel.endswith(".yaml"):
        return None
    if len(parts) == 2 and parts[1] == "metrics.yaml":
        return "metrics"
    if len(parts) == 3 and parts[1] == "tasks":
        return "task"
    if len(parts) == 3 and parts[1] == "datasets":
        return "dataset"
    if len(parts) == 4 and parts[1] == "papers" and parts[2].isdigit() and len(parts[2]) == 4:
        return "paper"
    return None


def read_bytes(path: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                reading.FILE_TOO_LARGE(
                    rel,
                    None,
                    f"the file is {size:,} bytes, over the bound of {MAX_FILE_BYTES:,}",
                    "split it; a paper file is a few KB",
                )
            ]
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [reading.UNREADABLE_FILE(rel, None, f"the file cannot be read: {exc.strerror}")]
    if len(data) > MAX_FILE_BYTES:  # grew while we looked
        return None, [reading.FILE_TOO_LARGE(rel, None, "the file is over the size bound")]
    return data, []


def load_text(rel: str, data: bytes, parsed: tuple[Any, dict] | None = None) -> tuple[Doc | None, list[Problem]]:
    text, problems = decode(rel, data)
    if text is None:
        return None, problems
    # The fast path (rapidyaml) where it vouches for giving exactly what the plain loader gives;
    # positions come from the plain loader when a problem asks for one. `parsed` is what the fast
    # path made of this text in a helper process (validator/load/bulk.py).
    if parsed is not None:
        return made_elsewhere(rel, parsed[0], parsed[1], text), problems
    fast = fast_parse(rel, text)
    if fast is not None:
        return fast, problems
    doc, more = parse(rel, text)
    problems.extend(more)
    if any(p.severity == "error" for p in more):
        return None, problems
    return doc, problems


_MODELS: dict[str, type[BaseModel]] = {
    "task": Task,
    "dataset": Dataset,
    "paper": PaperFile,
    "metrics": MetricCatalogue,
}


def load_file(
    rel: str, data: bytes, parsed: tuple[Any, dict] | None = None
) -> tuple[str | None, BaseModel | None, Doc | None, list[Problem]]:
    """Load one file's bytes: (kind, model or None, doc or None, problems)."""
    kind = kind_of(rel)
    if kind is None:
        return None, None, None, [
            schema.UNEXPECTED_FILE(
                rel,
                None,
                f"{rel} is not in the results/ layout and would be ignored",
                "tasks/<id>.yaml, datasets/<id>.yaml, metrics.yaml or papers/<year>/<id>.yaml",
            )
        ]
    doc, problems = load_text(rel, data, parsed)
    if doc is None:
        return kind, None, None, problems
    model, more = schema.validate_doc(doc, _MODELS[kind])
    problems.extend(more)
    if model is not None:
        problems.extend(schema.check_file_identity(kind, rel, doc, model))
    return kind, model, doc, problems


def load_repository(root: Path, overrides: dict[str, bytes | None] | None = None) -> Repository:
    """Load every file under `root/results`. `overrides` replaces file contents (None: absent),
    which is how a base revision is loaded from git without a checkout.

    The work is done by `validator.load.bulk`: the fast YAML path, the content-keyed file cache
    and a paused garbage collector; the result is what loading file by file gives."""
    from validator.load.bulk import load_repository as load_bulk

    return load_bulk(root, overrides)


def add_documents(repo: Repository, items: Iterable[tuple[str, str, Doc, BaseModel]]) -> None:
    repo.digest = None  # no longer the files on disk: no cached answer may stand for it
    for kind, rel, doc, model in items:
        _add(repo, kind, rel, doc, model)


def _note_id(repo: Repository, rel: str) -> None:
    kind = kind_of(rel)
    stem = file_id(rel)
    if kind == "task":
        repo.task_ids.add(stem)
    elif kind == "dataset":
        repo.dataset_ids.add(stem)


def _add(repo: Repository, kind: str | None, rel: str, doc: Doc, model: BaseModel) -> None:
    stem = file_id(rel)
    if kind == "task" and isinstance(model, Task):
        repo.tasks.setdefault(model.id, Entry(model.id, rel, doc, model))
        repo.task_ids.add(model.id)
    elif kind == "dataset" and isinstance(model, Dataset):
        repo.datasets.setdefault(model.id, Entry(model.id, rel, doc, model))
        repo.dataset_ids.add(model.id)
    elif kind == "paper" and isinstance(model, PaperFile):
        repo.papers.append(Entry(stem, rel, doc, model))
    elif kind == "metrics" and isinstance(model, MetricCatalogue):
        repo.catalogue = Entry("metrics", rel, doc, model)


def resolve_metrics(dataset: Dataset, kinds: dict[str, MetricKind]) -> DeclaredMetrics:
    """A dataset's metrics with catalogue defaults; its own fields win."""
    metrics: list[ResolvedMetric] = []
    lookup: dict[str, ResolvedMetric] = {}
    for i, decl in enumerate(dataset.metrics):
        metric = _resolve_one(decl, kinds, i)
        metrics.append(metric)
        for name in (metric.name, *metric.aliases):
            lookup.setdefault(name, metric)
    primary = dataset.primary_metric
    if primary is not None and primary in lookup:
        primary = lookup[primary].name
    elif primary is None and metrics:
        primary = metrics[0].name
    return DeclaredMetrics(metrics, lookup, primary)


def _resolve_one(decl: MetricDecl, kinds: dict[str, MetricKind], index: int) -> ResolvedMetric:
    kind = kinds.get(decl.kind or decl.name)
    return ResolvedMetric(
        name=decl.name,
        aliases=tuple(decl.aliases),
        direction=decl.direction or (kind.direction if kind else None),
        unit=decl.unit or (kind.unit if kind else None),
        range=decl.range or (kind.range if kind else None),
        index=index,
    )


def value_text(doc: Doc, path: tuple[str | int, ...], value: float) -> str:
    """A number as written in the file (`86.820` stays `86.820`)."""
    raw = doc.raw.get(path)
    if raw is not None:
        return raw
    return repr(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)
