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

from sqlalchemy.orm import Session

from bot import metrics
from bot.alerts import Card, CardKind
from bot.app.context import AppContext
from bot.app.pipeline import Outcome, Pipeline, entry_is_backlog
from bot.app.routing import destinations_for
from bot.delivery.base import Destination
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.feeds.article import fetch_article_text
from bot.feeds.entry import Entry
from bot.feeds.fetch import Fetcher, FetchResult, Validators
from bot.feeds.parse import ParsedFeed
from bot.feeds.policy import next_poll_delay
from bot.feeds.pool import ParsePool
from bot.news.analysis import Analysis
from bot.store import repo
from bot.store.models import FeedRow

log = logging.getLogger(__name__)
ARTICLE_CACHE_AGE = timedelta(days=7)
FAILING_ALERT_AFTER = timedelta(days=1)
FULL_TEXT_MIN_CHARS = 200


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
        self.last_cycle_at: datetime | None = None
        self._rng = random.Random()
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
                try:
                    await asyncio.to_thread(self._record_success, item.feed, item.result, ingested)
                except Exception:
                    log.exception("feed %s: its poll could not be recorded", item.feed.name)
                for outcome in ingested.outcomes:
                    stats.add(outcome)
            stats.feeds += len(feeds)
            stats.failed_feeds += len(feeds) - len(polled)
        self.last_cycle_at = repo.utcnow()
        metrics.LAST_CYCLE.set(time.time())
        return stats

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
                await asyncio.to_thread(self._record_failure, feed, result)
                return None
            parsed = ParsedFeed()
            if result.outcome == "new" and result.body is not None:
                parsed = await self._parse(feed, result.body)
            return Polled(feed, result, parsed)
        except Exception as exc:  # one feed's bug must not stop the others
            log.exception("feed %s: poll failed", feed.name)
            failure = FetchResult(
                url=feed.url,
                final_url=feed.url,
                outcome="error",
                body=None,
                validators=validators,
                error=f"internal error: {type(exc).__name__}: {exc}",
                error_kind="internal",
            )
            await asyncio.to_thread(self._record_failure, feed, failure)
            return None
        finally:
            on_done(1)

    async def _parse(self, feed: FeedRow, body: bytes) -> ParsedFeed:
        parsed = await self.parser.parse(body, feed.name)
        for problem in parsed.problems:
            log.warning("%s", problem)
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
        for feed, entry in fresh:
            first_poll = feed.first_polled_at is None and backlog_hours is not None
            backlog = entry_is_backlog(entry, first_poll=first_poll, now=now, max_age=backlog_age)
            slot = judged.setdefault(feed.id, Ingested(ParsedFeed()))
            try:
                entry, analysis = await self._analyse(entry, fetch_page=not backlog)
                outcome = await asyncio.to_thread(
                    self.pipeline.process, entry, analysis, backlog=backlog
                )
            except Exception:
                log.exception("feed %s: entry %s could not be judged", feed.name, entry.entry_id)
                slot.failures += 1
                continue
            if outcome is not None:
                self._count(outcome)
                slot.outcomes.append(outcome)
        return judged

    def _seen(self, uids: list[str]) -> set[str]:
        with self.ctx.db.session() as session:
            return repo.seen_uids(session, uids)

    async def _analyse(self, entry: Entry, *, fetch_page: bool) -> tuple[Entry, Analysis]:
        analysis = self.ctx.analyser.analyse(entry)
        wants_page = (
            fetch_page
            and analysis.needs_full_text
            and self.ctx.config.fetch.full_text
            and entry.link.startswith(("http://", "https://"))
        )
        if not wants_page:
            return entry, analysis
        text = await self._article_text(entry.link)
        if not text or len(text) <= len(entry.text):
            return entry, analysis
        longer = replace(entry, text=text)
        return longer, self.ctx.analyser.analyse(longer)

    async def _article_text(self, url: str) -> str | None:
        def cached() -> tuple[bool, str | None]:
            with self.ctx.db.session() as session:
                row = repo.cached_article(session, url, ARTICLE_CACHE_AGE)
                return (row is not None, row.text if row else None)

        hit, text = await asyncio.to_thread(cached)
        if hit:
            return text
        text = await fetch_article_text(self.fetcher, url)

        def store() -> None:
            with self.ctx.db.session() as session:
                repo.cache_article(session, url, text)

        await asyncio.to_thread(store)
        return text

    @staticmethod
    def _count(outcome: Outcome) -> None:
        metrics.ENTRIES.inc()
        for change in outcome.changes:
            metrics.CHANGES.labels(status=change.status.value).inc()
        if outcome.alert_ids and outcome.alert_kind:
            metrics.ALERTS.labels(kind=outcome.alert_kind).inc(len(outcome.alert_ids))

    # --- feed health ---------------------------------------------------------------------

    def _delay(self, feed: FeedRow, failures: int, result: FetchResult, **extra: object) -> float:
        schedule = self.ctx.config.schedule
        pushed = feed.websub_expires_at is not None and feed.websub_expires_at > repo.utcnow()
        interval = feed.interval_seconds or schedule.poll_interval_seconds
        return next_poll_delay(
            interval=float(schedule.max_interval_seconds if pushed else interval),
            min_interval=float(schedule.min_interval_seconds),
            max_interval=float(schedule.max_interval_seconds),
            consecutive_failures=failures,
            retry_after=result.retry_after,
            max_age=result.max_age,
            backoff_cap=schedule.backoff_cap_seconds,
            rng=self._rng,
            **extra,  # type: ignore[arg-type]
        )

    def _record_success(
        self,
        feed: FeedRow,
        result: FetchResult,
        ingested: Ingested,
    ) -> None:
        """Store the feed's health and next poll. The new validators are kept only when every
        entry was judged: otherwise the next poll must fetch and parse the body again."""
        now = repo.utcnow()
        parsed = ingested.parsed
        entry_times = [e.published for e in parsed.entries if e.dated]
        delay = self._delay(
            feed, 0, result, ttl_minutes=parsed.ttl_minutes, recent_entry_times=entry_times
        )
        with self.ctx.db.session() as session:
            row = session.get(FeedRow, feed.id)
            if row is None:
                return
            if not ingested.failures:
                row.etag = result.validators.etag
                row.last_modified = result.validators.last_modified
                row.content_hash = result.validators.content_hash
            row.first_polled_at = row.first_polled_at or now
            row.last_polled_at = row.last_success_at = now
            if ingested.outcomes:
                row.last_new_entry_at = now
            row.consecutive_failures = 0
            row.failing_since = None
            row.last_error = row.last_error_kind = None
            row.admin_alerted = False
            row.hub_url = parsed.hub_url or row.hub_url
            row.next_poll_at = now + timedelta(seconds=delay)
            repo.release_feed(session, feed.id, self.ctx.instance_id)

    def _record_failure(self, feed: FeedRow, result: FetchResult) -> None:
        now = repo.utcnow()
        reason = result.error or "unknown error"
        log.warning("feed %s: %s", feed.name, reason)
        with self.ctx.db.session() as session:
            row = session.get(FeedRow, feed.id)
            if row is None:
                return
            row.consecutive_failures += 1
            row.failing_since = row.failing_since or now
            row.last_error = reason[:1000]
            row.last_error_kind = (result.error_kind or "error")[:40]
            row.last_polled_at = now
            delay = self._delay(feed, row.consecutive_failures, result)
            row.next_poll_at = now + timedelta(seconds=delay)
            if now - row.failing_since > FAILING_ALERT_AFTER and not row.admin_alerted:
                row.admin_alerted = self._alert_failing_feed(session, row, now)
            repo.release_feed(session, feed.id, self.ctx.instance_id)

    def _alert_failing_feed(self, session: Session, row: FeedRow, now: datetime) -> bool:
        destinations = destinations_for(session, self.ctx.config.routes, "admin", ())
        if self.ctx.config.admin_route:
            destinations.add(self.ctx.config.admin_route)
        if not destinations:
            return False
        since = row.failing_since.strftime("%Y-%m-%d %H:%M UTC") if row.failing_since else "?"
        card = Card(
            id=f"feed-failing-{row.id}-{int((row.failing_since or now).timestamp())}",
            kind=CardKind.ADMIN,
            title=f"Feed {row.name} has been failing since {since}",
            body=f"Last error: {row.last_error}. {row.consecutive_failures} failed polls.",
            link=row.url,
            source=row.name,
            published=now,
        )
        repo.add_alert(
            session,
            alert_id=card.id,
            kind="admin",
            uid=None,
            card=card.to_json(),
            topics=(),
            destinations=destinations,
        )
        return True

    # --- delivery ------------------------------------------------------------------------

    async def deliver(self) -> DispatchStats:
        return await self.dispatcher.run_once()
