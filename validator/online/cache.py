"""The on-disk cache of look-up answers, so that a second run asks nothing it already knows.

One SQLite file under the settings' cache folder (`$XDG_CACHE_HOME/pwc/online.sqlite3`) maps a
key such as `arxiv:1909.11942` to a JSON answer and the time it expires. Only answers are
stored ("found, with this title" or "does not exist"); failures to connect never are. A cache
that cannot be opened or written is a cache that is empty: it never stops a validation.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FILENAME = "online.sqlite3"


class AnswerCache:
    """Key to JSON value with an expiry time; thread-safe; degrades to memory on any disk error."""

    def __init__(self, folder: Path | None, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[float, Any]] = {}
        self._db: sqlite3.Connection | None = None
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(folder / FILENAME, timeout=5.0, check_same_thread=False)
                # An answer lost in a crash is only asked again; no need to wait for the disk.
                self._db.execute("PRAGMA synchronous=OFF")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS answers"
                    " (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL NOT NULL)"
                )
                self._db.commit()
            except (OSError, sqlite3.Error):
                self._db = None

    def get(self, key: str) -> Any | None:
        """The cached answer for `key`, or None when there is none or it has expired."""
        now = self._clock()
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                return hit[1] if hit[0] > now else None
            if self._db is None:
                return None
            try:
                row = self._db.execute("SELECT value, expires FROM answers WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return None
        if row is None or row[1] <= now:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return None

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key in keys:
            value = self.get(key)
            if value is not None:
                found[key] = value
        return found

    def put(self, key: str, value: Any, ttl: float) -> None:
        self.put_many([(key, value, ttl)])

    def put_many(self, items: Iterable[tuple[str, Any, float]]) -> None:
        """Store several answers in one transaction (one batch of look-ups, one write)."""
        now = self._clock()
        rows = []
        with self._lock:
            for key, value, ttl in items:
                self._memory[key] = (now + ttl, value)
                rows.append((key, json.dumps(value, ensure_ascii=False, sort_keys=True), now + ttl))
            if self._db is None or not rows:
                return
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO answers (key, value, expires) VALUES (?, ?, ?)", rows
                )
                self._db.commit()
            except sqlite3.Error:
                pass  # an unwritable cache only costs a repeated look-up next time

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def clear(folder: Path) -> bool:
    """Remove the answer cache file in `folder`; True when there was one."""
    removed = False
    for name in (FILENAME, FILENAME + "-journal", FILENAME + "-wal", FILENAME + "-shm"):
        path = folder / name
        if path.exists():
            path.unlink()
            removed = True
    return removed
