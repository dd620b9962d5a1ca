"""Direction and unit of an archive column: from the repository's metric catalogue, else from a
small built-in table, else a guess that the import report lists for a maintainer to confirm."""

from __future__ import annotations

import re
from dataclasses import dataclass

from validator.model.inputs import MetricKind

# (pattern on the lowercased column name, direction, unit). Order matters: first match wins.
# Units "score" mean: percent or proportion, decided from the values.
BUILTIN: tuple[tuple[str, str, str], ...] = (
    (r"\b(number of |num\.? |#\s*)?param(eter)?s?\b|^#?params$", "lower", "count"),
    (r"perplexity|\bppl\b", "lower", "none"),
    (r"\bbpc\b|bits? per (char|byte)|\bbpb\b", "lower", "none"),
    (r"\b(error|err|wer|cer|ter|loss|cross[- ]entropy|mae|mse|rmse|fid|latency|time)\b", "lower", "none"),
    (r"^vi$|variation of information", "lower", "none"),
    (r"\b(accuracy|acc|top[- ]?\d+)\b", "higher", "score"),
    (r"\b(f1|f-1|f-score|f0\.5|f1-score|fscore|f-measure|macro-f1|micro-f1)\b", "higher", "score"),
    (r"\b(precision|recall|em|exact match|map|mrr|auc|roc-auc|ap|hits@\d+|p@\d+%?|r@\d+|r_\d+@\d+)\b",
     "higher", "score"),
    (r"\b(bleu|rouge|rouge-\d|rouge-l|meteor|cider|gleu|smatch|las|uas|spice|chrf)\b", "higher", "score"),
    (r"\b(spearman|pearson|correlation|kappa)\b", "higher", "none"),
)
_SPLIT_WORDS = re.compile(r"^(test|validation|valid|val|dev|train)\s+|\s*\((test|dev|validation|val)\)$", re.I)


@dataclass(frozen=True, slots=True)
class Decision:
    """How a column is declared: direction, unit, optional range, and where that came from."""

    direction: str
    unit: str
    range: tuple[float, float] | None
    source: str  # "catalogue" | "built-in" | "guess"
    kind: str | None = None  # the catalogue or built-in kind matched


def _catalogue_lookup(name: str, kinds: dict[str, MetricKind]) -> MetricKind | None:
    if name in kinds:
        return kinds[name]
    lowered = {k.lower(): v for k, v in kinds.items()}
    if name.lower() in lowered:
        return lowered[name.lower()]
    stripped = _SPLIT_WORDS.sub("", name).strip()
    if stripped and stripped != name:
        return _catalogue_lookup(stripped, kinds)
    return None


def decide(name: str, values: list[float], kinds: dict[str, MetricKind], lower_hint: bool = False) -> Decision:
    """The declaration of column `name` given the numbers found in it. `lower_hint`: the dataset's
    description says "lower is better", which decides a column no rule knows."""
    kind = _catalogue_lookup(name, kinds)
    if kind is not None:
        unit, rng = kind.unit, kind.range
        # A score on a 0-100 scale in the catalogue may be on 0-1 in this table (OGB): the values
        # decide, and the range follows the scale. A kind without a unit leaves the scale to us.
        # Only for higher-is-better scores: an error rate of 0.64 is as likely 0.64 % as 64 %.
        if kind.direction == "higher" and (
            unit in ("percent", "proportion") or (unit is None and rng is not None and rng[1] == 100)
        ):
            unit = _score_unit(values)
            if rng is None or rng[1] in (1, 100):
                lo = rng[0] if rng is not None else 0.0
                lo = lo / 100 if lo < 0 and unit == "proportion" and rng is not None and rng[1] == 100 else lo
                lo = lo * 100 if lo < 0 and unit == "percent" and rng is not None and rng[1] == 1 else lo
                rng = (lo, 1.0) if unit == "proportion" else (lo, 100.0)
        return Decision(kind.direction, unit or "none", rng, "catalogue", kind.name)
    lowered = name.lower()
    for pattern, direction, unit in BUILTIN:
        if re.search(pattern, lowered):
            if unit == "score":
                unit = _score_unit(values) if direction == "higher" else "percent"
            return Decision(direction, unit, None, "built-in", pattern)
    return Decision("lower" if lower_hint else "higher", "none", None, "guess")


def _score_unit(values: list[float]) -> str:
    return "proportion" if values and max(abs(v) for v in values) <= 1.0 else "percent"


def is_count(name: str) -> bool:
    """A column that is not a score (a parameter count): never the primary metric."""
    return bool(re.search(BUILTIN[0][0], name.lower()))
