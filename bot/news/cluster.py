"""Same-story clustering across outlets.

An entry belongs to the story of a recent member (published within ``window`` of it) when

- their titles, or their texts, are near-duplicates: the Jaccard overlap of their content words
  (lower-cased, light stemming, stop words dropped) reaches ``TITLE_SIMILARITY`` /
  ``TEXT_SIMILARITY``; or
- the entry confirms a fact value the member changed or confirmed (its ``events``).

The earliest such member decides; the story is that member's own story if it had one. Pure
function of its inputs: deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.facts.model import Change, ChangeStatus, FactValue
from bot.feeds.entry import Entry
from bot.news.analysis import Analysis

TITLE_SIMILARITY = 0.6
TEXT_SIMILARITY = 0.5
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    {
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "for", "with", "at", "by",
        "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that",
        "these", "those", "after", "over", "into", "than", "then", "their", "them", "they", "he",
        "she", "his", "her", "says", "said", "will", "would", "could", "new", "more", "most",
        "not", "no", "up", "down", "us", "out", "about", "amid",
    }
)  # fmt: skip


@dataclass(frozen=True)
class StoryMember:
    """A recent entry the store hands back."""

    entry_key: str
    published: datetime
    title: str
    text: str
    events: frozenset[tuple[str, str]]  # (fact_id, event_value(value)) it changed or confirmed
    story_key: str | None  # the entry it was a duplicate of, if any


def event_value(value: FactValue) -> str:
    """The normalised string form of a fact value used in story events: 30.0 → "30"."""
    if isinstance(value, float | int):
        return f"{float(value):g}"
    text = str(value).strip()
    try:
        return f"{float(text.rstrip('%')):g}"
    except ValueError:
        return " ".join(text.lower().split())


def events_of(changes: Sequence[Change]) -> frozenset[tuple[str, str]]:
    """The (fact, value) events an entry's changed or confirmed changes make."""
    return frozenset(
        (c.fact_id, event_value(c.new))
        for c in changes
        if c.status in (ChangeStatus.CHANGED, ChangeStatus.CONFIRMED)
    )


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def similarity(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def find_story(
    entry: Entry,
    analysis: Analysis,
    changes: Sequence[Change],
    recent: Sequence[StoryMember],
    window: timedelta,
) -> str | None:
    """The entry key of the first member of the same story, or None for a new story."""
    del analysis  # part of the contract; the rules above need only the entry and its changes
    confirmations = {
        (c.fact_id, event_value(c.new)) for c in changes if c.status is ChangeStatus.CONFIRMED
    }
    title_words = content_words(entry.title)
    text_words = content_words(entry.full_text)
    members = sorted(
        (
            m
            for m in recent
            if abs(entry.published - m.published) <= window and m.entry_key != entry.key
        ),
        key=lambda m: (m.published, m.entry_key),
    )
    for member in members:
        near_duplicate = (
            similarity(title_words, content_words(member.title)) >= TITLE_SIMILARITY
            or similarity(text_words, content_words(f"{member.title} {member.text}"))
            >= TEXT_SIMILARITY
        )
        member_events = {(fact, event_value(value)) for fact, value in member.events}
        if near_duplicate or confirmations & member_events:
            return member.story_key or member.entry_key
    return None
