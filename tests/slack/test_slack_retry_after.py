"""Slack's Retry-After, read by the bot's one parser (bot/retry.py) from a real 429 of the Web
API stand-in: seconds, an HTTP date, and the 30 s taken when the header is missing or unreadable;
and a 5xx retried in place after 1×, then 2× the base delay."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.alerts.card import Card, CardKind
from bot.delivery.slack import SlackDestination
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack


def card() -> Card:
    return Card(id="al-retry-1", kind=CardKind.NEWS, title="Tariff talks", body="Talks.")


def rate_limited(fake: FakeSlack, headers: dict[str, str]) -> None:
    fake.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, headers)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "7"}, 7.0, 7.0),
        ({"Retry-After": "2.5"}, 2.5, 2.5),
        ({}, 30.0, 30.0),
        ({"Retry-After": "later"}, 30.0, 30.0),
    ],
)
async def test_a_429_carries_slacks_retry_after(
    fake_slack: FakeSlack, headers: dict[str, str], low: float, high: float
) -> None:
    rate_limited(fake_slack, headers)
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url, min_interval=0.0)
    try:
        result = await slack.send(card(), "C500")
    finally:
        await slack.close()
    assert not result.ok and result.retryable
    assert result.retry_after is not None and low <= result.retry_after <= high
    assert fake_slack.posted("C500") == []


async def test_a_retry_after_given_as_a_date_is_the_time_until_then(fake_slack: FakeSlack) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    rate_limited(fake_slack, {"Retry-After": later})
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url, min_interval=0.0)
    try:
        result = await slack.send(card(), "C501")
    finally:
        await slack.close()
    assert result.retry_after is not None and 110 <= result.retry_after <= 120


async def test_server_errors_are_retried_after_one_then_two_base_delays(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.fail_next("chat.postMessage", 502, "bad gateway")
    fake_slack.fail_next("chat.postMessage", 502, "bad gateway")
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url, min_interval=0.0, retry_base_delay=0.2)
    started = time.monotonic()
    try:
        result = await slack.send(card(), "C502")
    finally:
        await slack.close()
    assert result.ok, result.error
    assert time.monotonic() - started >= 0.2 + 0.4
    assert len(fake_slack.posted("C502")) == 1
