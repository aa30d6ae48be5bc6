"""Story threads in the store, made by hand the way the pipeline makes them: a first alert, then
a follow-up (``parent_id``) stored with its outbox rows while the parent's card is revised in
the same transaction. Shared by the Slack, Discord, console and reliability tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.alerts.card import Card, CardKind
from bot.store import repo
from bot.store.cards import add_card
from bot.store.db import Database
from bot.store.models import OutboxRow

PUBLISHED = datetime(2025, 5, 12, 8, 5, tzinfo=UTC)
PARENT_ID = "al-story-first"
CHILD_ID = "al-story-2"  # the first alert's usual follow-up


def first_alert(alert_id: str = PARENT_ID, **changes: Any) -> Card:
    card = Card(
        id=alert_id,
        kind=CardKind.REPORT,
        title="US tariff on most Chinese goods: 145% → 30% (unconfirmed)",
        lines=("US tariff on most Chinese goods: 145% → 30% (baseline 145% as of 2025-05-02)",),
        body="The United States will cut its tariff on most goods from China to 30 percent.",
        link="https://wire.example/tariff-truce",
        source="Example Wire: Tariff truce",
        published=PUBLISHED,
        footer="unconfirmed, 1 source",
    )
    return replace(card, **changes)


def revised(card: Card, **changes: Any) -> Card:
    """The parent's card as a later report revises it."""
    changes.setdefault("footer", "3 sources")
    changes.setdefault("title", card.title.replace(" (unconfirmed)", ""))
    changes.setdefault("kind", CardKind.CHANGE)
    return replace(card, **changes)


def follow_up(alert_id: str, parent: str = PARENT_ID, **changes: Any) -> Card:
    card = Card(
        id=alert_id,
        kind=CardKind.CHANGE,
        title="Confirmed: US tariff on most Chinese goods is now 30%",
        lines=("US tariff on most Chinese goods: 145% → 30% (confirmed by a second source)",),
        link="https://official.example/statement",
        source="Official Gazette: Tariff notice",
        published=PUBLISHED + timedelta(hours=1),
        footer="3 sources",
        parent_id=parent,
    )
    return replace(card, **changes)


def store_alert(db: Database, card: Card, destinations: list[str]) -> None:
    with db.session() as session:
        add_card(session, card, uid=None, destinations=destinations)


def store_follow_up(db: Database, child: Card, parent_card: Card, destinations: list[str]) -> None:
    """What the pipeline does in one transaction: the follow-up and its rows, and the parent's
    revised card."""
    with db.session() as session:
        add_card(session, child, uid=None, destinations=destinations, parent_id=child.parent_id)
        assert repo.revise_alert_card(session, parent_card.id, parent_card.to_json())


def store_follow_up_of_first(
    db: Database, destinations: list[str], child: Card | None = None
) -> Card:
    """A follow-up of the first alert (``CHILD_ID``'s, or ``child``), stored with the first
    alert's card revised as the pipeline stores it; the follow-up."""
    child = child or follow_up(CHILD_ID)
    store_follow_up(db, child, revised(first_alert()), destinations)
    return child


def row(db: Database, alert_id: str, destination: str) -> OutboxRow:
    with db.session() as session:
        found = session.scalars(
            select(OutboxRow).where(
                OutboxRow.alert_id == alert_id, OutboxRow.destination == destination
            )
        ).one()
        session.expunge(found)
        return found


def make_due(db: Database) -> None:
    """Every waiting row is due now (as if its backoff had passed)."""
    with db.session() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.status.in_(("pending", "editing")))
            .values(next_attempt_at=repo.utcnow() - timedelta(seconds=1))
        )


def left_sending(db: Database, alert_id: str, destination: str) -> None:
    """As a replica that died mid-send leaves a row: `sending`, under an expired lease."""
    with db.session() as session:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.alert_id == alert_id, OutboxRow.destination == destination)
            .values(
                status="sending",
                lease_owner="dead-replica",
                lease_until=repo.utcnow() - timedelta(minutes=1),
            )
        )
