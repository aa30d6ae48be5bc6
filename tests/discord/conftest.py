"""Fixtures for the Discord tests: the REST stand-in, a seeded SQLite store, an Ed25519 key
generated per test run, and the interactions endpoint served on a real local port."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from nacl.signing import SigningKey

from bot.chat.commands import CommandServices
from bot.config import BotConfig, Environment
from bot.delivery.discord import DiscordDestination
from bot.facts.catalogue import Catalogue
from bot.news.topics import load_topics
from bot.store.db import Database
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.serving import installed

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
    """The parts of ``AppContext`` the Discord adapter reads (its environment and the command
    services), built from real objects."""

    env: Environment
    services: CommandServices

    def command_services(self) -> CommandServices:
        return self.services


def stand_in(env: Environment, db: Database, catalogue: Catalogue) -> StandInContext:
    """The context of a bot on ``db`` with the default configuration's topics."""
    topics = tuple(t.id for t in load_topics(BotConfig().topics_file).topics)
    return StandInContext(env, CommandServices(db=db, catalogue=catalogue, topics=topics))


@dataclass
class InteractionsServer:
    url: str
    fake: FakeDiscord
    session: aiohttp.ClientSession
    key: SigningKey

    async def post(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        body, headers = signed(self.key, payload)
        return await self.session.post(self.url, data=body, headers=headers)


@asynccontextmanager
async def connected(
    fake: FakeDiscord, token: str | None = None, **options: Any
) -> AsyncIterator[DiscordDestination]:
    """The Discord destination talking to ``fake`` (with its token unless ``token`` is given),
    closed after the block."""
    destination = DiscordDestination(token or fake.token, fake.api_url, **options)
    try:
        yield destination
    finally:
        await destination.close()


def discord_env(fake: FakeDiscord, key: SigningKey) -> Environment:
    """The settings of a bot talking to ``fake`` and checking signatures with ``key``."""
    return Environment(
        DISCORD_BOT_TOKEN=TOKEN,
        DISCORD_APPLICATION_ID=APPLICATION_ID,
        DISCORD_PUBLIC_KEY=key.verify_key.encode().hex(),
        DISCORD_API_URL=fake.api_url,
    )


@asynccontextmanager
async def interactions_endpoint(ctx: object) -> AsyncIterator[str]:
    """``POST /discord/interactions`` mounted for ``ctx`` (an ``AppContext``, or a stand-in with
    the parts the adapter reads) as the worker mounts it, on a local port: its URL."""
    from bot.chat.discord_app import http_installer

    async with installed(http_installer(ctx)) as base:  # type: ignore[arg-type]
        yield f"{base}/discord/interactions"


@pytest.fixture
async def interactions_server(
    fake_discord: FakeDiscord, database: Database, catalogue: Catalogue, signing_key: SigningKey
) -> AsyncIterator[InteractionsServer]:
    ctx = stand_in(discord_env(fake_discord, signing_key), database, catalogue)
    async with interactions_endpoint(ctx) as url, aiohttp.ClientSession() as session:
        yield InteractionsServer(url, fake_discord, session, signing_key)
