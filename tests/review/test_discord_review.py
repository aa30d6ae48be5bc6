"""Reviewers on Discord, end to end against the REST stand-in: a report alert posted with its
buttons (message components); signed component and modal-submit interactions to
``POST /discord/interactions`` (and through the gateway client); the deferred ephemeral answers,
the refusals, the recorded decisions, and the alert's reply and edit delivered by the outbox."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord.http import Route
from nacl.signing import SigningKey
from sqlalchemy import select

from bot.chat.discord_app import Interactions
from bot.chat.discord_gateway import GatewayClient
from bot.config import Environment
from bot.delivery.discord import DiscordConnection
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.facts.catalogue import Catalogue
from bot.store.models import DecisionRow
from tests.discord.conftest import (
    APPLICATION_ID,
    StandInContext,
    connected,
    discord_env,
    interactions_endpoint,
)
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.serving import timed_post
from tests.stories import US, Story

from .conftest import DISCORD, services_for

CHANNEL = DISCORD.partition(":")[2]
GUILD = "300000000000000001"
REVIEWER_ROLE = "400000000000000001"
BOB = {"id": "500000000000000009", "username": "bob", "global_name": "Bob"}
MALLORY = {"id": "500000000000000666", "username": "mallory"}
USER_FIELDS = {"discriminator": "0", "avatar": None}  # what a gateway payload's user also has
MANAGE_GUILD = str(1 << 5)


@dataclass
class Bot:
    url: str
    fake: FakeDiscord
    story: Story
    key: SigningKey
    tokens: int = 0

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, Any, float]:
        status, text, elapsed = await timed_post(self.url, body, headers)
        return status, json.loads(text) if status == 200 else text, elapsed

    def signed(self, payload: dict[str, Any], stamp: int | None = None) -> tuple[bytes, dict]:
        body = json.dumps(payload).encode()
        when = str(int(time.time()) if stamp is None else stamp)
        signature = self.key.sign(when.encode() + body).signature.hex()
        return body, {
            "Content-Type": "application/json",
            "X-Signature-Ed25519": signature,
            "X-Signature-Timestamp": when,
        }

    async def send(self, payload: dict[str, Any]) -> tuple[int, Any, float]:
        return await self.post(*self.signed(payload))

    def interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user: dict[str, Any] = BOB,
        roles: tuple[str, ...] = (REVIEWER_ROLE,),
        permissions: str = "0",
    ) -> dict[str, Any]:
        self.tokens += 1
        return {
            "type": kind,
            "id": f"60000000000000{self.tokens:04d}",
            "application_id": APPLICATION_ID,
            "token": f"interaction-token-{self.tokens}",
            "channel_id": CHANNEL,
            "guild_id": GUILD,
            "member": {"user": user, "roles": list(roles), "permissions": permissions},
            "data": data,
        }

    async def deliver(self) -> DispatchStats:
        async with connected(self.fake, TOKEN) as destination:
            return await Dispatcher(self.story.db, {"discord": destination}, owner="t").run_once()

    async def original(self, token_number: int) -> dict[str, Any]:
        """The answer that replaced deferral number ``token_number``."""
        path = f"/interaction-token-{token_number}/messages/@original"
        deadline = time.monotonic() + 30
        while not self.fake.matching("PATCH", path):
            assert time.monotonic() < deadline, "the deferred answer never came"
            await _sleep()
        [edited] = self.fake.matching("PATCH", path)
        return dict(edited.json or {})


async def _sleep() -> None:
    await asyncio.sleep(0.05)


@pytest.fixture
async def bot(
    fake_discord: FakeDiscord, chat_story: Story, catalogue: Catalogue, signing_key: SigningKey
) -> AsyncIterator[Bot]:
    stand_in = StandInContext(
        discord_env(fake_discord, signing_key), services_for(chat_story, catalogue)
    )
    async with interactions_endpoint(stand_in) as url:
        yield Bot(url, fake_discord, chat_story, signing_key)


async def posted(bot: Bot, alert: str) -> dict[str, Any]:
    await bot.deliver()
    [message] = [m for m in bot.fake.messages[CHANNEL] if alert in json.dumps(m["embeds"])]
    return copy.deepcopy(message)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """The message's buttons: label → custom_id."""
    return {
        button["label"]: button["custom_id"]
        for row in message.get("components") or []
        for button in row["components"]
    }


def press(bot: Bot, message: dict[str, Any], label: str, **who: Any) -> dict[str, Any]:
    data = {"custom_id": buttons(message)[label], "component_type": 2}
    return bot.interaction(3, data, **who)


def shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer, ensure_ascii=False)


def decisions(bot: Bot) -> list[tuple[str, str]]:
    with bot.story.db.session() as session:
        return [(d.action, d.decider) for d in session.scalars(select(DecisionRow))]


async def test_confirm_is_deferred_answered_recorded_and_the_alert_edited(bot: Bot) -> None:
    message = await posted(bot, bot.story.report())
    assert list(buttons(message)) == ["Confirm", "Dismiss"]

    status, answer, elapsed = await bot.send(press(bot, message, "Confirm"))

    assert status == 200 and elapsed < 3.0
    assert answer == {"type": 5, "data": {"flags": 64}}  # deferred, only the clicker sees it
    assert "Confirmed by @Bob" in shown(await bot.original(1))
    assert bot.story.value() == 40
    assert decisions(bot) == [("confirm", "discord:500000000000000009")]

    stats = await bot.deliver()
    assert stats.sent == 1 and stats.edited == 1
    [reply] = bot.fake.replies_to(CHANNEL, message["id"])
    assert "Confirmed by @Bob" in shown(reply["embeds"])
    [edit] = bot.fake.edits
    assert edit.path.endswith(f"/channels/{CHANNEL}/messages/{message['id']}")
    now = bot.fake.message(CHANNEL, message["id"])
    assert now is not None and list(buttons(now)) == ["Wrong value"]
    assert now["embeds"][0]["footer"]["text"].startswith("Confirmed by @Bob ")


async def test_a_second_click_and_a_non_reviewer_change_nothing(bot: Bot) -> None:
    message = await posted(bot, bot.story.report())
    status, answer, _ = await bot.send(press(bot, message, "Dismiss", user=MALLORY, roles=()))
    assert status == 200 and answer["type"] == 4 and answer["data"]["flags"] == 64
    assert "Only reviewers may" in shown(answer)
    assert decisions(bot) == []

    await bot.send(press(bot, message, "Dismiss", user=MALLORY, roles=(), permissions=MANAGE_GUILD))
    assert "Dismissed by @mallory" in shown(await bot.original(2))
    await bot.send(press(bot, message, "Confirm"))
    assert "Already dismissed by @mallory" in shown(await bot.original(3))
    assert decisions(bot) == [("dismiss", "discord:500000000000000666")]
    assert bot.story.value() == 145


async def test_forged_and_replayed_interactions_get_401(bot: Bot) -> None:
    message = await posted(bot, bot.story.report())
    payload = press(bot, message, "Confirm")
    body, headers = bot.signed(payload)
    assert (await bot.post(body, {**headers, "X-Signature-Ed25519": "00" * 64}))[0] == 401
    tampered = body.replace(b"review:confirm", b"review:dismiss")
    assert (await bot.post(tampered, headers))[0] == 401
    old = bot.signed(payload, stamp=int(time.time()) - 10 * 60)
    assert (await bot.post(*old))[0] == 401
    assert decisions(bot) == [] and bot.fake.originals == []


async def test_an_unknown_alert_and_a_made_up_button_are_named(bot: Bot) -> None:
    await posted(bot, bot.story.report())
    unknown = bot.interaction(3, {"custom_id": "review:confirm:al-000000000000000000000000"})
    assert (await bot.send(unknown))[1]["type"] == 5
    assert "No alert al-000000000000000000000000 is on record" in shown(await bot.original(1))
    made_up = bot.interaction(3, {"custom_id": "launch:the-missiles"})
    _, answer, _ = await bot.send(made_up)
    assert answer["type"] == 4 and "not one the bot made" in shown(answer)
    assert decisions(bot) == []


def form(bot: Bot, custom_id: str, value: str, source: str = "") -> dict[str, Any]:
    rows = [
        {"type": 1, "components": [{"type": 4, "custom_id": "value", "value": value}]},
        {"type": 1, "components": [{"type": 4, "custom_id": "source", "value": source}]},
    ]
    return bot.interaction(5, {"custom_id": custom_id, "components": rows})


async def test_wrong_value_opens_a_form_whose_bad_input_is_named_and_good_input_corrects(
    bot: Bot,
) -> None:
    message = await posted(bot, bot.story.change())
    assert list(buttons(message)) == ["Wrong value"]

    status, modal, elapsed = await bot.send(press(bot, message, "Wrong value"))
    assert status == 200 and elapsed < 3.0 and modal["type"] == 9
    custom_id = modal["data"]["custom_id"]
    assert custom_id == buttons(message)["Wrong value"]
    assert modal["data"]["title"].startswith("Correct US tariff")
    inputs = [row["components"][0] for row in modal["data"]["components"]]
    assert [(i["custom_id"], i["max_length"]) for i in inputs] == [("value", 100), ("source", 1000)]

    for typed, source, words in (
        ("banana%", "", "“banana%” is not a value for US tariff on most Chinese goods"),
        ("9" * 500, "", "500 characters, at most 100"),
        ("125", "file:///etc/passwd", "must be an http(s) link"),
    ):
        status, answer, _ = await bot.send(form(bot, custom_id, typed, source))
        assert status == 200 and answer["type"] == 4 and answer["data"]["flags"] == 64
        assert words in shown(answer)
    assert decisions(bot) == [] and bot.story.value() == 30

    status, answer, _ = await bot.send(form(bot, custom_id, "125", "https://ustr.example/n"))
    assert answer == {"type": 5, "data": {"flags": 64}}
    assert "Corrected by @Bob" in shown(await bot.original(bot.tokens))
    assert bot.story.value() == 125 and decisions(bot) == [
        ("correct", "discord:500000000000000009")
    ]

    await bot.deliver()
    [reply] = bot.fake.replies_to(CHANNEL, message["id"])
    assert "Correction by @Bob" in shown(reply["embeds"])
    now = bot.fake.message(CHANNEL, message["id"])
    assert now is not None
    assert now["embeds"][0]["title"] == "Corrected: US tariff on most Chinese goods is 125%"


async def test_the_click_is_deferred_at_once_and_decided_after(bot: Bot) -> None:
    message = await posted(bot, bot.story.report())
    path = bot.story.db.engine.url.database
    assert path is not None
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        status, answer, elapsed = await bot.send(press(bot, message, "Confirm"))
        assert status == 200 and answer["type"] == 5 and elapsed < 3.0
        assert bot.fake.originals == []  # nothing decided while the database is held
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    assert "Confirmed by @Bob" in shown(await bot.original(1))
    assert decisions(bot) == [("confirm", "discord:500000000000000009")]


async def test_the_gateway_client_hands_buttons_to_the_same_decisions(
    fake_discord: FakeDiscord, chat_story: Story, catalogue: Catalogue, signing_key: SigningKey
) -> None:
    bot = Bot("", fake_discord, chat_story, signing_key)
    message = await posted(bot, chat_story.report())
    interactions = Interactions(
        services_for(chat_story, catalogue),
        application_id=APPLICATION_ID,
        connection=DiscordConnection(fake_discord.token, fake_discord.api_url),
    )
    env = Environment(DISCORD_BOT_TOKEN=fake_discord.token, DISCORD_API_URL=fake_discord.api_url)
    client = GatewayClient(interactions, StandInContext(env, services_for(chat_story, catalogue)))  # type: ignore[arg-type]
    saved = Route.BASE
    try:
        Route.BASE = fake_discord.api_url  # as start_gateway points the client's own calls
        # what Client.login does first: the bot's own user, as the gateway then knows it
        me = await client.http.static_login(fake_discord.token)
        client._connection.user = discord.ClientUser(state=client._connection, data=me)
        # a server manager: roles resolve through the guild cache the gateway fills, which this
        # test has not got
        raw = press(bot, message, "Confirm", roles=(), permissions=MANAGE_GUILD)
        raw.update(version=1, attachment_size_limit=10 << 20)  # as the gateway delivers it
        raw["member"].update(joined_at="2025-01-01T00:00:00+00:00", deaf=False, mute=False, flags=0)
        raw["member"]["user"] = {**raw["member"]["user"], **USER_FIELDS}
        await client.on_interaction(discord.Interaction(data=raw, state=client._connection))  # type: ignore[arg-type]
        assert "Confirmed by @Bob" in shown(await bot.original(1))
    finally:
        Route.BASE = saved
        await client.close()
        await interactions.close()
    [callback] = fake_discord.callbacks
    assert callback.json == {"type": 5, "data": {"flags": 64}}
    assert chat_story.value(US) == 40
