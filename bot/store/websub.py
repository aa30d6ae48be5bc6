"""The store's side of WebSub: which feeds to (re)subscribe, and what a hub answered."""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import FeedRow


def feeds_to_subscribe(
    session: Session, *, before: datetime, skip: Container[int], new_secret: Callable[[], str]
) -> list[FeedRow]:
    """Enabled feeds with a hub whose subscription is missing or ends before ``before``
    (except the ids in ``skip``), each given a fresh secret for its request."""
    rows = session.scalars(
        select(FeedRow).where(FeedRow.enabled.is_(True), FeedRow.hub_url.is_not(None))
    ).all()
    due = []
    for row in rows:
        expiring = row.websub_expires_at is None or row.websub_expires_at < before
        if expiring and row.id not in skip:
            row.websub_secret = new_secret()
            due.append(row)
    session.flush()
    return due


def subscription_verified(session: Session, feed_id: int, expires_at: datetime | None) -> None:
    """The hub verified a subscription (until ``expires_at``) or an unsubscription (None)."""
    row = session.get(FeedRow, feed_id)
    if row is not None:
        row.websub_expires_at = expires_at


def subscription_denied(session: Session, feed_id: int) -> None:
    row = session.get(FeedRow, feed_id)
    if row is not None:
        row.websub_secret = None
        row.websub_expires_at = None
