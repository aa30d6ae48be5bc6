"""Fixtures every test room shares: the shipped fact catalogue and a migrated SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue
from bot.store import ledger
from bot.store.db import Database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load(ROOT / "seeds")


@pytest.fixture
def database(tmp_path: Path, catalogue: Catalogue) -> Iterator[Database]:
    """A migrated SQLite store with the baselines seeded."""
    db = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    db.migrate()
    with db.session() as session:
        ledger.seed_fact_states(session, catalogue)
    try:
        yield db
    finally:
        db.dispose()
