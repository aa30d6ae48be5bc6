"""A story judged by the real analyser and pipeline into one store, from entries made of our own
sentences on made-up domains, and the reviewers' decisions on that store. Shared by the evidence
tests (tests/core) and the reviewers' (tests/review)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app.pipeline import Outcome, Pipeline
from bot.app.reviewing import decisions_for
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.feeds.entry import Entry
from bot.news.analysis import Analyser
from bot.review.decide import Decisions
from bot.store import ledger
from bot.store.db import Database
from bot.store.models import AlertRow

T0 = datetime(2025, 7, 1, 9, tzinfo=UTC)
US = "us-tariff-china"


def news_entry(domain: str, key: str, title: str, body: str = "", hours: float = 0) -> Entry:
    """An item from ``domain`` published ``hours`` after T0, its link made of the two."""
    return Entry(
        feed=domain,
        entry_id=key,
        link=f"https://{domain}/news/{key}",
        title=title,
        published=T0 + timedelta(hours=hours),
        text=body,
    )


@dataclass
class Story:
    """Entries judged by the real pipeline into one store, and the decisions on that store."""

    db: Database
    pipeline: Pipeline
    analyser: Analyser
    decisions: Decisions

    def process(self, entry: Entry) -> Outcome:
        """``entry`` analysed and judged, as the worker does it (one entry, one transaction)."""
        outcome = self.pipeline.process(entry, self.analyser.analyse(entry))
        assert outcome is not None
        return outcome

    def judge(self, domain: str, key: str, title: str, body: str = "", hours: float = 0) -> Outcome:
        return self.process(news_entry(domain, key, title, body, hours))

    def report(self, key: str = "a1", value: int = 40, hours: float = 0) -> str:
        """A lone weak report awaiting review; its alert's id."""
        title = f"Washington to trim its levy on Chinese goods to {value}%"  # a plan, no order
        outcome = self.judge("alpha.example", key, title, hours=hours)
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
