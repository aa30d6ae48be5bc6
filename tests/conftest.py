"""Fixtures every test room shares: the shipped fact catalogue and its analyser, a migrated
store (SQLite, and PostgreSQL with TEST_DATABASE_URL), the Slack and Discord stand-ins, and a
local feed host (``feed_host``, from tests/serving.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from bot.facts.catalogue import Catalogue
from bot.news.analysis import Analyser, build_analyser
from bot.store import ledger
from bot.store.db import Database
from tests.discord.fake_discord import FakeDiscord
from tests.postgres import emptied, own_database
from tests.serving import feed_host
from tests.slack.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load(ROOT / "seeds")


@pytest.fixture(scope="session")
def analyser(catalogue: Catalogue) -> Analyser:
    return build_analyser(catalogue, ROOT / "config" / "topics.yaml")


def _seeded(db: Database, catalogue: Catalogue) -> Database:
    db.migrate()
    with db.session() as session:
        ledger.seed_fact_states(session, catalogue)
    return db


@pytest.fixture
def database(tmp_path: Path, catalogue: Catalogue) -> Iterator[Database]:
    """A migrated SQLite store with the baselines seeded."""
    db = _seeded(Database(f"sqlite:///{tmp_path / 'bot.db'}"), catalogue)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test session's own on the TEST_DATABASE_URL server, dropped after."""
    with own_database("bot_tests") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def store_db(
    request: pytest.FixtureRequest, tmp_path: Path, catalogue: Catalogue
) -> Iterator[Database]:
    """A migrated store with the baselines seeded, on SQLite and (with TEST_DATABASE_URL) on
    PostgreSQL."""
    if request.param == "postgres":
        db = emptied(request.getfixturevalue("postgres_url"))
    else:
        db = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    yield _seeded(db, catalogue)
    db.dispose()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The Slack Web API stand-in on a local port."""
    server = await FakeSlack().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """The Discord REST stand-in on a local port."""
    server = await FakeDiscord().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    """The Ed25519 key Discord's interactions are signed with in this test run."""
    return SigningKey.generate()


__all__ = ["feed_host"]  # a fixture of tests/serving.py, for every room
