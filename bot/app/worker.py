"""The worker: poll due feeds, judge new entries, deliver the outbox.

One cycle: claim due feeds (leases, so several replicas share the work) → fetch them
concurrently under the fetcher's global and per-host limits → parse new bodies → judge each
unseen entry in published order (fetching the article page first when the feed's text is too
short) → record the feed's health and its next poll time → deliver due outbox rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot import metrics
from bot.app.context import AppContext
from bot.app.feedhealth import FeedHealth
from bot.app.fulltext import FullText
from bot.app.pipeline import Outcome, Pipeline, entry_is_backlog
from bot.delivery.base import Destination
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.feeds.entry import Entry
from bot.feeds.fetch import Fetcher, FetchResult, Validators
from bot.feeds.parse import ParsedFeed
from bot.feeds.pool import ParsePool
from bot.feeds.source import SourceSpec
from bot.store import repo
from bot.store.db import error_reason
from bot.store.models import FeedRow
from bot.store.status import feed_health

log = logging.getLogger(__name__)
STORAGE_LOG_EVERY = timedelta(minutes=1)


@dataclass
class CycleStats:
    feeds: int = 0
    failed_feeds: int = 0
    entries: int = 0
    relevant: int = 0
    changes: int = 0
    alerts: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.entries += 1
        self.relevant += int(outcome.analysis.relevant)
        self.changes += len(outcome.changed)
        self.alerts += len(outcome.alert_ids)
        self.outcomes.append(outcome)

    def summary(self, delivered: int | None = None) -> str:
        """The one line a cycle is logged with (``run --once`` prints it, with deliveries)."""
        line = (
            f"cycle done: {self.feeds} feeds ({self.failed_feeds} failed), "
            f"{self.entries} new entries, {self.relevant} relevant, {self.changes} changes, "
            f"{self.alerts} alerts"
        )
        return line if delivered is None else f"{line}, {delivered} deliveries"


@dataclass(frozen=True)
class Polled:
    feed: FeedRow
    result: FetchResult
    parsed: ParsedFeed


@dataclass
class Ingested:
    parsed: ParsedFeed
    outcomes: list[Outcome] = field(default_factory=list)
    failures: int = 0  # entries that could not be judged (they are tried again next poll)


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
        self.last_cycle_at: datetime | None = None
        self.storage_error: str | None = None  # the last failure to write the database
        self.storage_failed_at: datetime | None = None
        self._polling = asyncio.Lock()

    async def wait_idle(self) -> None:
        """Return once no poll is running (used at shutdown to let in-flight work finish)."""
        async with self._polling:
            return

    # --- feeds ---------------------------------------------------------------------------

    def sync_feeds(self) -> None:
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
        with self.ctx.db.session() as session:
            repo.sync_feeds(session, specs)

    def _claim(self, ignore_schedule: bool, exclude: set[str]) -> list[FeedRow]:
        with self.ctx.db.session() as session:
            return repo.claim_due_feeds(
                session,
                owner=self.ctx.instance_id,
                now=repo.utcnow(),
                lease=timedelta(seconds=self.ctx.config.schedule.feed_lease_seconds),
                limit=self.ctx.config.fetch.concurrency * 2,
                ignore_schedule=ignore_schedule,
                exclude=sorted(exclude),
            )

    async def poll(
        self, *, ignore_schedule: bool = False, on_feed: Callable[[int], None] | None = None
    ) -> CycleStats:
        """Poll every due feed once (``ignore_schedule``: every enabled feed); ``on_feed`` is
        told each time a feed is done (a progress bar)."""
        async with self._polling:
            return await self._poll(ignore_schedule, on_feed or (lambda _n: None))

    async def _poll(self, ignore_schedule: bool, on_feed: Callable[[int], None]) -> CycleStats:
        stats = CycleStats()
        done: set[str] = set()
        while True:
            feeds = await asyncio.to_thread(self._claim, ignore_schedule, done)
            if not feeds:
                break
            done.update(f.name for f in feeds)
            fetched = await asyncio.gather(*(self._fetch_feed(f, on_feed) for f in feeds))
            polled = [p for p in fetched if p is not None]
            judged = await self._judge([(p.feed, e) for p in polled for e in p.parsed.entries])
            for item in polled:
                ingested = judged.get(item.feed.id) or Ingested(item.parsed)
                ingested.parsed = item.parsed
                await self._guarded(
                    f"feed {item.feed.name}: its poll could not be recorded",
                    self.feed_health.record_success,
                    item.feed,
                    item.result,
                    item.parsed,
                    new=bool(ingested.outcomes),
                    complete=not ingested.failures,
                )
                for outcome in ingested.outcomes:
                    stats.add(outcome)
            stats.feeds += len(feeds)
            stats.failed_feeds += len(feeds) - len(polled)
        self.last_cycle_at = repo.utcnow()
        metrics.LAST_CYCLE.set(time.time())
        await self._guarded("feed health could not be read", self._count_failing_feeds)
        if stats.feeds:
            log.info("%s", stats.summary())
        return stats

    def _count_failing_feeds(self) -> None:
        with self.ctx.db.session() as session:
            metrics.FEEDS_FAILING.set(feed_health(session).failing)

    async def _guarded(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """``fn`` in a thread; a failure is logged as one line naming ``what`` (a database
        that cannot be written is also remembered for ``/healthz`` and ``run --once``)."""
        try:
            await asyncio.to_thread(fn, *args, **kwargs)
        except SQLAlchemyError as exc:
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

    async def _fetch_feed(self, feed: FeedRow, on_done: Callable[[int], None]) -> Polled | None:
        """Fetch and parse one feed; ``None`` (and its failure recorded) if that failed."""
        validators = Validators(feed.etag, feed.last_modified, feed.content_hash)
        try:
            result = await self.fetcher.fetch(
                feed.url,
                validators,
                allow_file=feed.allow_file and feed.origin == "config",
                untrusted=feed.origin == "chat",
            )
            if result.outcome == "error":
                await self._record_failure(feed, result)
                return None
            parsed = ParsedFeed()
            if result.outcome == "new" and result.body is not None:
                parsed = await self._parse(feed, result.body, result.content_type)
            if parsed.failure:  # a body that cannot be read (charset, a listing's layout)
                failed = replace(result, outcome="error", error=parsed.failure, error_kind="parse")
                await self._record_failure(feed, failed)
                return None
            return Polled(feed, result, parsed)
        except Exception as exc:  # one feed's bug must not stop the others
            log.exception("feed %s: poll failed", feed.name, extra={"feed": feed.name})
            failure = FetchResult(
                url=feed.url,
                final_url=feed.url,
                outcome="error",
                body=None,
                validators=validators,
                error=f"internal error: {type(exc).__name__}: {exc}",
                error_kind="internal",
            )
            await self._record_failure(feed, failure)
            return None
        finally:
            on_done(1)

    async def _record_failure(self, feed: FeedRow, result: FetchResult) -> None:
        what = f"feed {feed.name}: its failure could not be recorded"
        await self._guarded(what, self.feed_health.record_failure, feed, result)

    async def _parse(
        self, feed: FeedRow, body: bytes, content_type: str | None = None
    ) -> ParsedFeed:
        spec = self.sources.get(feed.name) if feed.origin == "config" else None
        parsed = await self.parser.parse(body, feed.name, spec=spec, content_type=content_type)
        for problem in parsed.problems:
            log.warning("%s", problem, extra={"feed": feed.name})
        return parsed

    async def ingest(self, feed: FeedRow, body: bytes) -> Ingested:
        """Parse a body pushed by a WebSub hub and judge its new entries."""
        parsed = await self._parse(feed, body)
        judged = await self._judge([(feed, e) for e in parsed.entries])
        ingested = judged.get(feed.id) or Ingested(parsed)
        ingested.parsed = parsed
        return ingested

    async def _judge(self, items: list[tuple[FeedRow, Entry]]) -> dict[int, Ingested]:
        """Judge the entries not stored yet, across feeds in published order (so the first
        report of a change is the one credited with it); outcomes and failures by feed id."""
        by_uid = {repo.entry_uid(e.feed, e.entry_id): (f, e) for f, e in items}
        seen = await asyncio.to_thread(self._seen, list(by_uid))
        fresh = sorted(
            (item for uid, item in by_uid.items() if uid not in seen),
            key=lambda item: (item[1].published, item[1].feed, item[1].entry_id),
        )
        backlog_hours = self.ctx.config.schedule.first_run_backlog_hours
        backlog_age = timedelta(hours=backlog_hours or 0)
        now = repo.utcnow()
        judged: dict[int, Ingested] = {}
        for index, (feed, entry) in enumerate(fresh):
            first_poll = feed.first_polled_at is None and backlog_hours is not None
            backlog = entry_is_backlog(entry, first_poll=first_poll, now=now, max_age=backlog_age)
            slot = judged.setdefault(feed.id, Ingested(ParsedFeed()))
            context = {"feed": feed.name, "entry": entry.entry_id}
            try:
                entry, analysis = await self.full_text.analyse(
                    entry, fetch_page=not backlog, untrusted=feed.origin == "chat"
                )
                outcome = await asyncio.to_thread(
                    self.pipeline.process, entry, analysis, backlog=backlog
                )
            except SQLAlchemyError as exc:
                # the database cannot be written: the rest of the sweep waits for the next poll
                # (its feeds keep their old validators, so nothing is lost)
                left = fresh[index:]
                self.storage_failed(exc, f"{len(left)} entries left for the next poll")
                for later_feed, _ in left:
                    judged.setdefault(later_feed.id, Ingested(ParsedFeed())).failures += 1
                break
            except Exception:
                log.exception(
                    "feed %s: entry %s could not be judged",
                    feed.name,
                    entry.entry_id,
                    extra=context,
                )
                slot.failures += 1
                continue
            if outcome is not None:
                self._count(outcome)
                slot.outcomes.append(outcome)
        return judged

    def _seen(self, uids: list[str]) -> set[str]:
        with self.ctx.db.session() as session:
            return repo.seen_uids(session, uids)

    @staticmethod
    def _count(outcome: Outcome) -> None:
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
        except SQLAlchemyError as exc:
            self.storage_failed(exc, "delivery paused")
            return DispatchStats(errors=[self.storage_error or "database error"])
