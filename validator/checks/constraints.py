"""Family 4, constraints between the metrics of one result, as a small registry of constraint kinds.

A dataset's `constraints:` list relates its metrics (`less_or_equal: [EM, F1]`,
`f1_of: {precision, recall, f1, tolerance}`). Each kind is one class registered with
`@constraint_kind`: the pydantic model it reads, its problem code, the metric names it uses,
the metric whose line a violation is placed at, and the test itself. A new kind is one model in
`validator/model/inputs.py` and one class here; nothing else changes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from validator.checks.metrics import Row, results_index, suggest_metric
from validator.checks.registry import Code, code, repository_check
from validator.model.inputs import F1Of, LessOrEqual
from validator.report.problem import Problem

if TYPE_CHECKING:  # the loader imports the check modules: no import cycle at run time
    from validator.load.repository import Repository

CONSTRAINT_UNKNOWN_METRIC = code(
    "constraint-unknown-metric",
    "error",
    "metrics",
    "A dataset's constraint names a metric that the dataset does not declare.",
    """
    A constraint may only relate metrics its dataset declares (by name or alias). The message
    suggests the closest declared metric.
    """,
    "metrics:\n  - name: EM\n  - name: F1\nconstraints:\n  - less_or_equal: [EM, F1 score]",
    "metrics:\n  - name: EM\n  - name: F1\nconstraints:\n  - less_or_equal: [EM, F1]",
)

Value = Callable[[str], float | None]  # a declared metric's number in the result, or None


class ConstraintKind(ABC):
    """One kind of constraint: subclass, set the class attributes, register with @constraint_kind."""

    key: ClassVar[str]  # the YAML key: `less_or_equal`
    model: ClassVar[type[BaseModel]]  # the pydantic model of one constraint of this kind
    problem: ClassVar[Code]  # the code a violation is reported with

    @abstractmethod
    def names(self, spec: Any) -> list[tuple[str, tuple[str | int, ...]]]:
        """The metric names the constraint uses, each with its path under the constraint's key."""

    @abstractmethod
    def anchor(self, spec: Any) -> str:
        """The metric (as named in the constraint) at whose line a violation is reported."""

    @abstractmethod
    def violation(self, spec: Any, value: Value, text: Callable[[str], str]) -> tuple[str, str] | None:
        """(message, hint) when a result that reports every metric used breaks the constraint."""


KINDS: dict[type[BaseModel], ConstraintKind] = {}


def constraint_kind(cls: type[ConstraintKind]) -> type[ConstraintKind]:
    """Register a constraint kind (keyed by the model pydantic parses it into)."""
    KINDS[cls.model] = cls()
    return cls


LESS_OR_EQUAL_VIOLATED = code(
    "less-or-equal-violated",
    "error",
    "metrics",
    "A result breaks its dataset's `less_or_equal` constraint (EM above F1, say).",
    """
    `less_or_equal: [A, B]` says that A <= B in every result that reports both, such as exact
    match and F1 (an exact match is also a full F1 match) or Hits@1 and Hits@10. A result with
    A > B has its values swapped or mistyped. The problem sits at the line of A.
    """,
    "# datasets/squad2.0.yaml: constraints: [{less_or_equal: [EM, F1]}]\n    metrics: {EM: 90.902, F1: 88.107}",
    "    metrics: {EM: 88.107, F1: 90.902}",
)


@constraint_kind
class LessOrEqualKind(ConstraintKind):
    key = "less_or_equal"
    model = LessOrEqual
    problem = LESS_OR_EQUAL_VIOLATED

    def names(self, spec: LessOrEqual) -> list[tuple[str, tuple[str | int, ...]]]:
        return [(name, (i,)) for i, name in enumerate(spec.less_or_equal)]

    def anchor(self, spec: LessOrEqual) -> str:
        return spec.less_or_equal[0]

    def violation(self, spec: LessOrEqual, value: Value, text: Callable[[str], str]) -> tuple[str, str] | None:
        low, high = spec.less_or_equal
        a, b = value(low), value(high)
        if a is None or b is None or a <= b:
            return None
        return (
            f"{low} {text(low)} is greater than {high} {text(high)}; the dataset requires {low} <= {high}",
            f"check both values in the paper; {low} cannot exceed {high}",
        )


F1_NOT_HARMONIC_MEAN = code(
    "f1-not-harmonic-mean",
    "error",
    "metrics",
    "A result's F1 is not the harmonic mean of its precision and recall (`f1_of`).",
    """
    `f1_of: {precision: P, recall: R, f1: F1, tolerance: t}` says that F1 = 2PR / (P + R)
    within t (in the metric's own unit; default 0.1) in every result that reports all three.
    A larger difference means one of the three values is mistyped or belongs to another row.
    The problem sits at the line of the F1 value.
    """,
    "    metrics: {F1: 55.2, Precision: 44.8, Recall: 62.7}   # 2PR/(P+R) = 52.26",
    "    metrics: {F1: 52.2, Precision: 44.8, Recall: 62.7}",
)


@constraint_kind
class F1OfKind(ConstraintKind):
    key = "f1_of"
    model = F1Of
    problem = F1_NOT_HARMONIC_MEAN

    def names(self, spec: F1Of) -> list[tuple[str, tuple[str | int, ...]]]:
        f = spec.f1_of
        return [(f.precision, ("precision",)), (f.recall, ("recall",)), (f.f1, ("f1",))]

    def anchor(self, spec: F1Of) -> str:
        return spec.f1_of.f1

    def violation(self, spec: F1Of, value: Value, text: Callable[[str], str]) -> tuple[str, str] | None:
        f = spec.f1_of
        p, r, f1 = value(f.precision), value(f.recall), value(f.f1)
        if p is None or r is None or f1 is None:
            return None
        mean = 0.0 if p + r == 0 else 2 * p * r / (p + r)
        # A small epsilon so that a difference of exactly the tolerance passes despite rounding.
        if abs(f1 - mean) <= f.tolerance + 1e-9:
            return None
        return (
            f"{f.f1} {text(f.f1)} is not the harmonic mean of {f.precision} {text(f.precision)} and "
            f"{f.recall} {text(f.recall)}: 2PR/(P+R) = {mean:.2f}, more than {f.tolerance:g} away",
            f"check the three values in the paper; {f.f1} should be about {mean:.2f}",
        )


@repository_check
def check_constraint_declarations(repo: Repository) -> Iterator[Problem]:
    for ds_id, ds in sorted(repo.datasets.items()):
        declared = repo.declared.get(ds_id)
        if declared is None:
            continue
        for j, spec in enumerate(ds.model.constraints):
            kind = KINDS.get(type(spec))
            if kind is None:
                continue
            for name, sub in kind.names(spec):
                if declared.resolve(name) is not None:
                    continue
                best = suggest_metric(name, declared.lookup)
                best_name = declared.lookup[best].name if best else None
                yield CONSTRAINT_UNKNOWN_METRIC(
                    ds.file,
                    ds.doc.at(("constraints", j, kind.key, *sub)),
                    f"the {kind.key} constraint names metric {name!r}, which dataset {ds_id} does not declare"
                    + (f"; did you mean {best_name!r}?" if best_name else ""),
                    f"write {best_name}" if best_name else "declare the metric, or remove the constraint",
                )


@repository_check
def check_constraints(repo: Repository) -> Iterator[Problem]:
    # Resolve each dataset's constraints once: (kind, spec, {name as written -> declared name}).
    prepared: dict[str, list[tuple[ConstraintKind, Any, dict[str, str], frozenset[str]]]] = {}
    for ds_id, ds in repo.datasets.items():
        declared = repo.declared.get(ds_id)
        if declared is None or not ds.model.constraints:
            continue
        items = []
        for spec in ds.model.constraints:
            kind = KINDS.get(type(spec))
            if kind is None:
                continue
            names = {name: declared.resolve(name) for name, _sub in kind.names(spec)}
            if any(m is None for m in names.values()):
                continue  # reported by check_constraint_declarations
            resolved = {n: m.name for n, m in names.items() if m is not None}
            items.append((kind, spec, resolved, frozenset(resolved.values())))
        if items:
            prepared[ds_id] = items
    if not prepared:
        return
    for row in results_index(repo).rows:
        items = prepared.get(row.result.dataset)
        if not items:
            continue
        reported = row.metrics.keys()
        for kind, spec, names, needed in items:
            if not reported >= needed:
                continue  # a constraint applies only to results that report every metric it names
            found = kind.violation(spec, _values(row, names), _texts(row, names))
            if found is None:
                continue
            message, hint = found
            anchor = names[kind.anchor(spec)]
            yield kind.problem(row.file, row.metric_at(anchor), f"{row.result.model}: {message}", hint)


def _values(row: Row, names: dict[str, str]) -> Value:
    return lambda name: row.number(names[name])


def _texts(row: Row, names: dict[str, str]) -> Callable[[str], str]:
    return lambda name: row.text(names[name])
