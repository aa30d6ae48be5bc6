"""Benchmark of one steady-state polling sweep (issue 4). Run from the repository root:

    .venv/bin/python bench/fetch_bench.py            # 2,000 feeds, then peak RSS at 10,000

A local aiohttp feed server (in a thread of this process, on 127.0.0.1) serves N feeds with
ETag support; between sweeps 5 % of them get a new item. Measured, after a warm-up sweep that
stores validators:

  (a) the archetypal bot: a sequential ``feedparser.parse(url)`` loop (a sample, scaled to N);
  (b) the floor: a bare async conditional-GET loop that reads bodies and parses nothing;
  (c) ours: the Fetcher (SSRF guard on connect, caps, hashing) + ``parse_feed`` of new bodies.

Prints sweep times, the ratios (ours vs a, ours vs b), entries per second through parsing, and
the peak RSS of a fresh process running the server and our sweeps at 10,000 feeds.
All feeds live on one host here, so the per-host limit is raised to the global one (a real
deployment spreads feeds over many hosts); (b) gets the same concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

import aiohttp
import feedparser  # type: ignore[import-untyped]
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config.settings import FetchConfig
from bot.feeds.fetch import Fetcher, Validators
from bot.feeds.pool import ParsePool

WORDS = [
    "tariff",
    "talks",
    "china",
    "fentanyl",
    "precursor",
    "customs",
    "trade",
    "envoy",
    "ministry",
    "commerce",
    "treasury",
    "beijing",
    "washington",
    "officials",
    "said",
    "week",
    "agreement",
    "duties",
    "exports",
    "imports",
    "negotiations",
    "chemical",
    "controls",
    "enforcement",
    "shipments",
    "sanctions",
    "cooperation",
    "summit",
]
ITEMS_PER_FEED = 20


def _item_pool(size: int, rng: random.Random) -> list[str]:
    pool = []
    for n in range(size):
        title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
        text = " ".join(rng.choice(WORDS) for _ in range(60))
        pool.append(
            f"<title>{title}</title><description>&lt;p&gt;{text}.&lt;/p&gt;</description>"
            f"<pubDate>{formatdate(1_746_000_000 + n * 600, usegmt=True)}</pubDate>"
        )
    return pool


@dataclass
class FeedServer:
    """N feeds; feed i at version v lists items v..v+19 of a shared pool, so bodies are built
    on request and the server's memory does not grow with N."""

    feeds: int
    pool: list[str] = field(default_factory=lambda: _item_pool(512, random.Random(1)))
    versions: list[int] = field(default_factory=list)
    port: int = 0
    responses_200: int = 0
    responses_304: int = 0

    def __post_init__(self) -> None:
        self.versions = [0] * self.feeds

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}/feed/{i}" for i in range(self.feeds)]

    def bump(self, fraction: float, rng: random.Random) -> int:
        changed = rng.sample(range(self.feeds), max(1, int(self.feeds * fraction)))
        for index in changed:
            self.versions[index] += 1
        return len(changed)

    def body(self, index: int, version: int) -> bytes:
        items = []
        for k in range(ITEMS_PER_FEED):
            number = version + ITEMS_PER_FEED - k
            snippet = self.pool[(index * 7 + number) % len(self.pool)]
            link = f"http://news.test/{index}/{number}"
            items.append(f"<item><guid>{link}</guid><link>{link}</link>{snippet}</item>")
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {index}</title><link>http://news.test/{index}</link>"
            f"<description>bench</description>{''.join(items)}</channel></rss>"
        ).encode()

    async def handle(self, request: web.Request) -> web.Response:
        index = int(request.match_info["index"])
        version = self.versions[index]
        etag = f'"{index}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            self.responses_304 += 1
            return web.Response(status=304, headers={"ETag": etag})
        self.responses_200 += 1
        return web.Response(
            body=self.body(index, version),
            content_type="application/rss+xml",
            headers={"ETag": etag},
        )

    def start_in_thread(self) -> None:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_get("/feed/{index}", self.handle)
            runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
            loop.run_until_complete(site.start())
            server = site._server
            assert isinstance(server, asyncio.Server)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait()


def archetypal_sweep(urls: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    entries = sum(len(feedparser.parse(url).entries) for url in urls)
    return time.perf_counter() - started, entries


async def bare_sweep(
    session: aiohttp.ClientSession, urls: list[str], etags: dict[str, str], concurrency: int
) -> float:
    slots = asyncio.Semaphore(concurrency)

    async def one(url: str) -> None:
        headers = {"If-None-Match": etags[url]} if url in etags else {}
        async with slots, session.get(url, headers=headers) as response:
            await response.read()
            if "ETag" in response.headers:
                etags[url] = response.headers["ETag"]

    started = time.perf_counter()
    await asyncio.gather(*(one(url) for url in urls))
    return time.perf_counter() - started


async def our_sweep(
    fetcher: Fetcher,
    pool: ParsePool,
    urls: list[str],
    validators: dict[str, Validators],
    concurrency: int,
) -> tuple[float, int, int]:
    """Fetch every feed with a bounded worker pool; parse new bodies; keep no body."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    counts = {"entries": 0, "parsed": 0}

    async def worker() -> None:
        while not queue.empty():
            url = queue.get_nowait()
            result = await fetcher.fetch(url, validators.get(url))
            if result.outcome == "error":
                raise RuntimeError(f"{url}: {result.error}")
            validators[url] = result.validators
            if result.outcome == "new" and result.body is not None:
                parsed = await pool.parse(result.body, url)
                counts["entries"] += len(parsed.entries)
                counts["parsed"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, counts["entries"], counts["parsed"]


def fetch_config(concurrency: int) -> FetchConfig:
    return FetchConfig(
        allow_private_networks=True,
        concurrency=concurrency,
        per_host_concurrency=concurrency,
    )


async def compare(args: argparse.Namespace) -> None:
    server = FeedServer(args.feeds)
    server.start_in_thread()
    urls = server.urls()
    rng = random.Random(42)

    sample = urls[: args.sample]
    archetypal_seconds, _ = archetypal_sweep(sample)
    archetypal_total = archetypal_seconds * len(urls) / len(sample)

    etags: dict[str, str] = {}
    validators: dict[str, Validators] = {}
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        Fetcher(fetch_config(args.concurrency)) as fetcher,
        ParsePool(args.parse_workers) as pool,
    ):
        await pool.warm_up()
        await bare_sweep(session, urls, etags, args.concurrency)
        await our_sweep(fetcher, pool, urls, validators, args.concurrency)
        bare_times: list[float] = []
        our_times: list[float] = []
        entries_per_second: list[float] = []
        parsed = 0
        for round_number in range(args.rounds):
            server.bump(args.changed, rng)
            order = ("bare", "ours") if round_number % 2 == 0 else ("ours", "bare")
            for which in order:
                if which == "bare":
                    bare_times.append(await bare_sweep(session, urls, etags, args.concurrency))
                else:
                    seconds, entries, parsed = await our_sweep(
                        fetcher, pool, urls, validators, args.concurrency
                    )
                    our_times.append(seconds)
                    entries_per_second.append(entries / seconds)

    ours = statistics.median(our_times)
    bare = statistics.median(bare_times)
    print(f"feeds: {len(urls)}, changed per sweep: {parsed}, rounds: {args.rounds}")
    print(
        f"(a) sequential feedparser.parse(url): {archetypal_total:8.2f} s "
        f"(measured {archetypal_seconds:.2f} s on {len(sample)} feeds, scaled)"
    )
    print(f"(b) bare async conditional GET:      {bare:8.3f} s (median)")
    print(f"(c) ours, fetch + parse new bodies:  {ours:8.3f} s (median)")
    print(f"ours vs (a): {archetypal_total / ours:6.1f}x faster   (target >= 30x)")
    print(f"ours vs (b): {ours / bare:6.2f}x the floor's time (target <= 2x)")
    print(f"entries parsed per second in a sweep: {statistics.median(entries_per_second):,.0f}")


async def rss_only(args: argparse.Namespace) -> None:
    server = FeedServer(args.feeds)
    server.start_in_thread()
    urls = server.urls()
    validators: dict[str, Validators] = {}
    async with (
        Fetcher(fetch_config(args.concurrency)) as fetcher,
        ParsePool(args.parse_workers) as pool,
    ):
        first, entries, _ = await our_sweep(fetcher, pool, urls, validators, args.concurrency)
        server.bump(args.changed, random.Random(3))
        steady, _, parsed = await our_sweep(fetcher, pool, urls, validators, args.concurrency)
        child_mib = max(_descendant_peaks_kib(os.getpid()), default=0) / 1024
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(urls)} feeds: first sweep {first:.2f} s ({entries:,} entries), steady sweep "
        f"{steady:.2f} s ({parsed} changed); peak RSS {peak_mib:.0f} MiB (target < 250; "
        f"feed server included), largest parse worker {child_mib:.0f} MiB"
    )


def _descendant_peaks_kib(root: int) -> list[int]:
    """Peak RSS (VmHWM, KiB) of every process below ``root`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    below = {root}
    changed = True
    while changed:
        found = {pid for pid, parent in parents.items() if parent in below} - below
        below |= found
        changed = bool(found)
    peaks = []
    for pid in below - {root}:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--changed", type=float, default=0.05, help="fraction new per sweep")
    parser.add_argument("--sample", type=int, default=200, help="feeds timed for (a)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rss-feeds", type=int, default=10_000)
    parser.add_argument(
        "--parse-workers", type=int, default=None, help="parse processes (default: cores - 1)"
    )
    parser.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_only:
        asyncio.run(rss_only(args))
        return
    asyncio.run(compare(args))
    command = [sys.executable, __file__, "--rss-only", "--feeds", str(args.rss_feeds)]
    command += ["--concurrency", str(args.concurrency), "--changed", str(args.changed)]
    if args.parse_workers is not None:
        command += ["--parse-workers", str(args.parse_workers)]
    subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
