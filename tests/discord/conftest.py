"""Fixtures for the Discord tests: the REST stand-in, a seeded SQLite store, an Ed25519 key
generated per test run, and the interactions endpoint served on a real local port."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from nacl.signing import SigningKey

from bot.chat.commands import CommandServices
from bot.config import BotConfig, Environment
from bot.facts.catalogue import Catalogue
from bot.news.topics import load_topics
from bot.store.db import Database
from tests.discord.fake_discord import TOKEN, FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_ID = "800000000000000001"
CHANNEL = "700000000000000001"


def signed(key: SigningKey, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()))
    signature = key.sign(stamp.encode() + body).signature.hex()
    headers = {
        "Content-Type": "application/json",
        "X-Signature-Ed25519": signature,
        "X-Signature-Timestamp": stamp,
    }
    return body, headers


def command(name: str, options: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """An APPLICATION_COMMAND interaction as Discord sends it from a guild channel."""
    return {
        "type": 2,
        "id": "600000000000000001",
        "application_id": APPLICATION_ID,
        "token": "interaction-token-1",
        "channel_id": CHANNEL,
        "member": {"user": {"id": "500000000000000001", "username": "analyst"}},
        "data": {"id": "1", "name": name, "type": 1, "options": options or []},
        **extra,
    }


@dataclass
class StandInContext:
    """The parts of ``AppContext`` the Discord adapter reads, built from real objects."""

    env: Environment
    db: Database
    catalogue: Catalogue
    config: BotConfig = field(default_factory=BotConfig)

    def command_services(self) -> CommandServices:
        topics = tuple(t.id for t in load_topics(self.config.topics_file).topics)
        return CommandServices(db=self.db, catalogue=self.catalogue, topics=topics)


@dataclass
class InteractionsServer:
    url: str
    fake: FakeDiscord
    session: aiohttp.ClientSession
    key: SigningKey

    async def post(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        body, headers = signed(self.key, payload)
        return await self.session.post(self.url, data=body, headers=headers)


@pytest.fixture
async def interactions_server(
    fake_discord: FakeDiscord, database: Database, catalogue: Catalogue, signing_key: SigningKey
) -> AsyncIterator[InteractionsServer]:
    from bot.chat.discord_app import http_installer

    env = Environment(
        DISCORD_BOT_TOKEN=TOKEN,
        DISCORD_APPLICATION_ID=APPLICATION_ID,
        DISCORD_PUBLIC_KEY=signing_key.verify_key.encode().hex(),
        DISCORD_API_URL=fake_discord.api_url,
    )
    ctx = StandInContext(env=env, db=database, catalogue=catalogue)
    app = web.Application()
    http_installer(ctx)(app)  # type: ignore[arg-type]
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)  # aiohttp types it as AbstractServer | None
    port = server.sockets[0].getsockname()[1]
    async with aiohttp.ClientSession() as session:
        yield InteractionsServer(
            f"http://127.0.0.1:{port}/discord/interactions", fake_discord, session, signing_key
        )
    await runner.cleanup()
