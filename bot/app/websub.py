"""WebSub wiring: subscribe feeds that advertise a hub, receive pushed content, renew leases.

Only active when ``websub.callback_base`` is set (hubs must reach the bot's HTTP port). Pushed
content goes through the same judging as a polled body; polling continues as a fallback, at the
longest interval while a subscription is verified and unexpired.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from aiohttp import web
from sqlalchemy import select

from bot.app.context import AppContext
from bot.app.http import RouteInstaller
from bot.app.worker import Worker
from bot.feeds.fetch import Fetcher
from bot.feeds.websub import (
    Mode,
    Subscription,
    WebSubHandlers,
    new_secret,
    request_subscription,
)
from bot.store import repo
from bot.store.models import FeedRow

log = logging.getLogger(__name__)
RENEW_BEFORE = timedelta(days=1)


class WebSubManager:
    def __init__(self, ctx: AppContext, worker: Worker, fetcher: Fetcher) -> None:
        self.ctx = ctx
        self.worker = worker
        self.fetcher = fetcher
        self.callback_base = (ctx.config.websub.callback_base or "").rstrip("/")

    @property
    def enabled(self) -> bool:
        return bool(self.callback_base)

    def _row(self, feed_id: str) -> FeedRow | None:
        if not feed_id.isdigit():
            return None
        with self.ctx.db.session() as session:
            return session.get(FeedRow, int(feed_id))

    def _subscription(self, row: FeedRow) -> Subscription | None:
        if not (row.hub_url and row.websub_secret and row.enabled):
            return None
        return Subscription(
            feed_id=str(row.id),
            topic=row.url,
            hub=row.hub_url,
            callback=f"{self.callback_base}/websub/{row.id}",
            secret=row.websub_secret,
        )

    def lookup(self, feed_id: str) -> Subscription | None:
        row = self._row(feed_id)
        return self._subscription(row) if row else None

    async def on_content(self, feed_id: str, body: bytes) -> None:
        row = await asyncio.to_thread(self._row, feed_id)
        if row is not None:
            await self.worker.ingest(row, body)

    async def on_verified(self, feed_id: str, mode: Mode, lease_seconds: int | None) -> None:
        lease = timedelta(seconds=lease_seconds or self.ctx.config.websub.lease_seconds)

        def store() -> None:
            with self.ctx.db.session() as session:
                row = session.get(FeedRow, int(feed_id))
                if row is not None:
                    row.websub_expires_at = repo.utcnow() + lease if mode == "subscribe" else None

        await asyncio.to_thread(store)

    async def on_denied(self, feed_id: str, reason: str) -> None:
        def store() -> None:
            with self.ctx.db.session() as session:
                row = session.get(FeedRow, int(feed_id))
                if row is not None:
                    row.websub_secret = None
                    row.websub_expires_at = None

        await asyncio.to_thread(store)

    def installer(self) -> RouteInstaller:
        handlers = WebSubHandlers(
            self.lookup,
            self.on_content,
            on_verified=self.on_verified,
            on_denied=self.on_denied,
            max_body_bytes=self.ctx.config.fetch.max_body_bytes,
        )

        def install(app: web.Application) -> None:
            app.add_routes(handlers.routes())

        return install

    def _due(self) -> list[FeedRow]:
        soon = repo.utcnow() + RENEW_BEFORE
        with self.ctx.db.session() as session:
            rows = session.scalars(
                select(FeedRow).where(FeedRow.enabled.is_(True), FeedRow.hub_url.is_not(None))
            ).all()
            due = []
            for row in rows:
                if row.websub_expires_at is None or row.websub_expires_at < soon:
                    row.websub_secret = new_secret()
                    due.append(row)
            return due

    async def renew(self) -> int:
        """(Re)subscribe every feed with a hub whose subscription is missing or expiring."""
        if not self.enabled:
            return 0
        requested = 0
        for row in await asyncio.to_thread(self._due):
            subscription = self._subscription(row)
            if subscription is None:
                continue
            result = await request_subscription(
                self.fetcher, subscription, lease_seconds=self.ctx.config.websub.lease_seconds
            )
            requested += int(result.outcome != "error")
        return requested
