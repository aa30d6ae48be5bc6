"""The polling policy: backoff, server hints, Retry-After and adaptive intervals."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any, TypedDict

import pytest

from bot.feeds.policy import (
    RETRY_AFTER_CAP,
    adaptive_interval,
    next_poll_delay,
    parse_max_age,
    parse_retry_after,
)

NOW = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


class Bounds(TypedDict):
    interval: float
    min_interval: float
    max_interval: float


BOUNDS: Bounds = {"interval": 300.0, "min_interval": 60.0, "max_interval": 3600.0}


def delays(**kwargs: Any) -> list[float]:
    rng = random.Random(7)
    return [next_poll_delay(**BOUNDS, rng=rng, **kwargs) for _ in range(200)]


def test_healthy_feed_polls_near_its_interval_with_jitter() -> None:
    values = delays()
    assert min(values) >= 270 and max(values) <= 330
    assert len({round(v) for v in values}) > 20


def test_backoff_doubles_with_equal_jitter_and_is_capped() -> None:
    for failures, full in [(1, 300), (2, 600), (3, 1200), (4, 2400)]:
        values = delays(consecutive_failures=failures)
        assert min(values) >= full / 2 and max(values) <= full
    capped = delays(consecutive_failures=40, backoff_cap=7200)
    assert max(capped) <= 7200 and min(capped) >= 3600


def test_retry_after_is_honoured_and_capped() -> None:
    assert min(delays(retry_after=1800)) >= 1800
    assert min(delays(consecutive_failures=1, retry_after=5000)) >= 5000
    assert max(delays(retry_after=10**9)) == RETRY_AFTER_CAP


def test_cache_hints_lengthen_up_to_the_maximum_only() -> None:
    assert min(delays(max_age=1200)) >= 1200 * 0.9
    assert max(delays(max_age=10**6)) <= 3600
    assert min(delays(ttl_minutes=30)) >= 1800 * 0.9
    assert max(delays(max_age=0)) <= 330


def test_adaptive_interval_follows_posting_frequency() -> None:
    hourly = [NOW - timedelta(hours=h) for h in range(10)]
    every_minute = [NOW - timedelta(minutes=m) for m in range(10)]
    weekly = [NOW - timedelta(days=7 * w) for w in range(4)]
    assert adaptive_interval(hourly, default=300, min_interval=60, max_interval=3600) == 1800
    assert adaptive_interval(every_minute, default=300, min_interval=60, max_interval=3600) == 60
    assert adaptive_interval(weekly, default=300, min_interval=60, max_interval=3600) == 3600
    assert adaptive_interval([NOW], default=300, min_interval=60, max_interval=3600) == 300
    assert max(delays(recent_entry_times=hourly)) <= 1800 * 1.1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("Mon, 05 May 2025 12:10:00 GMT", 600.0),
        ("Mon, 05 May 2025 11:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


@pytest.mark.parametrize(
    ("cache_control", "expires", "date", "expected"),
    [
        ("public, max-age=600", None, None, 600.0),
        ("max-age=600, s-maxage=900", None, None, 900.0),
        ("no-cache", None, None, 0.0),
        ("private", None, None, None),
        (None, "Mon, 05 May 2025 13:00:00 GMT", "Mon, 05 May 2025 12:00:00 GMT", 3600.0),
        (None, "0", None, 0.0),
        (None, None, None, None),
    ],
)
def test_parse_max_age(
    cache_control: str | None, expires: str | None, date: str | None, expected: float | None
) -> None:
    assert parse_max_age(cache_control, expires, date, now=NOW) == expected
