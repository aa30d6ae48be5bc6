"""The store's side of WebSub: which feeds to (re)subscribe, and what a hub answered."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from bot.store.feeds import FeedRecord, feed_records
from bot.store.models import FeedRow


def feeds_to_subscribe(
    session: Session, *, before: datetime, skip: Container[int], new_secret: Callable[[], str]
) -> list[FeedRecord]:
    """Enabled feeds with a hub whose subscription is missing or ends before ``before``
    (except the ids in ``skip``), each given a fresh secret for its request."""
    expiring = or_(FeedRow.websub_expires_at.is_(None), FeedRow.websub_expires_at < before)
    found = feed_records(session, FeedRow.enabled.is_(True), FeedRow.hub_url.is_not(None), expiring)
    due = []
    for record in found:
        if record.id in skip:
            continue
        secret = new_secret()
        session.execute(
            update(FeedRow)
            .where(FeedRow.id == record.id)
            .values(websub_secret=secret)
            .execution_options(synchronize_session=False)
        )
        due.append(replace(record, websub_secret=secret))
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
