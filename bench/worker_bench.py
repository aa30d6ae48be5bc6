"""Benchmark of the whole worker against the naive loop and the network's floor (issue 16).

    .venv/bin/python bench/worker_bench.py                 # steady 2,000 feeds, cold 10,000
    .venv/bin/python bench/worker_bench.py --cold-feeds 0  # the steady cycle only

A feed host (``bench/feedhost.py``, its own process, 127.0.0.1) serves the feeds: 20 items each,
half on the tracked topics. Measured in the same run, over the same feeds:

  (a) the naive bot: a sequential ``feedparser.parse(url)`` loop (timed on a sample of the
      feeds each round, scaled to all of them);
  (b) the floor: a bare async conditional-GET loop (aiohttp, ETags kept, bodies read, nothing
      parsed), at the worker's concurrency;
  (c) ours, the whole worker:
      - steady: the long-running worker's cycle (``Worker.poll`` over every feed, then
        ``Worker.deliver``), after a cold ``python -m bot run --once`` stored every entry;
        before each round 5 % of the feeds get one new item;
      - cold: ``python -m bot run --once`` on an empty database; its cycle (start-up
        excluded, as the process logs it) and its wall time; the peak RSS of its largest
        process (the pool's workers included) and of all its processes together.

Prints each round and the medians, and the ratios (ours vs a, ours vs b): machines here are
noisy, so compare ratios, not seconds. The per-host limit is raised to the global one, since one
local host stands for many; article pages are not fetched (the naive loop fetches none).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import feedparser  # type: ignore[import-untyped]
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fetch_bench import bare_sweep  # noqa: E402  (the same floor as the fetch benchmark)

from bot.app.context import build_context  # noqa: E402
from bot.app.runner import settle_heap, work_pool  # noqa: E402
from bot.app.worker import Worker  # noqa: E402
from bot.delivery.console import ConsoleDestination  # noqa: E402
from bot.feeds.fetch import Fetcher  # noqa: E402

CYCLE_LINE = re.compile(r"run --once: start-up ([\d.]+) s, cycle ([\d.]+) s")


@dataclass
class Host:
    """The feed host process."""

    feeds: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    def start(self) -> None:
        port_file = self.folder / "port"
        command = [sys.executable, str(ROOT / "bench" / "feedhost.py"), "--feeds", str(self.feeds)]
        self.process = subprocess.Popen([*command, "--port-file", str(port_file)])
        for _ in range(200):
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text())
                return
            time.sleep(0.05)
        raise RuntimeError("the feed host did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.port}/feed/{index}"

    def bump(self, fraction: float, seed: int) -> None:
        address = f"http://127.0.0.1:{self.port}/bump?fraction={fraction}&seed={seed}"
        urllib.request.urlopen(urllib.request.Request(address, method="POST"), timeout=30).read()


def write_config(path: Path, host: Host, feeds: int, concurrency: int) -> None:
    config = {
        "feeds": [{"name": f"bench-{i}", "url": host.url(i)} for i in range(feeds)],
        "fetch": {
            "allow_private_networks": True,
            "concurrency": concurrency,
            "per_host_concurrency": concurrency,
            "full_text": False,
        },
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")


# --- (a) and (b) ---------------------------------------------------------------------------


def naive_sweep(host: Host, indexes: list[int]) -> float:
    started = time.perf_counter()
    for index in indexes:
        feedparser.parse(host.url(index))
    return time.perf_counter() - started


# --- (c) ----------------------------------------------------------------------------------


@dataclass
class Peaks:
    """Peak resident memory (VmHWM, KiB) of every process of a process group, by pid."""

    group: int
    by_pid: dict[int, int] = field(default_factory=dict)

    def sample(self) -> None:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) != self.group:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError, ValueError):
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    pid = int(stat.parent.name)
                    self.by_pid[pid] = max(self.by_pid.get(pid, 0), int(line.split()[1]))


@dataclass
class ColdRun:
    wall: float
    startup: float
    cycle: float
    largest_mib: float
    total_mib: float
    summary: str


def run_once(config: Path, database: str) -> ColdRun:
    """``python -m bot run --once`` in its own process group, its memory sampled."""
    env = {**os.environ, "DATABASE_URL": database, "BOT_LOG_LEVEL": "INFO"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--once", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peaks = Peaks(process.pid)
    output: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda: output.__setitem__("out", process.stdout.read())),  # type: ignore[union-attr]
        threading.Thread(target=lambda: output.__setitem__("err", process.stderr.read())),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    while process.poll() is None:
        peaks.sample()
        time.sleep(0.25)
    for reader in readers:
        reader.join()
    wall = time.perf_counter() - started
    out, err = (output.get(part, b"").decode(errors="replace") for part in ("out", "err"))
    if process.returncode != 0:
        raise RuntimeError(f"run --once failed ({process.returncode}):\n{err[-3000:]}")
    match = CYCLE_LINE.search(err)
    startup, cycle = (float(match.group(1)), float(match.group(2))) if match else (0.0, wall)
    largest = max(peaks.by_pid.values(), default=0) / 1024
    total = sum(peaks.by_pid.values()) / 1024
    return ColdRun(wall, startup, cycle, largest, total, out.strip().splitlines()[-1])


async def steady_rounds(args: argparse.Namespace, host: Host, folder: Path) -> None:
    config = folder / "steady.yaml"
    write_config(config, host, args.feeds, args.concurrency)
    database = f"sqlite:///{folder / 'steady.db'}"
    async with aiohttp.ClientSession() as session:  # the host builds each body once, now
        await bare_sweep(session, [host.url(i) for i in range(args.feeds)], {}, args.concurrency)
    first = run_once(config, database)
    print(f"steady set-up: a cold run --once over {args.feeds} feeds: cycle {first.cycle:.1f} s")
    ctx = build_context(config, database)
    urls = [host.url(i) for i in range(args.feeds)]
    sample = list(range(0, args.feeds, max(1, args.feeds // args.sample)))[: args.sample]
    etags: dict[str, str] = {}
    naive: list[float] = []
    bare: list[float] = []
    ours: list[float] = []
    try:
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            Fetcher(ctx.config.fetch) as fetcher,
            work_pool(ctx, None) as pool,
        ):
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(io.StringIO())}, pool)
            await asyncio.gather(asyncio.to_thread(worker.sync_feeds), pool.warm_up())
            settle_heap()  # as the runner does once start-up is done
            await worker.poll(ignore_schedule=True)  # the long-running worker's state, warm
            await bare_sweep(session, urls, etags, args.concurrency)
            for number in range(args.rounds):
                host.bump(args.changed, seed=number + 1)
                order = ["bare", "ours"] if number % 2 == 0 else ["ours", "bare"]
                for which in order:
                    if which == "bare":
                        bare.append(await bare_sweep(session, urls, etags, args.concurrency))
                        continue
                    began = time.perf_counter()
                    stats = await worker.poll(ignore_schedule=True)
                    await worker.deliver()
                    ours.append(time.perf_counter() - began)
                naive.append(naive_sweep(host, sample) * args.feeds / len(sample))
                print(
                    f"  round {number + 1}: naive {naive[-1]:7.2f} s  bare {bare[-1]:6.3f} s  "
                    f"ours {ours[-1]:6.3f} s  ({stats.entries} new entries)"
                )
    finally:
        ctx.close()
    a, b, c = (statistics.median(x) for x in (naive, bare, ours))
    print(
        f"steady cycle, {args.feeds} feeds, {args.changed:.0%} new, medians of {args.rounds}: "
        f"(a) naive {a:.2f} s (sampled on {len(sample)} feeds), (b) floor {b:.3f} s, "
        f"(c) ours {c:.3f} s"
    )
    print(f"  ours vs (a): {a / c:6.1f}x faster        (target >= 30x)")
    print(f"  ours vs (b): {c / b:6.2f}x the floor's time (target <= 2x)")


async def cold_rounds(args: argparse.Namespace, host: Host, folder: Path) -> None:
    config = folder / "cold.yaml"
    write_config(config, host, args.cold_feeds, args.concurrency)
    sample = list(range(0, args.cold_feeds, max(1, args.cold_feeds // args.cold_sample)))
    sample = sample[: args.cold_sample]
    urls = [host.url(i) for i in range(args.cold_feeds)]
    async with aiohttp.ClientSession() as session:  # the host builds each body once, now
        await bare_sweep(session, urls, {}, args.concurrency)
    runs: list[ColdRun] = []
    naive: list[float] = []
    bare: list[float] = []
    for number in range(args.cold_rounds):
        database = folder / f"cold-{number}.db"
        runs.append(run_once(config, f"sqlite:///{database}"))
        database.unlink()
        naive.append(naive_sweep(host, sample) * args.cold_feeds / len(sample))
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            bare.append(await bare_sweep(session, urls, {}, args.concurrency))
        run = runs[-1]
        print(
            f"  cold {number + 1}: naive {naive[-1]:7.1f} s  bare {bare[-1]:6.2f} s  ours: "
            f"cycle {run.cycle:6.1f} s (wall {run.wall:.1f} s, start-up {run.startup:.1f} s), "
            f"peak RSS {run.largest_mib:.0f} MiB (all processes {run.total_mib:.0f} MiB); "
            f"{run.summary}"
        )
    a, b = statistics.median(naive), statistics.median(bare)
    cycle = statistics.median(r.cycle for r in runs)
    wall = statistics.median(r.wall for r in runs)
    largest = max(r.largest_mib for r in runs)
    print(
        f"cold first sweep, {args.cold_feeds} feeds x 20 items, medians of {args.cold_rounds}: "
        f"(a) naive {a:.1f} s (sampled on {len(sample)} feeds), (b) floor {b:.2f} s, "
        f"(c) ours {cycle:.1f} s (wall {wall:.1f} s with start-up)"
    )
    print(f"  ours vs (a): {cycle / a:6.2f}x the naive loop's time (target <= 2x; wall "
          f"{wall / a:.2f}x)")  # fmt: skip
    print(f"  peak RSS: {largest:.0f} MiB, the largest process (target < 250 MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000, help="feeds of the steady cycle")
    parser.add_argument("--changed", type=float, default=0.05, help="fraction new per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=400, help="feeds timed for (a), steady")
    parser.add_argument("--cold-feeds", type=int, default=10_000, help="0: no cold sweep")
    parser.add_argument("--cold-rounds", type=int, default=1)
    parser.add_argument("--cold-sample", type=int, default=1000, help="feeds timed for (a), cold")
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="worker-bench-") as name:
        folder = Path(name)
        host = Host(max(args.feeds, args.cold_feeds), folder)
        host.start()
        try:
            if args.feeds:
                asyncio.run(steady_rounds(args, host, folder))
            if args.cold_feeds:
                asyncio.run(cold_rounds(args, host, folder))
        finally:
            host.stop()


if __name__ == "__main__":
    main()
