"""The report directory: written atomically by `pwc validate --report-dir`, read back by the bot as
untrusted data (bounded, parsed by models, never through a symlink)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from validator.bot import report_dir as rd
from validator.bot.report_dir import ReportDirError, read_report_dir, write_report_dir

SHA = "1234567890abcdef1234567890abcdef12345678"
REPORT = {
    "ok": False,
    "counts": {"error": 1, "warning": 0, "files": 1, "results": 2},
    "problems": [
        {
            "severity": "error",
            "code": "unknown-metric",
            "file": "results/papers/2019/albert.yaml",
            "line": 14,
            "column": 7,
            "message": "metric 'Exact Match (dev)' is not declared by dataset squad2.0; did you mean 'EM'?",
            "hint": "write EM",
        }
    ],
}
CHANGE = {
    "task": {"id": "question-answering", "name": "Question Answering"},
    "dataset": {"id": "squad2.0", "name": "SQuAD2.0"},
    "status": "changed",
    "primary_metric": "F1",
    "rows": [
        {"change": "added", "model": "M", "paper": {"id": "p", "title": "P"}, "rank": 1, "metrics": {"F1": 93}},
    ],
}


def test_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report_dir(out, REPORT, [CHANGE], SHA, "https://github.com/o/r/actions/runs/1")
    assert sorted(p.name for p in out.iterdir()) == [
        "comment.md",
        "head_sha.txt",
        "leaderboard-changes.json",
        "report.json",
    ]
    assert json.loads((out / "report.json").read_text()) == REPORT
    got = read_report_dir(out)
    assert got.head_sha == SHA
    assert got.report.errors == 1 and got.report.problems[0].line == 14
    [board] = got.changes.leaderboards
    assert board.rows[0].metrics["F1"] == 93 and isinstance(board.rows[0].metrics["F1"], int)
    assert got.comment_md is not None and got.comment_md.startswith("<!-- pwc-bot:validation-report -->")
    assert "[Workflow run](https://github.com/o/r/actions/runs/1)" in got.comment_md


def test_rewriting_replaces_the_directory_whole(tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report_dir(out, REPORT, {"leaderboards": [CHANGE]}, SHA, None)
    (out / "stale.txt").write_text("left over")
    clean = {"ok": True, "counts": {"error": 0, "warning": 0, "files": 0, "results": 0}, "problems": []}
    write_report_dir(out, clean, [], SHA, None)
    assert not (out / "stale.txt").exists()
    assert read_report_dir(out).report.ok
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary directories left


def test_what_the_validator_writes_is_always_readable_back(tmp_path: Path) -> None:
    long = {**REPORT, "problems": [{**REPORT["problems"][0], "message": "x" * 50_000, "code": "c" * 900}]}
    wide = {**CHANGE, "rows": [{**CHANGE["rows"][0], "model": "m" * 5000, "metrics": {f"M{i}": i for i in range(300)}}]}
    write_report_dir(tmp_path / "r", long, [wide], SHA, None)
    got = read_report_dir(tmp_path / "r")
    assert got.report.problems[0].message.endswith("…") and len(got.report.problems[0].message) == 20_000
    assert len(got.changes.leaderboards[0].rows[0].metrics) == 200


def test_a_bad_head_sha_is_refused_when_writing(tmp_path: Path) -> None:
    with pytest.raises(ReportDirError):
        write_report_dir(tmp_path / "r", REPORT, [], "HEAD", None)
    assert not (tmp_path / "r").exists()


def _write(tmp_path: Path, **files: str | bytes) -> Path:
    out = tmp_path / "untrusted"
    out.mkdir()
    base = {"report.json": json.dumps(REPORT), "head_sha.txt": SHA + "\n"}
    base.update({k.replace("_json", ".json").replace("_txt", ".txt"): v for k, v in files.items()})
    for name, content in base.items():
        data = content.encode() if isinstance(content, str) else content
        (out / name).write_bytes(data)
    return out


@pytest.mark.parametrize(
    "files, message",
    [
        ({"report_json": "{not json"}, "not valid JSON"),
        ({"report_json": json.dumps({"ok": "yes", "counts": {}})}, "not a valid report"),
        ({"report_json": "[" * 100_000 + "]" * 100_000}, "report.json"),
        ({"report_json": json.dumps({**REPORT, "problems": [{"severity": "fatal"}]})}, "severity"),
        ({"head_sha_txt": "main"}, "head_sha.txt"),
        ({"head_sha_txt": SHA.upper()}, "head_sha.txt"),
        ({"leaderboard-changes_json": json.dumps({"leaderboards": [{"status": "exploded"}]})}, "leaderboard-changes"),
    ],
)
def test_untrusted_content_is_rejected_with_a_reason(tmp_path: Path, files: dict[str, str], message: str) -> None:
    out = _write(tmp_path, **files)
    with pytest.raises(ReportDirError, match=message.replace("-", ".")):
        read_report_dir(out)


def test_missing_files_and_size_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _write(tmp_path)
    (out / "head_sha.txt").unlink()
    with pytest.raises(ReportDirError, match="missing"):
        read_report_dir(out)
    (out / "head_sha.txt").write_text(SHA)
    monkeypatch.setattr(rd, "MAX_REPORT_BYTES", 100)
    with pytest.raises(ReportDirError, match="bound"):
        read_report_dir(out)


def test_long_strings_are_refused(tmp_path: Path) -> None:
    long = {**REPORT, "problems": [{**REPORT["problems"][0], "message": "x" * 100_000}]}
    with pytest.raises(ReportDirError, match="message"):
        read_report_dir(_write(tmp_path, report_json=json.dumps(long)))


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps(REPORT))
    out = _write(tmp_path)
    (out / "report.json").unlink()
    os.symlink(secret, out / "report.json")
    with pytest.raises(ReportDirError, match="report.json"):
        read_report_dir(out)
    link = tmp_path / "link"
    os.symlink(_write_other(tmp_path), link)
    with pytest.raises(ReportDirError, match="not a directory"):
        read_report_dir(link)


def _write_other(tmp_path: Path) -> Path:
    other = tmp_path / "other"
    other.mkdir()
    return other


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    out = _write(tmp_path)
    (out / "report.json").unlink()
    os.mkfifo(out / "report.json")
    with pytest.raises(ReportDirError, match="not a regular file"):
        read_report_dir(out)
