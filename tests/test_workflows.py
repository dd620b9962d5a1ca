"""The three GitHub workflows: audited by zizmor (offline, pedantic) and check-jsonschema's GitHub
workflow schema, hardened as the contract says, and calling commands that really exist."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from validator.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = {name: WORKFLOWS / f"{name}.yml" for name in ("validate", "comment", "publish")}
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def tool(name: str) -> str:
    """The audit tools come with the test extra (`pip install -e '.[test]'`); never skipped."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def offline_env() -> dict[str, str]:
    """No token, and every proxy pointing at a closed port: any download attempt fails loudly."""
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_CONFIG")}
    dead = "http://127.0.0.1:9"
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead, http_proxy=dead, https_proxy=dead, NO_PROXY="")
    return env


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load(FILES[name].read_text())
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def zizmor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--format", "json", *args, "."],
        cwd=ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_zizmor_offline_pedantic_finds_nothing() -> None:
    proc = zizmor()
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], json.dumps(findings, indent=1)[:4000]
    assert proc.returncode == 0, proc.stderr


def test_the_audit_does_catch_an_unsafe_workflow(tmp_path: Path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    unsafe = (
        FILES["validate"]
        .read_text()
        .replace(
            "run: python -m pip install --disable-pip-version-check .",
            'run: echo "${{ github.event.pull_request.title }}"',
        )
    )
    bad.write_text(unsafe.replace("          persist-credentials: false\n", ""))
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--format", "json", str(tmp_path)],
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = {f["ident"] for f in json.loads(proc.stdout or "[]")}
    assert {"template-injection", "artipacked"} <= found, found


def test_every_zizmor_suppression_is_known_and_justified() -> None:
    findings = json.loads(zizmor("--no-ignores").stdout or "[]")
    suppressed = sorted(
        (f["ident"], Path(f["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"]).name) for f in findings
    )
    assert suppressed == [("dangerous-triggers", "comment.yml")]
    for path in WORKFLOWS.glob("*.y*ml"):
        for line in path.read_text().splitlines():
            if "zizmor: ignore[" in line:
                assert re.search(r"zizmor: ignore\[[\w-]+\] -- \S.{10,}", line), f"{path.name}: {line.strip()}"
    comment = FILES["comment"].read_text()
    assert "never checks out" in comment and "head SHA" in comment  # the justification itself


def test_workflows_are_valid_against_the_github_workflow_schema() -> None:
    proc = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, FILES.values())],
        cwd=ROOT,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dependabot_keeps_the_pins_fresh() -> None:
    config = ROOT / ".github" / "dependabot.yml"
    proc = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(config)],
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [update] = yaml.safe_load(config.read_text())["updates"]
    assert update["package-ecosystem"] == "github-actions" and update["cooldown"]["default-days"] >= 3


@pytest.mark.parametrize("name", FILES)
def test_hardening(name: str) -> None:
    wf = load(name)
    assert wf["permissions"] == {}, "top-level permissions must be {}"
    for job in wf["jobs"].values():
        assert "permissions" in job, "each job says what it needs"
    text = FILES[name].read_text()
    for step in steps(wf):
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), step["uses"]
            line = next(ln for ln in text.splitlines() if step["uses"] in ln)
            assert re.search(r"# v\d+(\.\d+)*", line), f"no version comment: {line.strip()}"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
            # Only what the event checks out, or the base commit's trusted validator.
            assert step["with"].get("ref") in (None, "${{ github.event.pull_request.base.sha }}")
        # Untrusted values (titles, branch names, SHAs) reach a shell only through env:.
        assert "${{" not in step.get("run", ""), step["run"]


# Event fields a contributor writes (a branch name can hold `$(...)`); no workflow uses them at all.
ATTACKER_CONTROLLED = re.compile(
    r"github\.(head_ref|event\.(pull_request\.(title|body|head\.(ref|label))|workflow_run\.(head_branch|"
    r"display_title|head_commit)|head_commit|commits|comment|review|issue))"
)


@pytest.mark.parametrize("name", FILES)
def test_no_contributor_written_value_is_used(name: str) -> None:
    assert not ATTACKER_CONTROLLED.search(FILES[name].read_text())


def test_the_same_release_of_an_action_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for name in FILES:
        for step in steps(load(name)):
            if "uses" in step:
                action, sha = step["uses"].split("@")
                pins.setdefault(action.split("/")[0] + "/" + action.split("/")[1], set()).add(sha)
    assert all(len(shas) == 1 for shas in pins.values()), pins


def test_validate_runs_untrusted_with_a_read_only_token() -> None:
    wf = load("validate")
    assert set(wf["on"]) == {"pull_request"}
    [job] = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    by_name = {s["name"]: s for s in job["steps"]}
    run = next(s for s in job["steps"] if "pwc validate" in s.get("run", ""))
    assert run["env"] == {
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
        "PWC_CACHE_NAME": "results",  # the name publish.yml saves the cache under
    }
    publish = [s for s in steps(load("publish")) if "pwc " in s.get("run", "")]
    assert publish and all(s["env"]["PWC_CACHE_NAME"] == "results" for s in publish)
    cache = next(s for s in job["steps"] if "actions/cache/restore@" in s.get("uses", ""))
    assert "github.event.pull_request.base.sha" in cache["with"]["key"]
    assert job["steps"].index(cache) < job["steps"].index(run)
    upload = next(s for s in job["steps"] if "actions/upload-artifact@" in s.get("uses", ""))
    assert upload["if"] == "${{ !cancelled() }}"
    assert upload["with"]["name"] == "pwc-report" and upload["with"]["path"].rstrip("/") == "report"
    assert by_name  # every step is named


def test_comment_runs_the_base_code_with_only_the_permissions_it_needs() -> None:
    wf = load("comment")
    assert wf["on"]["workflow_run"]["workflows"] == [load("validate")["name"]]
    [job] = wf["jobs"].values()
    assert job["permissions"] == {
        "actions": "read",
        "contents": "read",
        "issues": "write",
        "pull-requests": "write",
    }
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    download = next(s for s in job["steps"] if "actions/download-artifact@" in s.get("uses", ""))
    assert download["with"]["path"].startswith("${{ runner.temp }}/")
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    assert download["with"]["name"] == "pwc-report"
    post = next(s for s in job["steps"] if "pwc bot comment" in s.get("run", ""))
    assert post["env"]["RUN_HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert '"$RUNNER_TEMP/report"' in post["run"]
    # The bot is installed before the artifact exists, and only from the checked-out base code.
    order = [s.get("uses", "") or s.get("run", "") for s in job["steps"]]
    assert order.index(next(o for o in order if "pip install" in o)) < order.index(download["uses"])


def test_publish_never_races_and_never_publishes_an_invalid_tree() -> None:
    wf = load("publish")
    assert wf["on"] == {"push": {"branches": ["main"]}}
    assert wf["concurrency"]["cancel-in-progress"] is False and wf["concurrency"]["group"]
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s.get("run", "") for s in build["steps"]]
    validate = next(i for i, r in enumerate(runs) if r.startswith("pwc validate"))
    pwc_build = next(i for i, r in enumerate(runs) if r.startswith("pwc build"))
    upload = next(i for i, s in enumerate(build["steps"]) if "upload-pages-artifact@" in s.get("uses", ""))
    assert validate < pwc_build < upload
    assert build["steps"][upload]["with"]["path"].rstrip("/") == "build"
    assert not any(
        "actions/cache@" in s.get("uses", "") or "cache/restore@" in s.get("uses", "") for s in build["steps"]
    )
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any("actions/deploy-pages@" in s.get("uses", "") for s in deploy["steps"])


@pytest.mark.parametrize("name", FILES)
def test_the_commands_the_workflows_run_exist(name: str) -> None:
    commands = [" ".join(s["run"].split()) for s in steps(load(name)) if s.get("run", "").startswith("pwc ")]
    assert commands
    for line in commands:
        # $BASE_SHA and friends stand for a commit; $REPO for OWNER/NAME.
        argv = [re.sub(r"\$(\w+)", lambda m: "a" * 40 if "SHA" in m[1] else "x/y", a) for a in shlex.split(line)]
        parser = build_parser(only=argv[1])
        args = parser.parse_args(argv[1:])  # raises SystemExit on an unknown option
        assert callable(getattr(args, "_run", None)), f"{argv[1]} is not a command yet"


def test_pull_request_template_has_the_maintainers_checklist() -> None:
    text = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text()
    boxes = re.findall(r"- \[ \] \*\*([^*]+)\*\*", text)
    assert {"Source:", "Test set:", "First-party:", "Third-party:"} <= set(boxes)
    assert "Table" in text and "test set" in text


def test_validate_judges_the_pr_with_the_base_commits_validator() -> None:
    wf = load("validate")
    checkouts = [s for s in steps(wf) if s.get("uses", "").startswith("actions/checkout@")]
    trusted = [s for s in checkouts if s["with"].get("ref") == "${{ github.event.pull_request.base.sha }}"]
    assert len(trusted) == 1
    trusted_path = trusted[0]["with"]["path"]
    runs = " ".join(s.get("run", "") for s in steps(wf))
    assert f"pip install --disable-pip-version-check ./{trusted_path}" in runs
    pr_path = next(s["with"]["path"] for s in checkouts if s is not trusted[0])
    assert f"--root {pr_path}" in runs
