"""Issue 7, scale-out on PostgreSQL: three ``python -m bot run`` replicas share 500 feeds on a
local host, 200 of whose entries carry changes; each change reaches each of two Slack channels
exactly once. Then the same with replicas killed (``kill -9``) mid-run: the survivors take over
their feeds and outbox rows once their leases expire (the test moves those leases into the past
instead of waiting out their five and two minutes).
"""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy import func, or_, select

from bot.store.db import Database
from bot.store.models import FeedRow, OutboxRow

from .harness import Deployment, assert_exactly_once, kill, outbox_statuses, wait_for
from .servers import FeedTrigger, Item
from .stories import change_items

FEEDS = 500
CHANGES = 200
REPLICAS = ("replica-a", "replica-b", "replica-c")
DELIVERY_BOUND = 400.0


def _spread(deployment: Deployment, seed: int) -> dict[str, list[Item]]:
    rng = random.Random(seed)
    deployment.feed_names.extend(f"site-{n:03d}" for n in range(FEEDS))
    served: dict[str, list[Item]] = {name: [] for name in deployment.feed_names}
    for item in change_items(CHANGES, seed=seed, prefix="scale"):
        served[rng.choice(deployment.feed_names)].append(item)
    for name, items in served.items():
        deployment.feeds.publish(name, items)
    deployment.write_config()
    return served


def _leases_of(database_url: str, owner: str) -> tuple[int, int]:
    """(feeds, outbox rows) leased by ``owner`` now."""
    now = func.now()
    db = Database(database_url)
    try:
        with db.session() as session:
            feeds = session.scalar(
                select(func.count()).where(FeedRow.lease_owner == owner, FeedRow.lease_until > now)
            )
            rows = session.scalar(
                select(func.count()).where(
                    OutboxRow.lease_owner == owner,
                    OutboxRow.lease_until > now,
                    or_(OutboxRow.status == "pending", OutboxRow.status == "sending"),
                )
            )
            return int(feeds or 0), int(rows or 0)
    finally:
        db.dispose()


def _all_sent(deployment: Deployment) -> bool:
    return outbox_statuses(deployment.database_url)["sent"] == CHANGES * len(deployment.channels)


def _report(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}")


@pytest.mark.slow
@pytest.mark.postgres
def test_three_replicas_share_500_feeds_and_alert_each_change_once(
    pg_deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _spread(pg_deployment, seed=11)
    began = time.monotonic()
    processes = [pg_deployment.start(name) for name in REPLICAS]
    try:
        assert wait_for(lambda: _all_sent(pg_deployment), DELIVERY_BOUND, poll=1.0)
        elapsed = time.monotonic() - began
    finally:
        for process in processes:
            kill(process)
    figures = assert_exactly_once(pg_deployment, served)
    polled = sum(1 for name in pg_deployment.feed_names if pg_deployment.feeds.requests[name])
    _report(
        capsys,
        f"scale-out: {len(REPLICAS)} replicas, {polled}/{FEEDS} feeds polled, "
        f"{figures['items']} change entries → {figures['alerts']} alerts → "
        f"{figures['messages']} messages in {len(pg_deployment.channels)} channels, "
        f"{elapsed:.0f} s",
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_replicas_killed_mid_poll_and_mid_delivery_leave_nothing_lost_or_doubled(
    pg_deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    """``replica-b`` is killed by the feed host while the feeds are being polled (it holds
    feed leases, some of its entries judged, some not) and replaced by ``replica-d``;
    ``replica-c`` is killed later while it holds outbox rows."""
    served = _spread(pg_deployment, seed=12)
    deployment = pg_deployment
    began = time.monotonic()
    processes = {name: deployment.start(name) for name in REPLICAS}
    deployment.feeds.trigger = FeedTrigger(
        nth=FEEDS // 3,
        kill=lambda: kill(processes["replica-b"]),
        ready=lambda: _leases_of(deployment.database_url, "replica-b")[0] > 0,
    )
    try:
        assert wait_for(lambda: processes["replica-b"].poll() is not None, 60)
        polling_kill = _leases_of(deployment.database_url, "replica-b")
        deployment.expire_leases("replica-b")
        processes["replica-d"] = deployment.start("replica-d")

        assert wait_for(
            lambda: (
                deployment.slack.total() >= 60
                and _leases_of(deployment.database_url, "replica-c")[1] > 0
            ),
            180,
            poll=0.2,
        ), "replica-c never held outbox rows"
        kill(processes["replica-c"])
        delivery_kill = _leases_of(deployment.database_url, "replica-c")
        at_kill = deployment.slack.total()
        deployment.expire_leases("replica-c")
        assert wait_for(lambda: _all_sent(deployment), DELIVERY_BOUND, poll=1.0)
        elapsed = time.monotonic() - began
    finally:
        for process in processes.values():
            kill(process)
    figures = assert_exactly_once(deployment, served)
    assert polling_kill[0] > 0, "replica-b held no feed leases when killed"
    _report(
        capsys,
        f"scale-out with kills: replica-b killed mid-poll holding {polling_kill[0]} feeds, "
        f"replica-c killed after {at_kill} messages holding {delivery_kill[1]} outbox rows; "
        f"{figures['items']} change entries → {figures['alerts']} alerts → "
        f"{figures['messages']} messages, {elapsed:.0f} s",
    )
