"""Which due feeds a sweep claims next (``bot/app/claims.py``): a sweep over every feed walks
them by id a page at a time until a page comes back short; a scheduled one claims once a second,
leaving out the feeds it holds until their results are written."""

from __future__ import annotations

import asyncio

from bot.app.claims import Claims
from bot.store.feeds import FeedRecord


class _Store:
    """Feeds 1..count, leased as ``Worker.claim`` leases them; each call is kept."""

    def __init__(self, count: int) -> None:
        numbers = range(1, count + 1)
        self.feeds = [FeedRecord(id=n, name=f"f{n}", url=f"https://e.example/{n}") for n in numbers]
        self.calls: list[tuple[int, int | None, list[int]]] = []

    def claim(self, limit: int, after_id: int | None, exclude: list[int]) -> list[FeedRecord]:
        self.calls.append((limit, after_id, exclude))
        if after_id is not None:
            return [f for f in self.feeds if f.id > after_id][:limit]
        return [f for f in self.feeds if f.id not in exclude][:limit]


def test_a_sweep_over_every_feed_pages_by_id_until_a_short_page() -> None:
    store = _Store(5)
    claims = Claims(store.claim, ignore_schedule=True)
    assert claims.may_claim(capacity=4, total=4)
    assert not claims.may_claim(capacity=1, total=4)  # less than half the connections
    assert [f.id for f in asyncio.run(claims.claim(3))] == [1, 2, 3]
    assert not claims.exhausted
    assert [f.id for f in asyncio.run(claims.claim(3))] == [4, 5]
    assert claims.exhausted and not claims.may_claim(capacity=4, total=4)
    assert store.calls == [(3, 0, []), (3, 3, [])]


def test_a_scheduled_sweep_leaves_out_the_feeds_it_holds() -> None:
    store = _Store(3)
    claims = Claims(store.claim)
    assert not claims.may_claim(capacity=0, total=4)  # no room
    assert claims.may_claim(capacity=1, total=4)
    assert [f.id for f in asyncio.run(claims.claim(2))] == [1, 2]
    assert not claims.may_claim(capacity=4, total=4)  # claimed less than a second ago
    assert [f.id for f in asyncio.run(claims.claim(5))] == [3]
    assert not claims.exhausted
    assert asyncio.run(claims.claim(5)) == [] and claims.exhausted
    claims.released([1, 3])  # their results are written
    assert [f.id for f in asyncio.run(claims.claim(5))] == [1, 3]
    assert store.calls[1:] == [(5, None, [1, 2]), (5, None, [1, 2, 3]), (5, None, [2])]
