"""Fixtures for the news room: the shipped topics file and catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue
from bot.news.analysis import Analyser, build_analyser
from bot.news.topics import TopicBook, load_topics

ROOT = Path(__file__).resolve().parents[2]
TOPICS_FILE = ROOT / "config" / "topics.yaml"


@pytest.fixture(scope="session")
def book() -> TopicBook:
    return load_topics(TOPICS_FILE)


@pytest.fixture(scope="session")
def analyser(catalogue: Catalogue) -> Analyser:
    return build_analyser(catalogue, TOPICS_FILE)
