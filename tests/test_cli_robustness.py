"""Every command, given arguments it cannot work with, says why and exits 2: never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = [
    ["validate", "--root", "/nonexistent"],
    ["validate", "--format", "xml"],
    ["build", "--root", "/nonexistent"],
    ["import", "/nonexistent.json"],
    ["import", "/etc/hostname"],
    ["bot", "comment", "--repo", "x/y", "--report-dir", "/nonexistent"],
    ["new", "--arxiv", "not-an-id", "--offline"],
    ["serve", "--dir", "/nonexistent", "--port", "0"],
    ["schema", "--out", "/proc/not-writable"],
    ["docs", "--out", "/proc/not-writable/problems.md"],
    ["no-such-command"],
    [],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a) or "(none)")
def test_bad_invocations_exit_2_without_traceback(args, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "validator", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.strip(), "a reason is printed"
