"""Same-story clustering across outlets.

An entry's *events* are the (fact, value, status) of its judged claims. It belongs to the story
of a recent member (published within ``window`` of it) when, checked in this order:

1. they *conflict* — a fact on which one states a change or report and the other only a
   proposal (a rumour is not the report it echoes), or two different asserted values that are
   not two stages of one story — and then they are never linked, whatever their words;
2. they share a claimed change: the same (fact, value) that one of them changes, corrects or
   reports and the other asserts too (retellings in other words, up to ``claims_window`` apart:
   the order that carries out a deal days later), or that both only propose (one threat or
   rumour, retold); or one of them moves a fact to another *stage* of the story the other
   asserts (the fact's ``story_stages``: the deal that closes the round of talks the other
   reported scheduled or held), also up to ``claims_window`` apart (a round announced days
   ahead);
3. their titles, or their texts, are near-duplicates: the Jaccard overlap of their content
   words (lower-cased, light stemming, stop words dropped; Chinese text counts its character
   pairs, in simplified characters, since it has no spaces) reaches ``TITLE_SIMILARITY`` /
   ``TEXT_SIMILARITY``; or they share only confirmations of a value and their words overlap
   at ``CONFIRMATION_SIMILARITY``.

The earliest such member decides; the story is that member's own story if it had one. Pure
function of its inputs: deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, partial

from bot.facts.model import Change, Fact
from bot.facts.values import value_key
from bot.facts.zh.script import to_simplified
from bot.feeds.entry import Entry
from bot.news.analysis import Analysis

TITLE_SIMILARITY = 0.6
TEXT_SIMILARITY = 0.5
CONFIRMATION_SIMILARITY = 0.2
COPY_SIMILARITY = 0.6  # two texts this close are one source, not two
_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_STOP = frozenset(
    {
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "for", "with", "at", "by",
        "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that",
        "these", "those", "after", "over", "into", "than", "then", "their", "them", "they", "he",
        "she", "his", "her", "says", "said", "will", "would", "could", "new", "more", "most",
        "not", "no", "up", "down", "us", "out", "about", "amid",
    }
)  # fmt: skip
_MOVING = frozenset({"changed", "corrected", "reported"})
_ASSERTED = _MOVING | {"confirmed"}

Event = tuple[str, str, str]  # (fact_id, value_key(value), status)
Stages = frozenset[tuple[str, str, str]]  # (fact_id, earlier stage, later stage) of one story
NO_STAGES: Stages = frozenset()


def stages_of(facts: Iterable[Fact]) -> Stages:
    """Every (fact, earlier, later) pair of the facts' ``story_stages``."""
    return frozenset(
        (fact.id, value_key(earlier), value_key(later))
        for fact in facts
        for i, earlier in enumerate(fact.story_stages)
        for later in fact.story_stages[i + 1 :]
    )


def _staged(fact: str, value: str, other: str, stages: Stages) -> bool:
    return (fact, value, other) in stages or (fact, other, value) in stages


def other_stages(events: frozenset[Event], stages: Stages) -> set[tuple[str, str]]:
    """The (fact, value) pairs of the other stages of the stories ``events`` name."""
    pairs = {(fact, value) for fact, value, _ in events}
    return {
        (fact, other)
        for fact, earlier, later in stages
        for value, other in ((earlier, later), (later, earlier))
        if (fact, value) in pairs
    }


@dataclass(frozen=True)
class StoryMember:
    """A recent entry the store hands back."""

    entry_key: str
    published: datetime
    title: str
    text: str
    events: frozenset[Event]
    story_key: str | None  # the entry it was a duplicate of, if any


def events_of(changes: Sequence[Change]) -> frozenset[Event]:
    """The (fact, value, status) events of an entry's judged claims."""
    return frozenset(
        (c.fact_id, value_key(c.new), c.status.value) for c in changes if c.status.value != "noted"
    )


def stored_events(raw: Iterable[Sequence[str]]) -> frozenset[Event]:
    """Events as stored: [fact, value key, status] (older rows hold [fact, value] pairs of
    confirmations or changes)."""
    events = set()
    for item in raw or ():
        if len(item) >= 3:
            events.add((str(item[0]), str(item[1]), str(item[2])))
        elif len(item) == 2:
            events.add((str(item[0]), value_key(item[1]), "confirmed"))
    return frozenset(events)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1024)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased, lightly stemmed words without stop words (cached: an entry's words are
    wanted to find its story and again to index it, a report's each time an entry is weighed
    against it; a text and its words are about 2.5 KB, so the cache holds a thousand, not
    the whole window: the story index keeps its members' words itself)."""
    words = {_stem(w) for w in set(_WORD.findall(text.lower())) if w not in _STOP and len(w) > 1}
    for run in _CJK_RUN.findall(to_simplified(text)):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(words)


def similarity(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def is_copy(left: str, right: str) -> bool:
    """Whether two texts are one source's words (a syndicated copy), not two sources."""
    return similarity(content_words(left), content_words(right)) >= COPY_SIMILARITY


def _conflict(mine: frozenset[Event], theirs: frozenset[Event], stages: Stages) -> bool:
    for fact, value, status in mine:
        for other_fact, other_value, other_status in theirs:
            if fact != other_fact:
                continue
            classes = {status in _ASSERTED, other_status in _ASSERTED}
            if len(classes) == 2 and (status in _MOVING or other_status in _MOVING):
                return True
            moving = status in _MOVING and other_status in _MOVING
            if moving and value != other_value and not _staged(fact, value, other_value, stages):
                return True
    return False


def _next_stage(mine: frozenset[Event], theirs: frozenset[Event], stages: Stages) -> bool:
    """One of the two moves a fact to another stage of the story the other asserts."""
    for fact, value, status in mine:
        for other_fact, other_value, other_status in theirs:
            if fact != other_fact or value == other_value:
                continue
            moving = status in _MOVING or other_status in _MOVING
            both_asserted = status in _ASSERTED and other_status in _ASSERTED
            if moving and both_asserted and _staged(fact, value, other_value, stages):
                return True
    return False


def _shared_change(mine: frozenset[Event], theirs: frozenset[Event]) -> bool:
    for fact, value, status in mine:
        for other_fact, other_value, other_status in theirs:
            if (fact, value) != (other_fact, other_value):
                continue
            both_asserted = status in _ASSERTED and other_status in _ASSERTED
            if both_asserted and (status in _MOVING or other_status in _MOVING):
                return True
    return False


def _shared_proposal(mine: frozenset[Event], theirs: frozenset[Event]) -> bool:
    """The same threat, plan or rumour retold."""
    pairs = {(f, v) for f, v, s in mine if s == "proposed"}
    return any((f, v) in pairs for f, v, s in theirs if s == "proposed")


def _shared_confirmation(mine: frozenset[Event], theirs: frozenset[Event]) -> bool:
    pairs = {(f, v) for f, v, s in mine if s in _ASSERTED}
    return any((f, v) in pairs for f, v, s in theirs if s in _ASSERTED)


def links(
    mine: frozenset[Event],
    theirs: frozenset[Event],
    title_overlap: Callable[[], float],
    text_overlap: Callable[[], float],
    stages: Stages = NO_STAGES,
) -> bool:
    """Whether an entry with events ``mine`` joins the story of a member with events
    ``theirs`` (rules 1 to 3 of the module docstring); the overlaps are those of their title
    words and of their text words (see :func:`similarity`), computed only when needed."""
    if _conflict(mine, theirs, stages):
        return False
    if _shared_change(mine, theirs) or _shared_proposal(mine, theirs):
        return True
    if _next_stage(mine, theirs, stages):
        return True
    if title_overlap() >= TITLE_SIMILARITY:
        return True
    overlap = text_overlap()
    return overlap >= TEXT_SIMILARITY or (
        _shared_confirmation(mine, theirs) and overlap >= CONFIRMATION_SIMILARITY
    )


def links_from_afar(
    mine: frozenset[Event], theirs: frozenset[Event], stages: Stages = NO_STAGES
) -> bool:
    """Whether an entry joins the story of a member published further away than the story
    window but within the claims window: only through a shared claimed change or another
    stage of the story."""
    if _conflict(mine, theirs, stages):
        return False
    return _shared_change(mine, theirs) or _next_stage(mine, theirs, stages)


def find_story(
    entry: Entry,
    analysis: Analysis,
    changes: Sequence[Change],
    recent: Sequence[StoryMember],
    window: timedelta,
    claims_window: timedelta | None = None,
    stages: Stages = NO_STAGES,
) -> str | None:
    """The entry key of the first member of the same story, or None for a new story.

    ``window`` bounds every link; a shared claimed change may link further back, up to
    ``claims_window`` (an order carrying out a deal days after the deal was announced);
    ``stages``: the catalogue's story stages (:func:`stages_of`).
    This scans every member given: it is the reference the story index of
    ``bot/news/story_index.py`` is tested against, which finds the same member without it."""
    del analysis  # part of the contract; the rules above need only the entry and its changes
    mine = events_of(changes)
    title_words = content_words(entry.title)
    text_words = content_words(entry.full_text)
    reach = max(window, claims_window or window)
    members = sorted(
        (
            m
            for m in recent
            if abs(entry.published - m.published) <= reach and m.entry_key != entry.key
        ),
        key=lambda m: (m.published, m.entry_key),
    )
    for member in members:
        if abs(entry.published - member.published) > window:
            linked = links_from_afar(mine, member.events, stages)
        else:
            words = content_words(f"{member.title} {member.text}")
            linked = links(
                mine,
                member.events,
                partial(_similarity_to, title_words, member.title),
                partial(similarity, text_words, words),
                stages,
            )
        if linked:
            return member.story_key or member.entry_key
    return None


def _similarity_to(words: frozenset[str], title: str) -> float:
    return similarity(words, content_words(title))
