"""The config's feeds synced in bulk (``bot/store/feeds.py``): what a sync writes, only that."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.store import feeds as store_feeds
from bot.store import repo
from bot.store.db import Database
from bot.store.models import FeedRow


@pytest.fixture
def db(store_db: Database) -> Database:
    """These tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
    return store_db


def _rows(db: Database) -> dict[str, FeedRow]:
    with db.session() as session:
        rows = list(session.scalars(select(FeedRow).order_by(FeedRow.id)))
        session.expunge_all()
    return {row.name: row for row in rows}


def test_new_feeds_get_ids_in_config_order_across_chunks(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_feeds, "SYNC_CHUNK", 3)
    specs = [repo.FeedSpec(name=f"f{i}", url=f"https://x.example/{i}") for i in range(8)]
    with db.session() as session:
        repo.sync_feeds(session, specs)
    rows = _rows(db)
    assert list(rows) == [f"f{i}" for i in range(8)]
    row = rows["f5"]
    assert (row.url, row.topics, row.origin, row.enabled) == (
        "https://x.example/5",
        [],
        "config",
        True,
    )
    assert (row.consecutive_failures, row.admin_alerted, row.backlog_entries) == (0, False, 0)


def test_a_changed_feed_is_updated_and_an_unchanged_one_left_alone(db: Database) -> None:
    specs = [repo.FeedSpec(name=f"f{i}", url=f"https://x.example/{i}") for i in range(3)]
    with db.session() as session:
        repo.sync_feeds(session, specs)
        repo.add_chat_feed(session, "chat", "https://chat.example/")
        session.execute(
            update(FeedRow).values(etag="e", last_modified="m", content_hash="h", known_items=b"k")
        )
        session.execute(update(FeedRow).where(FeedRow.name == "f2").values(enabled=False))
    changed = [
        repo.FeedSpec(name="f0", url="https://x.example/0"),  # unchanged
        repo.FeedSpec(name="f1", url="https://y.example/1", topics=("t",), interval_seconds=60),
        repo.FeedSpec(name="f2", url="https://x.example/2", allow_file=True),  # back in
    ]
    with db.session() as session:
        repo.sync_feeds(session, changed[:1])
    assert {n: r.enabled for n, r in _rows(db).items()} == {
        "f0": True,
        "f1": False,
        "f2": False,
        "chat": True,  # a chat user's feed is not the config's to disable
    }
    with db.session() as session:
        repo.sync_feeds(session, changed)
    rows = _rows(db)
    f0, f1, f2 = rows["f0"], rows["f1"], rows["f2"]
    assert (f0.etag, f0.known_items, f0.enabled) == ("e", b"k", True)
    assert (f1.url, f1.topics, f1.interval_seconds, f1.enabled) == (
        "https://y.example/1",
        ["t"],
        60,
        True,
    )
    assert (f1.etag, f1.last_modified, f1.content_hash, f1.known_items) == (None,) * 4
    assert (f2.allow_file, f2.enabled, f2.etag) == (True, True, "e")
    assert rows["chat"].enabled
