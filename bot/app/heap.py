"""Giving freed memory back to the system (glibc's ``malloc_trim``).

A first sweep moves a few hundred thousand entries through the main process: each body, entry
text, summary and result row of more than 512 bytes is allocated by glibc's malloc (Python's own
allocator takes only the smaller objects), and freed once judged. glibc returns free memory to
the system only from the top of its heap; what is freed below a live block stays resident, and
the heap's resident size climbs with the sweep's churn rather than with what it holds.
``malloc_trim(0)`` hands every free page of the heap back (``madvise``); called once start-up is
done and every few seconds while a sweep runs, it keeps the resident size near what is live.
Nothing where glibc is not the libc.
"""

from __future__ import annotations

import ctypes
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


def _load() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    return trim


_malloc_trim = _load()


def trim_heap() -> bool:
    """Give the heap's free pages back to the system; whether any were (``False`` without
    glibc). ctypes lets other threads run meanwhile."""
    if _malloc_trim is None:
        return False
    return bool(_malloc_trim(0))


@dataclass
class TrimSchedule:
    """When a busy sweep gives the heap back: every ``every`` seconds once at least ``least``
    entries were judged since the last time (a steady cycle judging a few entries never trims)."""

    every: float = 5.0
    least: int = 256
    _at: float = field(default_factory=time.monotonic)
    _judged: int = 0

    def judged(self, count: int) -> None:
        self._judged += count

    def due(self) -> bool:
        """Whether to trim now; when it is, the schedule starts over."""
        if self._judged < self.least or time.monotonic() - self._at < self.every:
            return False
        self._at, self._judged = time.monotonic(), 0
        return True
