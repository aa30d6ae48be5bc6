"""Black box: ``python -m bot run`` as a subprocess, a local feed host, and the Slack stand-in.

The worker polls the feed, posts the alert to slack:C123 as ``chat.postMessage`` with valid
blocks, answers a signed ``/fentanyl-status`` on ``POST /slack/events``, and exits cleanly on
SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.models.blocks import Block

from bot.facts.catalogue import Catalogue
from tests.serving import free_port, served
from tests.slack.conftest import ROOT, SIGNING_SECRET, signed_headers
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.worker import spawn_worker, write_config

pytestmark = pytest.mark.slow


def rss_feed() -> bytes:
    when = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Local Wire</title><link>https://wire.example/</link>"
        "<item><title>Washington lowers tariffs on Chinese imports to 40 percent</title>"
        "<link>https://wire.example/tariff-40</link><guid>wire-tariff-40</guid>"
        f"<pubDate>{when}</pubDate>"
        "<description>The White House cut the tariff on most goods from China to 40 percent "
        "from 145 percent on Tuesday, in force immediately, after a round of trade talks in "
        "Oslo.</description></item></channel></rss>"
    ).encode()


@pytest.fixture
async def feed_url() -> AsyncIterator[str]:
    body = rss_feed()

    async def feed(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    async with served(app) as base:
        yield f"{base}/feed.xml"


def bot_config(tmp_path: Path, feed_url: str) -> Path:
    config = {
        "feeds": [{"name": "local-wire", "url": feed_url}],
        "fetch": {"allow_private_networks": True, "full_text": False},
        "routes": [{"to": "slack:C123", "kinds": ["changes", "news"]}],
        "schedule": {"first_run_backlog_hours": None, "deliver_interval_seconds": 1},
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    return write_config(tmp_path / "config.yaml", config)


async def post_when_up(url: str, body: bytes, deadline: float) -> tuple[int, str]:
    loop = asyncio.get_running_loop()
    while True:
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, data=body, headers=signed_headers(body)) as response,
            ):
                return response.status, await response.text()
        except aiohttp.ClientConnectionError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_run_posts_alerts_and_answers_status(
    tmp_path: Path, fake_slack: FakeSlack, feed_url: str
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "BOT_HTTP_PORT": str(port),
        "BOT_HTTP_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "BOT_LOG_LEVEL": "INFO",
    }
    env.pop("SLACK_APP_TOKEN", None)
    config = bot_config(tmp_path, feed_url)
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log_file:
        process = await spawn_worker(config, env, stdout=log_file, stderr=asyncio.subprocess.STDOUT)
        try:
            await fake_slack.wait_for(lambda: fake_slack.posted("C123"), timeout=60)
            message = fake_slack.posted("C123")[0]
            for block in message["blocks"]:
                model = Block.parse(block)
                assert model is not None
                model.validate_json()
            assert message["blocks"][0]["type"] == "header"
            assert message["metadata"]["event_type"] == "fentanyl_alert"
            assert "40" in message["text"]

            body = urlencode(
                {
                    "command": "/fentanyl-status",
                    "text": "",
                    "channel_id": "C123",
                    "user_id": "U1",
                    "team_id": "T1",
                    "response_url": fake_slack.response_url("bb-status"),
                    "trigger_id": "t",
                }
            ).encode()
            deadline = asyncio.get_running_loop().time() + 30
            status, _ = await post_when_up(f"http://127.0.0.1:{port}/slack/events", body, deadline)
            assert status == 200
            await fake_slack.wait_for(lambda: fake_slack.responses_to("bb-status"), timeout=30)
            [answer] = fake_slack.responses_to("bb-status")
            text = answer["text"]
            for fact in Catalogue.load(ROOT / "seeds").values():
                assert fact.label.replace("&", "&amp;") in text, fact.id
            assert "Tracked facts (10)" in text
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), timeout=60)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert code == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
