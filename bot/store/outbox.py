"""The outbox's rows: claiming them, moving them from state to state, and what a follow-up
needs to know about its parent's delivery. The dispatcher (``bot/delivery/outbox.py``) decides;
this module is its SQL.

The life of a row, per alert and destination:

- ``pending`` → ``sending`` (the send is under way; committed before the call) → ``sent``.
- A follow-up (an alert with ``parent_id``) whose parent has a message in the destination:
  ``pending`` → ``sending`` → ``editing`` (its reply is posted and recorded in
  ``external_id``; the parent's message is still to be edited) → ``sent``. An edit is
  idempotent, so an ``editing`` row is simply edited again after a crash; a ``sending`` row is
  looked up in the channel first, as any other.
- A failed attempt goes back to ``pending`` with backoff, or to ``failed`` after the last
  attempt; an edit that fails stays ``editing`` and is tried again (never ``failed``: the reply
  it follows exists).

Every transition after the claim is conditional on the caller still holding the row's lease,
so a replica whose lease ran out cannot overwrite what the replica that took over did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.store.common import lease_rows_returning, utcnow
from bot.store.models import AlertRow, OutboxRow

STATUSES = ("pending", "sending", "editing", "sent", "failed")
ERROR_MAX = 2000


@dataclass(frozen=True, slots=True)
class Claimed:
    """A leased row, with what delivering it needs."""

    id: int
    alert_id: str
    destination: str
    status: str
    attempts: int
    card: dict[str, Any]
    parent_id: str | None
    external_id: str | None


@dataclass(frozen=True, slots=True)
class ParentPost:
    """Where a follow-up's parent stands in one destination."""

    card: dict[str, Any]  # the parent's current stored card (what its message is edited to)
    status: str | None  # its outbox row's status there; None: it has no row there
    message_id: str | None  # its message there, once posted
    thread_id: str | None  # the thread its message is in, when it is itself a reply
    next_attempt_at: datetime | None

    @property
    def posted(self) -> bool:
        return self.message_id is not None and self.status in ("sent", "editing")

    @property
    def waiting(self) -> bool:
        """Its message is still to come: the follow-up must wait for it."""
        return self.status in ("pending", "sending")


def claim(
    session: Session, *, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Lease due rows: ``pending`` and ``editing`` ones whose time has come, and ``sending``
    ones (a replica died mid-send; they are looked up before anything is resent). A row is
    taken only where no other owner holds a live lease; rows leased by ``owner`` itself are
    free (a restart with the same instance id, whose previous run died holding them)."""
    free = or_(
        OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now, OutboxRow.lease_owner == owner
    )
    due = and_(
        free,
        or_(
            and_(OutboxRow.status.in_(("pending", "editing")), OutboxRow.next_attempt_at <= now),
            OutboxRow.status == "sending",
        ),
    )
    query = select(OutboxRow.id).where(due).order_by(OutboxRow.id).limit(limit)
    leased = lease_rows_returning(
        session, OutboxRow, query, due, owner=owner, until=now + lease, columns=(OutboxRow.id,)
    )
    claimed = [row.id for row in leased]
    if not claimed:
        return []
    rows = session.execute(
        select(OutboxRow, AlertRow)
        .join(AlertRow, AlertRow.id == OutboxRow.alert_id)
        .where(OutboxRow.id.in_(claimed))
        .order_by(OutboxRow.id)
    )
    return [
        Claimed(
            id=row.id,
            alert_id=row.alert_id,
            destination=row.destination,
            status=row.status,
            attempts=row.attempts,
            card=dict(alert.card),
            parent_id=alert.parent_id,
            external_id=row.external_id,
        )
        for row, alert in rows
    ]


def parent_post(session: Session, parent_id: str, destination: str) -> ParentPost | None:
    """The parent alert's current card and its row in ``destination``; ``None`` when the
    parent alert itself does not exist."""
    parent = session.get(AlertRow, parent_id)
    if parent is None:
        return None
    row = session.scalars(
        select(OutboxRow).where(
            OutboxRow.alert_id == parent_id, OutboxRow.destination == destination
        )
    ).first()
    if row is None:
        return ParentPost(dict(parent.card), None, None, None, None)
    return ParentPost(
        card=dict(parent.card),
        status=row.status,
        message_id=row.external_id,
        thread_id=row.thread_id,
        next_attempt_at=row.next_attempt_at,
    )


def _ours(row_id: int, owner: str) -> Any:
    return and_(OutboxRow.id == row_id, OutboxRow.lease_owner == owner)


def _set(session: Session, row_id: int, owner: str, **values: Any) -> bool:
    result = session.execute(update(OutboxRow).where(_ours(row_id, owner)).values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sending(session: Session, row_id: int, owner: str, lease: timedelta) -> bool:
    """Whether the row is now ``sending`` under ``owner``'s lease (a replica that took the row
    over after this lease expired keeps it)."""
    result = session.execute(
        update(OutboxRow)
        .where(_ours(row_id, owner), OutboxRow.status.in_(("pending", "sending")))
        .values(status="sending", lease_until=utcnow() + lease)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_editing(
    session: Session,
    row_id: int,
    owner: str,
    *,
    external_id: str | None,
    thread_id: str | None,
    lease: timedelta,
) -> bool:
    """The reply is posted (and recorded here, so it is never posted again); the parent's edit
    is owed. The lease is renewed for the edit that follows."""
    return _set(
        session,
        row_id,
        owner,
        status="editing",
        external_id=external_id,
        thread_id=thread_id,
        last_error=None,
        lease_until=utcnow() + lease,
    )


def mark_sent(
    session: Session,
    row_id: int,
    owner: str,
    *,
    external_id: str | None = None,
    thread_id: str | None = None,
    note: str | None = None,
) -> bool:
    """Done. ``external_id`` and ``thread_id`` are kept when not given (an ``editing`` row
    already has them); ``note`` stays in ``last_error`` (an edit that could not be made)."""
    values: dict[str, Any] = {
        "status": "sent",
        "sent_at": utcnow(),
        "lease_owner": None,
        "lease_until": None,
        "last_error": note[:ERROR_MAX] if note else None,
    }
    if external_id is not None:
        values["external_id"] = external_id
    if thread_id is not None:
        values["thread_id"] = thread_id
    return _set(session, row_id, owner, **values)


def postpone(
    session: Session, row_id: int, owner: str, delay: float, error: str, *, count: bool = False
) -> None:
    """Try again after ``delay`` seconds, in the same phase (a ``sending`` row goes back to
    ``pending``; an ``editing`` row stays ``editing``); ``count``: it was a failed attempt."""
    row = session.get(OutboxRow, row_id)
    if row is None or row.lease_owner != owner:
        return
    row.status = "editing" if row.status == "editing" else "pending"
    row.attempts = row.attempts + (1 if count else 0)
    row.next_attempt_at = utcnow() + timedelta(seconds=delay)
    row.last_error = error[:ERROR_MAX]
    row.lease_owner = None
    row.lease_until = None


def recheck_later(session: Session, row_id: int, owner: str, delay: float, error: str) -> None:
    """Keep the row ``sending`` (so it is looked up, not resent) under a lease held by nobody,
    which expires after ``delay``."""
    _set(
        session,
        row_id,
        owner,
        status="sending",
        last_error=error[:ERROR_MAX],
        lease_owner=None,
        lease_until=utcnow() + timedelta(seconds=delay),
    )


def mark_failed(session: Session, row_id: int, owner: str, error: str, attempts: int) -> None:
    _set(
        session,
        row_id,
        owner,
        status="failed",
        attempts=attempts,
        last_error=error[:ERROR_MAX],
        lease_owner=None,
        lease_until=None,
    )
