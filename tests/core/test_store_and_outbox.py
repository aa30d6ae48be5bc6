"""The store's leases and the outbox dispatcher, on a real SQLite file."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from bot.alerts.card import Card, CardKind
from bot.delivery.base import FollowUp, SendResult
from bot.delivery.outbox import Dispatcher
from bot.store import ledger, polls, repo
from bot.store.cards import add_card
from bot.store.db import Database
from bot.store.models import FeedRow, OutboxRow


@pytest.fixture
def db(store_db: Database) -> Database:
    """These tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
    return store_db


def _feeds(db: Database, count: int) -> None:
    with db.session() as session:
        repo.sync_feeds(
            session,
            [repo.FeedSpec(name=f"f{i}", url=f"https://x.example/{i}") for i in range(count)],
        )


def test_migrations_run_twice(db: Database) -> None:
    db.migrate()
    with db.session() as session:
        assert len(ledger.fact_states(session)) == 10


def test_a_leased_feed_is_not_claimed_by_another_owner(db: Database) -> None:
    _feeds(db, 3)
    now = repo.utcnow()
    with db.session() as session:
        first = repo.claim_due_feeds(
            session, owner="a", now=now, lease=timedelta(minutes=5), limit=2
        )
    with db.session() as session:
        second = repo.claim_due_feeds(
            session, owner="b", now=now, lease=timedelta(minutes=5), limit=5
        )
    assert len(first) == 2 and len(second) == 1
    assert {f.name for f in first}.isdisjoint({f.name for f in second})


def test_an_expired_lease_is_taken_over(db: Database) -> None:
    _feeds(db, 1)
    now = repo.utcnow()
    with db.session() as session:
        repo.claim_due_feeds(session, owner="dead", now=now, lease=timedelta(seconds=1), limit=1)
    later = now + timedelta(seconds=5)
    with db.session() as session:
        taken = repo.claim_due_feeds(
            session, owner="alive", now=later, lease=timedelta(minutes=5), limit=1
        )
    assert [f.lease_owner for f in taken] == ["alive"]


def test_feeds_removed_from_config_are_disabled_not_deleted(db: Database) -> None:
    _feeds(db, 2)
    with db.session() as session:
        repo.sync_feeds(session, [repo.FeedSpec(name="f0", url="https://x.example/0")])
    with db.session() as session:
        assert {f.name: f.enabled for f in repo.all_feeds(session)} == {"f0": True, "f1": False}


def _queue(db: Database, alert_id: str, destinations: list[str]) -> Card:
    card = Card(id=alert_id, kind=CardKind.CHANGE, title="US tariff: 145% → 30%")
    with db.session() as session:
        add_card(session, card, uid=None, destinations=destinations)
    return card


@dataclass
class Recorder:
    """A destination that fails a set number of times, then records what it sends."""

    kind: str = "rec"
    fail_first: int = 0
    permanent: bool = False
    sent: list[tuple[str, str]] = field(default_factory=list)
    existing: dict[str, str] = field(default_factory=dict)
    calls: int = 0

    async def send(self, card: Card, channel: str, follow_up: FollowUp | None = None) -> SendResult:
        self.calls += 1
        if self.permanent:
            return SendResult(ok=False, error="rec: channel_not_found", retryable=False)
        if self.calls <= self.fail_first:
            return SendResult(ok=False, error="rec: http 503", retry_after=0)
        self.sent.append((card.id, channel))
        return SendResult(ok=True, external_id=f"m{len(self.sent)}")

    async def already_sent(
        self, card: Card, channel: str, follow_up: FollowUp | None = None
    ) -> str | None:
        return self.existing.get(card.id)

    async def edit(self, card: Card, channel: str, message_id: str) -> SendResult:
        raise AssertionError("these tests edit no message")

    async def close(self) -> None:
        return None


def _rows(db: Database) -> list[OutboxRow]:
    with db.session() as session:
        return repo.outbox_rows(session)


def test_each_destination_gets_the_alert_once(db: Database) -> None:
    _queue(db, "al-1", ["rec:A", "rec:B"])
    _queue(db, "al-1", ["rec:A"])  # composing the same alert again adds nothing
    recorder = Recorder()
    stats = asyncio.run(Dispatcher(db, {"rec": recorder}, owner="w1").run_once())
    assert stats.sent == 2
    assert sorted(recorder.sent) == [("al-1", "A"), ("al-1", "B")]
    asyncio.run(Dispatcher(db, {"rec": recorder}, owner="w2").run_once())
    assert len(recorder.sent) == 2
    assert {r.status for r in _rows(db)} == {"sent"}


def test_a_failing_destination_is_retried_then_delivers_once(db: Database) -> None:
    _queue(db, "al-2", ["rec:A"])
    recorder = Recorder(fail_first=2)
    dispatcher = Dispatcher(db, {"rec": recorder}, owner="w1")
    for _ in range(3):
        asyncio.run(dispatcher.run_once())
    assert recorder.sent == [("al-2", "A")]
    (row,) = _rows(db)
    assert row.status == "sent" and row.attempts == 2


def test_retries_are_bounded_then_the_row_is_failed_and_visible(db: Database) -> None:
    _queue(db, "al-3", ["rec:A"])
    recorder = Recorder(fail_first=100)
    dispatcher = Dispatcher(db, {"rec": recorder}, owner="w1", max_attempts=3)
    for _ in range(3):
        asyncio.run(dispatcher.run_once())
    (row,) = _rows(db)
    assert row.status == "failed" and "503" in (row.last_error or "")
    with db.session() as session:
        assert repo.retry_failed(session) == 1
    recorder.fail_first = 0
    asyncio.run(dispatcher.run_once())
    assert recorder.sent == [("al-3", "A")]


def test_a_permanent_error_keeps_the_row_pending(db: Database) -> None:
    _queue(db, "al-4", ["rec:A"])
    asyncio.run(Dispatcher(db, {"rec": Recorder(permanent=True)}, owner="w1").run_once())
    (row,) = _rows(db)
    assert row.status == "pending" and "channel_not_found" in (row.last_error or "")


def test_an_unconfigured_destination_keeps_its_rows_pending(db: Database) -> None:
    _queue(db, "al-5", ["slack:C1"])
    asyncio.run(Dispatcher(db, {}, owner="w1").run_once())
    (row,) = _rows(db)
    assert row.status == "pending" and row.last_error == "destination not configured"


def test_a_row_left_sending_by_a_dead_replica_is_reconciled_not_resent(db: Database) -> None:
    _queue(db, "al-6", ["rec:A"])
    _queue(db, "al-7", ["rec:A"])
    past = repo.utcnow() - timedelta(minutes=10)
    with db.session() as session:
        for row in repo.outbox_rows(session):
            row.status, row.lease_owner, row.lease_until = "sending", "dead", past
    recorder = Recorder(existing={"al-6": "m-before-crash"})
    stats = asyncio.run(Dispatcher(db, {"rec": recorder}, owner="w1").run_once())
    assert stats.reconciled == 1
    assert recorder.sent == [("al-7", "A")]
    by_alert = {r.alert_id: r for r in _rows(db)}
    assert by_alert["al-6"].external_id == "m-before-crash"
    assert {r.status for r in by_alert.values()} == {"sent"}


def _record_successes(
    db: Database, results: list[polls.PollSuccess], now: datetime
) -> tuple[list[str], dict[int, FeedRow]]:
    """``results`` recorded by ``me`` in one unit of work: the UPDATE statements of the feeds
    table it sent, and the feeds as stored after it."""
    updates: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE FEEDS"):
            updates.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.session() as session:
            polls.record_successes(session, results, owner="me", now=now)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    with db.session() as session:
        return updates, {row.id: row for row in session.scalars(select(FeedRow))}


def test_poll_results_are_written_in_one_statement(store_db: Database) -> None:
    """The README's promise: an unchanged feed costs one row of one statement; the results
    of a sweep's feeds are stored, and their leases released, by a single UPDATE (SQLite and
    PostgreSQL: the statement is handed to the driver as compiled for it)."""
    db = store_db
    _feeds(db, 3)
    now = repo.utcnow()
    with db.session() as session:
        rows = repo.claim_due_feeds(
            session, owner="me", now=now, lease=timedelta(minutes=5), limit=3
        )
        ids = [row.id for row in rows]
    results = [
        polls.PollSuccess(
            feed_id=feed_id,
            next_poll_at=now + timedelta(minutes=10),
            complete=True,
            etag=f'"e{feed_id}"',
            backlog_entries=feed_id,
        )
        for feed_id in ids
    ]
    updates, stored = _record_successes(db, results, now)
    assert len(updates) == 1
    for feed_id in ids:
        row = stored[feed_id]
        assert (row.etag, row.backlog_entries, row.lease_owner) == (f'"e{feed_id}"', feed_id, None)
        assert row.last_success_at is not None and row.consecutive_failures == 0


def test_a_poll_that_changed_only_its_times_keeps_the_rest_of_its_row(store_db: Database) -> None:
    """A 304 that sent the stored validators back is written by a statement of its own, with
    its times, its failures cleared and its lease released, the validators, known items, hub
    and last new entry left as stored; the other polls of the batch are written in full."""
    db = store_db
    _feeds(db, 2)
    now = repo.utcnow()
    with db.session() as session:
        rows = repo.claim_due_feeds(
            session, owner="me", now=now, lease=timedelta(minutes=5), limit=2
        )
        kept, full = (row.id for row in rows)
        session.query(FeedRow).filter(FeedRow.id == kept).update(
            {
                FeedRow.etag: '"kept"',
                FeedRow.known_items: b"known",
                FeedRow.hub_url: "https://hub.example/",
                FeedRow.last_new_entry_at: now - timedelta(days=1),
                FeedRow.consecutive_failures: 2,
                FeedRow.last_error: "http 503",
                FeedRow.backlog_entries: 7,
            }
        )
    later = now + timedelta(minutes=10)
    results = [
        polls.PollSuccess(feed_id=kept, next_poll_at=later, complete=True, only_times=True),
        polls.PollSuccess(feed_id=full, next_poll_at=later, complete=True, etag='"new"'),
    ]
    updates, stored = _record_successes(db, results, now)
    assert len(updates) == 2
    row = stored[kept]
    assert (row.etag, row.known_items, row.hub_url) == ('"kept"', b"known", "https://hub.example/")
    assert row.last_new_entry_at is not None and row.last_new_entry_at < now
    assert (row.consecutive_failures, row.last_error, row.backlog_entries) == (0, None, 0)
    assert (row.lease_owner, row.lease_until) == (None, None)
    assert row.last_polled_at == row.last_success_at == now and row.next_poll_at == later
    assert row.first_polled_at == now
    assert (stored[full].etag, stored[full].lease_owner) == ('"new"', None)


def test_sqlite_transactions_of_one_process_take_turns(database: Database) -> None:
    """On SQLite a thread's transaction waits for another thread's on the process's own lock,
    and starts once it ends: its BEGIN comes after the other's COMMIT (it used to be sent at
    once and wait in SQLite's busy_timeout, which polls the lock with sleeps of up to 100 ms)."""
    _feeds(database, 1)
    steps: list[tuple[str, str]] = []

    def begun(conn: object, cursor: object, statement: str, *rest: object) -> None:
        if statement.strip().upper().startswith("BEGIN"):
            steps.append((threading.current_thread().name, "begin"))

    def committed(conn: object) -> None:
        steps.append((threading.current_thread().name, "commit"))

    inside = threading.Event()

    def first() -> None:
        with database.session() as session:
            session.execute(update(FeedRow).values(last_error="first"))
            inside.set()
            time.sleep(0.3)

    def second() -> None:
        inside.wait(5)
        with database.session() as session:
            session.execute(update(FeedRow).values(last_error="second"))

    event.listen(database.engine, "before_cursor_execute", begun)
    event.listen(database.engine, "commit", committed)
    try:
        threads = [threading.Thread(target=f, name=f.__name__) for f in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    finally:
        event.remove(database.engine, "before_cursor_execute", begun)
        event.remove(database.engine, "commit", committed)
    assert steps == [
        ("first", "begin"),
        ("first", "commit"),
        ("second", "begin"),
        ("second", "commit"),
    ]
    with database.session() as session:
        assert session.scalars(select(FeedRow.last_error)).all() == ["second"]
