"""Family 4, declared metrics: names and aliases, directions, kinds, primary metric, collisions,
ranges and scale; and the shipped results/ with the shipped catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATASET, PAPER_PATH, REPO_ROOT, problems_of, where

from validator import pipeline
from validator.checks.metrics import results_index
from validator.load.repository import load_repository

P = PAPER_PATH
D = "results/datasets/squad2.0.yaml"
CATALOGUE = "results/metrics.yaml"
HEAD = "id: squad2.0\nname: S\ntasks: [question-answering]\nmetrics:\n"  # a dataset file up to its metrics


def paper(*results: str, arxiv: str = "1909.11942", published: str = "2019-09-26") -> str:
    """A paper file; each result is 4 lines, the first starting at line 6 (metrics at line 9)."""
    head = f'paper:\n  title: T\n  published: {published}\n  arxiv: "{arxiv}"\nresults:\n'
    return head + "".join(results)


def result(metrics: str, model: str = "A", dataset: str = "squad2.0", task: str = "question-answering") -> str:
    return f"  - task: {task}\n    dataset: {dataset}\n    model: {model}\n    metrics: {metrics}\n"


def codes(problems) -> set[str]:
    return {p.code for p in problems}


def test_declared_name_and_alias_are_accepted_and_alias_is_normalised(check_repo, tmp_path):
    problems = check_repo({P: paper(result("{Exact Match: 85.1, F1: 88.1}"))})
    assert problems == []
    row = results_index(load_repository(tmp_path)).rows[0]
    assert row.metrics == {"EM": 85.1, "F1": 88.1}
    assert row.keys == {"EM": "Exact Match", "F1": "F1"}


def test_unknown_metric_with_did_you_mean_to_the_declared_name(check_repo):
    problems = check_repo({P: paper(result("{Exact Match (dev): 85.1, F1: 88.1}"))})
    assert where(problems, "unknown-metric") == [(P, 9, "error")]
    p = next(p for p in problems if p.code == "unknown-metric")
    assert p.message == "metric 'Exact Match (dev)' is not declared by dataset squad2.0; did you mean 'EM'?"
    assert p.hint == "write EM"


def test_unknown_metric_without_suggestion_lists_the_declared_ones(check_repo):
    problems = check_repo({P: paper(result("{BLEU: 30.1}"))})
    p = next(p for p in problems if p.code == "unknown-metric")
    assert (p.file, p.line, p.severity) == (P, 9, "error")
    assert "(it declares EM, F1)" in p.message and "declare BLEU in results/datasets/squad2.0.yaml" in (p.hint or "")


def test_metric_reported_twice_under_name_and_alias(check_repo):
    text = paper("  - task: question-answering\n    dataset: squad2.0\n    model: A\n"
                 "    metrics:\n      EM: 85.1\n      Exact Match: 85.1\n")
    assert where(check_repo({P: text}), "metric-reported-twice") == [(P, 11, "error")]


def test_value_out_of_range_at_the_value_line(check_repo):
    text = paper(result("{EM: 85.1, F1: 88.1}"), "  - task: question-answering\n    dataset: squad2.0\n"
                 "    model: B\n    metrics:\n      EM: 80\n      F1: 188.1\n")
    problems = check_repo({P: text})
    assert where(problems, "value-out-of-range") == [(P, 15, "error")]
    p = next(p for p in problems if p.code == "value-out-of-range")
    assert p.message == "F1 188.1 is outside its range [0, 100] percent"


def test_out_of_range_uncertain_value_points_at_value_and_hints_the_scale(check_repo):
    ds = DATASET.replace("range: [0, 100]", "range: [0, 1]").replace("unit: percent", "unit: proportion")
    text = paper("  - task: question-answering\n    dataset: squad2.0\n    model: A\n"
                 "    metrics:\n      EM:\n        value: 84.28\n        error: 0.14\n")
    problems = check_repo({D: ds, P: text})
    assert where(problems, "value-out-of-range") == [(P, 11, "error")]
    p = next(p for p in problems if p.code == "value-out-of-range")
    assert "EM 84.28 ± 0.14" in p.message and p.hint is not None and p.hint.startswith("write 0.8428")


def _board(values: list[str], metric: str = "F1") -> str:
    return paper(*(result(f"{{{metric}: {v}}}", model=f"M{i}") for i, v in enumerate(values)))


def test_wrong_scale_is_a_warning_with_a_hint(check_repo):
    problems = check_repo({P: _board(["88.1", "85.9", "82.1", "0.791"])})
    assert where(problems, "value-wrong-scale") == [(P, 21, "warning")]
    p = next(p for p in problems if p.code == "value-wrong-scale")
    assert p.hint == "write 79.1 if the paper's table uses the other scale"
    assert not [x for x in problems if x.severity == "error"]


def test_percent_among_proportions_is_flagged_too(check_repo):
    ds = DATASET.replace("range: [0, 100]", "range: [-100, 100]").replace("unit: percent", "unit: none")
    problems = check_repo({D: ds, P: _board(["0.881", "92.5", "0.859", "0.821", "0.83"])})
    assert where(problems, "value-wrong-scale") == [(P, 13, "warning")]
    assert next(p for p in problems if p.code == "value-wrong-scale").hint.startswith("write 0.925")


def test_scale_needs_four_values_and_leaves_consistent_boards_alone(check_repo, tmp_path):
    unitless = DATASET.replace("unit: percent", "unit: none")  # range [0, 100]: only the board can tell
    assert where(check_repo({D: unitless, P: _board(["88.1", "85.9", "0.791"])}), "value-wrong-scale") == []
    # four proportions where the unit says percent: the leaderboard's own evidence wins
    assert where(check_repo({P: _board(["0.881", "0.859", "0.821", "0.791"])}), "value-wrong-scale") == []
    # a genuinely small value that is not a factor of 100 off is not flagged
    assert where(check_repo({P: _board(["88.1", "85.9", "82.1", "12.5"])}), "value-wrong-scale") == []


def test_scale_does_not_apply_to_unbounded_metrics(check_repo):
    ds = DATASET.replace("    unit: percent\n    range: [0, 100]\n  - name: F1", "    unit: count\n  - name: F1")
    problems = check_repo({D: ds, P: _board(["5000000", "4500000", "4800000", "50000"], metric="EM")})
    assert where(problems, "value-wrong-scale") == []


def test_metric_without_direction(check_repo):
    ds = HEAD + "  - name: EM\n  - name: Joint Goal\n    unit: percent\n"
    problems = check_repo({D: ds})
    assert where(problems, "metric-without-direction") == [(D, 5, "error"), (D, 6, "error")]


def test_catalogue_gives_direction_unit_and_range(check_repo, tmp_path):
    catalogue = (
        "metrics:\n  - name: EM\n    aliases: [Exact Match]\n    direction: higher\n    unit: percent\n"
        "    range: [0, 100]\n"
    )
    ds = HEAD + "  - name: EM\n  - name: Test EM\n    kind: Exact Match\n"
    problems = check_repo({CATALOGUE: catalogue, D: ds, P: paper(result("{EM: 85.1, Test EM: 101}"))})
    assert where(problems, "metric-without-direction") == []
    assert where(problems, "value-out-of-range") == [(P, 9, "error")]
    declared = load_repository(tmp_path).declared["squad2.0"]
    assert [(m.name, m.direction, m.unit) for m in declared.metrics] == [
        ("EM", "higher", "percent"),
        ("Test EM", "higher", "percent"),
    ]


def test_unknown_metric_kind(check_repo):
    catalogue = "metrics:\n  - name: Perplexity\n    direction: lower\n"
    ds = HEAD + "  - name: Test PPL\n    kind: perplexity\n"
    problems = check_repo({CATALOGUE: catalogue, D: ds, P: paper(result("{Test PPL: 30}"))})
    assert where(problems, "unknown-metric-kind") == [(D, 6, "error")]
    assert where(problems, "metric-without-direction") == []  # one problem, not two
    assert "did you mean 'Perplexity'?" in next(p.message for p in problems if p.code == "unknown-metric-kind")


def test_unknown_primary_metric(check_repo):
    problems = check_repo({D: DATASET.replace("primary_metric: F1", "primary_metric: F1 score")})
    assert where(problems, "unknown-primary-metric") == [(D, 14, "error")]
    assert "did you mean 'F1'?" in next(p.message for p in problems if p.code == "unknown-primary-metric")


def test_primary_metric_may_be_an_alias(check_repo):
    assert check_repo({D: DATASET.replace("primary_metric: F1", "primary_metric: Exact Match")}) == []


def test_metric_name_collision_in_a_dataset(check_repo):
    ds = DATASET.replace("  - name: F1\n", "  - name: F1\n    aliases: [exact match]\n")
    assert where(check_repo({D: ds}), "metric-name-collision") == [(D, 11, "error")]
    ds = DATASET.replace("  - name: F1\n", "  - name: em\n")
    assert where(check_repo({D: ds}), "metric-name-collision") == [(D, 10, "error")]


def test_metric_name_collision_in_the_catalogue(check_repo):
    catalogue = (
        "metrics:\n  - name: mAP\n    aliases: [MAP]\n    direction: higher\n"
        "  - name: AP\n    aliases: [map]\n    direction: higher\n"
    )
    assert where(check_repo({CATALOGUE: catalogue}), "metric-name-collision") == [(CATALOGUE, 6, "error")]


def test_empty_range_is_an_invalid_value(check_repo):
    ds = DATASET.replace("    range: [0, 100]\n  - name: F1", "    range: [100, 0]\n  - name: F1")
    assert where(check_repo({D: ds}), "invalid-value") == [(D, 9, "error")]


def test_shipped_catalogue_loads_cleanly_and_covers_the_common_kinds(tmp_path):
    text = (REPO_ROOT / CATALOGUE).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/metrics.schema.json\n")
    root = tmp_path / "repo"
    (root / "results").mkdir(parents=True)
    shutil.copy(REPO_ROOT / CATALOGUE, root / CATALOGUE)
    repo = load_repository(root)
    assert pipeline.check(repo) == []
    kinds = repo.catalogue_kinds
    for name in ("Accuracy", "Error", "Top-1 Accuracy", "Top-5 Accuracy", "Precision", "Recall", "F1", "EM",
                 "BLEU", "ROUGE-1", "ROUGE-2", "ROUGE-L", "METEOR", "Perplexity", "BPC", "MAE", "MSE", "RMSE",
                 "mAP", "AP50", "IoU", "mIoU", "AUC", "ROC-AUC", "FID", "Inception Score", "PSNR", "SSIM",
                 "WER", "CER", "Parameters", "FLOPs", "Latency", "Hits@1", "Hits@10", "MRR",
                 "Pearson Correlation", "Spearman Correlation", "pass@1"):
        assert name in kinds, name
    assert kinds["FID"].direction == "lower" and kinds["Number of params"].name == "Parameters"


def test_shipped_results_have_no_errors():
    problems = problems_of(Path(REPO_ROOT))
    errors = [p for p in problems if p.severity == "error"]
    assert errors == []


def test_declared_unit_decides_when_the_board_cannot(check_repo):
    # 0.925 where the unit is percent, alone on its leaderboard
    problems = check_repo({P: _board(["0.925"])})
    assert where(problems, "value-wrong-scale") == [(P, 9, "warning")]
    assert next(p for p in problems if p.code == "value-wrong-scale").hint.startswith("write 92.5 ")
    # an error rate below 1% is real (lower is better)
    ds = DATASET.replace("direction: higher\n    unit: percent\n    range: [0, 100]\nprimary", "direction: lower\n"
                         "    unit: percent\n    range: [0, 100]\nprimary")
    assert where(check_repo({D: ds, P: _board(["0.21"])}), "value-wrong-scale") == []
    # a proportion above 1 (the range, here from no declaration, does not catch it)
    ds = DATASET.replace("    unit: percent\n    range: [0, 100]\nprimary", "    unit: proportion\nprimary")
    problems = check_repo({D: ds, P: _board(["0.881", "0.859", "0.821", "0.83", "79.1"])})
    assert where(problems, "value-wrong-scale") == [(P, 25, "warning")]


def test_an_alias_is_published_under_the_declared_name(tmp_path):
    import json

    from conftest import write_repo

    from validator.cli import main

    write_repo(tmp_path, {P: paper(result("{Exact Match: 80.50, F1: 85.25}"))})
    out = tmp_path / "out"
    assert main(["build", "--root", str(tmp_path), "--out", str(out)]) == 0
    board = json.loads((out / "api/v1/leaderboards/question-answering/squad2.0.json").read_text(encoding="utf-8"))
    assert board["rows"][0]["metrics"] == {"EM": 80.5, "F1": 85.25}
    archive = (out / "api/v1/evaluation-tables.json").read_text(encoding="utf-8")
    assert '"EM": "80.50"' in archive.replace('":"', '": "') and "Exact Match" not in archive
