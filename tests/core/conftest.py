"""Fixtures for the core tests: the shared SQLite store under the name ``db``, the command services;
the local feed host (tests/serving.py) is named here too for the rooms that import it from here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.commands import CommandServices, Reviewers
from bot.facts.catalogue import Catalogue
from bot.store.db import Database
from tests.serving import FeedHost, feed_host

ROOT = Path(__file__).resolve().parents[2]


REVIEWER, REVIEWER_ROLE = "U0REVIEW", "7"  # a Slack user and a Discord role that may review


@pytest.fixture
def db(database: Database) -> Database:
    """The shared SQLite store, under the name these tests use."""
    return database


@pytest.fixture
def services(db: Database, catalogue: Catalogue) -> CommandServices:
    """What the command handlers get: two topics, one reviewer on each service."""
    return CommandServices(
        db=db,
        catalogue=catalogue,
        topics=("fentanyl", "us-china-tariffs"),
        reviewers=Reviewers(
            slack_users=frozenset({REVIEWER}), discord_roles=frozenset({REVIEWER_ROLE})
        ),
    )


__all__ = ["REVIEWER", "REVIEWER_ROLE", "FeedHost", "db", "feed_host", "services"]
