"""A sweep starts a claimed feed only while the fetcher has a connection for it: fewer than
``fetch.concurrency`` fetches in flight, fewer than ``fetch.per_host_concurrency`` to its host;
a busy host's feeds wait without holding back another host's."""

from __future__ import annotations

from collections.abc import Callable

from bot.app.fetchslots import FetchSlots, host_of
from bot.store.feeds import FeedRecord


def _feed(number: int, host: str) -> FeedRecord:
    return FeedRecord(id=number, name=f"f{number}", url=f"https://{host}/feed/{number}")


def test_starts_follow_the_total_and_per_host_limits() -> None:
    started: list[tuple[FeedRecord, Callable[[], None]]] = []
    slots = FetchSlots(3, 2, lambda feed, fetched: started.append((feed, fetched)))
    busy = [_feed(n, "busy.example") for n in range(4)]
    other = [_feed(10 + n, "other.example") for n in range(3)]
    slots.add([*busy, *other])
    assert [feed.id for feed, _ in started] == [0, 1, 10]  # two of the busy host, then another
    assert len(slots) == 4 and slots.in_flight == 3

    dict((feed.id, fetched) for feed, fetched in started)[10]()  # other.example's fetch ends
    assert [feed.id for feed, _ in started][3:] == [11]  # busy.example is still at its limit

    first_busy = started[0][1]
    first_busy()
    first_busy()  # a second call changes nothing
    assert [feed.id for feed, _ in started][4:] == [2]
    assert slots.in_flight == 3 and len(slots) == 2


def test_hosts_are_counted_as_aiohttp_counts_them() -> None:
    assert host_of("https://Example.org/a") == host_of("https://example.org/b")
    assert host_of("https://example.org/a") != host_of("http://example.org/a")
    assert host_of("https://example.org:8443/a") != host_of("https://example.org/a")
    assert host_of("file:///tmp/feed.xml") == ""  # no connection: only the total counts
