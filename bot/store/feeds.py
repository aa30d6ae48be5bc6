"""Feeds: the config's feeds synced, due feeds claimed with a lease and released, chat users'
feeds added and removed, feeds listed.

What the worker reads of a feed comes back as a :class:`FeedRecord`, a plain frozen value (no ORM
object is built); a claim leases a page of feeds and reads their records with the same UPDATE
(``RETURNING``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Integer, Table, Text, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.store.common import (
    FEED_SYNC_LOCK,
    is_postgres,
    lease_rows_returning,
    one_writer_at_a_time,
)
from bot.store.models import FeedRow, UTCDateTime


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """A feed as the worker polls it: where it is, how it may be fetched, the validators of
    its last complete poll, and its WebSub subscription."""

    id: int
    name: str
    url: str
    origin: str = "config"  # config | chat
    enabled: bool = True
    allow_file: bool = False
    interval_seconds: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    first_polled_at: datetime | None = None
    hub_url: str | None = None
    websub_secret: str | None = None
    websub_expires_at: datetime | None = None
    lease_owner: str | None = None
    known_items: bytes | None = None  # the items read before (``bot/feeds/items.py``)


_RECORD_COLUMNS = (
    FeedRow.id,
    FeedRow.name,
    FeedRow.url,
    FeedRow.origin,
    FeedRow.enabled,
    FeedRow.allow_file,
    FeedRow.interval_seconds,
    FeedRow.etag,
    FeedRow.last_modified,
    FeedRow.content_hash,
    FeedRow.first_polled_at,
    FeedRow.hub_url,
    FeedRow.websub_secret,
    FeedRow.websub_expires_at,
    FeedRow.lease_owner,
    FeedRow.known_items,
)


def feed_records(session: Session, *conditions: Any) -> list[FeedRecord]:
    """The feeds matching ``conditions`` (SQL conditions on the feeds), by id."""
    query = select(*_RECORD_COLUMNS).where(*conditions).order_by(FeedRow.id)
    return [FeedRecord(*row) for row in session.execute(query)]


@dataclass(frozen=True, slots=True)
class FeedSpec:
    name: str
    url: str
    topics: tuple[str, ...] = ()
    interval_seconds: int | None = None
    allow_file: bool = False


SYNC_CHUNK = 1000  # rows per statement when the config's feeds are synced


def sync_feeds(session: Session, specs: Sequence[FeedSpec]) -> None:
    """Make the config's feeds present and enabled; disable config feeds no longer listed.

    In bulk, in the caller's transaction: the feeds are read as plain rows (no ORM object), and
    only the feeds that are new or changed are written, ``SYNC_CHUNK`` rows a statement (10,000
    feeds at start-up: a few statements, and a few MiB, not one object per feed)."""
    one_writer_at_a_time(session, FEED_SYNC_LOCK)
    columns = (
        FeedRow.id,
        FeedRow.name,
        FeedRow.url,
        FeedRow.topics,
        FeedRow.interval_seconds,
        FeedRow.allow_file,
        FeedRow.enabled,
        FeedRow.origin,
    )
    rows = {row[1]: row for row in session.execute(select(*columns))}
    wanted: set[str] = set()
    added: list[dict[str, Any]] = []
    for spec in specs:
        wanted.add(spec.name)
        row = rows.get(spec.name)
        if row is None:
            added.append(
                {
                    "name": spec.name,
                    "url": spec.url,
                    "topics": list(spec.topics),
                    "interval_seconds": spec.interval_seconds,
                    "allow_file": spec.allow_file,
                    "origin": "config",
                    "enabled": True,
                    "consecutive_failures": 0,
                    "admin_alerted": False,
                }
            )
            if len(added) >= SYNC_CHUNK:
                _write(session, insert(FeedRow), added)
            continue
        feed_id, _name, url, topics, interval, allow_file, enabled, _origin = row
        values: dict[str, Any] = {}
        if url != spec.url:
            values.update(url=spec.url, etag=None, last_modified=None, content_hash=None)
            values["known_items"] = None
        if list(topics or ()) != list(spec.topics) or topics is None:
            values["topics"] = list(spec.topics)
        if interval != spec.interval_seconds:
            values["interval_seconds"] = spec.interval_seconds
        if allow_file != spec.allow_file:
            values["allow_file"] = spec.allow_file
        if enabled is not True:
            values["enabled"] = True
        if values:  # a changed feed (rare): a statement of its own
            session.execute(update(FeedRow).where(FeedRow.id == feed_id).values(**values))
    gone = [
        {"id": row[0], "enabled": False}
        for name, row in rows.items()
        if row[7] == "config" and name not in wanted and row[6] is not False
    ]
    _write(session, update(FeedRow), gone)
    _write(session, insert(FeedRow), added)


def _write(session: Session, statement: Any, rows: list[dict[str, Any]]) -> None:
    """Execute ``statement`` for ``rows``, ``SYNC_CHUNK`` rows a statement, then forget them."""
    for start in range(0, len(rows), SYNC_CHUNK):
        session.execute(statement, rows[start : start + SYNC_CHUNK])
    rows.clear()


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
) -> list[FeedRecord]:
    """Lease up to ``limit`` due feeds to ``owner``; rows leased by a live replica are skipped.
    ``after_id``: only feeds with a higher id, in id order (a sweep over every feed, once
    each); otherwise the longest overdue first."""
    if names is None and not exclude and ignore_schedule == (after_id is not None):
        return _claim_page(session, owner, now, now + lease, limit, after_id, exclude_ids)
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
    leased = lease_rows_returning(
        session, FeedRow, query, free, owner=owner, until=now + lease, columns=_RECORD_COLUMNS
    )
    return [FeedRecord(*tuple(row)) for row in leased]


# A sweep's claims (every feed after an id, or the due ones but those held), built once: a sweep
# claims a page after another, and building, keying and running the statements through the ORM
# cost more than the lease itself (2,000 feeds in pages of 150: 40 -> 27 ms of CPU)
_TABLE = cast(Table, FeedRow.__table__)
_COLUMN = _TABLE.c
_AT = UTCDateTime()
_FREE = or_(
    _COLUMN.lease_until.is_(None),
    _COLUMN.lease_until < bindparam("b_now", type_=_AT),
    _COLUMN.lease_owner == bindparam("b_owner", type_=Text()),
)
_PAGE = {
    True: select(_COLUMN.id)  # a sweep over every feed, by id
    .where(_COLUMN.enabled.is_(True), _FREE, _COLUMN.id > bindparam("b_after", type_=Integer()))
    .order_by(_COLUMN.id)
    .limit(bindparam("b_limit", type_=Integer())),
    False: select(_COLUMN.id)  # the due feeds, the longest overdue first
    .where(
        _COLUMN.enabled.is_(True),
        _FREE,
        or_(_COLUMN.next_poll_at.is_(None), _COLUMN.next_poll_at <= bindparam("b_now", type_=_AT)),
        _COLUMN.id.not_in(bindparam("b_held", expanding=True)),
    )
    .order_by(_COLUMN.next_poll_at.is_not(None), _COLUMN.next_poll_at)
    .limit(bindparam("b_limit", type_=Integer())),
}
_LOCKED_PAGE = {sweep: page.with_for_update(skip_locked=True) for sweep, page in _PAGE.items()}
_LEASE = (
    update(_TABLE)
    .where(_COLUMN.id.in_(bindparam("b_ids", expanding=True)), _FREE)
    .values(lease_owner=bindparam("b_owner"), lease_until=bindparam("b_until", type_=_AT))
    .returning(*(_COLUMN[column.key] for column in _RECORD_COLUMNS))
)


def _claim_page(
    session: Session,
    owner: str,
    now: datetime,
    until: datetime,
    limit: int,
    after_id: int | None,
    held: Sequence[int],
) -> list[FeedRecord]:
    """:func:`claim_due_feeds` for a sweep's claims, with the statements built once (the same
    leases: see :func:`bot.store.common.lease_rows_returning`)."""
    sweep = after_id is not None
    pages = _LOCKED_PAGE if is_postgres(session) else _PAGE
    connection = session.connection()
    found = {"b_now": now, "b_owner": owner, "b_limit": limit}
    found.update({"b_after": after_id} if sweep else {"b_held": list(held)})
    wanted = list(connection.execute(pages[sweep], found).scalars())
    if not wanted:
        return []
    leased = connection.execute(
        _LEASE, {"b_ids": wanted, "b_now": now, "b_owner": owner, "b_until": until}
    )
    rows = {row[0]: row for row in leased}
    return [FeedRecord(*rows[feed_id]) for feed_id in wanted if feed_id in rows]


def next_due_at(session: Session) -> datetime | None:
    """When the next enabled feed is due (``None``: no feed)."""
    return session.scalar(select(func.min(FeedRow.next_poll_at)).where(FeedRow.enabled.is_(True)))


def add_chat_feed(session: Session, name: str, url: str) -> FeedRecord | None:
    """Add a feed typed by a chat user; its record, ``None`` if the name is taken. Such feeds are
    always fetched through the SSRF guard, whatever the deployer allows for configured feeds."""
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
    return FeedRecord(*(getattr(row, column.key) for column in _RECORD_COLUMNS))


def remove_chat_feed(session: Session, name: str) -> bool:
    row = get_feed(session, name)
    if row is None or row.origin != "chat":
        return False
    session.delete(row)
    return True


def all_feeds(session: Session) -> list[FeedRow]:
    return list(session.scalars(select(FeedRow).order_by(FeedRow.name)))


def feed_by_id(session: Session, feed_id: int) -> FeedRecord | None:
    found = feed_records(session, FeedRow.id == feed_id)
    return found[0] if found else None


def get_feed(session: Session, name: str) -> FeedRow | None:
    return session.scalars(select(FeedRow).where(FeedRow.name == name)).first()
