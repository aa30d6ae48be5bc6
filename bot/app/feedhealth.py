"""A feed's health after each poll: its next poll time, its failure count and reason, and one
admin alert when it has been failing for more than a day.

A success stores the new validators only when every entry of the body was judged (otherwise
the next poll must fetch and parse the body again), resets the failure count and schedules the
next poll from the feed's interval, its ``<ttl>``, its caching headers and how often it posts.
A sweep writes its feeds' results in batches (:meth:`FeedHealth.record`: one transaction, one
statement for the successes), so an unchanged feed costs a row in a batch.
A failure counts, backs off exponentially (``Retry-After`` honoured) and, once the feed has
failed for :data:`FAILING_ALERT_AFTER`, queues one admin alert to the ``admin`` routes.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.alerts import Card, CardKind
from bot.app.context import AppContext
from bot.app.routing import destinations_for
from bot.feeds.fetch import FetchResult
from bot.feeds.parse import ParsedFeed
from bot.feeds.policy import next_poll_delay
from bot.store import polls, repo
from bot.store.cards import add_card
from bot.store.db import Unit
from bot.store.feeds import FeedRecord
from bot.store.polls import FailureCount, PollSuccess

log = logging.getLogger("bot.app.worker")
FAILING_ALERT_AFTER = timedelta(days=1)


def _only_times(
    feed: FeedRecord,
    result: FetchResult,
    parsed: ParsedFeed,
    new: bool,
    backlog_entries: int,
    known_items: bytes | None,
) -> bool:
    """Whether a successful poll changes nothing in the feed's row but its times (a 304 that
    sent back the stored validators): written with fewer columns (``bot/store/polls.py``)."""
    sent = result.validators
    return (
        result.outcome == "not_modified"
        and not new
        and not backlog_entries
        and parsed.hub_url is None
        and known_items == feed.known_items
        and (sent.etag, sent.last_modified, sent.content_hash)
        == (feed.etag, feed.last_modified, feed.content_hash)
    )


class FeedHealth:
    def __init__(self, ctx: AppContext, rng: random.Random | None = None) -> None:
        self.ctx = ctx
        self._rng = rng or random.Random()

    def _delay(
        self, feed: FeedRecord, failures: int, result: FetchResult, **extra: object
    ) -> float:
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

    def success(
        self,
        feed: FeedRecord,
        result: FetchResult,
        parsed: ParsedFeed,
        *,
        new: bool,
        complete: bool,
        backlog_entries: int = 0,
        known_items: bytes | None = None,
    ) -> PollSuccess:
        """What a successful poll changes in the feed's row. ``new``: some entry was new;
        ``complete``: every entry was judged; ``backlog_entries``: entries beyond the per-poll
        cap, judged without alerts; ``known_items``: the items of the body whose entries are
        stored (``bot/feeds/items.py``), None for none."""
        times = parsed.entry_times()
        delay = self._delay(
            feed, 0, result, ttl_minutes=parsed.ttl_minutes, recent_entry_times=times
        )
        return PollSuccess(
            feed_id=feed.id,
            next_poll_at=repo.utcnow() + timedelta(seconds=delay),
            complete=complete,
            etag=result.validators.etag,
            last_modified=result.validators.last_modified,
            content_hash=result.validators.content_hash,
            new_entries=new,
            hub_url=parsed.hub_url,
            backlog_entries=backlog_entries,
            known_items=known_items,
            only_times=_only_times(feed, result, parsed, new, backlog_entries, known_items),
        )

    def record(
        self,
        successes: Sequence[PollSuccess] = (),
        failures: Sequence[tuple[FeedRecord, FetchResult]] = (),
    ) -> None:
        """Write polls' results in one transaction (successes in one statement)."""
        now = repo.utcnow()
        for feed, result in failures:
            reason = result.error or "unknown error"
            log.warning("feed %s: %s", feed.name, reason, extra={"feed": feed.name})
        with self.ctx.db.unit() as session:
            polls.record_successes(session, successes, owner=self.ctx.instance_id, now=now)
            for feed, result in failures:
                self._failed(session, feed, result, now)

    def _failed(self, session: Unit, feed: FeedRecord, result: FetchResult, now: datetime) -> None:
        streak = polls.count_failure(
            session,
            feed.id,
            reason=result.error or "unknown error",
            kind=result.error_kind or "error",
            now=now,
        )
        if streak is None:
            return
        delay = self._delay(feed, streak.consecutive_failures, result)
        next_poll_at = now + timedelta(seconds=delay)
        alerted = streak.admin_alerted
        if now - (streak.failing_since or now) > FAILING_ALERT_AFTER and not alerted:
            alerted = self._alert_failing_feed(session, streak, now)
        polls.retry_after_failure(
            session,
            feed.id,
            next_poll_at=next_poll_at,
            admin_alerted=alerted,
            owner=self.ctx.instance_id,
        )

    def _alert_failing_feed(self, session: Unit, row: FailureCount, now: datetime) -> bool:
        destinations = destinations_for(session, self.ctx.config.routes, "admin", ())
        if self.ctx.config.admin_route:
            destinations.add(self.ctx.config.admin_route)
        if not destinations:
            return False
        since = row.failing_since.strftime("%Y-%m-%d %H:%M UTC") if row.failing_since else "?"
        card = Card(
            id=f"feed-failing-{row.feed_id}-{int((row.failing_since or now).timestamp())}",
            kind=CardKind.ADMIN,
            title=f"Feed {row.name} has been failing since {since}",
            body=f"Last error: {row.last_error}. {row.consecutive_failures} failed polls.",
            link=row.url,
            source=row.name,
            published=now,
        )
        add_card(session, card, uid=None, destinations=destinations)
        return True
