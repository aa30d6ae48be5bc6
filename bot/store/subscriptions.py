"""Chat channels' subscriptions to alerts (kinds, a topic), and their reading once per batch.

A subscription leaves the store as a :class:`Subscription`, a plain frozen value, not its row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.common import utcnow
from bot.store.models import SubscriptionRow


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel's subscription: the alert kinds it takes, on ``topic`` ("": every topic)."""

    id: int
    destination: str
    kinds: tuple[str, ...]
    topic: str
    created_at: datetime
    created_by: str


def _subscription(row: SubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        destination=row.destination,
        kinds=tuple(row.kinds),
        topic=row.topic,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def subscribe(
    session: Session, destination: str, kinds: Sequence[str], topic: str, who: str
) -> Subscription:
    """Subscribe ``destination`` to ``kinds`` on ``topic`` (added to the kinds it has there)."""
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
    return _subscription(row)


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


def subscriptions(session: Session) -> list[Subscription]:
    query = select(SubscriptionRow).order_by(SubscriptionRow.id)
    return [_subscription(row) for row in session.scalars(query)]


def read_subscriptions_once(session: Session) -> None:
    """In this unit of work, :func:`unit_subscriptions` reads the subscriptions once (the
    pipeline's batches: routing every entry of a batch needs them again and again)."""
    session.info["cache_subscriptions"] = True


def unit_subscriptions(session: Session) -> list[Subscription]:
    """The stored subscriptions; read once per unit of work when it asks for that
    (:func:`read_subscriptions_once`), else read now."""
    if not session.info.get("cache_subscriptions"):
        return subscriptions(session)
    cached = session.info.get("subscriptions")
    if cached is None:
        cached = session.info["subscriptions"] = subscriptions(session)
    return list(cached)
