"""What the story index (``bot/news/story_index.py``) reads of the stored entries: the
relevant entries stored since it last looked, and those of a span of time it does not hold yet.

Entries never change once stored, so the index reads each relevant entry once. It knows what it
has seen by the entries' ids: on SQLite one transaction writes at a time, and on PostgreSQL the
pipeline judges under :data:`JUDGE_LOCK`, so an entry with a lower id than one already read is
never committed later.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.store.common import is_postgres
from bot.store.models import EntryRow

JUDGE_LOCK = 727277
TEXT_CHARS = 2000
CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A relevant entry as the story index needs it."""

    id: int
    uid: str
    entry_id: str
    published: datetime
    title: str
    text: str  # its first TEXT_CHARS characters
    events: list[list[str]]
    duplicate_of: str | None


def judge_one_batch_at_a_time(session: Session) -> None:
    """Replicas judge one batch at a time (PostgreSQL: an advisory lock held to the end of
    the transaction; SQLite's BEGIN IMMEDIATE already serialises writers)."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": JUDGE_LOCK})


def last_entry_id(session: Session) -> int:
    return int(session.scalar(select(func.max(EntryRow.id))) or 0)


def _rows(session: Session, *conditions: object) -> list[StoryRow]:
    query = (
        select(
            EntryRow.id,
            EntryRow.uid,
            EntryRow.entry_id,
            EntryRow.published,
            EntryRow.title,
            func.substr(EntryRow.text, 1, TEXT_CHARS),
            EntryRow.events,
            EntryRow.duplicate_of,
        )
        .where(EntryRow.relevant.is_(True), *conditions)  # type: ignore[arg-type]
        .order_by(EntryRow.id)
    )
    return [StoryRow(*row) for row in session.execute(query)]


def relevant_after(
    session: Session, after_id: int, known: Container[str] = frozenset()
) -> tuple[list[StoryRow], int]:
    """The relevant entries stored with an id above ``after_id`` (their texts read only for
    those not ``known``), and the highest id now stored."""
    last = last_entry_id(session)
    if last <= after_id:
        return [], after_id
    ids = session.execute(
        select(EntryRow.id, EntryRow.uid).where(
            EntryRow.id > after_id, EntryRow.id <= last, EntryRow.relevant.is_(True)
        )
    ).all()
    wanted = [row_id for row_id, uid in ids if uid not in known]
    rows: list[StoryRow] = []
    for start in range(0, len(wanted), CHUNK):
        rows += _rows(session, EntryRow.id.in_(wanted[start : start + CHUNK]))
    return rows, last


def relevant_between(
    session: Session, since: datetime, until: datetime, up_to_id: int
) -> list[StoryRow]:
    """The relevant entries published in ``[since, until)`` stored with an id up to
    ``up_to_id``."""
    return _rows(
        session,
        EntryRow.published >= since,
        EntryRow.published < until,
        EntryRow.id <= up_to_id,
    )
