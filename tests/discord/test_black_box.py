"""Black box: ``python -m bot run`` as a subprocess, a local feed host, the Discord stand-in.

The worker polls the feed, posts the alert as an embed to the routed channel, answers a signed
``/fentanyl-status`` on ``BOT_HTTP_PORT``, and exits cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from nacl.signing import SigningKey

from bot.facts.catalogue import Catalogue
from tests.discord.conftest import APPLICATION_ID, CHANNEL, command, signed
from tests.discord.fake_discord import FakeDiscord
from tests.serving import FeedHost, free_port
from tests.worker import spawn_worker

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local wire</title><link>http://local.test/</link>
<description>test feed</description>
<item>
  <title>US cuts tariff on Chinese imports to 25 percent @everyone</title>
  <link>http://local.test/2026/tariff-cut</link>
  <guid>http://local.test/2026/tariff-cut</guid>
  <pubDate>Wed, 13 May 2026 14:30:00 GMT</pubDate>
  <description>The White House lowered the tariff on most goods from China to 25 percent from
  145 percent, effective immediately, after trade talks between the two countries.</description>
</item>
</channel></rss>
"""


@pytest.fixture
def feed_url(feed_host: FeedHost) -> str:
    feed_host.bodies["/feed.xml"] = FEED
    return feed_host.url("/feed.xml")


async def until(
    condition: Callable[[], Awaitable[object]], seconds: float, what: str, log: Path
) -> None:
    for _ in range(int(seconds / 0.1)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} not seen in {seconds} s; worker log:\n{log.read_text()[-4000:]}")


async def test_worker_posts_embeds_and_answers_fentanyl_status(
    fake_discord: FakeDiscord, feed_url: str, tmp_path: Path, catalogue: Catalogue
) -> None:
    key = SigningKey.generate()
    config = tmp_path / "bot.yaml"
    config.write_text(
        f"""
feeds:
  - name: local-wire
    url: {feed_url}
fetch:
  allow_private_networks: true
  full_text: false
routes:
  - to: discord:{CHANNEL}
    kinds: [changes, news]
schedule:
  first_run_backlog_hours: null
  deliver_interval_seconds: 1
""",
        encoding="utf-8",
    )
    port = free_port()
    env = {
        **os.environ,
        "DISCORD_API_URL": fake_discord.api_url,
        "DISCORD_BOT_TOKEN": fake_discord.token,
        "DISCORD_PUBLIC_KEY": key.verify_key.encode().hex(),
        "DISCORD_APPLICATION_ID": APPLICATION_ID,
        "BOT_HTTP_PORT": str(port),
        "BOT_HTTP_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = await spawn_worker(config, env, stdout=out, stderr=asyncio.subprocess.STDOUT)
    try:

        async def posted() -> bool:
            return bool(fake_discord.messages.get(CHANNEL))

        await until(posted, 60, "an embed posted to the channel", log)
        [message] = fake_discord.messages[CHANNEL]
        [embed] = message["embeds"]
        assert "tariff" in (embed["title"] + embed.get("description", "")).lower()
        assert "@everyone" not in str(embed)
        [post] = fake_discord.posts(CHANNEL)
        assert post.json["allowed_mentions"] == {"parse": []}
        assert post.json["enforce_nonce"] is True

        url = f"http://127.0.0.1:{port}/discord/interactions"
        async with aiohttp.ClientSession() as session:
            body, headers = signed(key, command("fentanyl-status"))
            async with session.post(url, data=body, headers=headers) as response:
                assert response.status == 200, await response.text()
                answer = await response.json()
            bad = {**headers, "X-Signature-Ed25519": "00" * 64}
            async with session.post(url, data=body, headers=bad) as response:
                assert response.status == 401
        names = [f["name"] for f in answer["data"]["embeds"][0]["fields"]]
        assert names == [fact.label for fact in catalogue.values()]
        assert fake_discord.matching("PUT", f"/applications/{APPLICATION_ID}/commands")
    finally:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(worker.wait(), timeout=45)
        except TimeoutError:
            worker.kill()
            raise
    assert code == 0, log.read_text()[-4000:]
    assert len(fake_discord.messages[CHANNEL]) == 1
