"""Git access for PR checks: which files changed since a revision, and the files at that revision."""

from __future__ import annotations

import subprocess
from pathlib import Path

from validator.load.repository import RESULTS, Repository, load_repository
from validator.load.yamlload import MAX_FILE_BYTES


class GitError(Exception):
    """git could not answer (not a repository, unknown revision, git missing)."""


def _git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            input=input_bytes,
            capture_output=True,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git could not run: {exc}") from exc
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or "git failed")
    return proc.stdout


def _prefix(root: Path) -> str:
    """The root's path inside its git work tree ('' at the top)."""
    return _git(root, "rev-parse", "--show-prefix").decode().strip()


def changed_files(root: Path, ref: str) -> set[str]:
    """Root-relative paths that differ between `ref` and the working tree (including new,
    untracked and deleted files)."""
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    out = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", ref, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    names = {n for n in (out + b"\0" + untracked).decode("utf-8", "replace").split("\0") if n}
    return names


def files_at(root: Path, ref: str) -> dict[str, bytes | None]:
    """Contents of every file under results/ at `ref`, keyed by root-relative path."""
    prefix = _prefix(root)
    listing = _git(root, "ls-tree", "-r", "-z", "--long", ref, "--", RESULTS)
    entries: list[tuple[str, str, int]] = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != b"blob":
            continue
        path = name.decode("utf-8", "replace")
        rel = path[len(prefix) :] if prefix and path.startswith(prefix) else path
        size = int(parts[3]) if parts[3].isdigit() else 0
        entries.append((rel, parts[2].decode(), size))
    out: dict[str, bytes | None] = {}
    wanted = [e for e in entries if e[0].endswith((".yaml", ".yml")) and e[2] <= MAX_FILE_BYTES]
    if wanted:
        blob = _git(root, "cat-file", "--batch", input_bytes="".join(f"{e[1]}\n" for e in wanted).encode())
        pos = 0
        for rel, _sha, _size in wanted:
            header_end = blob.index(b"\n", pos)
            header = blob[pos:header_end].split()
            length = int(header[2])
            out[rel] = blob[header_end + 1 : header_end + 1 + length]
            pos = header_end + 1 + length + 1
    return out


def load_base(root: Path, ref: str) -> Repository:
    return load_repository(root, overrides=files_at(root, ref))


def head_sha(root: Path) -> str:
    return _git(root, "rev-parse", "HEAD").decode().strip()
