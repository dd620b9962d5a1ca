"""The content-keyed cache of loaded and checked files, and of whole answers.

A file's entry is keyed by its root-relative path and its git blob id (the SHA-1 git gives its
content, so a base revision's files are found by `git ls-tree` without reading them) and holds
what loading produced: its kind, its data (the model is validated from it again), the texts
of its typed scalars, its text (from which positions are computed when a problem needs one)
and its reading and schema problems.
A whole answer (the sorted problems of every check) is keyed by the blob ids of every file of
the repository and of its base, today's date and the environment the checks may read.

Both live under `$XDG_CACHE_HOME/pwc/files/` (default `~/.cache/pwc/files/`; `PWC_CACHE_DIR`
puts them elsewhere), per repository root (or under the name `PWC_CACHE_NAME` gives), in two
files: a small index (file stats and answers), read on every run, and the large entries, read
only when a run needs the loaded files. A third, the board table of validator/scope.py, is
what a PR check reads instead of the entries. All are stamped with a digest of the validator's
own source and of the versions of the libraries that shape its answers: any change of code
makes every entry stale. A cache that cannot be read or written is an empty cache: it never
stops a validation and never changes an answer. `PWC_CACHE=0` turns it off.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from validator.gcpause import paused_gc

FORMAT = 2
_MAX_ANSWERS = 8


def enabled() -> bool:
    return os.environ.get("PWC_CACHE", "1") != "0"


def blob_id(data: bytes) -> str:
    """The id git gives a file with this content (`git hash-object`)."""
    h = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    h.update(data)
    return h.hexdigest()


_CODE: str | None = None


def code_digest() -> str:
    """A digest of the validator's source and the versions of the libraries that shape answers."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha1(usedforsecurity=False)
        package = Path(__file__).resolve().parent.parent
        for path in sorted(package.rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode())
            try:
                h.update(path.read_bytes())
            except OSError:
                h.update(b"?")
        h.update(sys.version.encode())
        h.update(_library_versions().encode())
        h.update(f"format={FORMAT}".encode())
        _CODE = h.hexdigest()
    return _CODE


def _library_versions() -> str:
    import orjson
    import pydantic
    import pydantic_core
    import yaml

    try:
        import ryml

        ryml_version = str(ryml.version)
    except ImportError:
        ryml_version = "-"
    return f"{pydantic.VERSION} {pydantic_core.__version__} {yaml.__version__} {ryml_version} {orjson.__version__}"


def answer_key(head: str, base: str | None) -> str:
    """The key of a whole answer: the repository (and base) digests, today, the environment
    variables a check may read, and the code."""
    h = hashlib.sha1(usedforsecurity=False)
    h.update(head.encode())
    h.update((base or "-").encode())
    h.update(_dt.date.today().isoformat().encode())  # a check may compare a date with today
    for name in sorted(k for k in os.environ if k.startswith("PWC_")):
        h.update(f"{name}={os.environ[name]}".encode())
    h.update(code_digest().encode())
    return h.hexdigest()


def repository_digest(files: dict[str, str | None]) -> str:
    """A digest of a repository's files: root-relative path -> blob id (None: unreadable)."""
    h = hashlib.sha1(usedforsecurity=False)
    for rel in sorted(files):
        h.update(f"{rel}\0{files[rel]}\n".encode())
    return h.hexdigest()


@dataclass(slots=True)
class Cached:
    """What loading one file produced, stored compactly.

    `payload` is the document's data and typed-scalar texts as JSON (orjson writes and reads it
    ten times faster than pickle writes models); the model is validated again from it, which
    gives the very model (dates are written as the ISO text the model keeps). Data that JSON
    cannot hold exactly (a timestamp with a time) is pickled instead. A file with no model has
    no payload: only its problems count.
    """

    kind: str | None
    payload: bytes | None
    text: str | None
    problems: tuple
    results: int  # how many results a paper file holds (0 otherwise)
    pickled: bytes | None = None

    @classmethod
    def of(cls, kind: str | None, model: Any, doc: Any, text: str | None, problems: list, results: int) -> Cached:
        if model is None or doc is None:
            return cls(kind, None, text, tuple(problems), results)
        raw = [[*path, value] for path, value in doc.raw.items()]
        try:
            payload = orjson.dumps([doc.data, raw], default=_json_date, option=orjson.OPT_PASSTHROUGH_DATETIME)
        except TypeError:
            return cls(kind, None, text, tuple(problems), results, pickle.dumps((doc.data, doc.raw), 5))
        return cls(kind, payload, text, tuple(problems), results)

    def contents(self) -> tuple[Any, dict] | None:
        """(data to validate the model from, typed-scalar texts), or None for a file with no model."""
        if self.payload is not None:
            data, raw = orjson.loads(self.payload)
            return data, {tuple(item[:-1]): item[-1] for item in raw}
        if self.pickled is not None:
            return pickle.loads(self.pickled)
        return None


def _json_date(value: Any) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    raise TypeError


@dataclass
class Index:
    """The small half of a root's cache, read on every run: file stats and recent answers."""

    code: str = ""
    stats: dict[str, tuple[int, int, int, int, str, int]] = field(default_factory=dict)  # rel -> stat, blob, results
    answers: dict[str, Any] = field(default_factory=dict)  # answer key -> answer
    table: str = ""  # the digest of the repository the board table was written for (validator/scope.py)
    dirty: bool = False


@dataclass
class Entries:
    """The large half, read only when a run needs the loaded files: (rel, blob id) -> Cached."""

    code: str = ""
    entries: dict[tuple[str, str], Cached] = field(default_factory=dict)
    dirty: bool = False
    partial: bool = False  # a PR check's few entries (see `use_entries`): never written back


_LOADED: dict[tuple[str, str], Any] = {}
# The entries this process used (the working tree's and a base revision's files): when the
# entries are written, the others (older versions of files) are dropped.
_USED: set[tuple[str, str]] = set()


def note_used(rel: str, blob: str) -> None:
    _USED.add((rel, blob))


def folder() -> Path:
    """`$PWC_CACHE_DIR`, else `$XDG_CACHE_HOME/pwc/files` (default `~/.cache/pwc/files`): the
    folder the workflows save on main and restore for pull requests."""
    given = os.environ.get("PWC_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or ""
    home = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return home / "pwc" / "files"


def _path(root: Path, part: str) -> Path:
    # Per root by default; `PWC_CACHE_NAME` names it instead, so that two checkouts of one
    # repository at different paths share it (the workflows: main at `.`, a pull request at `pr/`).
    # Entries and answers are keyed by content, so sharing never changes an answer.
    given = "".join(c for c in os.environ.get("PWC_CACHE_NAME", "") if c.isalnum() or c in "-_")[:64]
    name = given or hashlib.sha1(str(root.resolve()).encode(), usedforsecurity=False).hexdigest()[:20]
    return folder() / f"{name}.{part}.pickle"


_KEEP_ROOTS = 16  # the caches of this many repository roots are kept (the most recently written)


def _prune(where: Path) -> None:
    """Forget the caches of roots not written for the longest time (scratch repositories)."""
    try:
        found = sorted(where.glob("*.index.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in found[_KEEP_ROOTS:]:
            name = stale.name.split(".", 1)[0]
            for part in ("index", "entries", "boards"):
                (where / f"{name}.{part}.pickle").unlink(missing_ok=True)
    except OSError:
        pass


def _read(root: Path, part: str, cls: type) -> Any:
    key = (str(root.resolve()), part)
    found = _LOADED.get(key)
    if found is not None:
        return found
    value = cls(code=code_digest())
    if enabled():
        try:
            with _path(root, part).open("rb") as fh:
                blob = fh.read()
            with paused_gc():  # a pickle of many small objects loads 3-5x faster without collections
                loaded = pickle.loads(blob)
            if isinstance(loaded, cls) and loaded.code == value.code:
                value = loaded
                value.dirty = False
        except Exception:  # noqa: BLE001 - an unreadable cache is an empty cache
            pass
    _LOADED[key] = value
    return value


def index(root: Path) -> Index:
    """The index of `root` (read once per process); an empty one when there is none."""
    return _read(root, "index", Index)


def entries(root: Path) -> Entries:
    """The cached files of `root` (read once per process, only when needed)."""
    return _read(root, "entries", Entries)


def use_entries(root: Path, entries: dict[tuple[str, str], Cached]) -> None:
    """Make `entries` this process's cached files of `root` instead of reading the whole store
    (a PR check that needs a few files, whose entries came with the board table)."""
    _LOADED[(str(root.resolve()), "entries")] = Entries(code=code_digest(), entries=dict(entries), partial=True)


def drop_entries(root: Path) -> None:
    """Forget the entries `use_entries` gave: the next use reads the whole store."""
    found = _LOADED.get((str(root.resolve()), "entries"))
    if found is not None and found.partial:
        del _LOADED[(str(root.resolve()), "entries")]


def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """What tells that a file has not changed since it was hashed: git's own test."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def save(root: Path, parts: tuple[str, ...] = ("index", "entries")) -> None:
    """Write whatever changed of `root`'s cache, each part atomically."""
    if not enabled():
        return
    resolved = str(root.resolve())
    for part in parts:
        value = _LOADED.get((resolved, part))
        if value is None or not value.dirty or getattr(value, "partial", False):
            continue
        if part == "entries" and _USED:
            value.entries = {k: v for k, v in value.entries.items() if k in _USED}
        if part == "index" and len(value.answers) > _MAX_ANSWERS:
            for old in list(value.answers)[: len(value.answers) - _MAX_ANSWERS]:
                del value.answers[old]
        value.dirty = False
        _write(_path(root, part), value)
        if part == "index":
            _prune(_path(root, part).parent)


def path_of(root: Path, part: str) -> Path:
    """Where part `part` of `root`'s cache lives (a part another module writes with `write`)."""
    return _path(root, part)


def write(path: Path, value: Any) -> None:
    """Pickle `value` to `path` atomically; a cache that cannot be written is skipped."""
    _write(path, value)


def _write(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # noqa: BLE001 - a cache that cannot be written is skipped
        return


def saved_elsewhere(root: Path, part: str) -> None:
    """Another process (a forked one, sharing this one's memory) wrote this part: it is clean."""
    value = _LOADED.get((str(root.resolve()), part))
    if value is not None:
        value.dirty = False


def forget() -> None:
    """Drop what this process has read of any cache (the next read goes to the disk again)."""
    _LOADED.clear()
    _USED.clear()
