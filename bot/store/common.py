"""What the store's query modules share: the clock, entry keys, one writer at a time and leases.

Work shared by several replicas is claimed with a lease: a conditional UPDATE that succeeds only
where no live lease exists (``FOR UPDATE SKIP LOCKED`` first on PostgreSQL, so replicas do not
queue on each other's rows). A replica that dies leaves leases that expire, and its work is taken
over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, text, update
from sqlalchemy.orm import Session

from bot.store.models import FeedRow, OutboxRow


def utcnow() -> datetime:
    return datetime.now(UTC)


def entry_uid(feed: str, entry_id: str) -> str:
    return hashlib.sha256(f"{feed}\x1f{entry_id}".encode()).hexdigest()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


SEED_LOCK, FEED_SYNC_LOCK = 727275, 727276


def one_writer_at_a_time(session: Session, key: int) -> None:
    """Serialise a read-then-insert among replicas starting together (PostgreSQL: an advisory
    lock held to the end of the transaction; SQLite's BEGIN IMMEDIATE already serialises)."""
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def lease_rows_returning(
    session: Session,
    table: type[FeedRow] | type[OutboxRow],
    candidates: Select[int],
    still_free: ColumnElement[bool],
    *,
    owner: str,
    until: datetime,
    columns: Sequence[Any],
) -> list[Row[Any]]:
    """Lease the rows ``candidates`` selects to ``owner``; returns the rows actually leased,
    their ``columns`` (the first one the id) as the UPDATE returns them, in the candidates'
    order.

    On PostgreSQL the candidates are locked with ``FOR UPDATE SKIP LOCKED`` first; everywhere
    the lease is one conditional UPDATE that takes only the rows where ``still_free`` still
    holds.
    """
    if is_postgres(session):
        candidates = candidates.with_for_update(skip_locked=True)
    wanted = list(session.scalars(candidates))
    if not wanted:
        return []
    result = session.execute(
        update(table)
        .where(table.id.in_(wanted), still_free)
        .values(lease_owner=owner, lease_until=until)
        .returning(*columns)
        .execution_options(synchronize_session=False)
    )
    leased = {row[0]: row for row in result}
    return [leased[row_id] for row_id in wanted if row_id in leased]
