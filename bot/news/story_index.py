"""Same-story linking that does not grow with the story window: an inverted index.

:func:`bot.news.cluster.find_story` states the rules and scans every recent member; this index
finds the same member (the earliest one that links, by published time then key) while looking
only at members that *can* link, which it finds through two inverted indexes:

- by claim: (fact, value) → members whose events name that pair. Rules 2 and the confirmation
  case of rule 3 need such a shared pair, or a pair of another stage of the same fact's story;
- by word: content word → members whose title or text (the first 2,000 characters, as stored)
  holds it. A member whose words overlap the entry's at Jaccard ``t`` or more shares at least
  ``a = min{i : i / |A| >= t}`` of the entry's ``|A|`` words, so it holds at least one of *any*
  ``|A| - a + 1`` of them: the entry looks up only its ``|A| - a + 1`` rarest words (shortest
  postings), ``TITLE_SIMILARITY`` for its title words and ``TEXT_SIMILARITY`` for its text.

A member further back than the story window (up to the claims window) can link only through
a shared claimed change, so only the claim index is searched that far. The candidates are
checked in order with :func:`bot.news.cluster.links` (and ``links_from_afar``), exactly as the
scan does; a member that is no candidate cannot link, so the first linked candidate is the
scan's answer.

Posting lists are kept in time order, so the candidates are met earliest first (a merge of the
lists, each entered at the window's start by bisection) and the search stops at the first one
that links: an entry that retells a story costs the members before the story's first, one that
starts a story costs the candidates.

Complexity per entry: ``O(|A| log |A| + C·(w + log k))``, where ``C`` is the number of
candidates looked at (members in the window sharing a claim or one of the entry's rarest
words, up to the first that links), ``k`` the number of lists merged and ``w`` the words of a
member; it does not depend on how many members the window holds, except through members that
share the entry's rarest words or its claims. Adding a member is ``O(w log n)`` (bisection in
its posting lists). It is not flat: members that share one of the entry's rarer words grow with
the window when those words are of middling frequency (measured on text drawn as prose, new
stories: about 1,000 entries/s against 1,000 recent entries, 76/s against 10,000, 21/s against
50,000; the scan: 111/s, 2/s, under 1/s). ``tests/news/test_story_index.py`` holds that the
index answers as the scan does, and many times faster.

Memory: a member keeps its key, time, story, events and word ids (4 bytes a word); members
older than the oldest the caller needs are dropped (:meth:`StoryIndex.drop_before`), and the
posting lists are compacted once as many members were dropped as remain.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial
from operator import attrgetter

from bot.facts.model import Change
from bot.feeds.entry import Entry
from bot.news.cluster import (
    NO_STAGES,
    TEXT_SIMILARITY,
    TITLE_SIMILARITY,
    Event,
    Stages,
    content_words,
    events_of,
    links,
    links_from_afar,
    other_stages,
)

STORED_TEXT_CHARS = 2000  # what the store hands back of a member's text
_order = attrgetter("order")


class Member:
    """One relevant stored entry, as the index keeps it."""

    __slots__ = (
        "entry_id", "events", "key", "live", "order", "published", "story_key", "title", "words"
    )  # fmt: skip

    def __init__(
        self,
        key: str,
        entry_id: str,
        published: datetime,
        story_key: str | None,
        events: frozenset[Event],
        title: array[int],
        words: array[int],
    ) -> None:
        self.key = key
        self.entry_id = entry_id
        self.published = published
        self.story_key = story_key
        self.events = events
        self.title = title
        self.words = words
        self.live = True
        self.order = (published, key)  # the order members are met in: time, then key


def _overlap(words: frozenset[int], size: int, theirs: array[int]) -> float:
    """``cluster.similarity`` of a word set of ``size`` words (of which ``words`` are the ones
    the index knows) and a member's words."""
    if not size or not theirs:
        return 0.0
    shared = sum(1 for word in theirs if word in words)
    return shared / (size + len(theirs) - shared)


def needed(size: int, threshold: float) -> int:
    """The fewest words a set of ``size`` words must share with another to reach
    ``threshold`` (Jaccard): the least ``i`` with ``i / size >= threshold``."""
    return next(i for i in range(size + 1) if i / size >= threshold)


class StoryIndex:
    def __init__(self) -> None:
        self._members: dict[str, Member] = {}
        self._word_ids: dict[str, int] = {}
        self._postings: dict[int, list[Member]] = {}
        self._claims: dict[tuple[str, str], list[Member]] = {}
        self._dropped = 0

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, key: object) -> bool:
        return key in self._members

    def get(self, key: str) -> Member | None:
        return self._members.get(key)

    # --- adding and dropping members ------------------------------------------------------

    def _ids(self, words: Iterable[str]) -> array[int]:
        ids = self._word_ids
        return array("I", sorted({ids.setdefault(w, len(ids)) for w in words}))

    def add(
        self,
        *,
        key: str,
        entry_id: str,
        published: datetime,
        title: str,
        text: str,
        events: frozenset[Event],
        story_key: str | None,
        words: frozenset[str] | None = None,
    ) -> None:
        """Index a stored relevant entry (``text`` as stored: its first 2,000 characters are
        what the same-story check compares; ``words``: their content words when known); a key
        already indexed is left as it is."""
        if key in self._members:
            return
        if words is None:
            words = content_words(f"{title} {text[:STORED_TEXT_CHARS]}")
        member = Member(
            key,
            entry_id,
            published,
            story_key,
            events,
            self._ids(content_words(title)),
            self._ids(words),
        )
        self._members[key] = member
        for word in member.words:
            insort(self._postings.setdefault(word, []), member, key=_order)
        for fact, value, _ in events:
            insort(self._claims.setdefault((fact, value), []), member, key=_order)

    def remove(self, keys: Iterable[str]) -> None:
        """Forget members (those of a batch whose transaction was rolled back)."""
        for key in keys:
            member = self._members.pop(key, None)
            if member is not None:
                member.live = False
                self._dropped += 1
        self._compact_if_needed()

    def drop_before(self, when: datetime) -> int:
        """Forget the members published before ``when``; returns how many."""
        old = [k for k, m in self._members.items() if m.published < when]
        self.remove(old)
        return len(old)

    def _compact_if_needed(self) -> None:
        if self._dropped < max(1000, len(self._members)):
            return
        live = sorted(self._members.values(), key=_order)
        self._postings = {}
        self._claims = {}
        words: set[int] = set()
        for member in live:
            words.update(member.words)
            words.update(member.title)
        names = {i: w for w, i in self._word_ids.items() if i in words}
        renumber = {old: new for new, old in enumerate(sorted(names))}
        self._word_ids = {names[old]: new for old, new in renumber.items()}
        for member in live:
            member.title = array("I", (renumber[w] for w in member.title))
            member.words = array("I", (renumber[w] for w in member.words))
            for word in member.words:
                self._postings.setdefault(word, []).append(member)
            for fact, value, _ in member.events:
                self._claims.setdefault((fact, value), []).append(member)
        self._dropped = 0

    # --- finding a story ------------------------------------------------------------------

    def _known(self, words: frozenset[str]) -> frozenset[int]:
        ids = self._word_ids
        return frozenset(ids[w] for w in words if w in ids)

    def _probes(self, words: frozenset[str], threshold: float) -> list[list[Member]]:
        """The postings of the rarest words of ``words`` that any member reaching
        ``threshold`` must hit (see the module docstring)."""
        if not words:
            return []
        ids = self._word_ids
        lists = sorted((self._postings.get(ids.get(w, -1), []) for w in words), key=len)
        return lists[: len(words) - needed(len(words), threshold) + 1]

    def find(
        self,
        entry: Entry,
        changes: Sequence[Change],
        window: timedelta,
        claims_window: timedelta | None = None,
        stages: Stages = NO_STAGES,
    ) -> str | None:
        """What ``find_story(entry, ..., members, window, claims_window, stages)`` returns
        for the members of this index published up to ``entry.published`` and within reach."""
        mine = events_of(changes)
        title_words = content_words(entry.title)
        text_words = content_words(entry.full_text)
        reach = max(window, claims_window or window)
        until = entry.published
        ranges = [
            _between(self._claims.get(pair, []), until - reach, until)
            for pair in {(fact, value) for fact, value, _ in mine}
        ]
        ranges += [
            _between(self._claims.get(pair, []), until - reach, until)
            for pair in other_stages(mine, stages)
        ]
        probes = self._probes(title_words, TITLE_SIMILARITY)
        probes += self._probes(text_words, TEXT_SIMILARITY)
        ranges += [_between(postings, until - window, until) for postings in probes]
        title_ids, text_ids = self._known(title_words), self._known(text_words)
        last: Member | None = None
        for member in heapq.merge(*ranges, key=_order):  # earliest first, as the scan
            if member is last or not member.live or member.key == entry.key:
                continue
            last = member
            if abs(entry.published - member.published) > window:
                linked = links_from_afar(mine, member.events, stages)
            else:
                linked = links(
                    mine,
                    member.events,
                    partial(_overlap, title_ids, len(title_words), member.title),
                    partial(_overlap, text_ids, len(text_words), member.words),
                    stages,
                )
            if linked:
                return member.story_key or member.key
        return None


def _between(postings: list[Member], since: datetime, until: datetime) -> Iterator[Member]:
    """The members of a posting list (kept in time order) published in [since, until]."""
    for index in range(bisect_left(postings, (since, ""), key=_order), len(postings)):
        member = postings[index]
        if member.published > until:
            return
        yield member
