"""`pwc validate` as INTERFACES.md specifies it: arguments, exit codes, JSON, GitHub output, PR selection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import PAPER_PATH, REPO_ROOT, write_repo

from validator.cli import main

BAD_RESULT = (
    'paper:\n  title: x\n  published: 2019-09-26\n  arxiv: "1909.11942"\nresults:\n'
    "  - task: question-answering\n    dataset: squad2.0\n    model: A\n"
    "    metrics: {Exact Match (dev): 85.1}\n    extra: 1\n"
)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "validator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_clean_repository_exits_0(tmp_path):
    write_repo(tmp_path, {})
    proc = run_cli("validate", "--root", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: 0 errors, 0 warnings in 3 files (1 result)" in proc.stdout


def test_json_report_shape(tmp_path):
    write_repo(tmp_path, {PAPER_PATH: BAD_RESULT})
    proc = run_cli("validate", "--root", str(tmp_path), "--format", "json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert set(report) == {"ok", "counts", "problems"}
    assert report["ok"] is False
    assert set(report["counts"]) == {"error", "warning", "files", "results"}
    assert report["counts"]["files"] == 3
    problem = report["problems"][0]
    assert set(problem) == {"severity", "code", "file", "line", "column", "message", "hint"}
    assert problem["file"] == PAPER_PATH and isinstance(problem["line"], int)
    assert report["counts"]["error"] == sum(p["severity"] == "error" for p in report["problems"])


def test_missing_results_folder_exits_2(tmp_path):
    proc = run_cli("validate", "--root", str(tmp_path))
    assert proc.returncode == 2
    assert "no results/ folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_arguments_exit_2(tmp_path):
    assert main(["validate", "--format", "xml"]) == 2
    assert main(["frobnicate"]) == 2


def test_path_outside_root_exits_2(tmp_path):
    write_repo(tmp_path, {})
    assert main(["validate", "--root", str(tmp_path), "/etc/passwd"]) == 2


def test_paths_limit_what_is_reported(tmp_path, capsys):
    other = "results/papers/2019/other-paper.yaml"
    write_repo(tmp_path, {other: BAD_RESULT.replace("1909.11942", "1909.00001")})
    assert main(["validate", "--root", str(tmp_path), "--format", "json", str(tmp_path / PAPER_PATH)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == [] and report["counts"]["files"] == 1
    assert main(["validate", "--root", str(tmp_path), "--format", "json", str(tmp_path / other)]) == 1


def test_github_format_annotations_and_summary(tmp_path, capsys):
    write_repo(tmp_path, {PAPER_PATH: BAD_RESULT})
    summary = tmp_path / "summary.md"
    env_before = dict(**__import__("os").environ)
    import os

    os.environ["GITHUB_STEP_SUMMARY"] = str(summary)
    try:
        code = main(["validate", "--root", str(tmp_path), "--format", "github"])
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    out = capsys.readouterr().out
    assert code == 1
    assert f"::error file={PAPER_PATH},line=10,col=5,title=unknown-field::" in out
    text = summary.read_text()
    assert "pwc validate: ❌ failed" in text and "unknown-field" in text


def test_github_annotation_escapes_newlines_and_percent():
    import io

    from validator.report.problem import Problem
    from validator.report.render import Report, render_github

    out = io.StringIO()
    p = Problem("error", "x", "a,b:c.yaml", 1, 1, "50% bad\n::warning::injected")
    render_github(Report([p], 1, 0), out, summary_path="")
    first = out.getvalue().splitlines()[0]
    assert first == "::error file=a%2Cb%3Ac.yaml,line=1,col=1,title=x::50%25 bad%0A::warning::injected"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_changed_since_reports_only_changed_and_involved_files(tmp_path):
    write_repo(tmp_path, {"results/papers/2019/broken-old.yaml": BAD_RESULT.replace("1909.11942", "1909.00002")})
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "base", "--allow-empty")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    # Nothing changed: the old broken file is not this PR's problem.
    proc = run_cli("validate", "--root", str(tmp_path), "--changed-since", "HEAD", "--format", "json")
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["counts"]["files"] == 0
    # A new broken file is.
    (tmp_path / "results/papers/2019/new-paper.yaml").write_text(BAD_RESULT.replace("1909.11942", "1909.00003"))
    proc = run_cli("validate", "--root", str(tmp_path), "--changed-since", "HEAD", "--format", "json")
    assert proc.returncode == 1
    files = {p["file"] for p in json.loads(proc.stdout)["problems"]}
    assert files == {"results/papers/2019/new-paper.yaml"}
    # Deleting the task makes every paper that uses it involved.
    (tmp_path / "results/papers/2019/new-paper.yaml").unlink()
    (tmp_path / "results/tasks/question-answering.yaml").unlink()
    proc = run_cli("validate", "--root", str(tmp_path), "--changed-since", "HEAD", "--format", "json")
    problems = json.loads(proc.stdout)["problems"]
    assert {(p["code"], p["file"]) for p in problems if p["code"] == "unknown-task"} >= {
        ("unknown-task", PAPER_PATH),
        ("unknown-task", "results/datasets/squad2.0.yaml"),
    }


def test_changed_since_unknown_ref_exits_2(tmp_path):
    write_repo(tmp_path, {})
    _git(tmp_path, "init", "-q")
    proc = run_cli("validate", "--root", str(tmp_path), "--changed-since", "no-such-ref")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_shipped_results_validate_without_errors():
    proc = run_cli("validate", "--root", str(REPO_ROOT), "--format", "json")
    report = json.loads(proc.stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert errors == [] and proc.returncode == 0
    assert report["counts"]["results"] >= 13


def test_pre_commit_hook_runs_validate_on_the_files_it_is_given(tmp_path):
    import shlex

    import yaml

    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "pwc-validate" and hook["pass_filenames"] is True
    write_repo(tmp_path, {PAPER_PATH: BAD_RESULT})
    entry = shlex.split(hook["entry"])
    assert entry[0] == "pwc"
    proc = run_cli(*entry[1:], PAPER_PATH, cwd=tmp_path)
    assert proc.returncode == 1 and "unknown-metric" in proc.stdout or "unknown-field" in proc.stdout


def test_report_dir_with_a_bad_head_sha_exits_2(tmp_path):
    write_repo(tmp_path, {})
    proc = run_cli("validate", "--root", str(tmp_path), "--report-dir", str(tmp_path / "r"), "--head-sha", "main")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr


def test_job_summary_lists_every_problem_within_githubs_limit():
    from validator.report.problem import Problem
    from validator.report.render import SUMMARY_BUDGET, Report, render_summary

    few = [Problem("error", "x", f"f{i}.yaml", i, 1, "m") for i in range(1, 2001)]
    text = render_summary(Report(few, 2000, 0))
    assert text.count("| ❌ |") == 2000 and "more problems not shown" not in text
    many = [Problem("error", "x", f"f{i}.yaml", i, 1, "m" * 500) for i in range(1, 5001)]
    text = render_summary(Report(many, 5000, 0))
    assert len(text.encode()) <= SUMMARY_BUDGET + 1000 and "more problems not shown" in text


def test_changed_since_reports_a_duplicate_that_sits_on_the_untouched_file(tmp_path):
    # The duplicate is reported on the file that sorts later; the PR adds the earlier one.
    write_repo(tmp_path, {})
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    from conftest import PAPER

    (tmp_path / "results/papers/2019/aaa-albert-again.yaml").write_text(PAPER)
    proc = run_cli("validate", "--root", str(tmp_path), "--changed-since", "HEAD", "--format", "json")
    codes = {(p["code"], p["file"]) for p in json.loads(proc.stdout)["problems"]}
    assert ("duplicate-paper", PAPER_PATH) in codes and proc.returncode == 1


def test_changed_catalogue_selects_the_datasets_it_leaves_without_direction(tmp_path):
    write_repo(
        tmp_path,
        {
            "results/metrics.yaml": "metrics:\n  - name: Accuracy\n    direction: higher\n",
            "results/datasets/d.yaml": "id: d\nname: D\ntasks: [question-answering]\nmetrics:\n  - name: Accuracy\n",
        },
    )
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    (tmp_path / "results/metrics.yaml").write_text("metrics:\n  - name: BLEU\n    direction: higher\n")
    proc = run_cli("validate", "--root", str(tmp_path), "--changed-since", "HEAD", "--format", "json")
    codes = {(p["code"], p["file"]) for p in json.loads(proc.stdout)["problems"]}
    assert ("metric-without-direction", "results/datasets/d.yaml") in codes and proc.returncode == 1


def test_report_dir_diff_builds_only_touched_boards_with_the_same_answer(tmp_path):
    from validator.commands.validate import touched_leaderboards
    from validator.leaderboard.build import leaderboard_dicts
    from validator.leaderboard.diff import diff_leaderboards
    from validator.load.git import load_base
    from validator.load.repository import load_repository

    other_ds = (
        "id: squad1.1\nname: SQuAD1.1\ntasks: [question-answering]\n"
        "metrics:\n  - name: EM\n    direction: higher\n  - name: F1\n    direction: higher\nprimary_metric: F1\n"
    )
    other = (
        'paper:\n  title: Other\n  published: 2020-01-01\n  arxiv: "2001.00001"\nresults:\n'
        "  - task: question-answering\n    dataset: squad1.1\n    model: O\n    metrics: {EM: 1, F1: 2}\n"
    )
    write_repo(tmp_path, {"results/datasets/squad1.1.yaml": other_ds, "results/papers/2020/other.yaml": other})
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    from conftest import PAPER

    (tmp_path / PAPER_PATH).write_text(PAPER.replace("90.902", "93.1"))
    repo = load_repository(tmp_path)
    repo.base = load_base(tmp_path, "HEAD")
    pairs = touched_leaderboards(repo, {PAPER_PATH})
    assert pairs == {("question-answering", "squad2.0")}
    full = diff_leaderboards(leaderboard_dicts(repo.base), leaderboard_dicts(repo))
    assert full["leaderboards"] if isinstance(full, dict) else full  # the change is seen
    assert diff_leaderboards(leaderboard_dicts(repo.base, pairs), leaderboard_dicts(repo, pairs)) == full
    assert touched_leaderboards(repo, {PAPER_PATH, "results/datasets/squad1.1.yaml"}) is None


def test_problems_are_sorted_by_every_field() -> None:
    """Two problems alike but for their hint (or severity) come out in one order whatever order
    the checks found them in: the order the checks run follows the order their modules were
    imported, which differs between the full check and a PR check."""
    from validator.pipeline import sort_problems
    from validator.report.problem import Problem

    a = Problem("warning", "unusual-margin", "results/papers/2020/x.yaml", 5, 7, "same message", "hint a")
    b = Problem("warning", "unusual-margin", "results/papers/2020/x.yaml", 5, 7, "same message", "hint b")
    c = Problem("error", "unusual-margin", "results/papers/2020/x.yaml", 5, 7, "same message", "hint a")
    assert sort_problems([a, b, c]) == sort_problems([c, b, a]) == sort_problems([b, c, a])
