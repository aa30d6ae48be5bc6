"""Feeds' poll results written in batches, and the leases of dead processes on this host.

A sweep writes its feeds' results a batch at a time (one transaction; for the feeds whose poll
succeeded, one statement for those whose poll changed only their times, a 304 that sent the
stored validators back, and one for the others): an unchanged feed costs one row of four
parameters (its id, its next poll, the time and the owner) in that statement, not twelve. A
failure is rarer and may raise an admin alert, so the caller writes it row by row in the same
transaction (:func:`count_failure`, then :func:`retry_after_failure`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Integer,
    LargeBinary,
    Table,
    Text,
    bindparam,
    case,
    false,
    func,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.store.bulk import execute_rows
from bot.store.models import FeedRow, OutboxRow, UTCDateTime


@dataclass(frozen=True, slots=True)
class PollSuccess:
    """What a successful poll of one feed changes in its row."""

    feed_id: int
    next_poll_at: datetime
    complete: bool  # every entry judged: the validators are stored (else the next poll reads
    # the body again)
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    new_entries: bool = False
    hub_url: str | None = None  # None: keep the stored one
    backlog_entries: int = 0  # entries beyond the per-poll cap, judged without alerts
    known_items: bytes | None = None  # the items whose entries are stored (written as is)
    only_times: bool = False  # nothing changed but the times (a 304 with the stored
    # validators): validators, known items and hub are left as stored, the fields above unused


@dataclass(frozen=True, slots=True)
class FailureCount:
    """A feed's failing streak once a failed poll is counted (what the retry's delay and the
    admin alert are decided on)."""

    feed_id: int
    name: str
    url: str
    consecutive_failures: int
    failing_since: datetime | None
    last_error: str | None
    admin_alerted: bool


def count_failure(
    session: Session, feed_id: int, *, reason: str, kind: str, now: datetime
) -> FailureCount | None:
    """Count a failed poll in the feed's row: one more consecutive failure, failing since
    ``now`` unless it already was, the reason and its kind, polled at ``now``. The streak (for
    the retry's delay and the admin alert), or ``None`` when the feed is gone."""
    c = FeedRow
    counted = session.execute(
        update(FeedRow)
        .where(c.id == feed_id)
        .values(
            consecutive_failures=c.consecutive_failures + 1,
            failing_since=func.coalesce(c.failing_since, bindparam("now", now, UTCDateTime())),
            last_error=reason[:1000],
            last_error_kind=kind[:40],
            last_polled_at=now,
        )
        .returning(
            c.id,
            c.name,
            c.url,
            c.consecutive_failures,
            c.failing_since,
            c.last_error,
            c.admin_alerted,
        )
        .execution_options(synchronize_session=False)
    ).first()
    return FailureCount(*counted) if counted is not None else None


def retry_after_failure(
    session: Session, feed_id: int, *, next_poll_at: datetime, admin_alerted: bool, owner: str
) -> None:
    """When a failed feed (counted by :func:`count_failure`) is polled again, and whether its
    admin alert has been raised; ``owner``'s lease on it is released."""
    ours = FeedRow.lease_owner == owner
    session.execute(
        update(FeedRow)
        .where(FeedRow.id == feed_id)
        .values(
            next_poll_at=next_poll_at,
            admin_alerted=admin_alerted,
            lease_owner=case((ours, None), else_=FeedRow.lease_owner),
            lease_until=case((ours, None), else_=FeedRow.lease_until),
        )
        .execution_options(synchronize_session=False)
    )


def record_successes(
    session: Session, polls: Sequence[PollSuccess], *, owner: str, now: datetime
) -> None:
    """Store the results of successful polls and release their leases held by ``owner``: one
    statement for the polls that changed only their times, one for the others."""
    times = [(p.feed_id, p.next_poll_at) for p in polls if p.only_times]
    others = [
        (
            p.feed_id,
            p.complete,
            p.etag,
            p.last_modified,
            p.content_hash,
            p.new_entries,
            p.hub_url,
            p.next_poll_at,
            p.backlog_entries,
            p.known_items,
        )
        for p in polls
        if not p.only_times
    ]
    connection = session.connection()
    shared = {"b_owner": owner, "b_now": now}
    execute_rows(connection, _SUCCESS, _SUCCESS_ROW, others, shared)
    execute_rows(connection, _TIMES, ("b_id", "b_next"), times, shared)


_FEEDS = cast(Table, FeedRow.__table__)
_WHEN = UTCDateTime()


def _succeeded(c: Any) -> dict[str, Any]:
    """What every successful poll sets: its times, no failure, the lease released."""
    ours = c.lease_owner == bindparam("b_owner", type_=Text())
    return {
        "first_polled_at": case(
            (c.first_polled_at.is_(None), bindparam("b_now", type_=_WHEN)),
            else_=c.first_polled_at,
        ),
        "last_polled_at": bindparam("b_now", type_=_WHEN),
        "last_success_at": bindparam("b_now", type_=_WHEN),
        # constants written into the statement, not bound again for each row
        "consecutive_failures": literal_column("0"),
        "failing_since": null(),
        "last_error": null(),
        "last_error_kind": null(),
        "admin_alerted": false(),
        "next_poll_at": bindparam("b_next", type_=_WHEN),
        "lease_owner": case((ours, None), else_=c.lease_owner),
        "lease_until": case((ours, None), else_=c.lease_until),
    }


def _success_statement() -> Any:
    c = _FEEDS.c
    when = _WHEN
    complete = bindparam("b_complete", type_=Boolean())
    return (
        update(_FEEDS)
        .where(c.id == bindparam("b_id", type_=Integer()))
        .values(
            **_succeeded(c),
            etag=case((complete, bindparam("b_etag", type_=Text())), else_=c.etag),
            last_modified=case(
                (complete, bindparam("b_last_modified", type_=Text())), else_=c.last_modified
            ),
            content_hash=case((complete, bindparam("b_hash", type_=Text())), else_=c.content_hash),
            last_new_entry_at=case(
                (bindparam("b_new", type_=Boolean()), bindparam("b_now", type_=when)),
                else_=c.last_new_entry_at,
            ),
            hub_url=case(
                (bindparam("b_hub", type_=Text()).is_(None), c.hub_url),
                else_=bindparam("b_hub", type_=Text()),
            ),
            backlog_entries=bindparam("b_backlog", type_=Integer()),
            known_items=bindparam("b_known", type_=LargeBinary()),
        )
    )


_SUCCESS = _success_statement()
_SUCCESS_ROW = (  # a row's own parameters, in the order record_successes gives them
    "b_id",
    "b_complete",
    "b_etag",
    "b_last_modified",
    "b_hash",
    "b_new",
    "b_hub",
    "b_next",
    "b_backlog",
    "b_known",
)
_TIMES = (  # a poll that changed only its times: no failure, no backlog, the rest kept
    update(_FEEDS)
    .where(_FEEDS.c.id == bindparam("b_id", type_=Integer()))
    .values(**_succeeded(_FEEDS.c), backlog_entries=literal_column("0"))
)


# --- leases of dead processes ----------------------------------------------------------------


def live_lease_owners(session: Session, now: datetime) -> set[str]:
    """The owners of leases (feeds and outbox rows) that have not expired."""
    owners: set[str] = set()
    for table in (FeedRow, OutboxRow):
        owners.update(
            owner
            for owner in session.scalars(
                select(table.lease_owner)
                .where(table.lease_until >= now, table.lease_owner.is_not(None))
                .distinct()
            )
            if owner
        )
    return owners


def expire_leases(session: Session, owners: Iterable[str], now: datetime) -> int:
    """Let the leases of ``owners`` (processes known dead) run out now, so that their work is
    taken over at once, as after any expired lease; returns how many."""
    gone = sorted(set(owners))
    if not gone:
        return 0
    past = now - timedelta(seconds=1)
    count = 0
    for table in (FeedRow, OutboxRow):
        result = session.execute(
            update(table)
            .where(table.lease_owner.in_(gone), table.lease_until >= now)
            .values(lease_until=past)
            .execution_options(synchronize_session=False)
        )
        count += int(getattr(result, "rowcount", 0) or 0)
    return count
