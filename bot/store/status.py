"""Read-only queries on how the bot is doing: failing feeds, the undelivered part of the
outbox. Used by ``/healthz``, the ``bot_feeds_failing`` gauge and ``python -m bot outbox``; the
answers are plain records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.common import utcnow
from bot.store.models import FeedRow, OutboxRow

UNDELIVERED = ("pending", "sending", "editing", "failed")


@dataclass(frozen=True, slots=True)
class FeedHealth:
    enabled: int
    failing: int  # enabled feeds whose last poll failed

    @property
    def mostly_failing(self) -> bool:
        """More than half the enabled feeds fail (and at least one)."""
        return self.failing > 0 and self.failing * 2 > self.enabled


def feed_health(session: Session) -> FeedHealth:
    enabled = FeedRow.enabled.is_(True)
    total = session.scalar(select(func.count()).select_from(FeedRow).where(enabled)) or 0
    failing = (
        session.scalar(
            select(func.count())
            .select_from(FeedRow)
            .where(enabled, FeedRow.consecutive_failures > 0)
        )
        or 0
    )
    return FeedHealth(enabled=int(total), failing=int(failing))


@dataclass(frozen=True, slots=True)
class OutboxHealth:
    stuck: int  # rows not delivered although older than the limit
    failed: int  # rows that gave up and wait for `python -m bot outbox --retry`
    oldest: datetime | None  # creation time of the oldest stuck row


def outbox_health(session: Session, stuck_after: timedelta) -> OutboxHealth:
    limit = utcnow() - stuck_after
    waiting = (
        select(func.count(), func.min(OutboxRow.created_at))
        .select_from(OutboxRow)
        .where(OutboxRow.status.in_(("pending", "sending", "editing")))
        .where(OutboxRow.created_at < limit)
    )
    stuck, oldest = session.execute(waiting).one()
    failed = session.scalar(
        select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "failed")
    )
    return OutboxHealth(stuck=int(stuck or 0), failed=int(failed or 0), oldest=oldest)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An outbox row as an operator lists it (``OutboxRow``: what each field means)."""

    id: int
    alert_id: str
    destination: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None


def undelivered_rows(
    session: Session, status: str | None = None, limit: int = 200
) -> list[OutboxEntry]:
    """Outbox rows in ``status``, or (``None``) every row not delivered yet, oldest first."""
    statuses = (status,) if status else UNDELIVERED
    query = (
        select(
            OutboxRow.id,
            OutboxRow.alert_id,
            OutboxRow.destination,
            OutboxRow.status,
            OutboxRow.attempts,
            OutboxRow.created_at,
            OutboxRow.next_attempt_at,
            OutboxRow.last_error,
        )
        .where(OutboxRow.status.in_(statuses))
        .order_by(OutboxRow.created_at, OutboxRow.id)
        .limit(limit)
    )
    return [OutboxEntry(*row) for row in session.execute(query)]
