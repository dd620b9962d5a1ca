"""Review signals and scale on a real leaderboard: WMT 2014 EN-DE as the Papers with Code archive
had it (tests/fixtures/metrics/wmt14-en-de, CC-BY-SA 4.0, see its NOTICE.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from validator.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "metrics" / "wmt14-en-de"
BT = "results/papers/2018/understanding-back-translation-at-scale.yaml"
CONVS2S = "results/papers/2017/convolutional-sequence-to-sequence-learning.yaml"


def copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE / "results", root / "results")
    return root


def validate(root: Path, capsys, *extra: str) -> tuple[int, list[tuple[str, str, int | None, str]]]:
    code = main(["validate", "--root", str(root), "--format", "json", *extra])
    report = json.loads(capsys.readouterr().out)
    return code, [(p["code"], p["file"], p["line"], p["severity"]) for p in report["problems"]]


def test_back_translation_is_the_one_unusual_first_place(tmp_path, capsys):
    # +5.1 BLEU over MUSE, while the other papers moved the board 3.87 from MoE (2017) to MUSE (2019)
    assert validate(copy(tmp_path), capsys) == (0, [("unusual-margin", BT, 9, "warning")])


def test_without_it_the_board_has_no_signal(tmp_path, capsys):
    root = copy(tmp_path)
    (root / BT).unlink()
    assert validate(root, capsys) == (0, [])


def test_its_value_on_the_wrong_scale_is_flagged_instead(tmp_path, capsys):
    root = copy(tmp_path)
    path = root / BT
    path.write_text(path.read_text().replace("BLEU: 35.0", "BLEU: 0.350"), encoding="utf-8")
    assert validate(root, capsys) == (0, [("value-wrong-scale", BT, 9, "warning")])


def test_a_pull_request_against_the_real_board(tmp_path, capsys):
    root = copy(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=root, check=True)
    (root / CONVS2S).unlink()
    new = "results/papers/2020/a-new-paper.yaml"
    (root / new).parent.mkdir()
    (root / new).write_text(
        'paper:\n  title: A\n  published: 2020-01-02\n  arxiv: "2001.00001"\nresults:\n'
        "  - task: machine-translation\n    dataset: wmt-2014-en-de\n    model: X\n    metrics: {BLEU: 45.0}\n",
        encoding="utf-8",
    )
    assert validate(root, capsys, "--changed-since", "HEAD") == (
        0,
        [("result-removed", CONVS2S, None, "warning"), ("unusual-margin", new, 9, "warning")],
    )
