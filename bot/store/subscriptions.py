"""Chat channels' subscriptions to alerts (kinds, a topic), and their reading once per batch."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.common import utcnow
from bot.store.models import SubscriptionRow


def subscribe(
    session: Session, destination: str, kinds: Sequence[str], topic: str, who: str
) -> SubscriptionRow:
    row = session.scalars(
        select(SubscriptionRow).where(
            SubscriptionRow.destination == destination, SubscriptionRow.topic == topic
        )
    ).first()
    if row is None:
        row = SubscriptionRow(
            destination=destination,
            kinds=sorted(set(kinds)),
            topic=topic,
            created_at=utcnow(),
            created_by=who,
        )
        session.add(row)
    else:
        row.kinds = sorted(set(row.kinds) | set(kinds))
    session.flush()
    return row


def unsubscribe(session: Session, destination: str, topic: str | None = None) -> int:
    rows = session.scalars(
        select(SubscriptionRow).where(SubscriptionRow.destination == destination)
    ).all()
    removed = 0
    for row in rows:
        if topic is None or row.topic == topic:
            session.delete(row)
            removed += 1
    session.flush()
    return removed


def subscriptions(session: Session) -> list[SubscriptionRow]:
    return list(session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.id)))


def read_subscriptions_once(session: Session) -> None:
    """In this unit of work, :func:`unit_subscriptions` reads the subscriptions once (the
    pipeline's batches: routing every entry of a batch needs them again and again)."""
    session.info["cache_subscriptions"] = True


def unit_subscriptions(session: Session) -> list[SubscriptionRow]:
    """The stored subscriptions; read once per unit of work when it asks for that
    (:func:`read_subscriptions_once`), else read now."""
    if not session.info.get("cache_subscriptions"):
        return subscriptions(session)
    cached = session.info.get("subscriptions")
    if cached is None:
        cached = session.info["subscriptions"] = subscriptions(session)
    return list(cached)
