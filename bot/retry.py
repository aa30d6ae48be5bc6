"""The one retry policy: how long to wait before trying again, and what a ``Retry-After`` means.

A leaf (it imports nothing of the bot), so every room may use it. A :class:`Backoff` says how
one caller backs off; :meth:`Backoff.delay` gives the wait before a retry:

1. ``first × 2^(attempt-1)`` (``attempt`` 1 is the first retry), capped at ``cap``;
2. multiplied by a random factor within ``jitter`` (``(1, 1)``: none; ``(0.5, 1)``: "equal
   jitter", half fixed, half random), so that many failures do not retry in step;
3. a server's ``Retry-After`` (seconds, see :func:`parse_retry_after`), first capped at
   ``retry_after_cap``, then either *wins* (the wait is exactly what the server asked) or is a
   *floor* (the wait is at least that long): :meth:`Backoff.honour`.

The callers and their policies (each documented where it is used):

============================  ===========  =========  ==========  =============================
caller                        first        cap        jitter      Retry-After
============================  ===========  =========  ==========  =============================
a failing feed (feeds.policy) its interval backoff    [½, 1]      floor, at most 24 h
                                           cap (6 h)
an outbox row (delivery)      2 s          1 h        [¾, 1¼]     wins (Slack 429, Discord 429)
a Slack post's 5xx (slack)    1 s          —          none        (a 429 goes to the outbox)
Socket Mode's token (chat)    1 s          5 min      none        —
============================  ===========  =========  ==========  =============================
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

MAX_EXPONENT = 62
_RNG = random.Random()
_SECONDS = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter, and how a server's ``Retry-After`` is honoured (the
    rules are in the module doc)."""

    first: float
    cap: float = math.inf
    jitter: tuple[float, float] = (1.0, 1.0)
    retry_after: Literal["wins", "floor"] = "wins"
    retry_after_cap: float = math.inf

    def delay(
        self,
        attempt: int,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> float:
        """Seconds to wait before retry number ``attempt`` (1 is the first retry)."""
        exponent = min(max(attempt - 1, 0), MAX_EXPONENT)
        wait = min(self.cap, self.first * math.pow(2, exponent))
        low, high = self.jitter
        wait *= low if low == high else (rng or _RNG).uniform(low, high)
        return self.honour(wait, retry_after)

    def honour(self, wait: float, retry_after: float | None) -> float:
        """``wait`` once a server's ``Retry-After`` (seconds, ``None``: none was sent) is taken
        into account: capped at ``retry_after_cap``, it replaces ``wait`` (``wins``) or is the
        least ``wait`` may be (``floor``)."""
        if retry_after is None:
            return wait
        asked = min(max(0.0, retry_after), self.retry_after_cap)
        return asked if self.retry_after == "wins" else max(wait, asked)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds (``120``; a decimal such as
    ``1.5`` is accepted too) or an HTTP date (a date already past is 0). ``None`` when the
    header is absent or unreadable: the caller decides what that means."""
    if not value:
        return None
    text = value.strip()
    if _SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
