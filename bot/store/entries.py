"""Entries: which are stored already, new ones written together, the latest and one by key.

An entry read back leaves the store as a :class:`StoredEntry`, a plain frozen value (what a
listing shows of it and the key it goes by), not its row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry on record: its key (``uid``), its feed's id of it, and what a listing shows."""

    uid: str
    feed: str
    entry_id: str
    link: str
    title: str
    published: datetime
    topics: tuple[str, ...]


_STORED_COLUMNS = (
    EntryRow.uid,
    EntryRow.feed,
    EntryRow.entry_id,
    EntryRow.link,
    EntryRow.title,
    EntryRow.published,
    EntryRow.topics,
)


def _stored(row: Any) -> StoredEntry:
    uid, feed, entry_id, link, title, published, topics = row
    return StoredEntry(uid, feed, entry_id, link, title, published, tuple(topics or ()))


def latest_entries(session: Session, limit: int, topic: str | None = None) -> list[StoredEntry]:
    query = (
        select(*_STORED_COLUMNS)
        .where(EntryRow.relevant.is_(True), EntryRow.duplicate_of.is_(None))
        .order_by(EntryRow.published.desc())
        .limit(limit * 5 if topic else limit)
    )
    entries = [_stored(row) for row in session.execute(query)]
    if topic:
        entries = [e for e in entries if topic in e.topics]
    return entries[:limit]


def get_entry(session: Session, uid: str) -> StoredEntry | None:
    row = session.execute(select(*_STORED_COLUMNS).where(EntryRow.uid == uid)).first()
    return _stored(row) if row is not None else None
