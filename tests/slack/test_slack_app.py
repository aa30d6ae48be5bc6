"""The slack-bolt app on a real local aiohttp server: signed slash commands, 401s, answers
through response_url to the stand-in, subscriptions, charts, and Socket Mode."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk.models.blocks import Block

from bot.alerts.card import Card, CardKind
from bot.app.routing import destinations_for
from bot.chat.commands import CommandServices
from bot.chat.slack_app import open_socket_mode
from bot.delivery.outbox import Dispatcher
from bot.delivery.slack import SlackDestination
from bot.facts.catalogue import Catalogue
from bot.store import repo
from bot.store.cards import add_card
from bot.store.db import Database
from tests.serving import timed_post
from tests.slack.conftest import command_body, events_endpoint, signed_headers
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack


class BotServer:
    def __init__(self, url: str) -> None:
        self.url = url

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        status, text, _ = await timed_post(self.url, body, headers)
        return status, text

    async def slash(
        self, fake: FakeSlack, command: str, text: str, *, channel: str, name: str
    ) -> dict[str, Any]:
        """``command text`` typed in ``channel``, signed and accepted: the answer posted to its
        response URL ``name``."""
        body = command_body(fake, command, text, channel=channel, name=name)
        status, _ = await self.post(body, signed_headers(body))
        assert status == 200
        return await fake.answer(name)


@pytest.fixture
async def bot_server(fake_slack: FakeSlack, services: CommandServices) -> AsyncIterator[BotServer]:
    async with events_endpoint(services, fake_slack) as url:
        yield BotServer(url)


def block_text(blocks: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for block in blocks:
        model = Block.parse(block)
        assert model is not None
        model.validate_json()
        for key in ("text",):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        parts.extend(f["text"] for f in block.get("fields", []))
        parts.extend(e.get("text", "") for e in block.get("elements", []) if "text" in e)
    return "\n".join(str(p) for p in parts)


def subscriptions(database: Database) -> list[tuple[str, list[str]]]:
    with database.session() as session:
        return [(s.destination, list(s.kinds)) for s in repo.subscriptions(session)]


async def test_status_lists_all_ten_facts(
    bot_server: BotServer, fake_slack: FakeSlack, catalogue: Catalogue
) -> None:
    body = command_body(fake_slack, "/fentanyl-status", "", channel="C1", name="status")
    status, text = await bot_server.post(body, signed_headers(body))
    assert status == 200
    assert text == ""
    answer = await fake_slack.answer("status")
    assert answer["response_type"] == "ephemeral"
    shown = block_text(answer["blocks"])
    assert len(catalogue) == 10
    for fact in catalogue.values():
        assert fact.label.replace("&", "&amp;") in shown, fact.id
    assert "Tracked facts (10)" in shown
    assert "145%" in shown and "Wang Xiaohong" in shown


async def test_bad_signature_is_refused_and_not_processed(
    bot_server: BotServer, fake_slack: FakeSlack, database: Database
) -> None:
    body = command_body(fake_slack, "/fentanyl", "subscribe news", channel="C9", name="bad")
    headers = signed_headers(body, secret="not-the-secret")
    status, _ = await bot_server.post(body, headers)
    assert status == 401
    tampered = body.replace(b"subscribe+news", b"subscribe+digest")
    status, _ = await bot_server.post(tampered, signed_headers(body))
    assert status == 401
    assert subscriptions(database) == []
    assert fake_slack.responses == []


async def test_stale_timestamp_is_refused_and_not_processed(
    bot_server: BotServer, fake_slack: FakeSlack, database: Database
) -> None:
    body = command_body(fake_slack, "/fentanyl", "subscribe news", channel="C9", name="stale")
    stale = int(time.time()) - 6 * 60
    status, _ = await bot_server.post(body, signed_headers(body, timestamp=stale))
    assert status == 401
    assert subscriptions(database) == []
    fresh = int(time.time()) - 60
    status, _ = await bot_server.post(body, signed_headers(body, timestamp=fresh))
    assert status == 200
    await fake_slack.wait_for(lambda: fake_slack.responses_to("stale"))
    assert subscriptions(database) == [("slack:C9", ["news"])]


async def test_subscribe_then_an_alert_reaches_that_channel(
    bot_server: BotServer, fake_slack: FakeSlack, database: Database
) -> None:
    answer = await bot_server.slash(
        fake_slack, "/fentanyl", "subscribe changes", channel="C777", name="sub"
    )
    assert answer["response_type"] == "in_channel"
    assert "Subscribed" in answer["text"]

    card = Card(
        id="al-sub-1",
        kind=CardKind.CHANGE,
        title="China's tariff on most US goods: 125% → 10%",
        lines=("China's tariff on most US goods: 125% → 10% (baseline 125% as of 2025-05-02)",),
        link="https://news.example/a",
        source="Example Wire",
        topics=("us-china-tariffs",),
    )
    with database.session() as session:
        targets = destinations_for(session, [], "changes", ["us-china-tariffs"])
        assert targets == {"slack:C777"}
        add_card(session, card, uid=None, destinations=targets)
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url)
    stats = await Dispatcher(database, {"slack": slack}, owner="t").run_once()
    assert stats.sent == 1
    [message] = fake_slack.posted("C777")
    assert message["metadata"]["event_payload"]["alert_id"] == "al-sub-1"
    assert "125% → 10%" in block_text(message["blocks"])
    again = await Dispatcher(database, {"slack": slack}, owner="t").run_once()
    assert again.sent == 0
    assert len(fake_slack.posted("C777")) == 1


async def test_history_uploads_a_png_chart(bot_server: BotServer, fake_slack: FakeSlack) -> None:
    body = command_body(fake_slack, "/fentanyl", "history us-tariff-china", channel="C1", name="h")
    status, _ = await bot_server.post(body, signed_headers(body))
    assert status == 200
    await fake_slack.wait_for(lambda: fake_slack.calls_to("files.completeUploadExternal"))
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1"
    [png] = [data for data in fake_slack.uploads.values() if data]
    assert png.startswith(b"\x89PNG")
    [answer] = fake_slack.responses_to("h")
    assert "History of" in answer["text"]


async def test_unknown_subcommand_gets_a_helpful_ephemeral_answer(
    bot_server: BotServer, fake_slack: FakeSlack
) -> None:
    answer = await bot_server.slash(
        fake_slack, "/fentanyl", "frobnicate now", channel="C1", name="unknown"
    )
    assert answer["response_type"] == "ephemeral"
    assert "Unknown command" in answer["text"] and "status" in answer["text"]


async def test_socket_mode_answers_a_slash_command(
    fake_slack: FakeSlack, services: CommandServices
) -> None:
    fake_slack.fail_next("apps.connections.open", 503, "Slack is down for a moment")
    connection = open_socket_mode(
        services, bot_token=BOT_TOKEN, app_token=APP_TOKEN, api_url=fake_slack.api_url
    )
    try:
        await asyncio.wait_for(connection.connected.wait(), timeout=20)
        opened = fake_slack.calls_to("apps.connections.open")
        assert len(opened) == 3  # refused (503), accepted, then the connection's own URL
        assert {call.token for call in opened} == {APP_TOKEN}
        await fake_slack.wait_for(fake_slack.socket_connected.is_set)
        body = command_body(fake_slack, "/fentanyl-status", "tariff", channel="C5", name="socket")
        payload = dict(parse_qsl(body.decode()))
        await fake_slack.send_socket_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        await fake_slack.wait_for(lambda: fake_slack.responses_to("socket"))
        await fake_slack.wait_for(lambda: fake_slack.socket_acks)
        assert fake_slack.socket_acks[0]["envelope_id"] == "env-1"
        [answer] = fake_slack.responses_to("socket")
        assert "tariff" in block_text(answer["blocks"]).lower()
    finally:
        await connection.close()


async def test_socket_mode_gives_up_on_a_bad_app_token(
    fake_slack: FakeSlack, services: CommandServices, caplog: pytest.LogCaptureFixture
) -> None:
    connection = open_socket_mode(
        services, bot_token=BOT_TOKEN, app_token="xapp-wrong", api_url=fake_slack.api_url
    )
    try:
        await fake_slack.wait_for(lambda: fake_slack.calls_to("apps.connections.open"))
        await asyncio.sleep(0.2)
        assert len(fake_slack.calls_to("apps.connections.open")) == 1
        assert not connection.connected.is_set()
        assert "Socket Mode refused (invalid_auth)" in caplog.text
    finally:
        await connection.close()
