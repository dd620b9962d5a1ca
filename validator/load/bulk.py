"""Loading a whole repository fast: the fast YAML path, the file cache, and a repository that loads late.

`load_repository` gives the same `Repository` as loading every file one by one with the plain
loader (the same models, documents, positions and problems), but:

* files are read by the fast YAML path where it vouches for them (validator/load/fastyaml.py);
* Python's cyclic garbage collector is paused while the corpus is built and the corpus is then
  frozen out of its sight (`gc.freeze`): hundreds of thousands of small objects that live until
  the process ends would otherwise be scanned again and again (measured: 2-10x on loading);
* a file whose path and content (git blob id) are in the cache is not parsed or validated again;
  a file whose size, times and inode are unchanged since it was hashed is not even read;
* with `lazy=True` only the list of files and their digests are computed: the models are
  loaded on first use, so a run whose whole answer is cached never loads them.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from validator.load import fastyaml, filecache
from validator.load.repository import (
    _MODELS,
    Repository,
    _add,
    _note_id,
    discover,
    load_file,
    read_bytes,
    resolve_metrics,
)
from validator.load.yamlload import decode

# The Repository fields that need the files loaded.
_HEAVY = ("tasks", "datasets", "papers", "catalogue", "task_ids", "dataset_ids", "problems", "declared")


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection while the corpus is built; afterwards it is frozen (never scanned)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """rapidyaml's C++ prints its parse errors on file descriptor 2; the plain loader reports
    them properly, so they are silenced while files are parsed."""
    try:
        saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


class _Scan:
    """Paths, blob ids and (where read) bytes of every file, plus the reading problems."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self.blobs: dict[str, str | None] = {}
        self.data: dict[str, bytes] = {}
        self.unreadable: dict[str, list] = {}
        self.results = 0


def _scan(root: Path, overrides: dict[str, bytes | None] | None) -> _Scan:
    scan = _Scan()
    if overrides is not None:
        scan.files = sorted(k for k, v in overrides.items() if v is not None)
        for rel in scan.files:
            data = overrides[rel]
            assert data is not None
            scan.data[rel] = data
            scan.blobs[rel] = filecache.blob_id(data)
        return scan
    scan.files = discover(root)
    index = filecache.index(root) if filecache.enabled() else None
    stats = index.stats if index is not None else {}
    for rel in scan.files:
        path = root / rel
        try:
            key = filecache.stat_key(os.stat(path))
        except OSError:
            key = None
        known = stats.get(rel)
        if key is not None and known is not None and known[:4] == key:
            scan.blobs[rel] = known[4]
            scan.results += known[5]
            continue
        data, problems = read_bytes(path, rel)
        if data is None:
            scan.blobs[rel] = None
            scan.unreadable[rel] = problems
            continue
        blob = filecache.blob_id(data)
        scan.blobs[rel] = blob
        scan.data[rel] = data
        if index is not None and key is not None and key[0] == len(data):
            # A result count of -1 is filled in when the file is loaded (see _materialize).
            results = known[5] if known is not None and known[4] == blob else -1
            scan.results += max(results, 0)
            stats[rel] = (*key, blob, results)
            index.dirty = True
    return scan


def load_repository(
    root: Path, overrides: dict[str, bytes | None] | None = None, *, lazy: bool = False
) -> Repository:
    """Load every file under `root/results` (`overrides`: the files of a git revision)."""
    with paused_gc():
        scan = _scan(root, overrides)
    digest = filecache.repository_digest(scan.blobs)
    if lazy and overrides is None and filecache.enabled():
        index = filecache.index(root)
        if all(index.stats.get(rel, (0,) * 6)[5] >= 0 for rel in scan.files if scan.blobs[rel] is not None):
            return LazyRepository(root, scan, digest)
    repo = Repository(root=root)
    repo.files = list(scan.files)
    _materialize(repo, root, scan, overrides is None)
    repo.digest = digest  # type: ignore[attr-defined]
    return repo


def _materialize(repo: Repository, root: Path, scan: _Scan, on_disk: bool) -> None:
    """Fill `repo` with every file's entry: from the cache where it is there, else loaded."""
    use_cache = filecache.enabled()
    store = filecache.entries(root) if use_cache else None
    index = filecache.index(root) if use_cache and on_disk else None
    cached_files = store.entries if store is not None else {}
    with paused_gc(), quiet_stderr():
        for rel in scan.files:
            blob = scan.blobs[rel]
            if blob is None:
                repo.problems.extend(scan.unreadable.get(rel, ()))
                _note_id(repo, rel)
                continue
            found = _from_cache(cached_files.get((rel, blob)), rel)
            if found is None:
                data = scan.data.get(rel)
                if data is None:  # unchanged by its stat, but not in the cache any more
                    data, problems = read_bytes(root / rel, rel)
                    if data is None or filecache.blob_id(data) != blob:
                        # It changed after all: load what is there now, and forget its stat.
                        if index is not None:
                            index.stats.pop(rel, None)
                            index.dirty = True
                        if data is None:
                            repo.problems.extend(problems)
                            _note_id(repo, rel)
                            continue
                kind, model, doc, problems = load_file(rel, data)
                results = len(model.results) if kind == "paper" and model is not None else 0
                if store is not None:
                    text = _text_of(rel, doc, data)
                    if doc is None or text is not None:
                        cached_files[(rel, blob)] = filecache.Cached.of(kind, model, doc, text, problems, results)
                        store.dirty = True
                found = (kind, model, doc, tuple(problems), results)
            kind, model, doc, problems, results = found
            if index is not None:
                known = index.stats.get(rel)
                if known is not None and known[4] == blob and known[5] != results:
                    index.stats[rel] = (*known[:5], results)
                    index.dirty = True
            repo.problems.extend(problems)
            _note_id(repo, rel)
            if model is not None:
                _add(repo, kind, rel, doc, model)
        repo.declared = {ds_id: resolve_metrics(e.model, repo.catalogue_kinds) for ds_id, e in repo.datasets.items()}


def _from_cache(cached: filecache.Cached | None, rel: str) -> tuple | None:
    """(kind, model, doc, problems, results) of a cached file, or None when it is not usable."""
    if cached is None:
        return None
    contents = cached.contents()
    if contents is None:
        return (cached.kind, None, None, cached.problems, cached.results)
    data, raw = contents
    model_type = _MODELS.get(cached.kind or "")
    if model_type is None or cached.text is None:
        return None
    try:
        model = model_type.model_validate(data)
    except ValueError:  # pydantic's ValidationError: not what was cached; load the file again
        return None
    return (cached.kind, model, fastyaml.lazy_doc(rel, raw, cached.text), cached.problems, cached.results)


def _text_of(rel: str, doc: Any, data: bytes) -> str | None:
    """The text the document was parsed from (positions are computed from it again)."""
    if doc is None:
        return None
    text = getattr(doc, "_text", None)
    if isinstance(text, str):
        return text
    text, _problems = decode(rel, data)
    return text


class LazyRepository(Repository):
    """A repository whose files are loaded on first use of any field that needs them."""

    def __init__(self, root: Path, scan: _Scan, digest: str) -> None:
        self.__dict__.update(root=root, files=list(scan.files), base=None, digest=digest)
        self._scan = scan
        self._results = scan.results

    def loaded(self) -> bool:
        return "papers" in self.__dict__

    def _load(self) -> None:
        plain = Repository(root=self.root)
        _materialize(plain, self.root, self._scan, True)
        for name in _HEAVY:
            self.__dict__[name] = getattr(plain, name)

    def result_count(self) -> int:
        return super().result_count() if self.loaded() else self._results


def _lazy_field(name: str) -> property:
    def get(self: LazyRepository) -> Any:
        if name not in self.__dict__:
            self._load()
        return self.__dict__[name]

    def set_(self: LazyRepository, value: Any) -> None:
        self.__dict__[name] = value

    return property(get, set_)


for _name in _HEAVY:
    setattr(LazyRepository, _name, _lazy_field(_name))
