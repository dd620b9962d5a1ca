"""Family 4, constraints between metrics of one result: less_or_equal, f1_of, undeclared names,
and the constraint-kind registry."""

from __future__ import annotations

from conftest import DATASET, PAPER_PATH, where

from validator.checks.constraints import KINDS, F1OfKind, LessOrEqualKind
from validator.model.inputs import F1Of, LessOrEqual

P = PAPER_PATH
D = "results/datasets/squad2.0.yaml"
PC = "results/datasets/photochat.yaml"
T = "results/tasks/intent-recognition.yaml"

SQUAD = DATASET + "constraints:\n  - less_or_equal: [EM, F1]\n"  # the constraint is at line 16

PHOTOCHAT = """\
id: photochat
name: PhotoChat
tasks: [intent-recognition]
metrics:
  - name: F1
    direction: higher
    unit: percent
    range: [0, 100]
  - name: Precision
    aliases: [P]
    direction: higher
    unit: percent
    range: [0, 100]
  - name: Recall
    direction: higher
    unit: percent
    range: [0, 100]
primary_metric: F1
constraints:
  - f1_of: {precision: Precision, recall: Recall, f1: F1, tolerance: 0.1}
"""

INTENT = "id: intent-recognition\nname: Intent Recognition\narea: Natural Language Processing\n"


def paper(*results: str) -> str:
    return 'paper:\n  title: T\n  published: 2019-09-26\n  arxiv: "1909.11942"\nresults:\n' + "".join(results)


def squad(metrics: str, model: str = "A") -> str:
    return f"  - task: question-answering\n    dataset: squad2.0\n    model: {model}\n    metrics:\n{metrics}"


def photochat(metrics: str) -> str:
    return f"  - task: intent-recognition\n    dataset: photochat\n    model: ALBERT-base\n    metrics:\n{metrics}"


def test_less_or_equal_holds(check_repo):
    assert check_repo({D: SQUAD, P: paper(squad("      EM: 88.107\n      F1: 90.902\n"))}) == []


def test_less_or_equal_violated_at_the_first_metric_named(check_repo):
    # F1 comes first in the file; the problem still sits at EM, the first metric of the constraint.
    problems = check_repo({D: SQUAD, P: paper(squad("      F1: 88.107\n      EM: 90.902\n"))})
    assert where(problems, "less-or-equal-violated") == [(P, 11, "error")]
    p = next(p for p in problems if p.code == "less-or-equal-violated")
    assert p.message == "A: EM 90.902 is greater than F1 88.107; the dataset requires EM <= F1"


def test_less_or_equal_applies_only_when_both_are_reported(check_repo):
    assert check_repo({D: SQUAD, P: paper(squad("      EM: 95\n"))}) == []


def test_constraint_through_an_alias_and_an_uncertain_value(check_repo):
    ds = SQUAD.replace("less_or_equal: [EM, F1]", "less_or_equal: [Exact Match, F1]")
    text = paper(squad("      Exact Match:\n        value: 91\n        error: 0.5\n      F1: 90\n"))
    assert where(check_repo({D: ds, P: text}), "less-or-equal-violated") == [(P, 11, "error")]


def test_photochat_row_of_the_seed_is_consistent(check_repo):
    text = paper(photochat("      F1: 52.2\n      Precision: 44.8\n      Recall: 62.7\n"))
    assert check_repo({T: INTENT, PC: PHOTOCHAT, P: text}) == []


def test_f1_not_harmonic_mean_at_the_f1_line(check_repo):
    text = paper(photochat("      Precision: 44.8\n      Recall: 62.7\n      F1: 55.2\n"))
    problems = check_repo({T: INTENT, PC: PHOTOCHAT, P: text})
    assert where(problems, "f1-not-harmonic-mean") == [(P, 12, "error")]
    p = next(p for p in problems if p.code == "f1-not-harmonic-mean")
    assert "2PR/(P+R) = 52.26" in p.message and p.hint.endswith("about 52.26")


def test_f1_tolerance_is_honoured(check_repo):
    loose = PHOTOCHAT.replace("tolerance: 0.1", "tolerance: 3")
    text = paper(photochat("      F1: 55.2\n      P: 44.8\n      Recall: 62.7\n"))
    assert check_repo({T: INTENT, PC: loose, P: text}) == []


def test_constraint_naming_an_undeclared_metric(check_repo):
    ds = SQUAD.replace("less_or_equal: [EM, F1]", "less_or_equal: [EM, F1 score]")
    problems = check_repo({D: ds, P: paper(squad("      EM: 95\n      F1: 90\n"))})
    assert where(problems, "constraint-unknown-metric") == [(D, 16, "error")]
    assert "did you mean 'F1'?" in next(p.message for p in problems if p.code == "constraint-unknown-metric")
    assert where(problems, "less-or-equal-violated") == []  # an undeclared constraint is not applied


def test_f1_of_naming_an_undeclared_metric_points_at_that_field(check_repo):
    ds = PHOTOCHAT.replace(
        "  - f1_of: {precision: Precision, recall: Recall, f1: F1, tolerance: 0.1}\n",
        "  - f1_of:\n      precision: Precision\n      recall: Recal\n      f1: F1\n",
    )
    assert where(check_repo({T: INTENT, PC: ds}), "constraint-unknown-metric") == [(PC, 22, "error")]


def test_constraint_kinds_are_a_registry_keyed_by_model():
    assert isinstance(KINDS[LessOrEqual], LessOrEqualKind)
    assert isinstance(KINDS[F1Of], F1OfKind)
    spec = F1Of.model_validate({"f1_of": {"precision": "P", "recall": "R", "f1": "F"}})
    values = {"P": 44.8, "R": 62.7, "F": 52.2}
    assert KINDS[F1Of].violation(spec, values.get, str) is None
    assert KINDS[F1Of].violation(spec, {**values, "F": 50.0}.get, str) is not None
    assert KINDS[F1Of].violation(spec, {"P": 0.0, "R": 0.0, "F": 0.0}.get, str) is None
