"""WebSub wiring: subscribe feeds that advertise a hub, receive pushed content, renew leases.

Only active when ``websub.callback_base`` is set (hubs must reach the bot's HTTP port). The
runner calls :meth:`WebSubManager.renew` after each poll: a feed whose document advertised a hub
and that has no verified subscription, or one ending within a day, is (re)subscribed, at most
once an hour while its hub does not verify. Pushed content goes through the same judging as a
polled body; polling continues as a fallback, at the longest interval while a subscription is
verified and unexpired. The hub of a chat-added feed is reached through the strict SSRF guard.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from aiohttp import web

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
from bot.store import websub as stored
from bot.store.feeds import FeedRecord

log = logging.getLogger(__name__)
RENEW_BEFORE = timedelta(days=1)
REQUEST_AGAIN_AFTER = timedelta(hours=1)  # a hub that accepted but never verified


class WebSubManager:
    def __init__(self, ctx: AppContext, worker: Worker, fetcher: Fetcher) -> None:
        self.ctx = ctx
        self.worker = worker
        self.fetcher = fetcher
        self.callback_base = (ctx.config.websub.callback_base or "").rstrip("/")
        self._requested: dict[int, datetime] = {}  # feed id → last request to its hub

    @property
    def enabled(self) -> bool:
        return bool(self.callback_base)

    def _row(self, feed_id: str) -> FeedRecord | None:
        if not feed_id.isdigit():
            return None
        with self.ctx.db.unit() as session:
            return repo.feed_by_id(session, int(feed_id))

    def _subscription(self, row: FeedRecord) -> Subscription | None:
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

        expires = repo.utcnow() + lease if mode == "subscribe" else None

        def store() -> None:
            with self.ctx.db.unit() as session:
                stored.subscription_verified(session, int(feed_id), expires)

        await asyncio.to_thread(store)
        log.info("websub %s: hub verified the %s", feed_id, mode, extra={"feed": feed_id})

    async def on_denied(self, feed_id: str, reason: str) -> None:
        def store() -> None:
            with self.ctx.db.unit() as session:
                stored.subscription_denied(session, int(feed_id))

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

    def _due(self) -> list[FeedRecord]:
        now = repo.utcnow()
        recent = {i for i, at in self._requested.items() if now - at < REQUEST_AGAIN_AFTER}
        with self.ctx.db.unit() as session:
            return stored.feeds_to_subscribe(
                session, before=now + RENEW_BEFORE, skip=recent, new_secret=new_secret
            )

    async def renew(self) -> int:
        """(Re)subscribe every feed with a hub whose subscription is missing or expiring;
        returns how many hubs accepted the request."""
        if not self.enabled:
            return 0
        requested = 0
        for row in await asyncio.to_thread(self._due):
            subscription = self._subscription(row)
            if subscription is None:
                continue
            self._requested[row.id] = repo.utcnow()
            result = await request_subscription(
                self.fetcher,
                subscription,
                lease_seconds=self.ctx.config.websub.lease_seconds,
                untrusted=row.origin == "chat",
            )
            requested += int(result.outcome != "error")
        return requested
