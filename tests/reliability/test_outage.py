"""Issue 7, outage: the Slack Web API fails for a while (500s, 429s with Retry-After, and 500s
answered after the message was recorded, which the sender cannot tell from a lost one); the
worker keeps the alerts in the outbox, retries with backoff, and each arrives exactly once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import OutboxRow

from .harness import Deployment, assert_exactly_once, kill, outbox_statuses, wait_for
from .servers import Outage
from .stories import change_items

OUTAGE_SECONDS = 15.0
ITEMS = 6


def _max_attempts(database_url: str) -> int:
    db = Database(database_url)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.max(OutboxRow.attempts))) or 0)
    finally:
        db.dispose()


@pytest.mark.slow
def test_alerts_wait_out_a_slack_outage_then_arrive_once(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    items = change_items(ITEMS, seed=7, prefix="outage")
    deployment.feed_names.append("wire-outage")
    deployment.feeds.publish("wire-outage", items)
    deployment.write_config()
    rows = ITEMS * len(deployment.channels)
    # the outage opens when the first call is refused, however long the worker takes to start
    # (on a loaded machine it may start after a window opened at launch has closed)
    outage = Outage(until=time.monotonic() + 600)
    deployment.slack.outages.append(outage)

    process = deployment.start("replica-a")
    try:
        assert wait_for(lambda: sum(deployment.slack.failures.values()) > 0, 120)
        began = time.monotonic()
        outage.until = began + OUTAGE_SECONDS
        assert wait_for(lambda: sum(outbox_statuses(deployment.database_url).values()) == rows, 60)
        assert wait_for(lambda: time.monotonic() >= began + OUTAGE_SECONDS, OUTAGE_SECONDS + 1)
        waiting = rows - outbox_statuses(deployment.database_url)["sent"]
        failures = sum(deployment.slack.failures.values())
        assert waiting > 0 and failures > 0, "the outage never touched a delivery"
        assert wait_for(lambda: outbox_statuses(deployment.database_url)["sent"] == rows, 180)
        recovered = time.monotonic() - began - OUTAGE_SECONDS
    finally:
        kill(process)
    retried = _max_attempts(deployment.database_url)
    assert retried > 0, "no row went back to the outbox for a later attempt"

    figures = assert_exactly_once(deployment, {"wire-outage": items})
    with capsys.disabled():
        print(
            f"\noutage test: {OUTAGE_SECONDS:.0f} s outage, {failures} failed API calls "
            f"{dict(deployment.slack.failures)}, {waiting} of {rows} rows waiting when it ended, "
            f"rows retried up to {retried} times by the dispatcher; "
            f"{figures['alerts']} alerts → {figures['messages']} messages, all delivered "
            f"{recovered:.0f} s after the outage ended"
        )


@pytest.mark.slow
def test_a_post_whose_fate_is_unknown_is_not_repeated_while_history_is_unreadable(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    """Posts arrive but are answered 500 for a while; the channel history (another rate-limit
    tier) stays unreadable for longer. Posting again before the history can be read would
    double the alert, so the worker must wait until it can look."""
    items = change_items(3, seed=8, prefix="blind")
    deployment.feed_names.append("wire-blind")
    deployment.feeds.publish("wire-blind", items)
    deployment.write_config()
    rows = len(items) * len(deployment.channels)
    # the windows open when the first post arrives, however long the worker takes to start
    posts = Outage(until=time.monotonic() + 600, pattern=("recorded-500",),
                   methods=("chat.postMessage",))  # fmt: skip
    history = Outage(until=time.monotonic() + 600, pattern=("429",),
                     methods=("conversations.history",))  # fmt: skip
    deployment.slack.outages += [posts, history]

    process = deployment.start("replica-a")
    try:
        assert wait_for(lambda: deployment.slack.failures["chat.postMessage:recorded-500"] > 0, 120)
        first_post = time.monotonic()
        posts.until, history.until = first_post + 6, first_post + 16
        assert wait_for(lambda: time.monotonic() >= history.until, 30)
        assert wait_for(lambda: outbox_statuses(deployment.database_url)["sent"] == rows, 180)
    finally:
        kill(process)

    figures = assert_exactly_once(deployment, {"wire-blind": items})
    with capsys.disabled():
        print(
            f"\nblind-history test: {dict(deployment.slack.failures)}; "
            f"{figures['alerts']} alerts → {figures['messages']} messages"
        )
