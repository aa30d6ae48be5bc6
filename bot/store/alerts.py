"""Alerts and their outbox rows: stored together, a card revised, the outbox listed, counted and
its failed rows retried, recent alerts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.common import utcnow
from bot.store.models import AlertRow, OutboxRow


def add_alert(
    session: Session,
    *,
    alert_id: str,
    kind: str,
    uid: str | None,
    card: dict[str, Any],
    topics: Sequence[str],
    destinations: Iterable[str],
    parent_id: str | None = None,
) -> int:
    """Store an alert and one pending outbox row per destination; returns the row count.

    Called in the same transaction as the fact changes it reports, so a crash either keeps
    both or neither. ``parent_id``: the alert this one follows up (see ``AlertRow.parent_id``).
    """
    if session.get(AlertRow, alert_id) is not None:
        return 0
    now = utcnow()
    session.add(
        AlertRow(
            id=alert_id,
            kind=kind,
            entry_uid=uid,
            created_at=now,
            card=card,
            topics=list(topics),
            parent_id=parent_id,
        )
    )
    session.flush()
    count = 0
    for destination in sorted(set(destinations)):
        session.add(
            OutboxRow(
                alert_id=alert_id,
                destination=destination,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        count += 1
    session.flush()
    return count


def revise_alert_card(session: Session, alert_id: str, card: dict[str, Any]) -> bool:
    """Replace a stored alert's card (its message is edited to it when a follow-up is sent)."""
    row = session.get(AlertRow, alert_id)
    if row is None:
        return False
    row.card = card
    session.flush()
    return True


def alert_card(session: Session, alert_id: str) -> dict[str, Any] | None:
    row = session.get(AlertRow, alert_id)
    return dict(row.card) if row is not None else None


def outbox_rows(session: Session, status: str | None = None, limit: int = 200) -> list[OutboxRow]:
    query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxRow.status == status)
    return list(session.scalars(query))


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
    return {status: count for status, count in rows}


def retry_failed(session: Session, row_ids: Sequence[int] | None = None) -> int:
    query = update(OutboxRow).where(OutboxRow.status == "failed")
    if row_ids:
        query = query.where(OutboxRow.id.in_(list(row_ids)))
    result = session.execute(
        query.values(status="pending", attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def recent_alerts(session: Session, since: datetime, kinds: Sequence[str]) -> list[AlertRow]:
    query = (
        select(AlertRow)
        .where(AlertRow.created_at >= since, AlertRow.kind.in_(list(kinds)))
        .order_by(AlertRow.created_at)
    )
    return list(session.scalars(query))
