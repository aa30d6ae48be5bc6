"""The story index's posting lists (``bot/news/story_index.py``): member slots kept in the
order of their members' (time, key), in blocks.

A list of one block is an ``array('I')`` of slots (4 bytes each); beyond ``2 * BLOCK`` slots it
becomes a list of blocks, so that a slot added out of time order (a first sweep judges feeds
as they come, not in published order) moves the rest of its block, not the rest of the list:
adding is ``O(log n + BLOCK)``, and one that comes last (the steady case) is appended. The
members' times (microseconds) and keys are the index's columns, given by slot.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import TypeAlias, TypeVar

BLOCK = 512  # a block is split in two beyond twice this
Posting: TypeAlias = "array[int] | list[array[int]]"  # one block of slots, or several
K = TypeVar("K")


def insert(
    table: dict[K, Posting], name: K, slot: int, times: array[int], keys: Sequence[str]
) -> None:
    """Add ``slot`` to the posting list ``table[name]`` in its (time, key) place."""
    posting = table.get(name)
    if posting is None:
        table[name] = array("I", (slot,))
        return
    blocks: list[array[int]] = posting if isinstance(posting, list) else [posting]
    when, key = times[slot], keys[slot]
    at = len(blocks) - 1
    tail = blocks[at][-1]
    if times[tail] < when or (times[tail] == when and keys[tail] < key):
        blocks[at].append(slot)  # the newest: appended
    else:  # the first block whose last member comes after it; in it, after its time's
        at = bisect_left(blocks, (when, key), key=lambda b: (times[b[-1]], keys[b[-1]]))
        block = blocks[at]
        place = bisect_left(block, when, key=times.__getitem__)
        while place < len(block) and times[block[place]] == when and keys[block[place]] < key:
            place += 1
        block.insert(place, slot)
    if len(blocks[at]) > 2 * BLOCK:
        block = blocks[at]
        blocks[at : at + 1] = [block[:BLOCK], block[BLOCK:]]
        table[name] = blocks


def between(posting: Posting, since: int, until: int, times: array[int]) -> Iterator[int]:
    """The slots of a posting list whose time is in [since, until], in order."""
    blocks: list[array[int]] = posting if isinstance(posting, list) else [posting]
    first = bisect_left(blocks, since, key=lambda b: times[b[-1]])
    for number in range(first, len(blocks)):
        block = blocks[number]
        start = bisect_left(block, since, key=times.__getitem__) if number == first else 0
        for at in range(start, len(block)):
            slot = block[at]
            if times[slot] > until:
                return
            yield slot
