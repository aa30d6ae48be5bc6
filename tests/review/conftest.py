"""Fixtures for the reviewers' decisions: a seeded store on SQLite and (with TEST_DATABASE_URL)
PostgreSQL, the real analyser and pipeline, and a story made of our own sentences on made-up
domains: a lone weak report (awaiting review), its corroboration, a firm change."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, select, text

from bot.app.pipeline import Outcome, Pipeline
from bot.app.reviewing import decisions_for
from bot.chat.commands import CommandServices
from bot.chat.review import Reviewers
from bot.config import BotConfig, RouteConfig
from bot.facts.catalogue import Catalogue
from bot.feeds.entry import Entry
from bot.news.analysis import Analyser, build_analyser
from bot.review.decide import Decisions
from bot.store import ledger
from bot.store.db import Database, normalise_url
from bot.store.models import AlertRow

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 7, 1, 9, tzinfo=UTC)
US = "us-tariff-china"
SLACK = "slack:C0REVIEW"
DISCORD = "discord:700000000000000201"
REVIEWERS = {"slack_users": ["U0REVIEWER"], "discord_roles": ["400000000000000001"]}


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (no PostgreSQL for this run)")
    name = f"bot_review_{os.getpid()}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield str(make_url(normalise_url(url)).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_db(
    request: pytest.FixtureRequest, tmp_path: Path, catalogue: Catalogue
) -> Iterator[Database]:
    if request.param == "postgres":
        database = Database(request.getfixturevalue("postgres_url"))
        with database.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        database = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    database.migrate()
    with database.session() as session:
        ledger.seed_fact_states(session, catalogue)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def analyser(catalogue: Catalogue) -> Analyser:
    return build_analyser(catalogue, ROOT / "config" / "topics.yaml")


def review_config(destinations: tuple[str, ...] = (SLACK, DISCORD), **review: object) -> BotConfig:
    routes = [RouteConfig(to=d, kinds=["changes", "reports", "news"]) for d in destinations]
    return BotConfig.model_validate(
        {
            "routes": [r.model_dump() for r in routes],
            "sources": {"official": ["ustr.example"]},
            "review": review or REVIEWERS,
        }
    )


@dataclass
class Story:
    """Entries judged by the real pipeline into one store, and the decisions on that store."""

    db: Database
    pipeline: Pipeline
    analyser: Analyser
    decisions: Decisions

    def judge(self, domain: str, key: str, title: str, body: str = "", hours: float = 0) -> Outcome:
        entry = Entry(
            feed=domain,
            entry_id=key,
            link=f"https://{domain}/news/{key}",
            title=title,
            published=T0 + timedelta(hours=hours),
            text=body,
        )
        outcome = self.pipeline.process(entry, self.analyser.analyse(entry))
        assert outcome is not None
        return outcome

    def report(self, key: str = "a1", value: int = 40, hours: float = 0) -> str:
        """A lone weak report awaiting review; its alert's id."""
        outcome = self.judge("alpha.example", key, f"US duties on Chinese goods cut to {value}%",
                             hours=hours)  # fmt: skip
        assert {c.fact_id: c.status.value for c in outcome.changes}[US] == "reported"
        assert outcome.new_alert and outcome.alert_kind == "reports"
        return outcome.alert_ids[-1]

    def change(self, key: str = "d1", value: int = 30, hours: float = 0) -> str:
        """A firm change from an outlet; its alert's id."""
        outcome = self.judge(
            "daily.example",
            key,
            "US lowers China tariffs",
            f"The White House said it lowered the tariff on Chinese imports to {value} percent "
            "from 145 percent on Monday.",
            hours=hours,
        )
        assert {c.fact_id: c.status.value for c in outcome.changes}[US] == "changed"
        return outcome.alert_ids[-1]

    def value(self, fact: str = US) -> object:
        with self.db.session() as session:
            return ledger.fact_states(session)[fact].value

    def card(self, alert_id: str) -> dict[str, Any]:
        """The stored card, as JSON."""
        with self.db.session() as session:
            row = session.get(AlertRow, alert_id)
            assert row is not None
            return dict(row.card)

    def follow_ups(self, alert_id: str) -> list[AlertRow]:
        with self.db.session() as session:
            rows = list(session.scalars(select(AlertRow).where(AlertRow.parent_id == alert_id)))
            for row in rows:
                session.expunge(row)
            return rows


def make_story(db: Database, catalogue: Catalogue, analyser: Analyser, config: BotConfig) -> Story:
    return Story(
        db, Pipeline(db, catalogue, config), analyser, decisions_for(db, catalogue, config)
    )


@pytest.fixture
def story(store_db: Database, catalogue: Catalogue, analyser: Analyser) -> Story:
    return make_story(store_db, catalogue, analyser, review_config())


@pytest.fixture
def chat_story(database: Database, catalogue: Catalogue, analyser: Analyser) -> Story:
    """A story on the shared SQLite store (the chat tests' own)."""
    return make_story(database, catalogue, analyser, review_config())


def services_for(story: Story, catalogue: Catalogue, **review: frozenset[str]) -> CommandServices:
    """What the chat adapters get, as ``AppContext.command_services`` builds it."""
    reviewers = {
        "slack_users": frozenset({"U0REVIEWER"}),
        "slack_user_groups": frozenset({"S0REVIEWERS"}),
        "discord_roles": frozenset({"400000000000000001"}),
        **review,
    }
    return CommandServices(
        db=story.db,
        catalogue=catalogue,
        reviewers=Reviewers(**reviewers),
        decisions=story.decisions,
    )


# the stand-ins and their signed requests, shared with the Slack and Discord tests
from tests.discord.conftest import fake_discord, signing_key  # noqa: E402, F401
from tests.slack.conftest import fake_slack  # noqa: E402, F401
