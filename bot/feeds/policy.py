"""Polling policy: when to poll a feed next. Pure functions, no I/O, no clock unless given.

:func:`next_poll_delay` applies these rules in order:

1. **Base interval.** With at least two recent entry times, half the median gap between them
   (a feed posting hourly is polled every 30 minutes), clamped to ``[min_interval,
   max_interval]``; otherwise the feed's configured interval.
2. **Failures.** After ``n`` consecutive failures the delay is ``base × 2^(n-1)`` capped at
   ``backoff_cap``, with equal jitter (half fixed, half random) so that failing feeds spread out:
   the bot's one retry policy (:mod:`bot.retry`) with these settings (:func:`feed_backoff`).
3. **Server hints.** ``Cache-Control: max-age`` / ``Expires`` and the feed's ``<ttl>`` may
   lengthen the delay, but never beyond ``max_interval``: the source asks for patience, the bot
   still promises freshness.
4. **Retry-After** (429/503) is always honoured (the delay is at least that long), capped at
   ``RETRY_AFTER_CAP`` so a hostile header cannot park a feed forever.
5. **Jitter.** A healthy feed's delay varies by ±``jitter_fraction`` so feeds on one host do not
   stay in lock-step.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bot.retry import Backoff, parse_retry_after

__all__ = [
    "DEFAULT_BACKOFF_CAP",
    "RETRY_AFTER_CAP",
    "adaptive_interval",
    "feed_backoff",
    "next_poll_delay",
    "parse_max_age",
    "parse_retry_after",
]

RETRY_AFTER_CAP = 24 * 3600.0
DEFAULT_BACKOFF_CAP = 6 * 3600.0
MAX_HISTORY = 20


def parse_max_age(
    cache_control: str | None,
    expires: str | None = None,
    date: str | None = None,
    now: datetime | None = None,
) -> float | None:
    """Freshness lifetime in seconds from ``Cache-Control`` (``s-maxage`` / ``max-age``; 0 for
    ``no-cache``/``no-store``), else from ``Expires`` minus ``Date``; ``None`` if no hint."""
    if cache_control:
        directives: dict[str, str] = {}
        for part in cache_control.split(","):
            name, _, argument = part.strip().partition("=")
            directives[name.strip().lower()] = argument.strip().strip('"')
        if "no-store" in directives or "no-cache" in directives:
            return 0.0
        for name in ("s-maxage", "max-age"):
            argument = directives.get(name, "")
            if argument.isdigit():
                return float(argument)
    if expires:
        try:
            expires_at = parsedate_to_datetime(expires)
            reference = parsedate_to_datetime(date) if date else (now or datetime.now(UTC))
        except (TypeError, ValueError, IndexError):
            return 0.0  # an invalid Expires means "already expired" (RFC 9111 §5.3)
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        if reference.tzinfo is None:
            reference = reference.replace(tzinfo=UTC)
        return max(0.0, (expires_at - reference).total_seconds())
    return None


def adaptive_interval(
    entry_times: Sequence[datetime],
    *,
    default: float,
    min_interval: float,
    max_interval: float,
) -> float:
    """Half the median gap between the most recent entries, clamped; ``default`` without data."""
    if len(entry_times) < 2:  # no gap (a feed not modified: no entry read)
        return _clamp(default, min_interval, max_interval)
    recent = sorted(entry_times)[-MAX_HISTORY:]
    gaps = [
        (later - earlier).total_seconds()
        for earlier, later in itertools.pairwise(recent)
        if later > earlier
    ]
    if not gaps:
        return _clamp(default, min_interval, max_interval)
    return _clamp(statistics.median(gaps) / 2, min_interval, max_interval)


def feed_backoff(base: float, cap: float = DEFAULT_BACKOFF_CAP) -> Backoff:
    """The retry policy of a failing feed (rules 2 and 4): from its ``base`` interval,
    doubling up to ``cap`` (never below ``base``), equal jitter, ``Retry-After`` a floor."""
    return Backoff(
        first=base,
        cap=max(cap, base),
        jitter=(0.5, 1.0),
        retry_after="floor",
        retry_after_cap=RETRY_AFTER_CAP,
    )


def next_poll_delay(
    *,
    interval: float,
    min_interval: float,
    max_interval: float,
    consecutive_failures: int = 0,
    retry_after: float | None = None,
    max_age: float | None = None,
    ttl_minutes: int | None = None,
    recent_entry_times: Sequence[datetime] = (),
    backoff_cap: float = DEFAULT_BACKOFF_CAP,
    jitter_fraction: float = 0.1,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next poll of a feed (rules in the module docstring)."""
    rng = rng or random.Random()
    min_interval = max(1.0, min_interval)
    max_interval = max(min_interval, max_interval)
    base = adaptive_interval(
        recent_entry_times,
        default=interval,
        min_interval=min_interval,
        max_interval=max_interval,
    )
    if consecutive_failures > 0:
        return feed_backoff(base, backoff_cap).delay(consecutive_failures, retry_after, rng)
    ttl = None if ttl_minutes is None else ttl_minutes * 60.0
    hint = max(max_age or 0.0, ttl or 0.0)
    delay = max(base, min(hint, max_interval)) if hint else base
    delay = _clamp(delay * (1 + rng.uniform(-jitter_fraction, jitter_fraction)), min_interval,
                   max_interval)  # fmt: skip
    if retry_after is None:  # a healthy feed's poll: no policy object built
        return delay
    return feed_backoff(base, backoff_cap).honour(delay, retry_after)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
