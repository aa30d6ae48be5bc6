"""Dispatchers against the Slack stand-in through the real Slack destination: several on one
store (replicas delivering at the same time) deliver each alert to each channel once, and a row
a dead replica left in `sending` is reconciled from the channel's history, not posted again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.alerts.card import Card, CardKind
from bot.delivery.outbox import Dispatcher
from bot.delivery.slack import SlackDestination
from bot.facts.catalogue import Catalogue
from bot.store import ledger, outbox, repo
from bot.store.cards import add_card
from bot.store.db import Database
from bot.store.models import OutboxRow

from .harness import ROOT
from .servers import SlackStandIn

CHANNELS = ("C0ALERTS", "C0TRADE")


@pytest.fixture
def store(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    db.migrate()
    with db.session() as session:
        ledger.seed_fact_states(session, Catalogue.load(ROOT / "seeds"))
    yield db
    db.dispose()


def _queue(db: Database, count: int) -> set[str]:
    ids = set()
    with db.session() as session:
        for index in range(count):
            card = Card(
                id=f"al-race-{index:03d}",
                kind=CardKind.CHANGE,
                title=f"US tariff on most Chinese goods: 145% → {index + 5}%",
            )
            add_card(session, card, uid=None, destinations=[f"slack:{c}" for c in CHANNELS])
            ids.add(card.id)
    return ids


async def _replica(db: Database, slack: SlackStandIn, owner: str) -> int:
    destination = SlackDestination(SlackStandIn.TOKEN, slack.api_url, min_interval=0.0)
    dispatcher = Dispatcher(db, {"slack": destination}, owner=owner, batch=10)
    try:
        return (await dispatcher.run_once()).sent
    finally:
        await destination.close()


async def test_three_dispatchers_deliver_each_alert_once_per_channel(
    store: Database, slack: SlackStandIn, tmp_path: Path
) -> None:
    expected = _queue(store, 60)
    sent = await asyncio.gather(*(_replica(store, slack, f"replica-{n}") for n in range(3)))

    counts = slack.counts_by_channel()
    for channel in CHANNELS:
        doubled = {a: n for a, n in counts[channel].items() if n > 1}
        assert not doubled, f"{channel}: {len(doubled)} alerts posted more than once"
        assert set(counts[channel]) == expected
    assert sum(sent) == 120 == slack.total()
    with store.session() as session:
        assert repo.outbox_counts(session) == {"sent": 120}


async def test_a_row_left_sending_is_reconciled_behind_a_busy_channel(
    store: Database, slack: SlackStandIn
) -> None:
    """A replica posted the alert, died before marking it sent, and the channel got 150 more
    messages before its lease ran out."""
    [alert] = _queue(store, 1)
    dead = SlackDestination(SlackStandIn.TOKEN, slack.api_url, min_interval=0.0)
    try:
        with store.session() as session:
            claimed = outbox.claim(
                session, owner="dead", now=repo.utcnow(), lease=timedelta(seconds=1), limit=10
            )
            cards = {r.destination: Card.from_json(r.card) for r in claimed}
            for r in claimed:
                assert outbox.mark_sending(session, r.id, "dead", timedelta(seconds=1))
        for destination, card in cards.items():
            assert (await dead.send(card, destination.partition(":")[2])).ok
        for n in range(150):
            chatter = Card(id=f"chatter-{n}", kind=CardKind.NEWS, title=f"other news {n}")
            assert (await dead.send(chatter, "C0ALERTS")).ok
    finally:
        await dead.close()
    with store.session() as session:
        session.execute(update(OutboxRow).values(lease_until=repo.utcnow() - timedelta(minutes=1)))

    assert await _replica(store, slack, "alive") == 0
    counts = slack.counts_by_channel()
    assert counts["C0ALERTS"][alert] == 1 and counts["C0TRADE"][alert] == 1
