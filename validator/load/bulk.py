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
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from validator.gcpause import paused_gc
from validator.load import fastyaml, filecache
from validator.load.parsehelper import ParseHelper
from validator.load.paths import discover
from validator.load.repository import (
    _MODELS,
    Repository,
    _add,
    _note_id,
    kind_of,
    load_file,
    read_bytes,
    resolve_metrics,
)
from validator.load.yamlload import MAX_FILE_BYTES, decode

_PAPERS = "results/papers/"

# The Repository fields that need the files loaded.
_HEAVY = ("tasks", "datasets", "papers", "catalogue", "task_ids", "dataset_ids", "problems", "declared")


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

    def __init__(self, fetch: Callable[[str, str], bytes | None] | None = None) -> None:
        self.files: list[str] = []
        self.blobs: dict[str, str | None] = {}
        self.data: dict[str, bytes] = {}
        self.unreadable: dict[str, list] = {}
        self.results = 0
        # How to get the bytes of a file that was not read: (rel, blob id) -> bytes (None: the
        # file on disk, checked against its blob id).
        self.fetch = fetch
        # A helper reading and parsing some files in parallel (see `_reading_helper`): their bytes
        # and blob ids arrive while the files are loaded.
        self.helper: ParseHelper | None = None

    @property
    def pending(self) -> set[str] | frozenset[str]:
        """The files the helper reads, which this process has not read."""
        return self.helper.theirs if self.helper is not None else frozenset()


def _scan(root: Path, overrides: dict[str, bytes | None] | None, *, early: bool = False) -> _Scan:
    """The files and what is known of them. `early`: a helper may read and parse part of the
    files not known to the cache's index, which this process then does not read."""
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
    base = str(root)
    if early:
        _reading_helper(scan, base, stats)
    pending = scan.pending
    for rel in scan.files:
        if rel in pending:
            continue
        path = f"{base}/{rel}"
        known = stats.get(rel)
        if known is not None:
            try:
                key = filecache.stat_key(os.stat(path))
            except OSError:
                key = None
            if key is not None and known[:4] == key:
                scan.blobs[rel] = known[4]
                scan.results += known[5]
                continue
        data, key = _read_into(scan, root, rel, path)
        if data is not None:
            _note_stat(scan, index, rel, data, key)
    if index is not None and len(stats) > len(scan.files):  # files deleted since: forget them
        present = set(scan.files)
        for rel in [r for r in stats if r not in present]:
            del stats[rel]
        index.dirty = True
    return scan


def _note_stat(scan: _Scan, index: Any, rel: str, data: bytes, key: tuple | None) -> None:
    """Remember in the cache's index the stat and blob id of a file just read."""
    if index is None or key is None or key[0] != len(data):
        return
    stats = index.stats
    known = stats.get(rel)
    blob = scan.blobs[rel]
    # A result count of -1 is filled in when the file is loaded (see _materialize).
    results = known[5] if known is not None and known[4] == blob else -1
    scan.results += max(results, 0)
    stats[rel] = (*key, blob, results)
    index.dirty = True


def _reading_helper(scan: _Scan, base: str, stats: dict) -> None:
    """Start a helper that reads and parses the last part of the files the index does not know
    (all of them, on a cold load), before this process reads the rest: each file is then read
    once, by one of two cores (see validator/load/parsehelper.py)."""
    candidates = [rel for rel in scan.files if rel not in stats and not rel.endswith("metrics.yaml")]

    def read(rel: str) -> tuple[bytes | None, tuple | None]:
        return _read(f"{base}/{rel}")

    with quiet_stderr():  # the helper's rapidyaml prints its parse errors on descriptor 2
        helper = ParseHelper.reading(candidates, read)
    scan.helper = helper


def _receive(scan: _Scan, root: Path, rel: str, index: Any) -> Any:
    """Take a file the helper read: its bytes, blob id and stat (read here if the helper could
    not), noted as `_scan` notes them; what the helper parsed, or None."""
    assert scan.helper is not None
    got = scan.helper.take(rel)
    if got is None:
        data, key = _read_into(scan, root, rel, f"{root}/{rel}")
        parsed = None
    else:
        blob, parsed, data, key = got
        scan.blobs[rel] = blob
        scan.data[rel] = data
    if data is not None:
        _note_stat(scan, index, rel, data, key)
    return parsed


def _read_into(scan: _Scan, root: Path, rel: str, path: str) -> tuple[bytes | None, tuple | None]:
    """Read a file into the scan (its bytes and blob id), or note why it cannot be read (blob id
    None); its bytes and stat key, or None when it was not read."""
    data, key = _read(path)
    if data is None:
        data, problems = read_bytes(root / rel, rel)  # the exact problem, or it reads now
        if data is None:
            scan.blobs[rel] = None
            scan.unreadable[rel] = problems
            return None, None
    scan.blobs[rel] = filecache.blob_id(data)
    scan.data[rel] = data
    return data, key


def _read(path: str) -> tuple[bytes | None, tuple[int, int, int, int] | None]:
    """A file's bytes and stat key, with as few system calls as Python allows; None for anything
    unusual (too large, unreadable), which `read_bytes` then reports."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None, None
    try:
        st = os.fstat(fd)
        if st.st_size > MAX_FILE_BYTES:
            return None, None
        data = os.read(fd, st.st_size + 1)
        if len(data) > st.st_size:  # it grew: let read_bytes decide
            return None, None
        while len(data) < st.st_size:
            more = os.read(fd, st.st_size - len(data))
            if not more:
                break
            data += more
        return data, filecache.stat_key(st)
    except OSError:
        return None, None
    finally:
        os.close(fd)


def load_repository(
    root: Path, overrides: dict[str, bytes | None] | None = None, *, lazy: bool = False, remember: bool = True
) -> Repository:
    """Load every file under `root/results` (`overrides`: the files of a git revision).
    `remember=False`: files the cache does not hold are not prepared for it (a command that
    never saves the file cache, such as `pwc build`, would pay for that and throw it away)."""
    if overrides is None:
        _MADE.clear()  # a new run over the working tree; a base revision loaded next shares it
    with paused_gc():
        scan = _scan(root, overrides, early=overrides is None)
    try:
        # A file the helper reads is known to no index, so such a load is never lazy.
        if lazy and overrides is None and filecache.enabled() and scan.helper is None:
            index = filecache.index(root)
            if all(index.stats.get(rel, (0,) * 6)[5] >= 0 for rel in scan.files if scan.blobs[rel] is not None):
                return LazyRepository(root, scan, filecache.repository_digest(scan.blobs), remember)
        repo = Repository(root=root)
        repo.files = list(scan.files)
        _materialize(repo, root, scan, overrides is None, remember)
    finally:
        if scan.helper is not None:
            scan.helper.finish()  # reaped, whatever happened
    # The blob ids of the files the helper read are known only now.
    repo.blobs = {rel: scan.blobs[rel] for rel in scan.files}
    repo.digest = filecache.repository_digest(scan.blobs)
    return repo


def scan_changed(root: Path, unchanged: dict[str, str], changed: set[str]) -> _Scan:
    """The working tree's files, nothing loaded yet (see `load_subset`), when git has said which
    files differ from a revision: the others have that revision's blob ids (`unchanged`), so
    only the changed ones (and any file git does not track) are read."""
    _MADE.clear()
    scan = _Scan()
    scan.files = discover(root)
    base = str(root)
    for rel in scan.files:
        blob = unchanged.get(rel)
        if blob is not None and rel not in changed:
            scan.blobs[rel] = blob
            continue
        _read_into(scan, root, rel, f"{base}/{rel}")
    return scan


def _subset(scan: _Scan, papers: set[str], others: set[str] | None = None) -> _Scan:
    """The scan of `papers` and of every other file that is not a paper file (or only `others`)."""
    sub = _Scan(fetch=scan.fetch)
    if others is None:
        sub.files = [
            rel for rel in scan.files if rel in papers or not rel.startswith(_PAPERS) or kind_of(rel) != "paper"
        ]
    else:
        sub.files = [rel for rel in scan.files if rel in papers or rel in others]
    sub.blobs = {rel: scan.blobs[rel] for rel in sub.files}
    sub.data = {rel: scan.data[rel] for rel in sub.files if rel in scan.data}
    sub.unreadable = {rel: scan.unreadable[rel] for rel in sub.files if rel in scan.unreadable}
    return sub


def load_subset(root: Path, scan: _Scan, papers: set[str], others: set[str] | None = None) -> Repository:
    """A repository of the scanned files in which only the paper files in `papers` are loaded,
    with every other file (or only those in `others`): a PR check's. `files` and `blobs` still
    list every file; its `digest` is None, so no answer is cached under it."""
    repo = Repository(root=root)
    repo.files = list(scan.files)
    repo.blobs = dict(scan.blobs)
    _materialize(repo, root, _subset(scan, papers, others), False)
    return repo


def _materialize(repo: Repository, root: Path, scan: _Scan, on_disk: bool, remember: bool = True) -> None:
    """Fill `repo` with every file's entry: from the cache where it is there, else loaded (and,
    if `remember`, prepared for the cache)."""
    use_cache = filecache.enabled()
    store = filecache.entries(root) if use_cache else None
    index = filecache.index(root) if use_cache and on_disk else None
    cached_files = store.entries if store is not None else {}
    if not remember:
        store = None
    with paused_gc(), quiet_stderr():
        helper = scan.helper
        if helper is None:
            todo = [
                rel for rel in scan.files
                if rel in scan.data and (rel, scan.blobs[rel]) not in cached_files and not rel.endswith("metrics.yaml")
            ]
            helper = ParseHelper.start(todo, scan.data)
        try:
            _load_all(repo, root, scan, helper, store, index, cached_files)
        finally:
            if helper is not None:
                helper.finish()
        kinds = repo.catalogue_kinds  # a property that indexes the catalogue: once, not per dataset
        repo.declared = {ds_id: resolve_metrics(e.model, kinds) for ds_id, e in repo.datasets.items()}


def _load_all(repo: Repository, root: Path, scan: _Scan, helper: ParseHelper | None, store: Any, index: Any,
              cached_files: dict) -> None:
    pending = scan.pending
    for rel in scan.files:
        parsed = _NOT_SENT
        if rel in pending:
            parsed = _receive(scan, root, rel, index)
        blob = scan.blobs[rel]
        if blob is None:
            repo.problems.extend(scan.unreadable.get(rel, ()))
            _note_id(repo, rel)
            continue
        found = _from_cache(cached_files.get((rel, blob)), rel, blob)
        if found is None:
            data = scan.data.get(rel)
            if data is None and scan.fetch is not None:  # a file of a git revision
                data = scan.fetch(rel, blob)
                problems = []
            elif data is None:  # unchanged by its stat, but not in the cache any more
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
            if helper is not None:
                helper.drain()
                if parsed is _NOT_SENT:
                    parsed = helper.parsed(rel, blob)
            if parsed is _NOT_SENT:
                parsed = None
            kind, model, doc, problems = load_file(rel, data, parsed=parsed)
            results = len(model.results) if kind == "paper" and model is not None else 0
            if store is not None:
                text = _text_of(rel, doc, data)
                if doc is None or text is not None:
                    cached_files[(rel, blob)] = filecache.Cached.of(kind, model, doc, text, problems, results)
                    filecache.note_used(rel, blob)
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


_NOT_SENT = object()  # a file the helper did not read: `parsed` asks it whether it parsed it

# (rel, blob id) -> what `_from_cache` made of it: a base revision and the working tree share
# the entries (and the models) of every file they have in common.
_MADE: dict[tuple[str, str], tuple] = {}


def _from_cache(cached: filecache.Cached | None, rel: str, blob: str) -> tuple | None:
    """(kind, model, doc, problems, results) of a cached file, or None when it is not usable."""
    if cached is None:
        return None
    filecache.note_used(rel, blob)
    made = _MADE.get((rel, blob))
    if made is not None and made[5] is cached:
        return made[:5]
    found = _make(cached, rel)
    if found is not None:
        _MADE[(rel, blob)] = (*found, cached)
    return found


def _make(cached: filecache.Cached, rel: str) -> tuple | None:
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


def load_revision(
    root: Path,
    listing: list[tuple[str, str]],
    contents: Callable[[list[tuple[str, str]]], dict[str, bytes]],
    papers: set[str] | None = None,
    others: set[str] | None = None,
) -> Repository:
    """The repository of a git revision known by (path, blob id) pairs; `contents` gives the bytes
    of blobs, asked once for all those the cache does not hold (and again, one by one, for any
    that it held but could not use). With `papers`, only those paper files are loaded (see
    `load_subset`)."""
    scan = _Scan(fetch=lambda rel, blob: contents([(rel, blob)]).get(rel))
    scan.files = sorted({rel for rel, _blob in listing})
    scan.blobs = dict(listing)
    loading = scan if papers is None else _subset(scan, papers, others)
    held = filecache.entries(root).entries if filecache.enabled() else {}
    missing = [(rel, loading.blobs[rel]) for rel in loading.files if (rel, loading.blobs[rel]) not in held]
    if missing:
        loading.data.update(contents(missing))
    repo = Repository(root=root)
    repo.files = list(scan.files)
    repo.blobs = dict(scan.blobs)
    _materialize(repo, root, loading, False)
    if papers is None:
        repo.digest = filecache.repository_digest(scan.blobs)
    return repo


class LazyRepository(Repository):
    """A repository whose files are loaded on first use of any field that needs them."""

    def __init__(self, root: Path, scan: _Scan, digest: str, remember: bool = True) -> None:
        self.__dict__.update(root=root, files=list(scan.files), blobs=dict(scan.blobs), base=None, digest=digest)
        self._scan = scan
        self._results = scan.results
        self._remember = remember

    def loaded(self) -> bool:
        return "papers" in self.__dict__

    def _load(self) -> None:
        plain = Repository(root=self.root)
        _materialize(plain, self.root, self._scan, True, self._remember)
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
