"""Which files a repository has: the YAML files under results/. Light on purpose (no models, no
parser), so that what needs only the listing (a git revision's, say) does not import the rest."""

from __future__ import annotations

import os
from pathlib import Path

RESULTS = "results"


def considered(rel: str) -> bool:
    """Whether a root-relative path is a file `discover` lists: a YAML file under results/ with no
    hidden folder or name. A git revision's listing (the base of a PR check) keeps the same
    files, so that the base and the working tree are read alike."""
    return rel.endswith((".yaml", ".yml")) and not rel.startswith(".") and "/." not in rel


def discover(root: Path) -> list[str]:
    """Root-relative paths of every YAML file under results/ (no hidden folder or file), sorted."""
    base = root / RESULTS
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in filenames:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(f"{rel_dir}/{name}")
    found.sort()
    return found
