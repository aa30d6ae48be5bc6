"""The worker: poll due feeds, judge new entries, deliver the outbox.

One cycle (a sweep, ``bot/app/sweep.py``, where each feed flows on its own): claim due feeds
(leases, so several replicas share the work) → fetch them concurrently under the fetcher's
global and per-host limits → parse new bodies and analyse their unseen entries in the pool's
worker processes → judge what is ready in published order, a batch per transaction (fetching
the article page first when the feed's text is too short) → record the feeds' health and next
poll times in batches → deliver due outbox rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot import metrics
from bot.app.analysis_jobs import analyse_all, analyse_entries
from bot.app.context import AppContext
from bot.app.feedhealth import FeedHealth
from bot.app.fulltext import FullText
from bot.app.leases import take_back_dead_leases
from bot.app.pipeline import Outcome, Pipeline
from bot.app.sweep import Sweep
from bot.delivery.base import Destination
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.feeds.entry import Entry
from bot.feeds.fetch import Fetcher
from bot.feeds.parse import ParsedFeed
from bot.feeds.pool import ParsePool
from bot.feeds.source import SourceSpec
from bot.news.analysis import Analysis, RuleAnalyser
from bot.store import repo
from bot.store.db import StoreError, error_reason
from bot.store.feeds import FeedRecord
from bot.store.status import feed_health

log = logging.getLogger(__name__)
STORAGE_LOG_EVERY = timedelta(minutes=1)
COUNT_FAILING_EVERY = 60.0  # seconds between counts of failing feeds when no feed was polled


@dataclass
class CycleStats:
    feeds: int = 0
    failed_feeds: int = 0
    entries: int = 0
    relevant: int = 0
    changes: int = 0
    alerts: int = 0

    def add(self, outcome: Outcome) -> None:
        self.entries += 1
        self.relevant += int(outcome.analysis.relevant)
        self.changes += len(outcome.changed)
        self.alerts += len(outcome.alert_ids)

    def summary(self, delivered: int | None = None) -> str:
        """The one line a cycle is logged with (``run --once`` prints it, with deliveries)."""
        line = (
            f"cycle done: {self.feeds} feeds ({self.failed_feeds} failed), "
            f"{self.entries} new entries, {self.relevant} relevant, {self.changes} changes, "
            f"{self.alerts} alerts"
        )
        return line if delivered is None else f"{line}, {delivered} deliveries"


class Worker:
    def __init__(
        self,
        ctx: AppContext,
        fetcher: Fetcher,
        destinations: Mapping[str, Destination],
        parser: ParsePool | None = None,
    ) -> None:
        self.ctx = ctx
        self.fetcher = fetcher
        self.parser = parser or ParsePool(workers=0)
        self.pipeline = Pipeline(ctx.db, ctx.catalogue, ctx.config)
        self.dispatcher = Dispatcher(
            ctx.db,
            destinations,
            owner=ctx.instance_id,
            lease=timedelta(seconds=ctx.config.schedule.outbox_lease_seconds),
        )
        self.feed_health = FeedHealth(ctx, random.Random())
        self.full_text = FullText(ctx, fetcher)
        self.sources = {
            f.name: SourceSpec(listing=f.listing, url=f.url) for f in ctx.config.feeds if f.listing
        }
        # the pool analyses entries when its workers run the default analyser (see
        # bot/app/analysis_jobs.py); another analyser (a test's, an LLM's) runs here
        self._pool_analysis = bool(self.parser.workers) and isinstance(ctx.analyser, RuleAnalyser)
        self.last_cycle_at: datetime | None = None
        self.storage_error: str | None = None  # the last failure to write the database
        self.storage_failed_at: datetime | None = None
        self._polling = asyncio.Lock()
        self._counted_at = -COUNT_FAILING_EVERY

    async def wait_idle(self) -> None:
        """Return once no poll is running (used at shutdown to let in-flight work finish)."""
        async with self._polling:
            return

    # --- feeds ---------------------------------------------------------------------------

    def sync_feeds(self) -> None:
        """Make the config's feeds present, take back the leases of this host's dead processes
        (a restart after a crash polls and delivers at once), and read the story window (the
        first cycle then costs what any other does)."""
        specs = [
            repo.FeedSpec(
                name=f.name,
                url=f.url,
                topics=tuple(f.topics),
                interval_seconds=f.interval_seconds,
                allow_file=f.allow_file,
            )
            for f in self.ctx.config.feeds
        ]
        with self.ctx.db.unit() as session:
            repo.sync_feeds(session, specs)
        take_back_dead_leases(self.ctx)
        self.pipeline.warm_up()

    def claim(self, limit: int, after_id: int | None, exclude: list[int]) -> list[FeedRecord]:
        """Lease up to ``limit`` feeds: every feed after ``after_id`` by id (a sweep over all
        feeds), or, with ``after_id`` None, the due ones not in ``exclude``."""
        with self.ctx.db.unit() as session:
            return repo.claim_due_feeds(
                session,
                owner=self.ctx.instance_id,
                now=repo.utcnow(),
                lease=timedelta(seconds=self.ctx.config.schedule.feed_lease_seconds),
                limit=limit,
                ignore_schedule=after_id is not None,
                after_id=after_id,
                exclude_ids=exclude,
            )

    async def poll(
        self, *, ignore_schedule: bool = False, on_feed: Callable[[int], None] | None = None
    ) -> CycleStats:
        """Poll every due feed once (``ignore_schedule``: every enabled feed); ``on_feed`` is
        told each time a feed is done (a progress bar)."""
        async with self._polling:
            stats = CycleStats()
            await Sweep(self, stats, ignore_schedule, on_feed or (lambda _n: None)).run()
            self.last_cycle_at = repo.utcnow()
            metrics.LAST_CYCLE.set(time.time())
            if stats.feeds or time.monotonic() - self._counted_at >= COUNT_FAILING_EVERY:
                self._counted_at = time.monotonic()
                await self.guarded("feed health could not be read", self._count_failing_feeds)
            if stats.feeds:
                log.info("%s", stats.summary())
            return stats

    def _count_failing_feeds(self) -> None:
        with self.ctx.db.unit() as session:
            metrics.FEEDS_FAILING.set(feed_health(session).failing)

    async def guarded(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """``fn`` in a thread; a failure is logged as one line naming ``what`` (a database
        that cannot be written is also remembered for ``/healthz`` and ``run --once``)."""
        try:
            await asyncio.to_thread(fn, *args, **kwargs)
        except StoreError as exc:
            self.storage_failed(exc, what)
        except Exception:
            log.exception("%s", what)

    def storage_failed(self, exc: BaseException, what: str) -> None:
        """Remember a refused write; log it once a minute, not once per entry or feed."""
        error = f"database {self.ctx.db.shown_url}: {error_reason(exc)}"
        now = repo.utcnow()
        repeated = (
            error == self.storage_error
            and self.storage_failed_at is not None
            and now - self.storage_failed_at < STORAGE_LOG_EVERY
        )
        if not repeated:
            self.storage_failed_at = now
        self.storage_error = error
        log.log(logging.DEBUG if repeated else logging.ERROR, "%s: %s", what, error)

    async def parse(
        self,
        feed: FeedRecord,
        body: bytes,
        content_type: str | None = None,
        *,
        known: bytes | None = None,
    ) -> ParsedFeed:
        """``known``: the feed's items read before, not read again (``bot/feeds/items.py``)."""
        spec = self.sources.get(feed.name) if feed.origin == "config" else None
        parsed = await self.parser.parse(
            body, feed.name, spec=spec, content_type=content_type, known=known
        )
        for problem in parsed.problems:
            log.warning("%s", problem, extra={"feed": feed.name})
        return parsed

    async def analyse(self, entries: list[Entry]) -> list[Analysis | None]:
        """Each entry's analysis (``None``: it raised), in the pool's workers when they can."""
        if self._pool_analysis:
            return await self.parser.run(analyse_entries, entries)
        return await asyncio.to_thread(analyse_all, self.ctx.analyser, entries)

    def seen(self, uids: list[str]) -> set[str]:
        with self.ctx.db.unit() as session:
            return repo.seen_uids(session, uids)

    async def ingest(self, feed: FeedRecord, body: bytes) -> CycleStats:
        """Parse a body pushed by a WebSub hub and judge its new entries."""
        parsed = await self.parse(feed, body)
        stats = CycleStats()
        await Sweep(self, stats).judge_pushed((feed, parsed))
        return stats

    @staticmethod
    def count(outcome: Outcome) -> None:
        """Metrics, and one log line per alert stored."""
        metrics.ENTRIES.inc()
        for change in outcome.changes:
            metrics.CHANGES.labels(status=change.status.value).inc()
        if outcome.alert_ids and outcome.alert_kind:
            metrics.ALERTS.labels(kind=outcome.alert_kind).inc(len(outcome.alert_ids))
        entry = outcome.entry
        for alert_id in outcome.alert_ids:
            context = {"alert": alert_id, "feed": entry.feed, "entry": entry.entry_id}
            kind = outcome.alert_kind or "alert"
            log.info("alert %s (%s): %s", alert_id, kind, entry.title, extra=context)

    # --- delivery ------------------------------------------------------------------------

    async def deliver(self) -> DispatchStats:
        """Deliver due outbox rows; a database that cannot be read or written is logged as one
        line (and remembered) and the rows wait for the next run."""
        try:
            return await self.dispatcher.run_once()
        except StoreError as exc:
            self.storage_failed(exc, "delivery paused")
            return DispatchStats(errors=[self.storage_error or "database error"])
