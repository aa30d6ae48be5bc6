"""One sweep over the due feeds, as a stream: no feed waits for another.

Feeds are claimed a page at a time (one transaction, one UPDATE) and fetched concurrently as the
fetcher has connections for them (``bot/app/fetchslots.py``); each body is parsed as soon as it
arrives (in the pool's worker processes), its entries not stored yet are found in bulk and analysed
in the pool (those of the feeds looked up together in the same jobs: a round trip costs more than a
304). Ready entries are judged together in published order, a batch per transaction
(``bot/app/pipeline.py``), once every feed claimed so far is ready, or once they have waited
``GATHER_SECONDS`` for the slower ones, or once ``GATHER_ENTRIES`` are ready: the entries of the
feeds polled together are judged in published order across feeds (the first report of a change is
the one credited with it), and a slow feed holds the others back a second at most. A feed's poll
result is written once its last entry is judged, with the other feeds' results in batches (one
transaction, one statement: an unchanged feed costs one row). The coordinator never waits for the
store: a claim, a look-up of the entries seen, a batch judged and a batch of results written are
each a step of their own (``bot/app/steps.py``: one of each kind at a time), so fetches go on
meanwhile; a feed not modified (or without entries) is done without a look-up.

Fairness. At most ``fetch.max_entries_per_poll`` entries of a feed, its newest, are judged as
new; the rest of an archive is judged as backlog (stored and judged for the facts' history,
without alerts), a batch at a time and only while no other feed's entries wait, oldest first. A
huge body is parsed in its own worker process. While a sweep runs, due feeds keep being claimed
(once a second, ``bot/app/claims.py``), so a feed's next poll never waits for the end of a slow
one. Fetched entries waiting to be judged are capped (``MAX_WAITING``): claiming pauses until
they are judged.

The entries of a feed that could not be analysed or judged leave its validators unchanged, so
that the next poll reads them again; a database that cannot be written stops the judging for
the rest of the sweep (what was not stored is judged at the next poll).

One feed's fetch, parse and choice of new entries are in ``bot/app/feedpoll.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.app.claims import Claims
from bot.app.feedpoll import (
    PUSHED,
    Analysing,
    FeedPoll,
    Pending,
    PollResults,
    analyse,
    fetch_and_parse,
    log_unjudged,
    new_entries,
    with_article,
)
from bot.app.fetchslots import FetchSlots
from bot.app.heap import TrimSchedule, trim_heap
from bot.app.pipeline import Failed, Item
from bot.app.steps import Steps
from bot.feeds.entry import Entry
from bot.feeds.items import id_digest
from bot.feeds.parse import ParsedFeed
from bot.news.analysis import Analysis
from bot.store import repo
from bot.store.db import StoreError
from bot.store.feeds import FeedRecord

if TYPE_CHECKING:
    from bot.app.worker import CycleStats, Worker

JUDGE_BATCH = 256  # entries per transaction
RECORD_BATCH = 500  # poll results per transaction
ANALYSIS_CHUNK = 64  # entries per job sent to an analysis worker
MAX_WAITING = 4000  # fetched entries waiting to be judged before claiming pauses
GATHER_SECONDS = 1.0  # how long ready entries wait for the feeds still in flight
GATHER_ENTRIES = 2000  # ready entries judged without waiting any longer
TICK = 0.25  # seconds between looks when nothing else wakes the coordinator


@dataclass
class Sweep:
    worker: Worker
    stats: CycleStats
    ignore_schedule: bool = False
    on_feed: Callable[[int], None] = lambda _n: None
    _claims: Claims = field(init=False)
    _fetching: int = 0  # claimed feeds not fetched and parsed yet (started or not)
    _slots: FetchSlots = field(init=False)  # claimed feeds waiting for a connection
    _parsed: list[FeedPoll] = field(default_factory=list)
    _analysing: int = 0  # analysis jobs in flight (new entries)
    _analysing_backlog: int = 0  # analysis jobs in flight (an archive's older entries)
    _ready: list[Pending] = field(default_factory=list)
    _ready_since: float = 0.0
    _leftovers: list[tuple[FeedPoll, Entry]] = field(default_factory=list)
    _waiting: int = 0  # entries parsed and not judged yet (leftovers aside)
    _broken: bool = False  # the database refused a write: judging stops for this sweep
    _steps: Steps = field(default_factory=lambda: Steps(TICK))
    _results: PollResults = field(init=False)  # poll results not written yet
    _trims: TrimSchedule = field(default_factory=lambda: TrimSchedule(least=JUDGE_BATCH))

    def __post_init__(self) -> None:
        self._results = PollResults(self.worker)
        self._claims = Claims(self.worker.claim, self.ignore_schedule)
        fetch = self.worker.ctx.config.fetch
        self._slots = FetchSlots(
            fetch.concurrency,
            fetch.per_host_concurrency,
            lambda feed, fetched: self._steps.spawn(self._fetch(feed, fetched)),
        )

    # --- the coordinator ------------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self._run()
        finally:
            self._steps.cancel()

    async def _run(self) -> None:
        while True:
            if self._steps.error is not None:
                raise self._steps.error
            if self._may_claim():
                self._steps.start("claim", self._claim())
            if self._parsed and "triage" not in self._steps.running:
                self._steps.start("triage", self._triage())
            if "judge" not in self._steps.running and self._judge_now():
                self._steps.start("judge", self._judge())
            if "record" not in self._steps.running and self._should_record():
                self._steps.start("record", self._record())
            if "trim" not in self._steps.running and self._trims.due():
                self._steps.start("trim", asyncio.to_thread(trim_heap))
            if self._idle():
                if not self._claims.exhausted:
                    await self._claim()  # one more look before ending
                if self._claims.exhausted and self._idle():
                    break
                continue
            await self._steps.wait()
        await self._record()

    def _idle(self) -> bool:
        busy = (self._steps.running, self._fetching, self._parsed, self._analysing)
        waiting = (self._analysing_backlog, self._ready, self._leftovers, self._waiting)
        return not any(busy + waiting)

    def _judge_now(self) -> bool:
        """Whether to judge the ready entries now (see the module docstring); when nothing
        new is on its way, an archive's older entries are sent to be analysed."""
        if not self._ready:
            self._take_leftovers()
            return False
        if not (
            self._fetching or self._parsed or "triage" in self._steps.running or self._analysing
        ):
            return True
        if len(self._ready) >= GATHER_ENTRIES:
            return True
        return time.monotonic() - self._ready_since >= GATHER_SECONDS

    # --- claiming and fetching -------------------------------------------------------------

    def _capacity(self) -> int:
        return self._slots.total * 2 - self._fetching

    def _may_claim(self) -> bool:
        if "claim" in self._steps.running or self._waiting >= MAX_WAITING:
            return False
        return self._claims.may_claim(self._capacity(), self._slots.total)

    async def _claim(self) -> bool:
        feeds = await self._claims.claim(max(1, self._capacity()))
        self._fetching += len(feeds)
        self._slots.add(feeds)  # started as the fetcher has connections for them
        self.stats.feeds += len(feeds)
        return bool(feeds)

    async def _fetch(self, feed: FeedRecord, fetched: Callable[[], None]) -> None:
        """Fetch and parse one feed (``fetched``: its connection may serve another feed); a
        failure is recorded with the sweep's results."""
        try:
            polled = await fetch_and_parse(self.worker, feed, fetched)
            if isinstance(polled, FeedPoll):
                self._parsed.append(polled)
            else:  # recorded with the sweep's results
                self.stats.failed_feeds += 1
                self._results.failure(feed, polled)
                self.on_feed(1)
        finally:
            fetched()
            self._fetching -= 1
            self._steps.wake()

    # --- which entries are new -------------------------------------------------------------

    async def _triage(self) -> bool:
        polls, self._parsed = self._parsed, []
        for poll in polls:
            if not poll.parsed.entries:  # not modified, or empty: done without a look-up
                self._done(poll)
        polls = [poll for poll in polls if poll.parsed.entries]
        if not polls:
            return True
        uids = [repo.entry_uid(e.feed, e.entry_id) for p in polls for e in p.parsed.entries]
        try:
            seen = await asyncio.to_thread(self.worker.seen, uids)
        except StoreError as exc:
            self.worker.storage_failed(exc, f"{len(polls)} feeds left for the next poll")
            for poll in polls:
                poll.failures += 1
                self._done(poll)
            return True
        now = repo.utcnow()
        batch: list[Analysing] = []  # the new entries of all these feeds, analysed together
        for poll in polls:
            items, rest = new_entries(poll, seen, self.worker.ctx.config, now)
            poll.waiting = len(items) + len(rest)
            poll.backlog_entries = len(rest)
            self._waiting += len(items)
            self._leftovers += [(poll, e) for e in rest]
            if not poll.waiting:
                self._done(poll)
            batch += [(poll, entry, backlog) for entry, backlog in items]
        self._send(batch)
        if self._leftovers:
            self._leftovers.sort(key=lambda pair: pair[1].published)
        return True

    def _take_leftovers(self) -> None:
        """When no other feed's entries are on their way, send a batch of an archive's older
        entries to be analysed (as backlog)."""
        busy = self._fetching or self._parsed or self._analysing or self._analysing_backlog
        busy = busy or "triage" in self._steps.running
        if busy or not self._leftovers:
            return
        batch, self._leftovers = self._leftovers[:JUDGE_BATCH], self._leftovers[JUDGE_BATCH:]
        self._waiting += len(batch)
        self._send([(poll, entry, True) for poll, entry in batch], backlog_lane=True)

    def _send(self, items: list[Analysing], *, backlog_lane: bool = False) -> None:
        """Entries (of one feed or several) to the analysis, ``ANALYSIS_CHUNK`` a job."""
        for start in range(0, len(items), ANALYSIS_CHUNK):
            self._analysing_backlog += backlog_lane
            self._analysing += not backlog_lane
            chunk = items[start : start + ANALYSIS_CHUNK]
            self._steps.spawn(self._analyse(chunk, backlog_lane=backlog_lane))

    async def _analyse(self, items: list[Analysing], *, backlog_lane: bool) -> None:
        try:
            worker, polls, entries = self.worker, [p for p, _, _ in items], [e for _, e, _ in items]
            analyses = await analyse(worker, polls, entries)
            pages: dict[FeedPoll, list[tuple[Entry, Analysis, bool]]] = {}
            for (poll, entry, backlog), analysis in zip(items, analyses, strict=True):
                if analysis is not None and worker.full_text.wants_page(
                    entry, analysis, fetch_page=not backlog
                ):
                    pages.setdefault(poll, []).append((entry, analysis, backlog))
                else:
                    self._analysed(poll, entry, analysis, backlog)
            # the article pages wanted: each feed's in turn, the feeds side by side
            await asyncio.gather(*(self._with_pages(p, todo) for p, todo in pages.items()))
        finally:
            self._analysing_backlog -= backlog_lane
            self._analysing -= not backlog_lane
            self._steps.wake()

    async def _with_pages(self, poll: FeedPoll, todo: list[tuple[Entry, Analysis, bool]]) -> None:
        for entry, analysis, backlog in todo:
            done = await with_article(self.worker, poll, entry, analysis, backlog=backlog)
            self._analysed(poll, *done, backlog)

    def _analysed(
        self, poll: FeedPoll, entry: Entry, analysis: Analysis | None, backlog: bool
    ) -> None:
        if analysis is None:
            self._unjudged(poll)
            return
        if not self._ready:
            self._ready_since = time.monotonic()
        self._ready.append(Pending(poll, Item(entry, analysis, backlog)))

    # --- judging -----------------------------------------------------------------------------

    async def _judge(self) -> bool:
        self._ready.sort(key=lambda p: (p.item.entry.published, p.item.entry.feed,
                                        p.item.entry.entry_id))  # fmt: skip
        take, self._ready = self._ready[:JUDGE_BATCH], self._ready[JUDGE_BATCH:]
        self._ready_since = time.monotonic()
        if self._broken:
            for pending in take:
                self._unjudged(pending.poll)
            return True
        try:
            judged = await asyncio.to_thread(
                self.worker.pipeline.process_batch, [p.item for p in take]
            )
        except StoreError as exc:
            # the database cannot be written: the rest of the sweep waits for the next poll
            # (its feeds keep their old validators, so nothing is lost)
            self._broken = True
            left = len(take) + len(self._ready) + self._waiting - len(take)
            self.worker.storage_failed(exc, f"{left} entries left for the next poll")
            for pending in take:
                self._unjudged(pending.poll)
            return True
        self._trims.judged(len(take))
        for pending, outcome in zip(take, judged, strict=True):
            poll = pending.poll
            if isinstance(outcome, Failed):
                log_unjudged(poll, pending.item.entry, outcome.error)
                self._unjudged(poll)
                continue
            if outcome is not None:
                self.worker.count(outcome)
                self.stats.add(outcome)
                poll.new = True
            poll.stored.add(id_digest(pending.item.entry.entry_id))
            self._judged(poll)
        return True

    def _judged(self, poll: FeedPoll) -> None:
        self._waiting -= 1
        poll.waiting -= 1
        if poll.waiting == 0:
            self._done(poll)

    def _unjudged(self, poll: FeedPoll) -> None:
        poll.failures += 1
        self._judged(poll)

    # --- poll results ------------------------------------------------------------------------

    def _done(self, poll: FeedPoll) -> None:
        self._results.success(poll)
        self.on_feed(1)

    def _should_record(self) -> bool:
        pending = len(self._results)
        quiet = not (self._ready or self._parsed or "triage" in self._steps.running)
        return pending >= RECORD_BATCH or (pending > 0 and quiet)

    async def _record(self) -> None:
        self._claims.released(await self._results.write())

    # --- a body pushed by a WebSub hub ----------------------------------------------------

    async def judge_pushed(self, *pushed: tuple[FeedRecord, ParsedFeed]) -> None:
        """Judge the new entries of bodies pushed (together: a look-up of the entries seen, the
        analysis in jobs of ``ANALYSIS_CHUNK``), each of a feed; the feeds' poll schedules are
        left as they are: nothing is recorded of them."""
        self._parsed += [FeedPoll(feed, PUSHED, parsed) for feed, parsed in pushed]
        await self._triage()
        while not self._idle():
            if self._judge_now():
                await self._judge()
            else:
                await self._steps.wait()
        self._results.successes = []
