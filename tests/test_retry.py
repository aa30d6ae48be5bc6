"""The one retry policy (bot/retry.py), alone: each caller's settings keep the behaviour its
room documents (first wait, doubling, cap, jitter, how Retry-After is honoured)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bot.delivery.outbox import RETRY as OUTBOX_RETRY
from bot.feeds.policy import RETRY_AFTER_CAP, feed_backoff
from bot.retry import Backoff, parse_retry_after

NOW = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def samples(policy: Backoff, attempt: int, retry_after: float | None = None) -> list[float]:
    rng = random.Random(11)
    return [policy.delay(attempt, retry_after, rng) for _ in range(300)]


def test_without_jitter_the_wait_doubles_from_the_first_and_stops_at_the_cap() -> None:
    socket_mode = Backoff(first=1.0, cap=300.0)
    assert [socket_mode.delay(n) for n in range(1, 11)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert socket_mode.delay(10_000) == 300  # no overflow however long the outage
    slack_post = Backoff(first=0.5)
    assert [slack_post.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_the_outbox_waits_two_seconds_doubling_to_an_hour_with_a_quarter_jitter() -> None:
    for attempt, full in [(1, 2.0), (2, 4.0), (5, 32.0), (11, 2048.0)]:
        values = samples(OUTBOX_RETRY, attempt)
        assert min(values) >= full * 0.75 and max(values) <= full * 1.25
        assert len({round(v, 6) for v in values}) > 100  # really random
    capped = samples(OUTBOX_RETRY, 40)
    assert min(capped) >= 2700 and max(capped) <= 4500


def test_the_outbox_takes_a_services_retry_after_as_it_is() -> None:
    assert OUTBOX_RETRY.delay(9, retry_after=1.0) == 1.0  # shorter than the backoff: it wins
    assert OUTBOX_RETRY.delay(1, retry_after=7200.0) == 7200.0  # longer than the cap: it wins
    assert OUTBOX_RETRY.delay(3, retry_after=0.0) == 0.0
    assert OUTBOX_RETRY.delay(3, retry_after=-5.0) == 0.0


def test_a_feed_backs_off_from_its_interval_with_equal_jitter_up_to_its_cap() -> None:
    policy = feed_backoff(300.0, 7200.0)
    for attempt, full in [(1, 300.0), (2, 600.0), (3, 1200.0), (5, 4800.0)]:
        values = samples(policy, attempt)
        assert min(values) >= full / 2 and max(values) <= full
    capped = samples(policy, 30)
    assert min(capped) >= 3600 and max(capped) <= 7200
    assert feed_backoff(9000.0, 7200.0).cap == 9000.0  # never below the feed's own interval


def test_a_feeds_retry_after_is_a_floor_capped_at_a_day() -> None:
    policy = feed_backoff(300.0)
    assert min(samples(policy, 1, retry_after=5000.0)) == 5000.0
    assert min(samples(policy, 4, retry_after=10.0)) >= 1200  # a short one does not shorten
    assert policy.delay(1, retry_after=10.0**9) == RETRY_AFTER_CAP
    assert policy.honour(300.0, None) == 300.0
    assert policy.honour(300.0, 0.0) == 300.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("Mon, 05 May 2025 12:10:00 GMT", 600.0),
        ("Mon, 05 May 2025 11:00:00 GMT", 0.0),
        ("-5", None),
        ("1e3", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected
