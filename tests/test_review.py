"""Family 6, review signals: unusual first places, results dated before their paper, and (with
--changed-since, against a real git repository) changed values and removed results."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import PAPER_PATH, where, write_repo

from validator.cli import main

P = PAPER_PATH
P2 = "results/papers/2018/bert.yaml"


def paper(*results: str, published: str = "2018-01-15", arxiv: str = "1909.11942") -> str:
    return f'paper:\n  title: T\n  published: {published}\n  arxiv: "{arxiv}"\nresults:\n' + "".join(results)


def row(model: str, metrics: str, evaluated_on: str | None = None, dataset: str = "squad2.0") -> str:
    text = f"  - task: question-answering\n    dataset: {dataset}\n    model: {model}\n    metrics: {metrics}\n"
    return text + (f"    evaluated_on: {evaluated_on}\n" if evaluated_on else "")


HISTORY = [
    row("M1", "{F1: 85.0}", "2018-02"),
    row("M2", "{F1: 86.1}", "2018-06-01"),
    row("M3", "{F1: 84.0}", "2018-08-01"),
    row("M4", "{F1: 86.9}", "2019-01-01"),
]  # five lines each: results start at lines 6, 11, 16, 21; the next one's metrics at line 29

H = "results/papers/2018/history.yaml"  # the leaderboard's history, one paper
N = "results/papers/2019/new.yaml"  # a new paper: its first result's metrics are at line 9


def board(*new: str) -> dict[str, str | None]:
    return {P: None, H: paper(*HISTORY), N: paper(*new, published="2019-06-01", arxiv="1906.00001")}


def test_first_place_by_an_unusual_margin(check_repo):
    problems = check_repo(board(row("Big", "{F1: 97.3}"), row("Big small", "{F1: 90}")))
    assert where(problems, "unusual-margin") == [(N, 9, "warning")]
    p = next(p for p in problems if p.code == "unusual-margin")
    assert "10.4 ahead of 'M4' (86.9)" in p.message and "improved by 1.9" in p.message


def test_a_usual_margin_is_not_flagged(check_repo):
    assert where(check_repo(board(row("Next", "{F1: 88.5}"))), "unusual-margin") == []


def test_a_short_history_is_not_judged(check_repo):
    files = {P: None, H: paper(*HISTORY[:2]), N: paper(row("Big", "{F1: 97.3}"), published="2019-06-01")}
    assert where(check_repo(files), "unusual-margin") == []


def test_a_papers_own_smaller_models_are_not_a_history(check_repo):
    files = {P: None, H: paper(*HISTORY, row("Big", "{F1: 97.3}", "2019-06-01"))}
    assert where(check_repo(files), "unusual-margin") == []


def test_direction_lower_is_honoured(check_repo):
    ppl = (
        "id: ptb\nname: PTB\ntasks: [question-answering]\n"
        "metrics:\n  - name: Perplexity\n    direction: lower\n    unit: none\n"
    )
    rows = [row(f"M{i}", f"{{Perplexity: {v}}}", f"2018-0{i + 2}-01", "ptb") for i, v in enumerate([80, 78, 77, 75])]
    files = {**board(row("Low", "{Perplexity: 40}", dataset="ptb")), "results/datasets/ptb.yaml": ppl, H: paper(*rows)}
    assert where(check_repo(files), "unusual-margin") == [(N, 9, "warning")]
    files[N] = paper(row("Low", "{Perplexity: 71}", dataset="ptb"), published="2019-06-01", arxiv="1906.00001")
    # 4 ahead; the history moved 5
    assert where(check_repo(files), "unusual-margin") == []


def test_result_dated_before_its_paper(check_repo):
    text = paper(row("A", "{F1: 80}", "2017-12-31"), row("B", "{F1: 81}", "2018-01"), row("C", "{F1: 82}", "2017"))
    assert where(check_repo({P2: text}), "result-before-paper") == [(P2, 10, "warning"), (P2, 20, "warning")]


# --- --changed-since against a real git repository ---------------------------------------------

BASE_PAPER = paper(
    row("ALBERT xxlarge", "{EM: 85.1, F1: 88.1}"),
    row("ALBERT xlarge", "{EM: 83.1, F1: 85.9}"),
    published="2019-09-26",
)  # rows at lines 6 and 10, metrics at 9 and 13


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True,
    )


def committed(root: Path, files: dict[str, str | None]) -> Path:
    write_repo(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def changed_since(root: Path, capsys) -> tuple[int, list[tuple[str, str, int | None, str]], list[dict]]:
    code = main(["validate", "--root", str(root), "--changed-since", "HEAD", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    found = [(p["code"], p["file"], p["line"], p["severity"]) for p in report["problems"]]
    return code, found, report["problems"]


def test_changed_value_is_reported_with_its_old_value(tmp_path, capsys):
    root = committed(tmp_path, {P: BASE_PAPER})
    (root / P).write_text(BASE_PAPER.replace("EM: 85.1", "EM: 86.1"), encoding="utf-8")
    code, found, problems = changed_since(root, capsys)
    assert (code, found) == (0, [("value-changed", P, 9, "warning")])
    assert "EM changes from 85.1 (base revision) to 86.1" in problems[0]["message"]


def test_same_number_written_differently_is_not_a_change(tmp_path, capsys):
    root = committed(tmp_path, {P: BASE_PAPER})
    (root / P).write_text(BASE_PAPER.replace("EM: 85.1", "Exact Match: 85.10"), encoding="utf-8")
    assert changed_since(root, capsys)[:2] == (0, [])


def test_dropped_metric_and_removed_result(tmp_path, capsys):
    root = committed(tmp_path, {P: BASE_PAPER})
    new = paper(row("ALBERT xxlarge", "{F1: 88.1}"), published="2019-09-26")
    (root / P).write_text(new, encoding="utf-8")
    code, found, problems = changed_since(root, capsys)
    assert (code, found) == (0, [("result-removed", P, 5, "warning"), ("value-changed", P, 9, "warning")])
    assert "'ALBERT xlarge' on question-answering/squad2.0 (EM 83.1, F1 85.9)" in problems[0]["message"]
    assert "EM 85.1 is on the base revision and this change drops it" in problems[1]["message"]


def test_deleted_paper_file_reports_each_result_at_the_file_without_line(tmp_path, capsys):
    root = committed(tmp_path, {P: BASE_PAPER, P2: paper(row("BERT", "{EM: 80, F1: 83}"), arxiv="1810.04805")})
    (root / P2).unlink()
    code, found, _problems = changed_since(root, capsys)
    assert (code, found) == (0, [("result-removed", P2, None, "warning")])


def test_moved_paper_file_is_matched_by_its_id(tmp_path, capsys):
    root = committed(tmp_path, {P: BASE_PAPER})
    moved = "results/papers/2019/albert.yaml"
    (root / P).rename(root / moved)
    assert changed_since(root, capsys)[:2] == (0, [])


def test_unusual_first_place_already_on_the_base_is_not_flagged_again(tmp_path, capsys):
    files = board(row("Big", "{F1: 97.3}"))
    root = committed(tmp_path, files)
    text = files[N] + row("Big small", "{F1: 80}")  # the file changes, its first place does not
    (root / N).write_text(text, encoding="utf-8")
    assert changed_since(root, capsys)[:2] == (0, [])
    # a new value for the first place is flagged again
    (root / N).write_text(text.replace("F1: 97.3", "F1: 98.3"), encoding="utf-8")
    code, found, _problems = changed_since(root, capsys)
    assert (code, sorted(found)) == (0, [("unusual-margin", N, 9, "warning"), ("value-changed", N, 9, "warning")])


def test_metric_renamed_in_the_dataset_with_the_old_name_as_alias_is_no_change(tmp_path, capsys):
    root = committed(tmp_path, {P: BASE_PAPER})
    ds = root / "results/datasets/squad2.0.yaml"
    renamed = ds.read_text().replace("name: EM\n    aliases: [Exact Match]", "name: Exact Match\n    aliases: [EM]")
    ds.write_text(renamed, encoding="utf-8")
    assert changed_since(root, capsys)[:2] == (0, [])
    # without the alias, every EM value of the paper is an undeclared metric (an error), not a silent drop
    ds.write_text(ds.read_text().replace("    aliases: [EM]\n", ""), encoding="utf-8")
    code, found, _problems = changed_since(root, capsys)
    assert code == 1 and ("unknown-metric", P, 9, "error") in found
