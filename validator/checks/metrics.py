"""Family 4, metric consistency: declared names, directions, ranges and scale, and the shared index.

The index (`results_index`) is built once per loaded repository and read by every cross-file
check of families 4 and 6 (this module, constraints, duplicates, review): each result with its
metric names normalised to the names its dataset declares (an alias is stored under the name it
stands for), grouped by leaderboard, a (task, dataset) pair. Building it and every check that
reads it are linear in the number of results.

The scale rule (`value-wrong-scale`): on one leaderboard, for one metric whose unit is
`percent` or `proportion`, or whose range lies within [-100, 100], take the median M of the
absolute values of all its non-zero values, once there are at least four of them. A value v is
flagged when it is at least a factor of about 30 away from M (|log10(|v| / M)| >= 1.5) while
100·v or v/100 lies within a factor of about 3 of M (|log10(|100·v| / M)| < 0.5): 0.925 among
values in the nineties, or 92.5 among values below one. The declared unit decides where the
leaderboard cannot: a value above 1 of a `proportion` metric is always flagged, and, on a
leaderboard with fewer than four values, a value between 0 and 1 of a `percent` metric where
higher is better (a top score below 1% is almost always a proportion; an error rate of 0.5% is
not flagged, since lower is better there).
"""

from __future__ import annotations

import math
import re
import statistics
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from validator.checks.registry import code, repository_check
from validator.checks.schema import INVALID_VALUE, suggest
from validator.gcpause import paused_gc
from validator.load.yamlload import Doc
from validator.load.yamlload import Path as DocPath
from validator.model.inputs import PaperFile, Result, Uncertain, date_sort_key
from validator.report.problem import Problem

if TYPE_CHECKING:  # the loader imports the check modules: no import cycle at run time
    from validator.load.repository import DeclaredMetrics, Entry, Repository, ResolvedMetric

UNKNOWN_METRIC = code(
    "unknown-metric",
    "error",
    "metrics",
    "A result uses a metric name that its dataset does not declare.",
    """
    A result may only use the metric names its dataset declares in `metrics:`, by name or by
    one of its `aliases` (an alias is shown everywhere under the name it stands for). The
    message suggests the closest declared metric. If the metric is really new for this dataset,
    declare it in the dataset file in the same pull request; the catalogue `results/metrics.yaml`
    gives direction, unit and range for the common kinds.
    """,
    "# datasets/squad2.0.yaml declares EM (alias Exact Match) and F1\n"
    "    metrics: {Exact Match (dev): 85.1, F1: 88.1}",
    "    metrics: {EM: 85.1, F1: 88.1}",
)

METRIC_REPORTED_TWICE = code(
    "metric-reported-twice",
    "error",
    "metrics",
    "A result reports one metric twice, under its name and an alias.",
    """
    An alias is another name of the same metric, so `EM` and `Exact Match` in one result are two
    values for one metric. Keep one.
    """,
    "    metrics: {EM: 85.1, Exact Match: 85.1, F1: 88.1}",
    "    metrics: {EM: 85.1, F1: 88.1}",
)

VALUE_OUT_OF_RANGE = code(
    "value-out-of-range",
    "error",
    "metrics",
    "A metric value lies outside the range its dataset (or the catalogue) declares.",
    """
    `range: [low, high]` is the closed interval of valid values of a metric, declared by the
    dataset or taken from the metric's kind in `results/metrics.yaml`. A percentage above 100 or
    a correlation above 1 is a typo or a value on another scale; the hint says what the value
    would be on the declared scale when that fits.
    """,
    "# datasets/sts-benchmark.yaml: Pearson Correlation, range [-1, 1]\n"
    "    metrics: {Pearson Correlation: 92.5}",
    "    metrics: {Pearson Correlation: 0.925}",
)

VALUE_WRONG_SCALE = code(
    "value-wrong-scale",
    "warning",
    "metrics",
    "A value looks like it is on the wrong scale (a proportion among percentages, or the reverse).",
    """
    For a metric whose unit is `percent` or `proportion` (or whose range lies within
    [-100, 100]), the values of one leaderboard are compared with their median M, once the
    metric has at least four non-zero values there. A value v is flagged when it is a factor of
    about 30 or more away from M while 100·v (or v/100) is within a factor of about 3 of M: it
    was probably copied from a table on the other scale. The declared unit decides where the
    leaderboard cannot: a `proportion` above 1 is flagged, and so, on a leaderboard with fewer
    than four values, is a `percent` value below 1 where higher is better (0.925 where the unit
    is percent). A warning, since small values are sometimes real.
    """,
    "# the leaderboard's other F1 values are 88.1, 85.9, 82.1\n    metrics: {F1: 0.791}",
    "    metrics: {F1: 79.1}",
)

METRIC_WITHOUT_DIRECTION = code(
    "metric-without-direction",
    "error",
    "metrics",
    "A dataset's metric has no direction, neither in the dataset file nor in the catalogue.",
    """
    A leaderboard is ranked by its primary metric in its direction, so every metric needs
    `direction: higher` or `direction: lower`: in the dataset file, or from the kind of the same
    name (or the metric's `kind:`) in `results/metrics.yaml`. Names in the catalogue are
    matched exactly; the message suggests a catalogue kind when one is close.
    """,
    "metrics:\n  - name: Joint Goal Accuracy\n    unit: percent",
    "metrics:\n  - name: Joint Goal Accuracy\n    direction: higher\n    unit: percent",
)

UNKNOWN_METRIC_KIND = code(
    "unknown-metric-kind",
    "error",
    "metrics",
    "A dataset's metric names a `kind:` that the catalogue does not have.",
    """
    `kind:` names the kind in `results/metrics.yaml` (by name or alias) whose direction, unit
    and range the metric takes. The message suggests the closest kind.
    """,
    "metrics:\n  - name: Test perplexity\n    kind: perplexity",
    "metrics:\n  - name: Test perplexity\n    kind: Perplexity",
)

UNKNOWN_PRIMARY_METRIC = code(
    "unknown-primary-metric",
    "error",
    "metrics",
    "A dataset's `primary_metric` is not one of its metrics.",
    """
    `primary_metric` ranks the dataset's leaderboards and must be the name (or an alias) of one
    of the metrics the dataset declares. Leave it out to rank by the first metric.
    """,
    "metrics:\n  - name: EM\n  - name: F1\nprimary_metric: F1 score",
    "metrics:\n  - name: EM\n  - name: F1\nprimary_metric: F1",
)

METRIC_NAME_COLLISION = code(
    "metric-name-collision",
    "error",
    "metrics",
    "Two metrics (or metric kinds) share a name or alias, ignoring case.",
    """
    Within one dataset, every metric name and alias must stand for one metric; in
    `results/metrics.yaml`, every kind name and alias for one kind. Names are compared
    case-insensitively, since `F1` and `f1` on one leaderboard would be read as one metric.
    The problem sits at the second use of the name.
    """,
    "metrics:\n  - name: Accuracy\n    aliases: [Acc]\n  - name: Balanced Accuracy\n    aliases: [acc]",
    "metrics:\n  - name: Accuracy\n    aliases: [Acc]\n  - name: Balanced Accuracy\n    aliases: [BAcc]",
)


# --------------------------------------------------------------------------------------------
# The shared index


def number(value: float | Uncertain) -> float:
    """The number of a metric value (the value itself of `{value, error}`)."""
    return value.value if isinstance(value, Uncertain) else float(value)


def same_value(a: float | Uncertain, b: float | Uncertain) -> bool:
    ea = a.error if isinstance(a, Uncertain) else None
    eb = b.error if isinstance(b, Uncertain) else None
    return number(a) == number(b) and ea == eb


def model_key(name: str) -> str:
    """A model name compared without case and runs of white space."""
    return " ".join(name.split()).casefold()


@dataclass(slots=True)
class Row:
    """One result of one paper file, with its metric names normalised to the declared ones."""

    paper: Entry[PaperFile]
    index: int  # position in the paper's `results` list
    result: Result
    # declared name -> value; the result's own dict when it uses declared names only
    metrics: dict[str, float | Uncertain] = field(default_factory=dict)
    # declared name -> the key as written, or None when every key is written as declared
    keys: dict[str, str] | None = None
    irregular: bool = False  # some key is an alias or undeclared (check_result_metrics looks closer)
    # A row of a loaded file; a PR check's index also holds context rows of files it did not
    # load (validator/scope.py), which checks read but never report on.
    context: ClassVar[bool] = False

    @property
    def file(self) -> str:
        return self.paper.file

    @property
    def doc(self) -> Doc:
        return self.paper.doc

    @property
    def board(self) -> tuple[str, str]:
        return (self.result.task, self.result.dataset)

    @property
    def model_key(self) -> str:
        return model_key(self.result.model)

    @property
    def when(self) -> str:
        """The date the result counts from, as a sortable string (its paper's, when it has none)."""
        return date_sort_key(self.result.evaluated_on or self.paper.model.paper.published)

    def path(self, *rest: str | int) -> DocPath:
        return ("results", self.index, *rest)

    def at(self, *rest: str | int) -> tuple[int, int]:
        return self.doc.at(self.path(*rest))

    def key(self, name: str) -> str:
        """The key under which declared metric `name` is written in the file."""
        return name if self.keys is None else self.keys[name]

    def metric_path(self, name: str) -> DocPath:
        """Where the value of declared metric `name` is written (its `value:` for `{value, error}`)."""
        path = self.path("metrics", self.key(name))
        return (*path, "value") if isinstance(self.metrics[name], Uncertain) else path

    def metric_at(self, name: str) -> tuple[int, int]:
        return self.doc.at(self.metric_path(name))

    def number(self, name: str) -> float | None:
        value = self.metrics.get(name)
        return None if value is None else number(value)

    def text(self, name: str) -> str:
        """The value of `name` as written in the file (`86.820` stays `86.820`)."""
        from validator.load.repository import value_text

        value = self.metrics[name]
        path = self.path("metrics", self.key(name))
        if isinstance(value, Uncertain):
            shown = value_text(self.doc, (*path, "value"), value.value)
            return f"{shown} ± {value_text(self.doc, (*path, 'error'), value.error)}"
        return value_text(self.doc, path, value)

    def label(self) -> str:
        return f"{self.result.model!r} on {self.result.task}/{self.result.dataset}"


@dataclass(slots=True)
class Index:
    rows: list[Row]
    boards: dict[tuple[str, str], list[Row]]  # (task, dataset) -> rows, in file order


_CACHE: dict[int, tuple[weakref.ref[Repository], Index]] = {}


def results_index(repo: Repository) -> Index:
    """The index of `repo`, built on first use and kept while the repository lives."""
    key = id(repo)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is repo:
        return hit[1]
    index = _build_index(repo)
    _CACHE[key] = (weakref.ref(repo, lambda _ref, key=key: _CACHE.pop(key, None)), index)
    return index


def _build_index(repo: Repository) -> Index:
    # The build allocates a few objects per result on top of a large loaded heap; pausing the
    # cyclic garbage collector meanwhile halves its time at 50,000 results (nothing here is cyclic).
    with paused_gc():
        return _build(repo)


def _build(repo: Repository) -> Index:
    rows: list[Row] = []
    boards: dict[tuple[str, str], list[Row]] = defaultdict(list)
    canonical_names = {ds_id: {m.name for m in d.metrics} for ds_id, d in repo.declared.items()}
    for paper in sorted(repo.papers, key=lambda p: p.file):
        for i, result in enumerate(paper.model.results):
            declared = repo.declared.get(result.dataset)
            written = result.metrics
            if declared is None or canonical_names[result.dataset].issuperset(written):
                row = Row(paper, i, result, written)  # the common case, inline: the result's own dict
            else:
                row = Row(paper, i, result, *normalised(written, declared, canonical_names[result.dataset]))
            rows.append(row)
            if declared is not None:
                boards[row.board].append(row)
    # A PR check's repository holds only some paper files; the rows of the others on the
    # leaderboards its files are on come from a compact table (validator/scope.py), in file order.
    for board, context in (getattr(repo, "context", None) or {}).items():
        if board[1] in repo.declared and context:
            boards[board] = sorted([*boards.get(board, ()), *context], key=lambda r: (r.file, r.index))
    return Index(rows, dict(boards))


def normalised(
    written: dict[str, float | Uncertain], declared: DeclaredMetrics | None, canonical: set[str] | None
) -> tuple[dict[str, float | Uncertain], dict[str, str] | None, bool]:
    """A result's metrics under the names its dataset declares: (metrics, keys, irregular) of a Row."""
    if declared is None or canonical is None or canonical.issuperset(written):
        # The common case: every key is a declared name (or the dataset is unknown, and the
        # names are kept as written); share the result's dict.
        return written, None, False
    metrics: dict[str, float | Uncertain] = {}
    keys: dict[str, str] = {}
    for name, value in written.items():
        metric = declared.resolve(name)
        if metric is None:
            continue  # undeclared: reported by check_result_metrics
        if metric.name not in metrics:  # a second spelling is metric-reported-twice
            metrics[metric.name] = value
            keys[metric.name] = name
    return metrics, keys, True


def suggest_metric(word: str, candidates: Iterable[str]) -> str | None:
    """The closest metric name: by spelling (`suggest`), else the longest candidate whose words
    appear in `word` in order (`F1 score` -> `F1`, `Test Accuracy (%)` -> `Accuracy`)."""
    pool = list(candidates)
    best = suggest(word, pool)
    if best is not None:
        return best
    tokens = _TOKEN.findall(word.casefold())
    found: str | None = None
    for candidate in pool:
        words = _TOKEN.findall(candidate.casefold())
        n = len(words)
        if n and any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1)):
            if found is None or len(candidate) > len(found):
                found = candidate
    return found


_TOKEN = re.compile(r"[a-z0-9@]+")


# --------------------------------------------------------------------------------------------
# Declarations: datasets and the catalogue


@repository_check
def check_catalogue(repo: Repository) -> Iterator[Problem]:
    entry = repo.catalogue
    if entry is None:
        return
    seen: dict[str, tuple[int, str]] = {}
    for k, kind in enumerate(entry.model.metrics):
        names = [(kind.name, ("metrics", k, "name"))]
        names += [(a, ("metrics", k, "aliases", j)) for j, a in enumerate(kind.aliases)]
        for name, path in names:
            folded = name.casefold()
            first = seen.get(folded)
            if first is not None and first[0] != k:
                yield METRIC_NAME_COLLISION(
                    entry.file,
                    entry.doc.at(path),
                    f"{name!r} is already a name of the kind {first[1]!r}",
                    "give each name to one kind; remove or rename this one",
                )
            elif first is None:
                seen[folded] = (k, kind.name)
        if kind.range is not None and kind.range[0] > kind.range[1]:
            yield _bad_range(entry.file, entry.doc, ("metrics", k, "range"), kind.range)


@repository_check
def check_dataset_metrics(repo: Repository) -> Iterator[Problem]:
    kinds = repo.catalogue_kinds
    kind_names = sorted({k.name for k in kinds.values()}) + sorted(kinds)
    for ds_id, ds in sorted(repo.datasets.items()):
        declared = repo.declared.get(ds_id)
        if declared is None:
            continue
        doc = ds.doc
        seen: dict[str, tuple[int, str]] = {}
        for i, decl in enumerate(ds.model.metrics):
            names = [(decl.name, ("metrics", i, "name"))]
            names += [(a, ("metrics", i, "aliases", j)) for j, a in enumerate(decl.aliases)]
            for name, path in names:
                folded = name.casefold()
                first = seen.get(folded)
                if first is not None and first[0] != i:
                    yield METRIC_NAME_COLLISION(
                        ds.file,
                        doc.at(path),
                        f"{name!r} is already a name of the metric {first[1]!r} of dataset {ds_id}",
                        "each name and alias must stand for one metric; remove or rename this one",
                    )
                elif first is None:
                    seen[folded] = (i, decl.name)
            metric = declared.metrics[i]
            if decl.kind is not None and decl.kind not in kinds:
                best = suggest_metric(decl.kind, kind_names)
                yield UNKNOWN_METRIC_KIND(
                    ds.file,
                    doc.at(("metrics", i, "kind")),
                    f"metric {decl.name!r} names kind {decl.kind!r}, which results/metrics.yaml does not have"
                    + (f"; did you mean {best!r}?" if best else ""),
                    f"write kind: {best}" if best else "give direction (and unit, range) in the dataset file",
                )
            elif metric.direction is None:
                best = suggest_metric(decl.name, kind_names)
                yield METRIC_WITHOUT_DIRECTION(
                    ds.file,
                    doc.at(("metrics", i)),
                    f"metric {decl.name!r} has no direction, and results/metrics.yaml has no kind "
                    f"{decl.kind or decl.name!r}" + (f"; did you mean kind {best!r}?" if best else ""),
                    "add `direction: higher` or `direction: lower`"
                    + (f", or `kind: {best}` to take the catalogue's" if best else ""),
                )
            if decl.range is not None and decl.range[0] > decl.range[1]:
                yield _bad_range(ds.file, doc, ("metrics", i, "range"), decl.range)
        primary = ds.model.primary_metric
        if primary is not None and declared.resolve(primary) is None:
            names = [m.name for m in declared.metrics]
            best = suggest_metric(primary, declared.lookup)
            best_name = declared.lookup[best].name if best else None
            yield UNKNOWN_PRIMARY_METRIC(
                ds.file,
                doc.at(("primary_metric",)),
                f"primary_metric {primary!r} is not one of the metrics of dataset {ds_id} "
                f"({', '.join(names)})" + (f"; did you mean {best_name!r}?" if best_name else ""),
                f"write primary_metric: {best_name}" if best_name else "name one of the declared metrics",
            )


def _bad_range(file: str, doc: Doc, path: DocPath, rng: tuple[float, float]) -> Problem:
    return INVALID_VALUE(
        file,
        doc.at(path),
        f"range [{rng[0]:g}, {rng[1]:g}] is empty: its low end is above its high end",
        f"write range: [{rng[1]:g}, {rng[0]:g}]",
    )


# --------------------------------------------------------------------------------------------
# Results: names, ranges, scale


@repository_check
def check_result_metrics(repo: Repository) -> Iterator[Problem]:
    kinds = repo.catalogue_kinds
    index = results_index(repo)
    for row in index.rows:
        if not row.irregular:
            continue
        declared = repo.declared[row.result.dataset]
        canonical: dict[str, str] = {}
        for name in row.result.metrics:
            metric = declared.resolve(name)
            if metric is None:
                yield _unknown_metric(row, name, declared, kinds, repo)
                continue
            first = canonical.get(metric.name)
            if first is not None:
                yield METRIC_REPORTED_TWICE(
                    row.file,
                    row.at("metrics", name),
                    f"{name!r} and {first!r} are the same metric ({metric.name}) of dataset "
                    f"{row.result.dataset}; this result reports it twice",
                    f"keep one of them, written as {metric.name}",
                )
                continue
            canonical[metric.name] = name
    # Ranges and scale: one pass over each leaderboard's values of each metric.
    for (_task, ds_id), rows in sorted(index.boards.items()):
        for metric in repo.declared[ds_id].metrics:
            yield from _check_values(metric, rows)


def _unknown_metric(
    row: Row, name: str, declared: DeclaredMetrics, kinds: dict, repo: Repository
) -> Problem:
    ds_id = row.result.dataset
    best = suggest_metric(name, declared.lookup)
    best_name = declared.lookup[best].name if best else None
    message = f"metric {name!r} is not declared by dataset {ds_id}"
    if best_name:
        message += f"; did you mean {best_name!r}?"
        hint = f"write {best_name}"
    else:
        names = ", ".join(m.name for m in declared.metrics)
        message += f" (it declares {names})"
        ds_file = repo.datasets[ds_id].file if ds_id in repo.datasets else "the dataset file"
        hint = f"use a declared metric, or declare {name} in {ds_file}"
        if name in kinds:
            hint += " (`- name: " + name + "`; results/metrics.yaml gives its direction)"
    return UNKNOWN_METRIC(row.file, row.at("metrics", name), message, hint)


def _out_of_range(row: Row, metric: ResolvedMetric, value: float) -> Problem:
    low, high = metric.range or (value, value)
    shown = row.text(metric.name)
    hint = f"check the value in the paper; {metric.name} lies in [{low:g}, {high:g}]"
    for factor, scale in ((0.01, "divided by 100"), (100.0, "times 100")):
        if low <= value * factor <= high and value != 0:
            hint = f"write {_fmt(value * factor)} ({scale}) if the paper reports it on the other scale"
            break
    unit = f" {metric.unit}" if metric.unit and metric.unit != "none" else ""
    return VALUE_OUT_OF_RANGE(
        row.file,
        row.metric_at(metric.name),
        f"{metric.name} {shown} is outside its range [{low:g}, {high:g}]{unit}",
        hint,
    )


def _scale_applies(metric: ResolvedMetric) -> bool:
    if metric.unit in ("percent", "proportion"):
        return True
    return metric.range is not None and metric.range[0] >= -100 and metric.range[1] <= 100


def _check_values(metric: ResolvedMetric, rows: list[Row]) -> Iterator[Problem]:
    """Range errors, then the scale rule, for one metric on one leaderboard."""
    name = metric.name
    rng = metric.range
    scale = _scale_applies(metric)
    if rng is None and not scale:
        return  # nothing to check (a count, a perplexity)
    values: list[tuple[Row, float]] = []
    for row in rows:
        value = row.metrics.get(name)
        if value is None:
            continue
        number_ = value if type(value) is float else number(value)
        if rng is not None and not rng[0] <= number_ <= rng[1]:
            if not row.context:
                yield _out_of_range(row, metric, number_)
            continue  # an error already; not evidence for the scale rule either
        if scale and number_ != 0 and math.isfinite(number_):
            values.append((row, number_))
    median = statistics.median([abs(v) for _r, v in values]) if len(values) >= 4 else None
    for row, value in values:
        if row.context:
            continue  # evidence for the median, never reported on (its file is not checked)
        if median is not None:
            off = math.log10(abs(value) / median)
            factor = 100.0 if off < 0 else 0.01
            if abs(off) >= 1.5 and abs(math.log10(abs(value) * factor / median)) < 0.5:
                why = f"the other {name} values of {_board(row)} are around {_fmt(median)}"
                yield _wrong_scale(row, name, value * factor, why)
                continue
        if metric.unit == "proportion" and 1 < abs(value) <= 100:
            yield _wrong_scale(row, name, value / 100, "the unit of the metric is proportion (0 to 1)")
        elif median is None and metric.unit == "percent" and metric.direction == "higher" and abs(value) < 1:
            yield _wrong_scale(row, name, value * 100, "the unit of the metric is percent (0 to 100)")


def _board(row: Row) -> str:
    return f"{row.result.task}/{row.result.dataset}"


def _wrong_scale(row: Row, name: str, fixed: float, why: str) -> Problem:
    return VALUE_WRONG_SCALE(
        row.file,
        row.metric_at(name),
        f"{name} {row.text(name)} looks like the wrong scale: {why}",
        f"write {_fmt(fixed)} if the paper's table uses the other scale",
    )


def _fmt(value: float) -> str:
    """A computed number, short: 92.5, 0.925, 79.1."""
    return f"{round(value, 6):g}" if abs(value) < 1e6 else f"{value:.6g}"
