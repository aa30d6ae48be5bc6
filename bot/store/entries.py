"""Entries: which are stored already, new ones written together, the latest and one by key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session

from bot.store.models import EntryRow


def seen_uids(session: Session, uids: Iterable[str]) -> set[str]:
    wanted = list(uids)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(EntryRow.uid).where(EntryRow.uid.in_(chunk))))
    return found


class EntryRows:
    """Entries to insert in a transaction, written together: they wait until the session
    reads or writes anything else (so every query of the transaction sees them) or until
    :meth:`flush`, and go in one multi-row INSERT."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._rows: list[dict[str, Any]] = []
        event.listen(session, "do_orm_execute", self._before_query)

    def add(self, **row: Any) -> None:
        self._rows.append(row)

    def _before_query(self, _state: ORMExecuteState) -> None:
        self.flush()

    def flush(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            self._session.connection().execute(insert(EntryRow), rows)


def latest_entries(session: Session, limit: int, topic: str | None = None) -> list[EntryRow]:
    query = (
        select(EntryRow)
        .where(EntryRow.relevant.is_(True), EntryRow.duplicate_of.is_(None))
        .order_by(EntryRow.published.desc())
        .limit(limit * 5 if topic else limit)
    )
    rows = list(session.scalars(query))
    if topic:
        rows = [r for r in rows if topic in (r.topics or [])]
    return rows[:limit]


def get_entry(session: Session, uid: str) -> EntryRow | None:
    return session.scalars(select(EntryRow).where(EntryRow.uid == uid)).first()
