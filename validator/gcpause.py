"""Building a large, long-lived structure without Python's cyclic garbage collector watching.

Loading a corpus, a cache or an index allocates hundreds of thousands of small objects that live
until the process ends. With the collector on, it rescans them again and again while they are
built (2-10x slower); turned off and simply turned back on, the first collection afterwards
still scans every one of them. `paused_gc` turns it off meanwhile and then freezes what exists
(`gc.freeze`: moved out of the collector's sight, still freed when no longer referenced). The
price: garbage in reference cycles that existed then is never collected; nothing here makes
such cycles in bulk, and a command ends soon after (a long process such as the test suite keeps
a little more memory).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside; afterwards everything allocated so far is frozen."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()
