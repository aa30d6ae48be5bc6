"""Parsing in worker processes gives what inline parsing gives."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.feeds.parse import parse_feed
from bot.feeds.pool import ParsePool
from tests.feeds.conftest import FEED_XML

SEEN = datetime(2025, 5, 6, tzinfo=UTC)


async def test_pool_matches_inline_parsing() -> None:
    async with ParsePool(1) as pool:
        in_worker = await pool.parse(FEED_XML, "trade", seen_at=SEEN)
        garbage = await pool.parse(b"\x00\xff not a feed", "broken")
    inline = parse_feed(FEED_XML, "trade", seen_at=SEEN)
    assert in_worker.entries == inline.entries
    assert in_worker.entries[0].title == "Tariff talks scheduled"
    assert in_worker.ttl_minutes == 30
    assert garbage.entries == []
    assert garbage.problems and "broken" in garbage.problems[0]


async def test_zero_workers_parse_inline() -> None:
    async with ParsePool(0) as pool:
        parsed = await pool.parse(FEED_XML, "trade", seen_at=SEEN)
    assert [entry.entry_id for entry in parsed.entries] == ["item-1"]
