"""Fixtures for the Slack tests: the Web API stand-in, a seeded SQLite store, signed requests."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

import pytest

from bot.chat.commands import CommandServices
from bot.facts.catalogue import Catalogue
from bot.store.db import Database

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


@pytest.fixture
def services(database: Database, catalogue: Catalogue) -> CommandServices:
    return CommandServices(db=database, catalogue=catalogue, topics=())
