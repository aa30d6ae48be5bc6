"""The story index's prefix filtering (``bot/news/story_index.py``): under which of its words a
member is listed, which words an entry looks up, and the Jaccard overlap of word ids.

In one fixed order of the words (the newest word id first: ids are given as words are first
met, so rarer words tend to come first), two sets of ``n`` and ``m`` words whose Jaccard
overlap reaches ``t`` share a word among the first ``n - a(n) + 1`` of the one and the first
``m - a(m) + 1`` of the other, where ``a(n) = min{i : i / n >= t}`` (prefix filtering: the
first shared word in that order has at most ``n - a(n)`` words of either set before it). So a
member is listed only under the prefixes of its text words (``TEXT_SIMILARITY``) and of its
title words (``TITLE_SIMILARITY``), about half its words, and an entry looks up only the lists
of its own prefixes. A word the index does not know comes first (``UNKNOWN``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence

from bot.news.cluster import TEXT_SIMILARITY, TITLE_SIMILARITY

UNKNOWN = 1 << 62  # the order of a word the index does not know: first


def overlap(words: frozenset[int], size: int, theirs: array[int]) -> float:
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


def prefix_length(size: int, threshold: float) -> int:
    """How many of a set's first words (in the index's order) hold one of the words any
    set reaching ``threshold`` with it shares: ``size - needed(size, threshold) + 1``."""
    return size - needed(size, threshold) + 1


def prefix(ids: Sequence[int], threshold: float) -> Sequence[int]:
    """The first words of ``ids`` (ascending word ids) in the index's order (newest id
    first) that a set reaching ``threshold`` with them must share one of."""
    return ids[len(ids) - prefix_length(len(ids), threshold) :] if ids else ids


def indexed(title_ids: Sequence[int], text_ids: Sequence[int]) -> list[int]:
    """The words a member is listed under: the prefixes of its text and title words."""
    prefixes = set(prefix(text_ids, TEXT_SIMILARITY))
    return sorted(prefixes.union(prefix(title_ids, TITLE_SIMILARITY)))


def looked_up(words: Iterable[str], ids: Mapping[str, int], threshold: float) -> list[int]:
    """The ids of the words of ``words``' prefix at ``threshold`` (unknown ones first), whose
    lists hold every member reaching ``threshold`` with ``words`` by its own indexed prefix."""
    first = sorted((ids.get(w, UNKNOWN) for w in words), reverse=True)
    return first[: prefix_length(len(first), threshold)] if first else first
