"""End to end on Slack: two outlets tell one story → the worker (feeds, pipeline, outbox) posts
one alert, the second report as a reply in its thread, and edits the alert to count both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.slack import SlackDestination
from bot.feeds.fetch import Fetcher
from tests.core.feeds import TARIFF_CUT, TARIFF_CUT_ECHO, rss
from tests.serving import served
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.worker import write_config

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "C0STORYE2E"


@pytest.fixture
async def feeds() -> AsyncIterator[str]:
    """Two feeds on a local server: the report, and another outlet's retelling."""
    bodies = {"/wire.xml": rss([TARIFF_CUT]), "/other.xml": rss([TARIFF_CUT_ECHO], title="Other")}

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=bodies[request.path], content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/{name}", serve)
    async with served(app) as base:
        yield base


def _config(tmp_path: Path, base: str) -> Path:
    config = {
        "feeds": [
            {"name": "wire", "url": f"{base}/wire.xml"},
            {"name": "other", "url": f"{base}/other.xml"},
        ],
        "fetch": {"allow_private_networks": True, "full_text": False},
        "routes": [{"to": f"slack:{CHANNEL}", "kinds": ["changes", "reports", "news"]}],
        "schedule": {"first_run_backlog_hours": None},
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    return write_config(tmp_path / "config.yaml", config)


def _alert_id(message: dict[str, object]) -> str:
    metadata = message.get("metadata") or {}
    assert isinstance(metadata, dict)
    return str(metadata["event_payload"]["alert_id"])


async def test_a_retelling_is_a_reply_in_the_first_alerts_thread_and_the_alert_is_edited(
    tmp_path: Path, feeds: str, fake_slack: FakeSlack
) -> None:
    ctx = build_context(_config(tmp_path, feeds), f"sqlite:///{tmp_path / 'bot.db'}")
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url, min_interval=0.0)
    try:
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"slack": slack})
            worker.sync_feeds()
            await worker.poll(ignore_schedule=True)
            delivered = await worker.deliver()
    finally:
        await slack.close()
        ctx.close()

    [first] = fake_slack.top_level(CHANNEL)
    assert first["text"].startswith("US tariff on most Chinese goods: 145% → 40%")
    [reply] = fake_slack.thread(CHANNEL, first["ts"])
    assert "Oslo round" in reply["text"] and _alert_id(reply) != _alert_id(first)
    [update] = fake_slack.updates
    assert update["ts"] == first["ts"] and _alert_id(update) == _alert_id(first)
    assert "2 sources" in update["text"]
    assert (delivered.sent, delivered.edited) == (2, 1)
