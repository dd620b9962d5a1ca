"""Progress of a long online run on a terminal: how many identifiers are looked up and how many are left."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


class Progress:
    """Counts look-ups; draws one updating line on `stream` only when it is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, every: float = 0.2) -> None:
        self.total = total
        self.done = 0
        self.stream = sys.stderr if stream is None else stream
        try:
            self.enabled = bool(self.stream.isatty()) and total > 0
        except (AttributeError, ValueError):
            self.enabled = False
        self._every = every
        self._last = 0.0
        self._lock = threading.Lock()
        self._drawn = False

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done = min(self.total, self.done + n)
            now = time.monotonic()
            if self.enabled and (now - self._last >= self._every or self.done == self.total):
                self._last = now
                self._draw()

    def _draw(self) -> None:
        left = self.total - self.done
        self.stream.write(f"\rlooking up identifiers: {self.done}/{self.total} done, {left} left ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        with self._lock:
            if self.enabled and self._drawn:
                self.stream.write("\n")
                self.stream.flush()
