"""The store's queries and updates under one name, each taking the caller's unit of work.

They live by job: entries (``bot/store/entries.py``), feeds (``feeds.py``), alerts and the outbox
(``alerts.py``), subscriptions (``subscriptions.py``), the article cache and meta values
(``meta.py``), and what those share (``common.py``: the clock, entry keys, leases). ``repo``
gathers them for the callers that name them ``repo.add_alert``, ``repo.claim_due_feeds``, ...
"""

from __future__ import annotations

from bot.store.alerts import (
    add_alert,
    alert_card,
    outbox_counts,
    outbox_rows,
    recent_alerts,
    retry_failed,
    revise_alert_card,
)
from bot.store.common import FEED_SYNC_LOCK, SEED_LOCK, entry_uid, utcnow
from bot.store.entries import EntryRows, StoredEntry, get_entry, latest_entries, seen_uids
from bot.store.feeds import (
    FeedRecord,
    FeedSpec,
    add_chat_feed,
    all_feeds,
    claim_due_feeds,
    feed_by_id,
    get_feed,
    next_due_at,
    remove_chat_feed,
    sync_feeds,
)
from bot.store.meta import CachedArticle, cache_article, cached_article, get_meta, set_meta
from bot.store.subscriptions import (
    Subscription,
    read_subscriptions_once,
    subscribe,
    subscriptions,
    unit_subscriptions,
    unsubscribe,
)

__all__ = [
    "FEED_SYNC_LOCK",
    "SEED_LOCK",
    "CachedArticle",
    "EntryRows",
    "FeedRecord",
    "FeedSpec",
    "StoredEntry",
    "Subscription",
    "add_alert",
    "add_chat_feed",
    "alert_card",
    "all_feeds",
    "cache_article",
    "cached_article",
    "claim_due_feeds",
    "entry_uid",
    "feed_by_id",
    "get_entry",
    "get_feed",
    "get_meta",
    "latest_entries",
    "next_due_at",
    "outbox_counts",
    "outbox_rows",
    "read_subscriptions_once",
    "recent_alerts",
    "remove_chat_feed",
    "retry_failed",
    "revise_alert_card",
    "seen_uids",
    "set_meta",
    "subscribe",
    "subscriptions",
    "sync_feeds",
    "unit_subscriptions",
    "unsubscribe",
    "utcnow",
]
