"""A feed that keeps failing: each failed poll is counted, its lease released and its next
poll put off; once it has failed for more than a day, one admin alert is raised, and only one."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import select, update

from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from bot.store import repo
from bot.store.models import FeedRow
from tests.feeds.conftest import FeedHost

ROOT = Path(__file__).resolve().parents[2]


async def test_a_feed_failing_for_a_day_raises_one_admin_alert(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    config = {
        "feeds": [{"name": "broken", "url": f"{feed_host.base}/status/500"}],
        "fetch": {"allow_private_networks": True, "full_text": False},
        "routes": [{"to": "console", "kinds": ["admin"]}],
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    ctx = build_context(config_path, f"sqlite:///{tmp_path / 'bot.db'}")
    printed = io.StringIO()

    def row() -> FeedRow:
        with ctx.db.session() as session:
            found = session.scalars(select(FeedRow).where(FeedRow.name == "broken")).one()
            session.expunge(found)
            return found

    try:
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(printed)})
            worker.sync_feeds()
            stats = await worker.poll(ignore_schedule=True)
            assert stats.failed_feeds == 1
            first = row()
            assert first.consecutive_failures == 1 and first.last_error == "http 500"
            assert first.last_error_kind is not None and first.failing_since is not None
            assert first.lease_owner is None and not first.admin_alerted
            assert first.next_poll_at is not None and first.next_poll_at > repo.utcnow()

            long_ago = repo.utcnow() - timedelta(days=2)
            with ctx.db.session() as session:
                session.execute(update(FeedRow).values(failing_since=long_ago))
            await worker.poll(ignore_schedule=True)
            await worker.deliver()
            second = row()
            assert second.consecutive_failures == 2 and second.admin_alerted
            assert second.failing_since == long_ago  # a streak keeps its start
            assert printed.getvalue().count("Feed broken has been failing since") == 1

            await worker.poll(ignore_schedule=True)
            await worker.deliver()
            assert row().consecutive_failures == 3
            assert printed.getvalue().count("has been failing since") == 1
    finally:
        ctx.close()
