"""Fixtures for the facts room: the shipped catalogue and vocabularies (data, not fakes)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.facts.catalogue import Catalogue
from bot.facts.extract import ClaimExtractor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def vocabularies() -> dict[str, list[str]]:
    raw = yaml.safe_load((ROOT / "config" / "topics.yaml").read_text(encoding="utf-8"))
    return {name: list(terms) for name, terms in raw["vocabulary"].items()}


@pytest.fixture(scope="session")
def extractor(catalogue: Catalogue, vocabularies: dict[str, list[str]]) -> ClaimExtractor:
    return ClaimExtractor(catalogue, vocabularies)
