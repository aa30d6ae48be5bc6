"""Which due feeds a sweep claims next, and when.

A sweep over every feed (``ignore_schedule``) walks the feeds by id, a page after the last one
claimed, until a page comes back short; a scheduled sweep claims the feeds that have come due,
once a second (``CLAIM_EVERY``) while it runs, leaving out those it holds already (claimed, their
poll result not written yet), so that a feed's next poll never waits for the end of a slow one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.store.feeds import FeedRecord

CLAIM_EVERY = 1.0  # seconds between claims while a scheduled sweep runs

# Lease up to ``limit`` feeds: those after ``after_id`` by id, or (``None``) the due ones not in
# the excluded ids (``Worker.claim``).
ClaimFeeds = Callable[[int, int | None, list[int]], list[FeedRecord]]


@dataclass
class Claims:
    """A sweep's claiming: its cursor over every feed, its pace, and the feeds it holds."""

    claim_feeds: ClaimFeeds
    ignore_schedule: bool = False
    exhausted: bool = False  # no feed is left to claim (for now, in a scheduled sweep)
    active: set[int] = field(default_factory=set)  # claimed, result not written yet
    _after_id: int = 0
    _claimed_at: float = 0.0

    def may_claim(self, capacity: int, total: int) -> bool:
        """Whether to claim now, with room for ``capacity`` more feeds and ``total``
        connections: a sweep over every feed claims page after page, each of half the
        connections at least; a scheduled one once ``CLAIM_EVERY`` seconds."""
        if capacity <= 0:
            return False
        if self.ignore_schedule:
            return not self.exhausted and capacity >= max(1, total // 2)
        return time.monotonic() - self._claimed_at >= CLAIM_EVERY

    async def claim(self, limit: int) -> list[FeedRecord]:
        """Lease up to ``limit`` more feeds (in a thread: the store is not the event loop's)."""
        self._claimed_at = time.monotonic()
        exclude = [] if self.ignore_schedule else sorted(self.active)  # none past _after_id
        after = self._after_id if self.ignore_schedule else None
        feeds = await asyncio.to_thread(self.claim_feeds, limit, after, exclude)
        if self.ignore_schedule:
            self._after_id = max([self._after_id, *(f.id for f in feeds)])
            self.exhausted = len(feeds) < limit
        else:
            self.exhausted = not feeds
        self.active.update(feed.id for feed in feeds)
        return feeds

    def released(self, feed_ids: Iterable[int]) -> None:
        """These feeds' poll results are written: a scheduled claim may take them again."""
        self.active.difference_update(feed_ids)
