"""Fixtures for the Slack tests: signed requests, the events endpoint of a Bolt app talking to the
Web API stand-in, command services on the shared SQLite store."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.chat.commands import CommandServices
from bot.chat.slack_app import build_bolt_app, install_events_route
from bot.facts.catalogue import Catalogue
from bot.store.db import Database
from tests.serving import installed
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack

ROOT = Path(__file__).resolve().parents[2]
SIGNING_SECRET = "test-signing-secret"


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": slack_signature(secret, stamp, body),
    }


def command_body(fake: FakeSlack, command: str, text: str, *, channel: str, name: str) -> bytes:
    """A slash command's form as Slack posts it; its answers go to the response URL ``name``."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T1",
            "channel_id": channel,
            "channel_name": "trade",
            "user_id": "U42",
            "user_name": "analyst",
            "command": command,
            "text": text,
            "response_url": fake.response_url(name),
            "trigger_id": "1.2.3",
            "api_app_id": "A1",
        }
    ).encode()


@asynccontextmanager
async def events_endpoint(services: CommandServices, fake: FakeSlack) -> AsyncIterator[str]:
    """``POST /slack/events`` (HTTP mode) of the Bolt app for ``services``, talking to ``fake``
    and checking signatures with SIGNING_SECRET, on a local port: its URL."""
    bolt = build_bolt_app(
        services, token=BOT_TOKEN, api_url=fake.api_url, signing_secret=SIGNING_SECRET
    )
    async with installed(lambda app: install_events_route(app, bolt)) as base:
        yield f"{base}/slack/events"


@pytest.fixture
def services(database: Database, catalogue: Catalogue) -> CommandServices:
    return CommandServices(db=database, catalogue=catalogue, topics=())
