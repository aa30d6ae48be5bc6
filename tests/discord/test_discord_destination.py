"""The Discord destination against the REST stand-in: limits, inert mentions, nonce, 429,
permanent errors, reconciliation."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.alerts.card import Card, CardField, CardKind
from bot.delivery import discord as discord_dest
from bot.delivery.discord import DiscordDestination, HistoryUnavailable, build_embed, nonce_for
from bot.delivery.outbox import Dispatcher
from bot.store import repo
from bot.store.cards import add_card
from bot.store.db import Database
from bot.store.models import OutboxRow
from tests.discord.conftest import CHANNEL, connected
from tests.discord.fake_discord import BOT_USER_ID, FakeDiscord
from tests.serving import free_port

LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>")


def alert(**changes: Any) -> Card:
    card = Card(
        id="al-0123456789abcdef01234567",
        kind=CardKind.CHANGE,
        title="US tariff on Chinese goods: 145% → 30%",
        body="Officials said the reduction takes effect on Wednesday.",
        lines=("US tariff on most Chinese goods: 145% → 30% (baseline 145% as of 2025-05-02)",),
        link="https://news.example/story",
        source="Example Wire: Tariffs cut",
        published=datetime(2025, 5, 12, 9, 0, tzinfo=UTC),
        footer="2 sources",
    )
    return replace(card, **changes)


def huge_card() -> Card:
    return alert(
        title="Tariff " * 200,
        body="word " * 5000,
        lines=tuple(f"line {i} " + "x" * 300 for i in range(60)),
        fields=tuple(CardField("name " * 100, "value " * 400) for _ in range(40)),
        source="Source " * 100,
        footer="footer " * 600,
        link="https://news.example/" + "a" * 100,
    )


def embed_size(embed: Mapping[str, Any]) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    total += len(embed.get("footer", {}).get("text", ""))
    return total + len(embed.get("author", {}).get("name", ""))


def assert_within_limits(embed: dict[str, Any]) -> None:
    assert len(embed["title"]) <= 256
    assert len(embed.get("description", "")) <= 4096
    assert len(embed.get("fields", [])) <= 25
    for item in embed.get("fields", []):
        assert 0 < len(item["name"]) <= 256
        assert 0 < len(item["value"]) <= 1024
    assert len(embed.get("footer", {}).get("text", "")) <= 2048
    assert len(embed.get("author", {}).get("name", "")) <= 256
    assert embed_size(embed) <= 6000


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


async def test_a_huge_alert_is_posted_as_one_embed_within_every_limit(
    fake_discord: FakeDiscord,
) -> None:
    async with connected(fake_discord) as destination:
        result = await destination.send(huge_card(), CHANNEL)
    assert result.ok, result.error
    [post] = fake_discord.posts(CHANNEL)
    [embed] = post.json["embeds"]
    assert_within_limits(embed)
    assert embed_size(embed) > 5000  # cut to the limit, not emptied
    assert embed["title"].startswith("Tariff Tariff") and embed["title"].endswith("…")
    assert embed["description"].startswith("• line 0 ")
    assert "al-0123456789abcdef01234567" in embed["footer"]["text"]
    assert "more not shown" in embed["footer"]["text"]
    assert embed["color"] == discord_dest.COLOURS[CardKind.CHANGE]
    assert embed["url"].startswith("https://news.example/")


async def test_embed_colours_differ_by_kind_and_bad_links_are_left_out() -> None:
    colours = {build_embed(alert(kind=kind)).to_dict()["color"] for kind in CardKind}
    assert len(colours) == len(CardKind)
    for link in ("javascript:alert(1)", "https://a.example/with space", "ftp://x"):
        assert "url" not in build_embed(alert(link=link)).to_dict()


async def test_mentions_in_feed_text_stay_inert(fake_discord: FakeDiscord) -> None:
    pings = "@everyone @here <@123456789012345678> <@!123456789012345678> <@&234567890123456789>"
    card = alert(
        title=f"Breaking {pings}",
        body=f"Summary {pings}",
        lines=(f"line {pings}",),
        fields=(CardField(f"name {pings}", f"value {pings}"),),
        source=f"Wire {pings}",
        footer=f"footer {pings}",
    )
    async with connected(fake_discord) as destination:
        assert (await destination.send(card, CHANNEL)).ok
    [post] = fake_discord.posts(CHANNEL)
    assert post.json["allowed_mentions"] == {"parse": []}
    texts = strings(post.json["embeds"])
    assert any("everyone" in t for t in texts)  # the words are still there
    live = [t for t in texts if LIVE_MENTION.search(t)]
    assert live == []
    assert "@\u200beveryone" in post.json["embeds"][0]["title"]


async def test_markdown_in_feed_text_cannot_hide_a_link() -> None:
    embed = build_embed(alert(body="[click here](https://evil.example) **bold**")).to_dict()
    assert re.search(r"(?<!\\)\[click here\]\(", embed["description"]) is None
    assert "\\[click here](" in embed["description"]
    assert "\\*\\*bold\\*\\*" in embed["description"]


async def test_the_nonce_derives_from_the_alert_id_and_is_enforced(
    fake_discord: FakeDiscord,
) -> None:
    card = alert()
    async with connected(fake_discord) as destination:
        first = await destination.send(card, CHANNEL)
        again = await destination.send(card, CHANNEL)  # a retry after a lost response
    posts = fake_discord.posts(CHANNEL)
    assert [p.json["nonce"] for p in posts] == [nonce_for(card.id)] * 2
    assert all(p.json["enforce_nonce"] is True for p in posts)
    assert len(nonce_for(card.id)) <= 25 and nonce_for(card.id) != nonce_for(card.id + "x")
    assert first.external_id == again.external_id
    assert len(fake_discord.messages[CHANNEL]) == 1


async def test_429_then_success_posts_exactly_one_message(fake_discord: FakeDiscord) -> None:
    fake_discord.plan(CHANNEL, [429])
    async with connected(fake_discord) as destination:
        result = await destination.send(alert(), CHANNEL)
    assert result.ok, result.error
    assert len(fake_discord.posts(CHANNEL)) == 2
    assert len(fake_discord.messages[CHANNEL]) == 1
    assert result.external_id == fake_discord.messages[CHANNEL][0]["id"]


async def test_a_long_rate_limit_comes_back_as_retry_after(fake_discord: FakeDiscord) -> None:
    fake_discord.retry_after = 120.0
    fake_discord.plan(CHANNEL, [429])
    async with connected(fake_discord, max_rate_limit_wait=30.0) as destination:
        result = await destination.send(alert(), CHANNEL)
    assert not result.ok and result.retryable
    assert result.retry_after == 120.0
    assert CHANNEL not in fake_discord.messages


async def test_permanent_errors_are_not_retryable_and_name_the_problem(
    fake_discord: FakeDiscord,
) -> None:
    fake_discord.plan(CHANNEL, [403, 404, 400])
    async with connected(fake_discord) as destination:
        missing_access = await destination.send(alert(), CHANNEL)
        unknown_channel = await destination.send(alert(), CHANNEL)
        bad_request = await destination.send(alert(), CHANNEL)
        not_an_id = await destination.send(alert(), "general")
    assert (missing_access.ok, missing_access.retryable) == (False, False)
    assert missing_access.error == "discord: missing access (code 50001, HTTP 403)"
    assert (unknown_channel.ok, unknown_channel.retryable) == (False, False)
    assert unknown_channel.error == "discord: unknown channel (code 10003, HTTP 404)"
    assert (bad_request.ok, bad_request.retryable) == (False, True)
    assert bad_request.error == "discord: HTTP 400, code 50035: Invalid Form Body"
    assert (not_an_id.ok, not_an_id.retryable) == (False, False)


async def test_a_refused_token_is_permanent(fake_discord: FakeDiscord) -> None:
    async with connected(fake_discord, "wrong-token") as destination:
        result = await destination.send(alert(), CHANNEL)
    assert (result.ok, result.retryable) == (False, False)
    assert result.error == "discord: the bot token was refused (401)"
    assert fake_discord.posts(CHANNEL) == []


async def test_already_sent_finds_the_alert_in_recent_messages(fake_discord: FakeDiscord) -> None:
    card, other = alert(), alert(id="al-ffffffffffffffffffffffff")
    async with connected(fake_discord) as first:
        sent = await first.send(card, CHANNEL)
    for message in fake_discord.messages[CHANNEL]:
        message["nonce"] = None  # Discord forgets nonces after a few minutes; the footer stays
    async with connected(fake_discord) as restarted:
        assert await restarted.already_sent(card, CHANNEL) == sent.external_id
        assert await restarted.already_sent(other, CHANNEL) is None
        assert await restarted.already_sent(card, "800000000000000009") is None
    assert fake_discord.messages[CHANNEL][0]["author"]["id"] == BOT_USER_ID


async def test_dispatcher_keeps_rows_pending_on_missing_access_then_delivers_once(
    fake_discord: FakeDiscord, database: Database, tmp_path: Path
) -> None:
    card = alert()
    with database.session() as session:
        add_card(session, card, uid=None, destinations=[f"discord:{CHANNEL}"])
    fake_discord.plan(CHANNEL, [403])
    destination = DiscordDestination(fake_discord.token, fake_discord.api_url)
    dispatcher = Dispatcher(database, {"discord": destination}, owner="test")
    try:
        stats = await dispatcher.run_once()
        with database.session() as session:
            row = session.query(OutboxRow).one()
            assert (row.status, row.last_error) == (
                "pending",
                "discord: missing access (code 50001, HTTP 403)",
            )
            row.next_attempt_at = repo.utcnow() - timedelta(seconds=1)
        assert stats.sent == 0
        stats = await dispatcher.run_once()
    finally:
        await destination.close()
    assert stats.sent == 1
    with database.session() as session:
        assert session.query(OutboxRow).one().status == "sent"
    assert len(fake_discord.messages[CHANNEL]) == 1
    assert json.dumps(fake_discord.messages[CHANNEL][0]["embeds"]).count(card.id) == 1


def test_discord_py_embed_length_agrees_with_our_count() -> None:
    embed = build_embed(huge_card())
    assert len(embed) == embed_size(embed.to_dict()) <= 6000
    assert isinstance(embed, discord.Embed)


async def test_an_unreadable_channel_is_never_taken_for_not_sent() -> None:
    """Discord unreachable: whether the alert arrived is unknown, so the check raises and the
    dispatcher asks again later instead of posting blind."""
    down = DiscordDestination("token", f"http://127.0.0.1:{free_port()}/api/v10")
    try:
        with pytest.raises(HistoryUnavailable):
            await down.already_sent(alert(), CHANNEL)
    finally:
        await down.close()
