"""Issue 16, fairness: a feed that suddenly serves an archive of 30,000 items does not starve the
feed beside it.

A local feed host serves ``archive`` (30,000 invented items off the tracked topics, one of them,
ten days old, a change of a tracked fact) and ``wire`` (one item that surely changes a fact).
A real ``python -m bot run`` (SQLite, the Slack stand-in) polls both every 30 s. The wire's
change reaches both Slack channels within one poll interval of the worker's start, whatever the
archive's state; once the archive's poll is recorded, ``python -m bot status`` reports the
entries beyond ``fetch.max_entries_per_poll`` as backlog, the archive's 200 newest were judged
as new, every other one as backlog, and the buried change raised no alert.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import AlertRow, EntryRow, FeedRow
from bot.store.repo import entry_uid

from .conftest import make_deployment
from .harness import ROOT, Deployment, wait_for
from .servers import FeedHost, Item, SlackStandIn
from .stories import change_alert_id, change_items

ARCHIVE = 30_000
CAP = 200  # fetch.max_entries_per_poll's default
POLL_SECONDS = 30
ARCHIVE_BOUND = 150.0  # seconds for the whole archive to be judged and its poll recorded
HEADLINES = (
    ("Harbour festival draws record crowd on day {n}", "Organisers counted visitors at the pier."),
    ("Regional orchestra adds concert number {n}", "The programme pairs two string quartets."),
    ("Mountain trail {n} reopens after repairs", "Rangers rebuilt a footbridge over the creek."),
    ("Library extends opening hours at branch {n}", "Readers asked for evening study rooms."),
)


@pytest.fixture
def sqlite_deployment(
    tmp_path: Path, feed_host: FeedHost, slack: SlackStandIn
) -> Iterator[Deployment]:
    yield from make_deployment(f"sqlite:///{tmp_path / 'bot.db'}", tmp_path, feed_host, slack)


def archive_items(buried: Item) -> list[Item]:
    """``ARCHIVE`` items, newest first, a minute apart; ``buried`` ten days back."""
    newest = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    items = []
    for n in range(ARCHIVE - 1):
        title, text = HEADLINES[n % len(HEADLINES)]
        items.append(Item(f"arc-{n:05d}", title.format(n=n), text, newest - timedelta(minutes=n)))
    items.insert(10 * 24 * 60, replace(buried, published=newest - timedelta(days=10)))
    return items


def status(deployment: Deployment, *extra: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "status", "--db", deployment.database_url,
         "--config", str(deployment.config_path), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def archive_row(database_url: str) -> tuple[int, bool]:
    """The archive feed's recorded backlog count, and whether its poll is recorded."""
    db = Database(database_url)
    try:
        with db.session() as session:
            row = session.scalars(select(FeedRow).where(FeedRow.name == "archive")).first()
            if row is None:
                return 0, False
            return row.backlog_entries, row.last_polled_at is not None
    finally:
        db.dispose()


@pytest.mark.slow
def test_an_archive_of_30000_items_does_not_delay_the_other_feed(
    sqlite_deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    deployment = sqlite_deployment
    change, buried = change_items(2, seed=16, prefix="fair")
    archive = archive_items(replace(buried, guid="arc-buried-change"))
    deployment.feeds.publish("archive", archive)
    deployment.feeds.publish("wire", [change])
    deployment.feed_names.extend(["archive", "wire"])
    deployment.schedule = {"poll_interval_seconds": POLL_SECONDS}
    deployment.write_config()
    body = len(deployment.feeds.body("archive"))
    expected = change_alert_id("wire", change)

    began = time.monotonic()
    process = deployment.start("fairness")

    def alerted() -> bool:
        counts = deployment.slack.counts_by_channel()
        return all(expected in counts.get(c, ()) for c in deployment.channels)

    assert wait_for(alerted, POLL_SECONDS), (
        f"the wire's change was not in both channels {POLL_SECONDS} s after the start "
        f"(worker {'running' if process.poll() is None else 'exited'})"
    )
    alert_after = time.monotonic() - began
    _, archive_done_then = archive_row(deployment.database_url)

    assert wait_for(lambda: archive_row(deployment.database_url)[1], ARCHIVE_BOUND, poll=1.0), (
        f"the archive's poll was not recorded {ARCHIVE_BOUND:.0f} s after the start"
    )
    archive_after = time.monotonic() - began
    assert process.poll() is None, "the worker exited"

    report = json.loads(status(deployment, "--json"))
    feeds = {feed["name"]: feed for feed in report["feeds"]}
    assert feeds["archive"]["backlog_entries"] == ARCHIVE - CAP
    assert feeds["wire"]["backlog_entries"] == 0
    text = status(deployment)
    assert (
        f"    archive: {ARCHIVE - CAP} entries beyond fetch.max_entries_per_poll judged as "
        "backlog (no alerts)"
    ) in text.splitlines()
    assert "    wire:" not in text

    db = Database(deployment.database_url)
    try:
        with db.session() as session:
            stored = session.scalar(
                select(func.count()).select_from(EntryRow).where(EntryRow.feed == "archive")
            )
            as_new = set(
                session.scalars(
                    select(EntryRow.entry_id).where(
                        EntryRow.feed == "archive", EntryRow.backlog.is_(False)
                    )
                )
            )
            buried_row = session.scalars(
                select(EntryRow).where(EntryRow.uid == entry_uid("archive", "arc-buried-change"))
            ).one()
            alerts = set(session.scalars(select(AlertRow.id).where(AlertRow.kind == "changes")))
    finally:
        db.dispose()
    assert stored == ARCHIVE
    assert as_new == {item.guid for item in archive[:CAP]}, "not the 200 newest judged as new"
    assert buried_row.backlog
    assert alerts == {expected}, f"change alerts: {alerts}"
    for channel, counts in deployment.slack.counts_by_channel().items():
        assert dict(counts) == {expected: 1}, f"{channel}: {dict(counts)}"

    with capsys.disabled():
        print(
            f"\nfairness: archive of {ARCHIVE} items ({body / 1e6:.1f} MB); the wire's alert in "
            f"both channels after {alert_after:.1f} s (archive "
            f"{'already recorded' if archive_done_then else 'still being worked through'}); "
            f"archive recorded after {archive_after:.1f} s"
        )
