"""The story index (``bot/news/story_index.py``) kept in step with the store.

At the start of each batch transaction the index reads the relevant entries stored since it
last looked (by other replicas, or by the one-shot commands) and, when the batch holds an entry
older than what it covers, the span of time it lacks; it then holds every relevant stored entry
published since :attr:`StoryWindow.since`. The entries the batch stores are added as they are
judged (a later entry of the batch joins their stories) and forgotten again if the batch's
transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.facts.model import Change
from bot.feeds.entry import Entry
from bot.news.cluster import NO_STAGES, Stages, content_words, stored_events
from bot.news.story_index import STORED_TEXT_CHARS, StoryIndex
from bot.store import stories
from bot.store.db import Unit
from bot.store.stories import StoryRow

FAR_FUTURE = datetime(9000, 1, 1, tzinfo=UTC)
SOFT_CAP = 60_000  # members; beyond it, those older than the batch needs are dropped


class StoryWindow:
    def __init__(
        self,
        window: timedelta,
        claims_window: timedelta | None = None,
        soft_cap: int = SOFT_CAP,
        stages: Stages = NO_STAGES,
    ) -> None:
        self.window = window
        self.claims_window = claims_window
        self.stages = stages  # the catalogue's story stages (``bot.news.cluster.stages_of``)
        self.reach = max(window, claims_window or window)  # how far back a member may be
        self.index = StoryIndex()
        self.since: datetime | None = None  # the index holds every relevant entry since then
        self._last_id = 0  # the highest entry id read
        self._soft_cap = soft_cap
        self._pending: list[str] = []
        self._oldest = FAR_FUTURE  # no member is published before this (a lower bound)

    def _add(self, row: StoryRow) -> None:
        self._oldest = min(self._oldest, row.published)
        self.index.add(
            key=row.uid,
            entry_id=row.entry_id,
            published=row.published,
            title=row.title,
            text=row.text,
            events=stored_events(row.events or []),
            story_key=row.duplicate_of,
        )

    def begin(self, session: Unit, earliest: datetime) -> None:
        """Bring the index up to date for a batch whose first entry is published at
        ``earliest`` (called inside the batch's transaction)."""
        self._pending = []
        needed = earliest - self.reach
        if self.since is None:
            self._last_id = stories.last_entry_id(session)
            for row in stories.relevant_between(session, needed, FAR_FUTURE, self._last_id):
                self._add(row)
            self.since = needed
            return
        rows, self._last_id = stories.relevant_after(session, self._last_id, self.index)
        for row in rows:
            if row.published >= self.since:
                self._add(row)
        if len(self.index) > self._soft_cap and needed > self.since:
            # members older than the batch needs are dropped; when there is none, no relevant
            # entry is stored between ``since`` and ``needed`` (the index would hold it), so
            # ``since`` stays where it is: a later batch reaching further back then reads no
            # span again (a first sweep past the cap read one a batch, scanning the entries)
            if self._oldest < needed and self.index.drop_before(needed):
                self.since = needed
            self._oldest = max(self._oldest, needed)
        if needed < self.since:
            for row in stories.relevant_between(session, needed, self.since, self._last_id):
                self._add(row)
            self.since = needed

    def load(self, session: Unit, now: datetime) -> None:
        """Read the window up to ``now`` before any batch needs it (at start-up: a restarted
        worker's first batch then costs what any other does); nothing if already read."""
        if self.since is not None:
            return
        try:
            self.begin(session, now)
        except BaseException:
            self.reset()
            raise
        self.commit()

    def find(self, entry: Entry, changes: Sequence[Change]) -> str | None:
        return self.index.find(entry, changes, self.window, self.claims_window, self.stages)

    def entry_id(self, uid: str) -> str | None:
        """The entry id of an indexed story root, if the index holds it."""
        return self.index.entry_id(uid)

    def add(self, entry: Entry, uid: str, events: list[list[str]], story_uid: str | None) -> None:
        """Index an entry the batch stores (relevant ones only)."""
        whole = len(entry.text) <= STORED_TEXT_CHARS  # its words are those of its full text
        self._oldest = min(self._oldest, entry.published)
        self.index.add(
            key=uid,
            entry_id=entry.entry_id,
            published=entry.published,
            title=entry.title,
            text=entry.text,
            events=stored_events(events),
            story_key=story_uid,
            words=content_words(entry.full_text) if whole else None,
        )
        self._pending.append(uid)

    def commit(self) -> None:
        self._pending = []

    def rollback(self) -> None:
        """The batch's transaction was rolled back: forget what it added."""
        self.index.remove(self._pending)
        self._pending = []

    def reset(self) -> None:
        """Forget everything (the store may have changed in ways the index cannot follow)."""
        self.index = StoryIndex()
        self.since = None
        self._last_id = 0
        self._pending = []
        self._oldest = FAR_FUTURE
