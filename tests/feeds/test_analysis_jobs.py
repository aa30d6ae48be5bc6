"""The new entries of the feeds looked up together go to the pool's analysis workers together: a
job per ``ANALYSIS_CHUNK`` entries, not a job per feed (a round trip to the pool costs the event
loop more than a feed answering 304)."""

from __future__ import annotations

import io
from pathlib import Path

import yaml

from bot.app.context import build_context
from bot.app.runner import work_pool
from bot.app.sweep import ANALYSIS_CHUNK, Sweep
from bot.app.worker import CycleStats, Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from bot.store import repo
from tests.core.feeds import OFF_TOPIC, TARIFF_CUT, rss

ROOT = Path(__file__).resolve().parents[2]
FEEDS = 5


def _items(feed: int) -> list[dict[str, str]]:
    """Two entries of their own for ``feed``: the tariff cut as its wire tells it, and another."""
    return [
        {**item, "link": f"https://wire{feed}.example/{n}"}
        for n, item in enumerate([TARIFF_CUT, OFF_TOPIC])
    ]


async def test_the_feeds_looked_up_together_are_analysed_in_one_job(tmp_path: Path) -> None:
    config = {
        "feeds": [
            {"name": f"wire-{n}", "url": f"https://wire{n}.example/rss"} for n in range(FEEDS)
        ],
        "fetch": {"full_text": False, "parse_workers": 1},
        "routes": [{"to": "console", "kinds": ["changes", "news"]}],
        "schedule": {"first_run_backlog_hours": None},
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    ctx = build_context(config_path, f"sqlite:///{tmp_path / 'bot.db'}")
    printed = io.StringIO()
    try:
        async with Fetcher(ctx.config.fetch) as fetcher, work_pool(ctx, None) as pool:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(printed)}, pool)
            assert pool.workers == 1 and worker._pool_analysis  # analysed in the pool
            worker.sync_feeds()
            feeds = sorted(worker.claim(FEEDS, 0, []), key=lambda feed: feed.name)
            pushed = [(f, await worker.parse(f, rss(_items(n)))) for n, f in enumerate(feeds)]
            asked = pool.jobs
            stats = CycleStats()
            await Sweep(worker, stats).judge_pushed(*pushed)
            analysis_jobs = pool.jobs - asked
            await worker.deliver()
        with ctx.db.unit() as session:
            stored = repo.seen_uids(
                session, [repo.entry_uid(f.name, e.entry_id) for f, p in pushed for e in p.entries]
            )
    finally:
        ctx.close()

    assert 2 * FEEDS <= ANALYSIS_CHUNK
    assert analysis_jobs == 1  # was one a feed
    assert stats.entries == len(stored) == 2 * FEEDS
    assert stats.relevant == FEEDS
    assert "145% → 40%" in printed.getvalue()  # the first report of the cut is alerted
