"""SQLAlchemy models: the whole persistent state of the bot.

The same schema (and the same Alembic migrations) serve SQLite and PostgreSQL. Timestamps are
stored as timezone-aware UTC; fact values as JSON (a number for percentages, else a string).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(20), default="config")  # config | chat
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    allow_file: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    first_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_new_entry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    admin_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    hub_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    websub_secret: Mapped[str | None] = mapped_column(String(100), nullable=True)
    websub_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # entries of the last poll beyond fetch.max_entries_per_poll: judged for the facts'
    # history without alerts (`status` says so)
    backlog_entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # the items of the feed's body whose entries are stored, so that a changed body is parsed
    # only in its new items (bot/feeds/items.py); NULL: none known
    known_items: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class EntryRow(Base):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of feed + entry id
    feed: Mapped[str] = mapped_column(String(200), index=True)
    entry_id: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    relevant: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    events: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    duplicate_of: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    backlog: Mapped[bool] = mapped_column(Boolean, default=False)


class FactStateRow(Base):
    __tablename__ = "fact_states"

    fact_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    entry_uid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    previous: Mapped[Any] = mapped_column(JSON, nullable=True)
    effective: Mapped[str | None] = mapped_column(String(10), nullable=True)
    corroboration: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # the value a part's change implies for this fact (a whole whose part moved), kept as a
    # consistent prior for later claims; never shown as the fact's value
    implied: Mapped[Any] = mapped_column(JSON, nullable=True)
    # every earlier value, oldest first (the baseline included): what a stale story retells
    history: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True, default=list)


class FactHistoryRow(Base):
    __tablename__ = "fact_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fact_id: Mapped[str] = mapped_column(String(100), index=True)
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    effective: Mapped[str | None] = mapped_column(String(10), nullable=True)
    entry_uid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    link: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")


class ClaimRow(Base):
    """The evidence ledger: one row per (entry, fact) claim of a change, confirmation or
    correction, with its source. Corroboration counts independent sources in it; reviewers
    confirm or dismiss its ``reported`` rows."""

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_fact_value", "fact_id", "value_key", "published"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fact_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON)
    value_key: Mapped[str] = mapped_column(String(200))
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    strength: Mapped[str] = mapped_column(String(20), default="firm")
    entry_uid: Mapped[str] = mapped_column(String(64), index=True)
    story_uid: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    alert_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    domain: Mapped[str] = mapped_column(String(200), default="")
    tier: Mapped[str] = mapped_column(String(20), default="outlet")
    published: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    effective: Mapped[str | None] = mapped_column(String(10), nullable=True)
    link: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DecisionRow(Base):
    """The reviewers' audit trail: one row per fact a decision touched.

    ``action``: ``confirm`` (reports of ``value`` move the fact), ``dismiss`` (the reports are
    wrong; the fact stays), ``correct`` (the value an alert announced is wrong: the fact is
    ``value`` now) or ``set`` (a reviewer sets the fact, with no alert). ``replaced``: the
    fact's value before (``None`` for a dismissal, which moves nothing); ``claims_status``:
    the status the decided claims had before (``reported``, ``changed``, ...). ``decided_by``
    is shown (``@alice``), ``decider`` names the account (``slack:U0123``, ``cli:alice``).
    ``follow_up_id``: the alert that carries the decision to chat, if any."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    fact_id: Mapped[str] = mapped_column(String(100), index=True)
    alert_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    claim_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    replaced: Mapped[Any] = mapped_column(JSON, nullable=True)
    claims_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decided_by: Mapped[str] = mapped_column(String(200))
    decider: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(Text, default="")
    follow_up_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AlertRow(Base):
    __tablename__ = "alerts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    entry_uid: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the alert this one follows up (a story's later change, corroboration or correction): it is
    # delivered as a reply in the parent's thread, and the parent's message is edited to show
    # the parent's current card (stored back into the parent's ``card``)
    parent_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("alert_id", "destination", name="uq_outbox_alert_destination"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    destination: Mapped[str] = mapped_column(String(200))
    # pending | sending | editing (a follow-up's reply is posted, its parent's edit is owed) |
    # sent | failed; the life of a row is told in bot/store/outbox.py
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    external_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    # a follow-up's message was posted under this one (Slack: the thread's ts; Discord: the
    # message it replies to); null for a top-level post
    thread_id: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("destination", "topic", name="uq_subscription"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destination: Mapped[str] = mapped_column(String(200), index=True)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    topic: Mapped[str] = mapped_column(String(100), default="")  # "" = every topic
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200), default="")


class ArticleCacheRow(Base):
    __tablename__ = "article_cache"

    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MetaRow(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
