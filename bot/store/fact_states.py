"""Reading the facts' states: as plain ``FactState``s, locked for a transaction where a
decision or a batch of entries may move them (``ledger.apply_changes`` moves them). Named in
``bot/store/ledger.py`` too (``ledger.fact_states``, ``ledger.lock_fact``, ...), for its callers.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.facts.model import FactState
from bot.store.common import is_postgres
from bot.store.models import FactStateRow


def fact_states(session: Session, *, lock: bool = False) -> dict[str, FactState]:
    return states_of(fact_state_rows(session, lock=lock))


def states_of(rows: Mapping[str, FactStateRow]) -> dict[str, FactState]:
    """The facts' states as the rows say now (rows of the session's identity map follow every
    change :func:`apply_changes` makes, without reading them again)."""
    return {
        fact_id: FactState(
            value=row.value,
            since=row.since,
            entry_key=row.entry_uid,
            previous=row.previous,
            history=tuple(row.history or ()),
            implied=row.implied,
        )
        for fact_id, row in rows.items()
    }


def fact_state_rows(session: Session, *, lock: bool = False) -> dict[str, FactStateRow]:
    """The facts' state rows, in fact id order (locked on PostgreSQL with ``lock``, so that
    replicas judge one entry at a time against the same state)."""
    query = select(FactStateRow).order_by(FactStateRow.fact_id)
    if lock and is_postgres(session):
        query = query.with_for_update()
    return {row.fact_id: row for row in session.scalars(query)}


class LockedStates:
    """The facts' state rows, locked for a batch's transaction; :meth:`now`: the states as they
    stand after every change :func:`apply_changes` has made since (the rows are the session's)."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Mapping[str, FactStateRow]) -> None:
        self._rows = rows

    def now(self) -> dict[str, FactState]:
        return states_of(self._rows)


def lock_fact_states(session: Session) -> LockedStates:
    return LockedStates(fact_state_rows(session, lock=True))


def lock_fact(session: Session, fact_id: str) -> FactState | None:
    """The fact's state, its row locked to the end of the transaction (PostgreSQL: ``FOR
    UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so a decision and an
    entry never move one fact at once."""
    query = select(FactStateRow).where(FactStateRow.fact_id == fact_id)
    if is_postgres(session):
        query = query.with_for_update()
    row = session.scalars(query).first()
    return states_of({fact_id: row})[fact_id] if row is not None else None
