"""Feed text with bidirectional overrides, zero-width and control characters reaches no chat
and no terminal as is (finding 4): a hostile feed goes through the real worker to the Slack and
Discord stand-ins and the console."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from bot.alerts.sanitize import clean_text
from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.delivery.discord import DiscordDestination
from bot.delivery.slack import SlackDestination
from bot.feeds.fetch import Fetcher
from tests.core.feeds import TARIFF_CUT, rss
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.serving import FeedHost
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.worker import write_config

from .conftest import ROOT

RLO, PDI, ZWSP, ZWJ, BOM = "\u202e", "\u2069", "\u200b", "\u200d", "\ufeff"
HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u200c\u200e\u200f\u2060\ufeff\x1b\x07]")
DISCORD_CHANNEL = "700000000000000009"


def hostile_item() -> dict[str, str]:
    item = dict(TARIFF_CUT)
    item["title"] = f"Washington lowers tariffs {RLO}fdp.exe{PDI} on Chinese imports to 40 percent"
    item["text"] = (
        f"The White{ZWSP} House cut the tariff on most goods from China to 40 percent from "
        f"145 percent on Tuesday,{BOM} in force immediately, after a round of trade talks in "
        f"Oslo.\x1b[2J\x07 Officials{ZWJ}said so."
    )
    return item


def texts(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def test_hostile_characters_reach_no_chat_and_no_terminal(
    tmp_path: Path, feed_host: FeedHost, fake_slack: FakeSlack, fake_discord: FakeDiscord
) -> None:
    feed_host.bodies["/wire.xml"] = rss([hostile_item()])
    config = write_config(
        tmp_path / "config.yaml",
        {
            "feeds": [{"name": "wire", "url": feed_host.url("/wire.xml")}],
            "fetch": {"allow_private_networks": True, "full_text": False},
            "routes": [
                {"to": "console", "kinds": ["changes", "news"]},
                {"to": "slack:C1", "kinds": ["changes", "news"]},
                {"to": f"discord:{DISCORD_CHANNEL}", "kinds": ["changes", "news"]},
            ],
            "schedule": {"first_run_backlog_hours": None},
            "seeds_dir": str(ROOT / "seeds"),
            "topics_file": str(ROOT / "config" / "topics.yaml"),
        },
    )
    ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")
    out = io.StringIO()
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url, min_interval=0.0)
    discord = DiscordDestination(TOKEN, fake_discord.api_url)
    try:
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(
                ctx,
                fetcher,
                {"console": ConsoleDestination(out), "slack": slack, "discord": discord},
            )
            worker.sync_feeds()
            stats = await worker.poll(ignore_schedule=True)
            delivered = await worker.deliver()
    finally:
        await slack.close()
        await discord.close()
        ctx.close()
    assert stats.alerts >= 1 and delivered.sent == 3
    (posted,) = fake_slack.posted("C1")
    (message,) = fake_discord.messages[DISCORD_CHANNEL]
    for shown in (out.getvalue(), texts(posted), texts(message)):
        assert "fdp.exe" in shown and "White House" in shown
        assert not HIDDEN.search(shown), HIDDEN.findall(shown)


def test_clean_text_keeps_what_readers_need() -> None:
    assert (
        clean_text("Zoll\u00e4nderung: 145% \u2192 30%\n\tnext")
        == "Zolländerung: 145% → 30%\n\tnext"
    )
    assert clean_text("family 👨\u200d👩\u200d👧 ok") == "family 👨\u200d👩\u200d👧 ok"
    assert clean_text("a\u200db") == "ab"
    assert clean_text("line\r\nbreak\u2028x") == "line\nbreak\nx"
    assert clean_text("tag\U000e0041\U000e0042s") == "tags"
