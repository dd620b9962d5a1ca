"""Families 4 and 6 never raise, whatever numbers the results hold (infinities, NaN, zeros,
negative, huge, tiny), on one leaderboard with constraints and a history."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

from conftest import DATASET, problems_of, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SQUAD = DATASET + "constraints:\n  - less_or_equal: [EM, F1]\n"
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 0.925, 92.5, 100.0, 1e-300, 1e300]),
    st.integers(min_value=-(10**6), max_value=10**6).map(float),
)


def yaml_number(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return f"{value:.6e}"  # always a YAML float (a dot and a signed exponent)


rows = st.lists(
    st.tuples(st.sampled_from(["A", "B", "a", "C"]), st.one_of(st.none(), numbers), st.one_of(st.none(), numbers),
              st.sampled_from([None, "2017", "2019-09", "2020-01-02"])),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_any_numbers_give_problems_not_tracebacks(results):
    text = 'paper:\n  title: T\n  published: 2019-09-26\n  arxiv: "1909.11942"\nresults:\n'
    for model, em, f1, date in results:
        metrics = {k: yaml_number(v) for k, v in (("EM", em), ("F1", f1)) if v is not None} or {"EM": "1.0"}
        text += "  - task: question-answering\n    dataset: squad2.0\n    model: " + model + "\n"
        text += "    metrics: {" + ", ".join(f"{k}: {v}" for k, v in metrics.items()) + "}\n"
        if date:
            text += f"    evaluated_on: {date}\n"
    root = Path(tempfile.mkdtemp(prefix="pwc-fuzz-"))
    try:
        write_repo(root, {"results/datasets/squad2.0.yaml": SQUAD, "results/papers/2019/x.yaml": text})
        for p in problems_of(root):
            assert p.line is not None and p.severity in ("error", "warning")
    finally:
        shutil.rmtree(root)
