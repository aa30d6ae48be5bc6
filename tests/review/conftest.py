"""Fixtures for the reviewers' decisions: the configuration that routes alerts to a Slack and a
Discord channel with reviewers, a story (tests/stories.py) judged under it on SQLite and (with
TEST_DATABASE_URL) PostgreSQL, and the command services the chat adapters get."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.commands import CommandServices
from bot.chat.review import Reviewers
from bot.config import BotConfig, RouteConfig
from bot.facts.catalogue import Catalogue
from bot.news.analysis import Analyser
from bot.store.db import Database
from tests.stories import Story, make_story

ROOT = Path(__file__).resolve().parents[2]
SLACK = "slack:C0REVIEW"
DISCORD = "discord:700000000000000201"
REVIEWERS = {"slack_users": ["U0REVIEWER"], "discord_roles": ["400000000000000001"]}


def review_config(destinations: tuple[str, ...] = (SLACK, DISCORD), **review: object) -> BotConfig:
    routes = [RouteConfig(to=d, kinds=["changes", "reports", "news"]) for d in destinations]
    return BotConfig.model_validate(
        {
            "routes": [r.model_dump() for r in routes],
            "sources": {"official": ["ustr.example"]},
            "review": review or REVIEWERS,
        }
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
