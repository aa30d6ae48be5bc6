"""Same-story linking that does not grow with the story window: an inverted index.

:func:`bot.news.cluster.find_story` states the rules and scans every recent member; this index
finds the same member (the earliest one that links, by published time then key) while looking
only at members that *can* link, which it finds through two inverted indexes:

- by claim: (fact, value) → members whose events name that pair. Rules 2 and the confirmation
  case of rule 3 need such a shared pair, or a pair of another stage of the same fact's story;
- by word: content word → members listed under it. A member is listed only under the words of
  its prefixes, about half its words, and an entry looks up only the lists of its own prefixes'
  words: any member whose title or text reaches ``TITLE_SIMILARITY`` or ``TEXT_SIMILARITY``
  with the entry's shares one of them (prefix filtering, ``bot/news/prefixes.py``, in one fixed
  order of the word ids, which compacting keeps).

A member further back than the story window (up to the claims window) can link only through
a shared claimed change, so only the claim index is searched that far. The candidates are
checked in order with :func:`bot.news.cluster.links` (and ``links_from_afar``), exactly as the
scan does; a member that is no candidate cannot link, so the first linked candidate is the
scan's answer.

Posting lists are kept in time order, so the candidates are met earliest first (a merge of the
lists, each entered at the window's start by bisection) and the search stops at the first one
that links. It is done in two passes: first the few lists of the claims and of the title's
prefix, which give the earliest member ``F`` that links through them; then the text's prefix
(about half its words at ``TEXT_SIMILARITY``), only for the members before ``F``. An entry that
retells a story costs the candidates before the story's earliest member in the window, one
that starts a story costs its candidates.

Complexity per entry: ``O(|A| log |A| + p log n + C·w)``, where ``p`` is the number of lists
probed, ``n`` the longest list, ``C`` the number of candidates looked at (members in the window
sharing a claim or a word of the entry's prefixes, up to the first that links) and ``w`` the
words of a member; it does not depend on how many members the window holds, except through
members that share the words of its prefixes or its claims (``tests/news/test_story_index.py``
holds that the index answers as the scan does, many times faster, and that its rate with
50,000 recent entries stays close to its rate with 1,000 when what it meets is the same).
Adding a member is ``O(w log n)`` (``bot/news/postings.py``).

Memory (a first sweep of 10,000 feeds indexes about 100,000 entries): a member is a slot in
columns, not an object: its key, time (microseconds, 8 bytes), story key (shared with its
root's), word ids (4 bytes a word, title and text in one array), and 4 bytes in each posting
list it is in; events and entry ids are kept only for members that have events or are a
story's root. Members older than the oldest the caller needs are dropped
(:meth:`StoryIndex.drop_before`), and the columns and postings are compacted once as many
members were dropped as remain.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

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
from bot.news.postings import Posting, between, insert
from bot.news.prefixes import indexed, looked_up, overlap

STORED_TEXT_CHARS = 2000  # what the store hands back of a member's text
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_NO_EVENTS: frozenset[Event] = frozenset()


def micros(when: datetime) -> int:
    """``when`` in microseconds since 1970 (a naive time is UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _EPOCH) // _MICROSECOND


class StoryIndex:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._slot: dict[str, int] = {}  # key -> slot, live members only
        self._keys: list[str] = []
        self._time = array("q")
        self._live = bytearray()
        self._story: list[str | None] = []
        self._words: list[array[int] | None] = []  # title ids, then text ids
        self._title_len = array("H")
        self._events: dict[int, frozenset[Event]] = {}
        self._entry_ids: dict[int, str] = {}  # of the members that are a story's root
        self._word_ids: dict[str, int] = {}
        self._postings: dict[int, Posting] = {}
        self._claims: dict[tuple[str, str], Posting] = {}
        self._dropped = 0

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, key: object) -> bool:
        return key in self._slot

    def entry_id(self, key: str) -> str | None:
        """The entry id of an indexed story root (``None`` for other members, and keys the
        index does not hold)."""
        slot = self._slot.get(key)
        return None if slot is None else self._entry_ids.get(slot)

    def _order(self, slot: int) -> tuple[int, str]:
        return self._time[slot], self._keys[slot]

    # --- adding and dropping members ------------------------------------------------------

    def _ids(self, words: Iterable[str]) -> list[int]:
        ids = self._word_ids
        return sorted({ids.setdefault(w, len(ids)) for w in words})

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
        if key in self._slot:
            return
        if words is None:
            words = content_words(f"{title} {text[:STORED_TEXT_CHARS]}")
        title_ids, text_ids = self._ids(content_words(title)), self._ids(words)
        slot = len(self._keys)
        root = self._slot.get(story_key) if story_key is not None else None
        self._slot[key] = slot
        self._keys.append(key)
        self._time.append(micros(published))
        self._live.append(1)
        self._story.append(self._keys[root] if root is not None else story_key)
        self._words.append(array("I", title_ids + text_ids))
        self._title_len.append(min(len(title_ids), 0xFFFF))
        if events:
            self._events[slot] = events
        if story_key is None:
            self._entry_ids[slot] = entry_id
        for word in indexed(title_ids, text_ids):
            insert(self._postings, word, slot, self._time, self._keys)
        for fact, value, _ in events:
            insert(self._claims, (fact, value), slot, self._time, self._keys)

    def remove(self, keys: Iterable[str]) -> None:
        """Forget members (those of a batch whose transaction was rolled back)."""
        for key in keys:
            slot = self._slot.pop(key, None)
            if slot is not None:
                self._live[slot] = 0
                self._words[slot] = None
                self._events.pop(slot, None)
                self._entry_ids.pop(slot, None)
                self._dropped += 1
        self._compact_if_needed()

    def drop_before(self, when: datetime) -> int:
        """Forget the members published before ``when``; returns how many."""
        limit, times = micros(when), self._time
        old = [k for k, slot in self._slot.items() if times[slot] < limit]
        self.remove(old)
        return len(old)

    def _compact_if_needed(self) -> None:
        if self._dropped < max(1000, len(self._slot)):
            return
        live = sorted(self._slot.values(), key=self._order)
        kept: set[int] = set()
        for slot in live:
            kept.update(self._words[slot] or ())
        names = {i: w for w, i in self._word_ids.items() if i in kept}
        renumber = {old: new for new, old in enumerate(sorted(names))}
        old = (self._keys, self._time, self._story, self._words, self._title_len)
        events, entry_ids = self._events, self._entry_ids
        self._reset()
        self._word_ids = {names[o]: n for o, n in renumber.items()}
        keys, times, story, words, title_len = old
        for new, slot in enumerate(live):
            self._slot[keys[slot]] = new
            self._keys.append(keys[slot])
            self._time.append(times[slot])
            self._live.append(1)
            self._story.append(story[slot])
            member_words = array("I", (renumber[w] for w in words[slot] or ()))
            self._words.append(member_words)
            self._title_len.append(title_len[slot])
            if slot in events:
                self._events[new] = events[slot]
            if slot in entry_ids:
                self._entry_ids[new] = entry_ids[slot]
            cut = title_len[slot]
            for word in indexed(member_words[:cut], member_words[cut:]):
                insert(self._postings, word, new, self._time, self._keys)
            for fact, value, _ in self._events.get(new, ()):
                insert(self._claims, (fact, value), new, self._time, self._keys)

    # --- finding a story ------------------------------------------------------------------

    def _known(self, words: frozenset[str]) -> frozenset[int]:
        ids = self._word_ids
        return frozenset(ids[w] for w in words if w in ids)

    def _probes(self, words: frozenset[str], threshold: float) -> list[Posting]:
        """The postings of the prefix of ``words`` that any member reaching ``threshold`` must
        share with its own indexed prefix (``bot/news/prefixes.py``)."""
        postings = self._postings
        first = looked_up(words, self._word_ids, threshold)
        return [posting for word in first if (posting := postings.get(word))]

    def _first(
        self,
        ranges: list[Iterator[int]],
        linked: Callable[[int], bool],
        looked: set[int],
        before: int | None,
    ) -> int | None:
        """The earliest slot of ``ranges`` (before ``before``'s, if given) that links;
        ``looked``: the slots looked at already (those are skipped, then added). The lists are
        merged by time; of members published at the same time the one of lowest key wins."""
        times, keys, live = self._time, self._keys, self._live
        bound = (times[before], keys[before]) if before is not None else None
        found: int | None = None
        for slot in heapq.merge(*ranges, key=times.__getitem__):  # earliest first
            when = times[slot]
            if found is not None and when != times[found]:
                break
            if slot in looked or not live[slot]:
                continue
            if bound is not None and (when, keys[slot]) >= bound:
                if when > bound[0]:
                    break
                continue
            looked.add(slot)
            if (found is None or keys[slot] < keys[found]) and linked(slot):
                found = slot
        return found

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
        until = micros(entry.published)
        far, near = until - reach // _MICROSECOND, until - window // _MICROSECOND
        pairs = {(fact, value) for fact, value, _ in mine} | other_stages(mine, stages)
        claims = [self._claims.get(pair) for pair in pairs]
        times = self._time
        cheap = [between(p, far, until, times) for p in claims if p]
        title_probes = self._probes(title_words, TITLE_SIMILARITY)
        cheap += [between(p, near, until, times) for p in title_probes]
        check = partial(
            self._links,
            entry.key,
            until - near,
            mine,
            (self._known(title_words), len(title_words)),
            (self._known(text_words), len(text_words)),
            stages,
            until,
        )
        looked: set[int] = set()
        first = self._first(cheap, check, looked, None)
        costly = [between(p, near, until, times) for p in self._probes(text_words, TEXT_SIMILARITY)]
        earlier = self._first(costly, check, looked, first)
        found = earlier if earlier is not None else first
        if found is None:
            return None
        return self._story[found] or self._keys[found]

    def _links(
        self,
        key: str,
        window: int,
        mine: frozenset[Event],
        title: tuple[frozenset[int], int],
        text: tuple[frozenset[int], int],
        stages: Stages,
        until: int,
        slot: int,
    ) -> bool:
        if self._keys[slot] == key:
            return False
        events = self._events.get(slot, _NO_EVENTS)
        if until - self._time[slot] > window:
            return links_from_afar(mine, events, stages)
        words = self._words[slot]
        assert words is not None  # a live member's
        cut = self._title_len[slot]
        return links(
            mine,
            events,
            partial(overlap, title[0], title[1], words[:cut]),
            partial(overlap, text[0], text[1], words[cut:]),
            stages,
        )
