"""Queries and updates, each taking the caller's :class:`Session` (one transaction).

Work shared by several replicas is claimed with a lease: a conditional UPDATE that succeeds only
where no live lease exists (``FOR UPDATE SKIP LOCKED`` first on PostgreSQL, so replicas do not
queue on each other's rows). A replica that dies leaves leases that expire, and its work is taken
over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, event, func, insert, or_, select, text, update
from sqlalchemy.orm import ORMExecuteState, Session

from bot.store.models import (
    AlertRow,
    ArticleCacheRow,
    EntryRow,
    FeedRow,
    MetaRow,
    OutboxRow,
    SubscriptionRow,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def entry_uid(feed: str, entry_id: str) -> str:
    return hashlib.sha256(f"{feed}\x1f{entry_id}".encode()).hexdigest()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


SEED_LOCK, FEED_SYNC_LOCK = 727275, 727276


def _one_writer_at_a_time(session: Session, key: int) -> None:
    """Serialise a read-then-insert among replicas starting together (PostgreSQL: an advisory
    lock held to the end of the transaction; SQLite's BEGIN IMMEDIATE already serialises)."""
    if _is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _lease(
    session: Session,
    table: type[FeedRow] | type[OutboxRow],
    candidates: Select[int],
    still_free: ColumnElement[bool],
    *,
    owner: str,
    until: datetime,
) -> list[int]:
    """Lease the rows ``candidates`` selects to ``owner``; returns the ids actually leased, in
    the candidates' order.

    On PostgreSQL the candidates are locked with ``FOR UPDATE SKIP LOCKED`` first; everywhere
    the lease is one conditional UPDATE that takes only the rows where ``still_free`` still
    holds.
    """
    if _is_postgres(session):
        candidates = candidates.with_for_update(skip_locked=True)
    wanted = list(session.scalars(candidates))
    if not wanted:
        return []
    result = session.execute(
        update(table)
        .where(table.id.in_(wanted), still_free)
        .values(lease_owner=owner, lease_until=until)
        .returning(table.id)
        .execution_options(synchronize_session=False)
    )
    leased = set(result.scalars())
    return [row_id for row_id in wanted if row_id in leased]


# --- entries ---------------------------------------------------------------------------------


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


# --- feeds -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedSpec:
    name: str
    url: str
    topics: tuple[str, ...] = ()
    interval_seconds: int | None = None
    allow_file: bool = False


def sync_feeds(session: Session, specs: Sequence[FeedSpec]) -> None:
    """Make the config's feeds present and enabled; disable config feeds no longer listed."""
    _one_writer_at_a_time(session, FEED_SYNC_LOCK)
    rows = {row.name: row for row in session.scalars(select(FeedRow))}
    wanted = {spec.name for spec in specs}
    for spec in specs:
        row = rows.get(spec.name)
        if row is None:
            session.add(
                FeedRow(
                    name=spec.name,
                    url=spec.url,
                    topics=list(spec.topics),
                    interval_seconds=spec.interval_seconds,
                    allow_file=spec.allow_file,
                    origin="config",
                    enabled=True,
                    consecutive_failures=0,
                    admin_alerted=False,
                )
            )
            continue
        if row.url != spec.url:
            row.url, row.etag, row.last_modified, row.content_hash = spec.url, None, None, None
        row.topics = list(spec.topics)
        row.interval_seconds = spec.interval_seconds
        row.allow_file = spec.allow_file
        row.enabled = True
    for name, row in rows.items():
        if row.origin == "config" and name not in wanted:
            row.enabled = False
    session.flush()


def claim_due_feeds(
    session: Session,
    *,
    owner: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    names: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    exclude_ids: Sequence[int] = (),
    after_id: int | None = None,
    ignore_schedule: bool = False,
) -> list[FeedRow]:
    """Lease up to ``limit`` due feeds to ``owner``; rows leased by a live replica are skipped.
    ``after_id``: only feeds with a higher id, in id order (a sweep over every feed, once
    each); otherwise the longest overdue first."""
    free = or_(
        FeedRow.lease_until.is_(None), FeedRow.lease_until < now, FeedRow.lease_owner == owner
    )
    due = or_(FeedRow.next_poll_at.is_(None), FeedRow.next_poll_at <= now)
    conditions = [FeedRow.enabled.is_(True), free]
    if not ignore_schedule:
        conditions.append(due)
    if names is not None:
        conditions.append(FeedRow.name.in_(list(names)))
    if exclude:
        conditions.append(FeedRow.name.not_in(list(exclude)))
    if exclude_ids:
        conditions.append(FeedRow.id.not_in(list(exclude_ids)))
    query = select(FeedRow.id).where(and_(*conditions)).limit(limit)
    if after_id is not None:
        query = query.where(FeedRow.id > after_id).order_by(FeedRow.id)
    else:
        query = query.order_by(FeedRow.next_poll_at.is_not(None), FeedRow.next_poll_at)
    claimed = _lease(session, FeedRow, query, free, owner=owner, until=now + lease)
    if not claimed:
        return []
    rows = {row.id: row for row in session.scalars(select(FeedRow).where(FeedRow.id.in_(claimed)))}
    return [rows[row_id] for row_id in claimed if row_id in rows]


def next_due_at(session: Session) -> datetime | None:
    """When the next enabled feed is due (``None``: no feed)."""
    return session.scalar(select(func.min(FeedRow.next_poll_at)).where(FeedRow.enabled.is_(True)))


def release_feed(session: Session, feed_id: int, owner: str) -> None:
    session.execute(
        update(FeedRow)
        .where(FeedRow.id == feed_id, FeedRow.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


def add_chat_feed(session: Session, name: str, url: str) -> FeedRow | None:
    """Add a feed typed by a chat user; ``None`` if the name is taken. Such feeds are always
    fetched through the SSRF guard, whatever the deployer allows for configured feeds."""
    if get_feed(session, name) is not None:
        return None
    row = FeedRow(
        name=name,
        url=url,
        topics=[],
        origin="chat",
        enabled=True,
        allow_file=False,
        consecutive_failures=0,
        admin_alerted=False,
    )
    session.add(row)
    session.flush()
    return row


def remove_chat_feed(session: Session, name: str) -> bool:
    row = get_feed(session, name)
    if row is None or row.origin != "chat":
        return False
    session.delete(row)
    return True


def all_feeds(session: Session) -> list[FeedRow]:
    return list(session.scalars(select(FeedRow).order_by(FeedRow.name)))


def get_feed(session: Session, name: str) -> FeedRow | None:
    return session.scalars(select(FeedRow).where(FeedRow.name == name)).first()


# --- alerts and the outbox -------------------------------------------------------------------


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


# --- subscriptions ---------------------------------------------------------------------------


def subscribe(
    session: Session, destination: str, kinds: Sequence[str], topic: str, who: str
) -> SubscriptionRow:
    row = session.scalars(
        select(SubscriptionRow).where(
            SubscriptionRow.destination == destination, SubscriptionRow.topic == topic
        )
    ).first()
    if row is None:
        row = SubscriptionRow(
            destination=destination,
            kinds=sorted(set(kinds)),
            topic=topic,
            created_at=utcnow(),
            created_by=who,
        )
        session.add(row)
    else:
        row.kinds = sorted(set(row.kinds) | set(kinds))
    session.flush()
    return row


def unsubscribe(session: Session, destination: str, topic: str | None = None) -> int:
    rows = session.scalars(
        select(SubscriptionRow).where(SubscriptionRow.destination == destination)
    ).all()
    removed = 0
    for row in rows:
        if topic is None or row.topic == topic:
            session.delete(row)
            removed += 1
    session.flush()
    return removed


def subscriptions(session: Session) -> list[SubscriptionRow]:
    return list(session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.id)))


def read_subscriptions_once(session: Session) -> None:
    """In this unit of work, :func:`unit_subscriptions` reads the subscriptions once (the
    pipeline's batches: routing every entry of a batch needs them again and again)."""
    session.info["cache_subscriptions"] = True


def unit_subscriptions(session: Session) -> list[SubscriptionRow]:
    """The stored subscriptions; read once per unit of work when it asks for that
    (:func:`read_subscriptions_once`), else read now."""
    if not session.info.get("cache_subscriptions"):
        return subscriptions(session)
    cached = session.info.get("subscriptions")
    if cached is None:
        cached = session.info["subscriptions"] = subscriptions(session)
    return list(cached)


# --- article cache and meta ------------------------------------------------------------------


def cached_article(session: Session, url: str, max_age: timedelta) -> ArticleCacheRow | None:
    key = hashlib.sha256(url.encode()).hexdigest()
    row = session.get(ArticleCacheRow, key)
    if row is None or row.fetched_at < utcnow() - max_age:
        return None
    return row


def cache_article(session: Session, url: str, text_: str | None) -> None:
    key = hashlib.sha256(url.encode()).hexdigest()
    row = session.get(ArticleCacheRow, key)
    if row is None:
        session.add(ArticleCacheRow(url_hash=key, url=url, text=text_, fetched_at=utcnow()))
    else:
        row.text, row.fetched_at = text_, utcnow()


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(MetaRow, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(MetaRow, key)
    if row is None:
        session.add(MetaRow(key=key, value=value))
    else:
        row.value = value
