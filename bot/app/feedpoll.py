"""One feed's poll within a sweep (``bot/app/sweep.py``): its body fetched and parsed, which of
its entries are new, and its result held until the sweep writes a batch of them.

A fetch or parse that fails, or a bug while polling one feed, gives the failed
:class:`FetchResult` to record, never an exception. Of the entries not stored yet, the newest
``fetch.max_entries_per_poll`` are judged as new (backlog too on a feed's first poll when older
than ``schedule.first_run_backlog_hours``); the rest of an archive is judged later as backlog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.app.pipeline import Item, entry_is_backlog
from bot.config import BotConfig
from bot.feeds.entry import Entry
from bot.feeds.fetch import FetchResult, Validators
from bot.feeds.items import id_digest, keep, stored_ids
from bot.feeds.parse import ParsedFeed
from bot.news.analysis import Analysis
from bot.store import repo
from bot.store.feeds import FeedRecord
from bot.store.polls import PollSuccess

if TYPE_CHECKING:
    from bot.app.worker import Worker

log = logging.getLogger("bot.app.worker")


@dataclass(eq=False)
class FeedPoll:
    feed: FeedRecord
    result: FetchResult
    parsed: ParsedFeed
    waiting: int = 0  # entries not judged yet
    failures: int = 0  # entries that could not be analysed or judged
    new: bool = False  # some entry was stored
    backlog_entries: int = 0  # entries beyond the per-poll cap
    stored: set[bytes] = field(default_factory=set)  # digests of the ids of entries stored

    def known_items(self) -> bytes | None:
        """The items of the feed's body whose entries are stored, to keep with the feed (see
        ``bot/feeds/items.py``): those of a body read now, else those kept before."""
        if self.result.outcome != "new":
            return self.feed.known_items
        return keep(self.parsed.items, self.stored | stored_ids(self.feed.known_items))


@dataclass(frozen=True, slots=True)
class Pending:
    poll: FeedPoll
    item: Item


Analysing = tuple[FeedPoll, Entry, bool]  # an entry to analyse, its feed's poll, whether backlog

PUSHED = FetchResult(url="", final_url="", outcome="new", body=None, validators=Validators())
"""The result a body pushed by a WebSub hub stands in for (nothing of it is recorded)."""


async def fetch_and_parse(
    worker: Worker, feed: FeedRecord, fetched: Callable[[], None] = lambda: None
) -> FeedPoll | FetchResult:
    """Fetch and parse one feed: its poll, or the failed result to record. ``fetched`` is
    called once the fetch is over, before the body is parsed."""
    validators = Validators(feed.etag, feed.last_modified, feed.content_hash)
    try:
        try:
            result = await worker.fetcher.fetch(
                feed.url,
                validators,
                allow_file=feed.allow_file and feed.origin == "config",
                untrusted=feed.origin == "chat",
            )
        finally:
            fetched()
        if result.outcome == "error":
            return result
        parsed = ParsedFeed()
        if result.outcome == "new" and result.body is not None:
            known = feed.known_items or b""
            parsed = await worker.parse(feed, result.body, result.content_type, known=known)
        if parsed.failure:  # a body that cannot be read (charset, a listing's layout)
            return replace(result, outcome="error", error=parsed.failure, error_kind="parse")
        return FeedPoll(feed, result if result.body is None else replace(result, body=None), parsed)
    except Exception as exc:  # one feed's bug must not stop the others
        log.exception("feed %s: poll failed", feed.name, extra={"feed": feed.name})
        return FetchResult(
            url=feed.url,
            final_url=feed.url,
            outcome="error",
            body=None,
            validators=validators,
            error=f"internal error: {type(exc).__name__}: {exc}",
            error_kind="internal",
        )


def new_entries(
    poll: FeedPoll, seen: Collection[str], config: BotConfig, now: datetime
) -> tuple[list[tuple[Entry, bool]], list[Entry]]:
    """The poll's entries not in ``seen`` (stored uids): the newest ``fetch.max_entries_per_poll``
    to judge now, each with whether it is backlog, and the rest (newest first), to judge later
    as backlog. The ids of the entries stored already are noted in ``poll.stored``."""
    cap = config.fetch.max_entries_per_poll
    backlog_hours = config.schedule.first_run_backlog_hours
    fresh: dict[str, Entry] = {}
    for entry in poll.parsed.entries:
        uid = repo.entry_uid(entry.feed, entry.entry_id)
        if uid in seen:
            poll.stored.add(id_digest(entry.entry_id))
        elif uid not in fresh:
            fresh[uid] = entry
    newest = sorted(fresh.values(), key=lambda e: e.published, reverse=True)
    kept, rest = newest[:cap], newest[cap:]
    first_poll = poll.feed.first_polled_at is None and backlog_hours is not None
    max_age = timedelta(hours=backlog_hours or 0)
    items = [
        (e, entry_is_backlog(e, first_poll=first_poll, now=now, max_age=max_age)) for e in kept
    ]
    return items, rest


async def analyse(
    worker: Worker, polls: list[FeedPoll], entries: list[Entry]
) -> list[Analysis | None]:
    """The entries' analyses (``polls``: each one's feed's poll), each ``None`` when the pool
    could not analyse them."""
    try:
        return await worker.analyse(entries)
    except Exception:
        names = ", ".join(dict.fromkeys(poll.feed.name for poll in polls))
        log.exception("feed %s: entries could not be analysed", names)
        return [None] * len(entries)


async def with_article(
    worker: Worker, poll: FeedPoll, entry: Entry, analysis: Analysis, *, backlog: bool
) -> tuple[Entry, Analysis | None]:
    """The entry and its analysis on the article page's text when the feed's is too short (a
    backlog entry's page is not fetched); ``None`` for the analysis when that failed."""
    try:
        return await worker.full_text.complete(
            entry, analysis, fetch_page=not backlog, untrusted=poll.feed.origin == "chat"
        )
    except Exception:
        log.exception("feed %s: entry %s: article page", entry.feed, entry.entry_id)
        return entry, None


def log_unjudged(poll: FeedPoll, entry: Entry, error: BaseException) -> None:
    log.error(
        "feed %s: entry %s could not be judged: %s",
        poll.feed.name,
        entry.entry_id,
        error,
        exc_info=error,
        extra={"feed": poll.feed.name, "entry": entry.entry_id},
    )


@dataclass
class PollResults:
    """Feeds' poll results not written yet; each :meth:`write` writes those held in one
    transaction (``FeedHealth.record``: one statement for the successes)."""

    worker: Worker
    successes: list[PollSuccess] = field(default_factory=list)
    failures: list[tuple[FeedRecord, FetchResult]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.successes) + len(self.failures)

    def success(self, poll: FeedPoll) -> None:
        """``poll``'s feed was read and its entries judged (``poll.failures``: some were not)."""
        self.successes.append(
            self.worker.feed_health.success(
                poll.feed,
                poll.result,
                poll.parsed,
                new=poll.new,
                complete=not poll.failures,
                backlog_entries=poll.backlog_entries,
                known_items=poll.known_items(),
            )
        )

    def failure(self, feed: FeedRecord, result: FetchResult) -> None:
        self.failures.append((feed, result))

    async def write(self) -> set[int]:
        """Write the results held (a failed write is logged: ``Worker.guarded``); the ids of
        their feeds."""
        successes, self.successes = self.successes, []
        failures, self.failures = self.failures, []
        if successes or failures:
            await self.worker.guarded(
                f"{len(successes) + len(failures)} feeds: their polls could not be recorded",
                self.worker.feed_health.record,
                successes,
                failures,
            )
        return {s.feed_id for s in successes} | {f.id for f, _ in failures}
