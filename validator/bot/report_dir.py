"""The report directory: the artifact `pwc validate --report-dir` writes and `pwc bot comment` reads.

```
report.json                the `pwc validate --format json` report
leaderboard-changes.json   {"schema_version": 1, "leaderboards": [...]} (validator/leaderboard/diff.py)
comment.md                 the comment rendered at validation time (a preview; the bot re-renders)
head_sha.txt               the pull request's head commit
```

The directory is written by the pull request's own code, so the bot treats it as untrusted
data: every file is read with a size bound (never through a symlink), parsed as JSON into the
bounded models below, and nothing in it is executed or posted as is. The bot renders the comment
again from the parsed models with the base repository's code, so `comment.md` is only a preview
for the job summary and for people.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from validator.bot.escape import is_commit_sha

REPORT = "report.json"
CHANGES = "leaderboard-changes.json"
COMMENT = "comment.md"
HEAD_SHA = "head_sha.txt"

MAX_REPORT_BYTES = 32 * 1024 * 1024
MAX_CHANGES_BYTES = 32 * 1024 * 1024
MAX_COMMENT_BYTES = 1024 * 1024
MAX_SHA_BYTES = 200
MAX_PROBLEMS = 200_000
MAX_LEADERBOARDS = 20_000
MAX_ROWS = 100_000

Short = Annotated[str, StringConstraints(max_length=500)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Count = Annotated[int, Field(ge=0, le=10**9)]
Place = Annotated[int, Field(ge=0, le=10**9)]
Number = Annotated[float, Field(allow_inf_nan=False)]


class _Data(BaseModel):
    # Unknown fields are ignored (a newer validator may add some); nothing is coerced silently
    # beyond what JSON itself allows.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class ProblemData(_Data):
    severity: Literal["error", "warning"]
    code: Short
    file: Annotated[str, StringConstraints(max_length=4096)] | None = None
    line: Place | None = None
    column: Place | None = None
    message: Text
    hint: Text | None = None


class Counts(_Data):
    error: Count = 0
    warning: Count = 0
    files: Count = 0
    results: Count = 0


class ValidationReport(_Data):
    ok: bool
    counts: Counts
    problems: Annotated[list[ProblemData], Field(max_length=MAX_PROBLEMS)] = []

    @property
    def errors(self) -> int:
        # The counts and the list come from the same untrusted file; never show fewer than listed.
        return max(self.counts.error, sum(1 for p in self.problems if p.severity == "error"))

    @property
    def warnings(self) -> int:
        return max(self.counts.warning, sum(1 for p in self.problems if p.severity == "warning"))


# Integers stay integers, so a value is shown as the report wrote it (93, not 93.0).
Numeric = Annotated[int, Field(ge=-(10**15), le=10**15)] | Number


class UncertainValue(_Data):
    value: Numeric
    error: Numeric | None = None


MetricValue = Numeric | UncertainValue


class Ref(_Data):
    id: Short = ""
    name: Short = ""


class PaperRef(_Data):
    id: Short = ""
    title: Annotated[str, StringConstraints(max_length=2000)] = ""


class MetricDecl(_Data):
    name: Short
    direction: Short | None = None
    unit: Short | None = None


class FirstPlaceEntry(_Data):
    model: Short = ""
    paper: PaperRef = PaperRef()
    value: MetricValue | None = None


class NewFirstPlace(_Data):
    metric: Short | None = None
    previous_metric: Short | None = None
    before: Annotated[list[FirstPlaceEntry], Field(max_length=1000)] = []
    after: Annotated[list[FirstPlaceEntry], Field(max_length=1000)] = []


class RowChange(_Data):
    change: Literal["added", "changed", "moved", "removed"]
    model: Short = ""
    paper: PaperRef = PaperRef()
    source: Annotated[str, StringConstraints(max_length=4096)] | None = None
    rank: Place | None = None
    previous_rank: Place | None = None
    metrics: Annotated[dict[Short, MetricValue | None], Field(max_length=200)] = {}
    previous_metrics: Annotated[dict[Short, MetricValue | None], Field(max_length=200)] = {}
    removed_metrics: Annotated[list[Short], Field(max_length=200)] = []


class LeaderboardChange(_Data):
    task: Ref
    dataset: Ref
    status: Literal["added", "changed", "removed"]
    primary_metric: Short | None = None
    previous_primary_metric: Short | None = None
    metrics: Annotated[list[MetricDecl], Field(max_length=200)] = []
    new_first_place: NewFirstPlace | None = None
    rows: Annotated[list[RowChange], Field(max_length=MAX_ROWS)] = []
    counts: dict[Short, Count] = {}


class LeaderboardChanges(_Data):
    schema_version: Literal[1] = 1
    leaderboards: Annotated[list[LeaderboardChange], Field(max_length=MAX_LEADERBOARDS)] = []


class ReportDir(_Data):
    report: ValidationReport
    changes: LeaderboardChanges
    head_sha: str
    comment_md: str | None = None


class ReportDirError(Exception):
    """The report directory is missing, too large, or not what `pwc validate` writes."""


def _normalise_changes(changes: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(changes, dict):
        return {"schema_version": 1, "leaderboards": list(changes.get("leaderboards", []))}
    return {"schema_version": 1, "leaderboards": list(changes)}


# The longest string each field may hold (see the models above); anything else is a Short.
_CLIP = {"message": 20_000, "hint": 20_000, "file": 4096, "source": 4096, "title": 2000}


def _clip(value: Any, key: str = "") -> Any:
    """The report with over-long strings shortened and over-long lists cut, so that whatever the
    validator produced, the bot can read it back (the counts keep the true totals)."""
    if isinstance(value, str):
        limit = _CLIP.get(key, 500)
        return value if len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, dict):
        items = list(value.items())[: 200 if key in ("metrics", "previous_metrics") else None]
        return {(_clip(k) if isinstance(k, str) else k): _clip(v, k if isinstance(k, str) else "") for k, v in items}
    if isinstance(value, list | tuple):
        limit = {"problems": MAX_PROBLEMS, "leaderboards": MAX_LEADERBOARDS, "rows": MAX_ROWS}.get(key, 200)
        return [_clip(v) for v in list(value)[:limit]]
    return value


def write_report_dir(
    out_dir: Path,
    report: dict[str, Any],
    changes: list[dict[str, Any]] | dict[str, Any],
    head_sha: str,
    run_url: str | None,
) -> None:
    """Write the report directory atomically: a temporary sibling, renamed into place.

    The inputs are validated against the same models the bot reads with, so a report that the
    bot would reject is caught where it is made. Links in `comment.md` point at the repository
    named by `GITHUB_REPOSITORY` (when set), at `head_sha`.
    """
    from validator.report.markdown import render_comment

    head_sha = head_sha.strip()
    if not is_commit_sha(head_sha):
        raise ReportDirError(f"head SHA {head_sha!r} is not a full commit SHA")
    report = _clip(report)
    changes_data = _clip(_normalise_changes(changes))
    try:
        parsed_report = ValidationReport.model_validate(report)
        parsed_changes = LeaderboardChanges.model_validate(changes_data)
    except ValidationError as exc:
        raise ReportDirError(f"the report does not match the report directory's models: {exc}") from None
    comment = render_comment(
        parsed_report.model_dump(),
        parsed_changes.model_dump()["leaderboards"],
        head_sha=head_sha,
        repo=os.environ.get("GITHUB_REPOSITORY"),
        server_url=os.environ.get("GITHUB_SERVER_URL", "https://github.com"),
        run_url=run_url,
    )
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    try:
        (tmp / REPORT).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
        (tmp / CHANGES).write_text(json.dumps(changes_data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        (tmp / COMMENT).write_text(comment, "utf-8")
        (tmp / HEAD_SHA).write_text(head_sha + "\n", "utf-8")
        os.chmod(tmp, 0o755)
        target = parent / out_dir.name
        old: Path | None = None
        if target.exists() or target.is_symlink():
            # A directory cannot be replaced by rename in one step; move the old one aside first.
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.replace(target, old / "d")
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _read_bounded(path: Path, limit: int, *, required: bool = True) -> bytes | None:
    """The bytes of a regular file (never through a symlink), or an error past `limit`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if required:
            raise ReportDirError(f"{path.name} is missing from the report directory") from None
        return None
    except OSError as exc:
        raise ReportDirError(f"{path.name} cannot be opened: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReportDirError(f"{path.name} is not a regular file")
        if st.st_size > limit:
            raise ReportDirError(f"{path.name} is {st.st_size} bytes, over the {limit}-byte bound")
        chunks = []
        total = 0
        while True:  # the size may change under us; never read past the bound
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ReportDirError(f"{path.name} is over the {limit}-byte bound")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _parse(adapter: TypeAdapter[Any], name: str, data: bytes) -> Any:
    try:
        return adapter.validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":
            raise ReportDirError(f"{name} is not valid JSON: {first.get('msg')}") from None
        where = ".".join(str(p) for p in first.get("loc", ())) or "(top)"
        raise ReportDirError(f"{name} is not a valid report: {where}: {first.get('msg', exc)}") from None
    except (ValueError, RecursionError) as exc:
        raise ReportDirError(f"{name} is not valid JSON: {exc}") from None


_REPORT = TypeAdapter(ValidationReport)
_CHANGES = TypeAdapter(LeaderboardChanges)


def read_report_dir(path: Path) -> ReportDir:
    """Read and check a report directory; raises ReportDirError for anything unexpected."""
    path = Path(path)
    if path.is_symlink() or not path.is_dir():
        raise ReportDirError(f"{path} is not a directory")
    report = _parse(_REPORT, REPORT, _read_bounded(path / REPORT, MAX_REPORT_BYTES) or b"")
    changes_bytes = _read_bounded(path / CHANGES, MAX_CHANGES_BYTES, required=False)
    changes = _parse(_CHANGES, CHANGES, changes_bytes) if changes_bytes is not None else LeaderboardChanges()
    raw_sha = _read_bounded(path / HEAD_SHA, MAX_SHA_BYTES) or b""
    head_sha = raw_sha.decode("ascii", "replace").strip()
    if not is_commit_sha(head_sha):
        raise ReportDirError(f"{HEAD_SHA} does not hold a full lowercase commit SHA")
    comment_bytes = _read_bounded(path / COMMENT, MAX_COMMENT_BYTES, required=False)
    comment = comment_bytes.decode("utf-8", "replace") if comment_bytes is not None else None
    return ReportDir(report=report, changes=changes, head_sha=head_sha, comment_md=comment)
