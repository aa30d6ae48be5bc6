"""A story's alerts: the alert an entry or story raised (the parent a later entry follows up), the
story's links (its source count) and where an alert went."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.store.models import AlertRow, EntryRow, OutboxRow


@dataclass(frozen=True, slots=True)
class AlertRef:
    id: str
    kind: str
    entry_uid: str | None
    entry_id: str | None
    card: dict[str, Any]


def _alert_ref(session: Session, row: AlertRow) -> AlertRef:
    entry_id = session.scalar(select(EntryRow.entry_id).where(EntryRow.uid == row.entry_uid))
    return AlertRef(
        id=row.id, kind=row.kind, entry_uid=row.entry_uid, entry_id=entry_id, card=dict(row.card)
    )


def story_alert(session: Session, story_uid: str) -> AlertRef | None:
    """The first top-level alert raised for any entry of the story rooted at ``story_uid``."""
    query = (
        select(AlertRow)
        .join(EntryRow, EntryRow.uid == AlertRow.entry_uid)
        .where(
            or_(EntryRow.uid == story_uid, EntryRow.duplicate_of == story_uid),
            AlertRow.parent_id.is_(None),
            AlertRow.kind.in_(("changes", "reports", "news")),
        )
        .order_by(AlertRow.created_at, AlertRow.id)
        .limit(1)
    )
    row = session.scalars(query).first()
    return _alert_ref(session, row) if row else None


def alert_by_id(session: Session, alert_id: str) -> AlertRef | None:
    row = session.get(AlertRow, alert_id)
    return _alert_ref(session, row) if row else None


def top_alert_of_entry(session: Session, entry_uid: str) -> AlertRef | None:
    """The top-level alert an entry raised, else the one it followed up, if any."""
    rows = list(
        session.scalars(
            select(AlertRow).where(AlertRow.entry_uid == entry_uid).order_by(AlertRow.created_at)
        )
    )
    for row in rows:
        if row.parent_id is None:
            return _alert_ref(session, row)
    for row in rows:
        parent = session.get(AlertRow, row.parent_id) if row.parent_id else None
        if parent is not None:
            return _alert_ref(session, parent)
    return None


def story_sources(session: Session, story_uid: str) -> list[str]:
    """The distinct links of the story's entries, first first (for the source count)."""
    rows = session.execute(
        select(EntryRow.link)
        .where(or_(EntryRow.uid == story_uid, EntryRow.duplicate_of == story_uid))
        .order_by(EntryRow.published, EntryRow.id)
    )
    return [link for (link,) in rows]


def alert_destinations(session: Session, alert_id: str) -> set[str]:
    return set(session.scalars(select(OutboxRow.destination).where(OutboxRow.alert_id == alert_id)))
