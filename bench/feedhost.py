"""A local feed host for the benchmarks: N RSS feeds of 20 items each on 127.0.0.1.

    .venv/bin/python bench/feedhost.py --feeds 2000 --port-file /tmp/port

Half the items are on the tracked topics (tariffs between the US and China, fentanyl and its
precursors, the trade talks), in our own words: most of them talk about the topics or restate
the current state, a few report a change; the other half are about anything else. Every item is
different (its words are drawn from a seeded generator), 3 to 5 sentences long. Feed ``i`` at
version ``v`` lists items ``v+1 .. v+20``, newest first; items of version 0 are spread over the
last 72 hours, an item added by a bump is published at the bump. Bodies are built on request
(the host's memory does not grow with N); ETag and If-None-Match are honoured.

Run as its own process (so it does not share a core's interpreter lock with what is measured);
``POST /bump?fraction=0.05&seed=1`` gives that fraction of the feeds one new item each.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from email.utils import formatdate
from pathlib import Path

from aiohttp import web

ITEMS_PER_FEED = 20
SPACING_SECONDS = 72 * 3600 / ITEMS_PER_FEED

CITIES = ["Geneva", "London", "Stockholm", "Madrid", "Oslo", "Kuala Lumpur", "Lima", "Seoul"]
PORTS = ["Long Beach", "Newark", "Savannah", "Seattle", "Houston", "Oakland", "Miami"]
PEOPLE = ["a trade official", "an industry group", "a customs spokesperson", "an economist"]
TOPIC_TITLES = [
    "Negotiators weigh next steps on tariffs after {city} meeting",
    "Customs agents seize fentanyl precursors at the port of {port}",
    "Exporters say the US tariff on Chinese goods still weighs on orders",
    "Fentanyl cooperation between Washington and Beijing under review",
    "Shippers rush goods from China ahead of the {city} round",
    "Beijing says precursor chemical checks have been stepped up",
    "Analysts expect tariffs on Chinese imports to stay high for months",
    "Lawmakers question the pace of US-China trade talks",
]
TOPIC_SENTENCES = [
    "Officials from the United States and China discussed tariffs and fentanyl in {city}.",
    "Importers said the tariff on goods from China was still hurting margins.",
    "Customs officers in {port} reported more seizures of precursor chemicals.",
    "{person} said talks between Washington and Beijing would continue next month.",
    "The Commerce Ministry in Beijing said it was studying the latest US measures.",
    "Retailers warned that duties on Chinese imports could raise prices before the holidays.",
    "Fentanyl shipments remain at the centre of the dispute, {person} said.",
    "Trade between the two countries fell in the last quarter, customs data showed.",
]
CHANGES = [
    (
        "China adds {k} chemicals to its precursor control list",
        "Beijing placed {k} more fentanyl precursor chemicals under export control on {day}, "
        "the Ministry of Public Security announced.",
    ),
    (
        "US and China hold trade talks in {city}",
        "Senior US and Chinese officials held trade talks in {city} on {day}, both sides said.",
    ),
]
OTHER_TITLES = [
    "{city} council approves a new park by the river",
    "Local team wins the regional cup after a late goal",
    "Storm brings heavy rain to the coast of {region}",
    "New museum wing opens with a show of modern prints",
    "Rail operator adds evening trains between {city} and the airport",
    "Farmers in {region} expect a strong harvest this year",
    "University opens a research centre on coastal erosion",
    "Ticket sales for the summer festival beat last year's record",
]
OTHER_SENTENCES = [
    "The work will begin in the spring and should take about {k} months.",
    "Residents welcomed the plan at a public meeting on {day}.",
    "Organisers said {k} thousand people had attended so far.",
    "The forecast calls for cooler weather through the weekend.",
    "{person} said the budget had been approved without changes.",
    "Schools in the area will stay open as usual, the district said.",
    "The project is funded by a mix of public money and private donations.",
    "Visitors can buy tickets online or at the door, the organisers said.",
]
REGIONS = ["Galicia", "Brittany", "Bavaria", "Tuscany", "Jutland", "Cornwall"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SYLLABLES = ["ka", "lo", "mi", "ren", "sta", "vo", "quel", "dra", "pin", "tor", "bel", "nu",
             "sha", "gri", "mon", "ve", "za", "lin", "cor", "dun"]  # fmt: skip
# a long tail of words (names, places, rare terms), drawn by a Zipf law as in real text
VOCABULARY = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
ZIPF = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(VOCABULARY))))


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        city=rng.choice(CITIES),
        port=rng.choice(PORTS),
        person=rng.choice(PEOPLE).capitalize(),
        region=rng.choice(REGIONS),
        day=rng.choice(DAYS),
        k=rng.randint(2, 30),
    )


def item_text(feed: int, number: int) -> tuple[str, str, bool]:
    """The title and text of item ``number`` of feed ``feed``, and whether it is on topic."""
    rng = random.Random(feed * 1_000_003 + number)
    on_topic = rng.random() < 0.5
    if on_topic and rng.random() < 0.02:
        title, first = (_fill(t, rng) for t in rng.choice(CHANGES))
        sentences = [first]
    else:
        titles, pool = (
            (TOPIC_TITLES, TOPIC_SENTENCES) if on_topic else (OTHER_TITLES, OTHER_SENTENCES)
        )
        title = _fill(rng.choice(titles), rng)
        sentences = [_fill(s, rng) for s in rng.sample(pool, 3)]
    sentences += [_fill(rng.choice(OTHER_SENTENCES), rng) for _ in range(rng.randint(0, 2))]
    # words of its own (names, places), so no two items are the same text
    tail = rng.choices(VOCABULARY, cum_weights=ZIPF, k=rng.randint(6, 14))
    sentences.append(f"{tail[0].capitalize()} {' '.join(tail[1:])} reported.")
    return title, " ".join(sentences), on_topic


class FeedHost:
    def __init__(self, feeds: int, now: float | None = None) -> None:
        self.feeds = feeds
        self.now = now or time.time()
        self.versions = [0] * feeds
        self.bumped: dict[tuple[int, int], float] = {}
        self.served = {"200": 0, "304": 0}
        self._bodies: dict[tuple[int, int], bytes] = {}  # built once per version

    def published(self, feed: int, number: int) -> float:
        if (feed, number) in self.bumped:
            return self.bumped[(feed, number)]
        offset = (feed % 97) * 37.0  # feeds do not all publish at the same second
        return self.now - (ITEMS_PER_FEED - number) * SPACING_SECONDS - offset

    def body(self, feed: int) -> bytes:
        version = self.versions[feed]
        cached = self._bodies.get((feed, version))
        if cached is None:
            cached = self._bodies[(feed, version)] = self._build(feed, version)
        return cached

    def _build(self, feed: int, version: int) -> bytes:
        items = []
        for k in range(ITEMS_PER_FEED):
            number = version + ITEMS_PER_FEED - k
            title, text, _ = item_text(feed, number)
            link = f"https://news{feed % 50}.example/{feed}/{number}"
            date = formatdate(self.published(feed, number), usegmt=True)
            items.append(
                f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{date}</pubDate><description>{text}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {feed}</title><link>https://news{feed % 50}.example/</link>"
            f"<description>bench</description>{''.join(items)}</channel></rss>"
        ).encode()

    def bump(self, fraction: float, seed: int) -> int:
        rng = random.Random(seed)
        changed = rng.sample(range(self.feeds), max(1, int(self.feeds * fraction)))
        at = time.time()
        for feed in changed:
            self.versions[feed] += 1
            self.bumped[(feed, self.versions[feed] + ITEMS_PER_FEED)] = at
            self.body(feed)  # built now, not while a sweep is timed
        return len(changed)

    async def feed(self, request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        etag = f'"{index}-{self.versions[index]}"'
        if request.headers.get("If-None-Match") == etag:
            self.served["304"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        self.served["200"] += 1
        return web.Response(
            body=self.body(index), content_type="application/rss+xml", headers={"ETag": etag}
        )

    async def bump_handler(self, request: web.Request) -> web.Response:
        fraction = float(request.query.get("fraction", "0.05"))
        count = self.bump(fraction, int(request.query.get("seed", "1")))
        return web.json_response({"changed": count})

    async def stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.served)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/feed/{index}", self.feed)
        app.router.add_post("/bump", self.bump_handler)
        app.router.add_get("/stats", self.stats)
        return app


async def serve(feeds: int, port_file: Path) -> None:
    runner = web.AppRunner(FeedHost(feeds).app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--port-file", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.feeds, args.port_file))


if __name__ == "__main__":
    main()
