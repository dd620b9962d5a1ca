"""Git access for PR checks: which files changed since a revision, and the files at that revision."""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

from validator.load.paths import RESULTS, considered
from validator.load.repository import Repository
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


@functools.lru_cache(maxsize=8)
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


# One entry of `git ls-tree -r -z --long`: mode, type, object id, size, a tab, the path.
_ENTRY = re.compile(rb"[0-7]+ blob ([0-9a-f]+) +(\d+|-)\t([^\0]*)\0")


def _listing(root: Path, ref: str) -> list[tuple[str, str]]:
    """(root-relative path, blob id) of the YAML files under results/ at `ref` within the size bound."""
    prefix = _prefix(root)
    listing = _git(root, "ls-tree", "-r", "-z", "--long", ref, "--", RESULTS)
    found: list[tuple[str, str]] = []
    for blob, size, name in _ENTRY.findall(listing):  # one pass in C over tens of thousands of entries
        path = name.decode("utf-8", "replace")
        rel = path[len(prefix) :] if prefix and path.startswith(prefix) else path
        if considered(rel) and (int(size) if size.isdigit() else 0) <= MAX_FILE_BYTES:
            found.append((rel, blob.decode()))
    return found


def _contents(root: Path, wanted: list[tuple[str, str]]) -> dict[str, bytes]:
    """The contents of these blobs, by path (one `git cat-file --batch` for all)."""
    out: dict[str, bytes] = {}
    if wanted:
        blob = _git(root, "cat-file", "--batch", input_bytes="".join(f"{e[1]}\n" for e in wanted).encode())
        pos = 0
        for rel, _sha in wanted:
            header_end = blob.index(b"\n", pos)
            header = blob[pos:header_end].split()
            length = int(header[2])
            out[rel] = blob[header_end + 1 : header_end + 1 + length]
            pos = header_end + 1 + length + 1
    return out


def files_at(root: Path, ref: str) -> dict[str, bytes | None]:
    """Contents of every file under results/ at `ref`, keyed by root-relative path."""
    return dict(_contents(root, _listing(root, ref)))


def load_base(root: Path, ref: str) -> Repository:
    """The repository at `ref`. Files are known by their git blob ids first: those the file cache
    holds are not read from git at all."""
    from validator.load.bulk import load_revision

    return load_revision(root, _listing(root, ref), lambda wanted: _contents(root, wanted))


def listing_at(root: Path, ref: str) -> dict[str, str]:
    """Root-relative path -> blob id of the YAML files under results/ at `ref` (within the size bound)."""
    return dict(_listing(root, ref))


def load_base_subset(root: Path, listing: dict[str, str], papers: set[str], others: set[str] | None) -> Repository:
    """The repository at a revision (known by `listing_at`) with only these paper files loaded,
    and every other file or only `others` (a PR check's base, see validator/scope.py)."""
    from validator.load.bulk import load_revision

    return load_revision(root, list(listing.items()), lambda wanted: _contents(root, wanted), papers, others)


def head_sha(root: Path) -> str:
    return _git(root, "rev-parse", "HEAD").decode().strip()
