"""Fixtures: a fresh database per test (a SQLite file, or a uniquely named PostgreSQL database
created from TEST_DATABASE_URL and dropped afterwards), the stand-ins, and a deployment."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from .harness import Deployment
from .servers import DiscordStandIn, FeedHost, SlackStandIn

POSTGRES_SKIP = "TEST_DATABASE_URL is not set: no PostgreSQL for this run"


def _admin_conninfo(url: str) -> tuple[str, str]:
    """A libpq URL for the server of ``url``, and the SQLAlchemy URL of a new database on it."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    name = f"bot_reliability_{uuid.uuid4().hex[:12]}"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    fresh = parsed.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    return admin, fresh


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(POSTGRES_SKIP)
    admin, fresh = _admin_conninfo(url)
    name = make_url(fresh).database
    assert name is not None
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield fresh
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def discord_stand_in() -> Iterator[DiscordStandIn]:
    server = DiscordStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def feed_host() -> Iterator[FeedHost]:
    server = FeedHost().start()
    yield server
    server.stop()


def make_deployment(
    database_url: str, folder: Path, feeds: FeedHost, slack: SlackStandIn
) -> Iterator[Deployment]:
    deployment = Deployment(
        database_url=database_url,
        folder=folder,
        feeds=feeds,
        slack=slack,
        channels=("C0ALERTS", "C0TRADE"),
    )
    try:
        yield deployment
    finally:
        deployment.stop_all()


@pytest.fixture
def deployment(
    database_url: str, tmp_path: Path, feed_host: FeedHost, slack: SlackStandIn
) -> Iterator[Deployment]:
    yield from make_deployment(database_url, tmp_path, feed_host, slack)


@pytest.fixture
def pg_deployment(
    postgres_url: str, tmp_path: Path, feed_host: FeedHost, slack: SlackStandIn
) -> Iterator[Deployment]:
    yield from make_deployment(postgres_url, tmp_path, feed_host, slack)
