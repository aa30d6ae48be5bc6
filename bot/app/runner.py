"""Running the worker: once (``run --once``) or on a schedule until SIGINT/SIGTERM.

Scheduled jobs (APScheduler's AsyncIOScheduler), each with ``max_instances=1`` so a slow sweep
never overlaps itself, ``coalesce=True`` so missed runs collapse into one, and a short misfire
grace (a poll missed by more than that is simply taken by the next tick):
- ``poll`` every second: claims the feeds that are due (each feed has its own next poll time),
  so a feed is polled within a second of its time; a sweep that runs longer keeps claiming the
  feeds that come due meanwhile (``bot/app/sweep.py``). Then, when ``websub.callback_base`` is
  set, at most once a minute, subscribes the feeds that advertise a hub and renews
  subscriptions a day before they expire (:meth:`WebSubManager.renew`);
- ``deliver`` every ``schedule.deliver_interval_seconds``: the outbox dispatcher;
- ``digest`` daily at ``schedule.digest_hour_utc``.
A job that fails logs one line (its traceback at DEBUG) and runs again at its next time.
On a stop signal the scheduler stops taking new jobs and waits for running ones, then the HTTP
server, chat adapters and fetcher close. Leases of unfinished work expire and another replica
takes it over; a restart on the same host takes back a dead process's leases at once
(``bot/app/leases.py``). The pool's worker processes (parsing, analysis) are started during
start-up, and exit with the bot however it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app.analysis_jobs import setup_for
from bot.app.context import AppContext
from bot.app.digest import send_digest
from bot.app.errors import EXIT_OK, EXIT_RUNTIME, PortUnavailable
from bot.app.heap import trim_heap
from bot.app.http import Health, RouteInstaller, build_app, start_server
from bot.app.progress import progress
from bot.app.websub import WebSubManager
from bot.app.worker import Worker
from bot.delivery.registry import build_destinations, close_all
from bot.feeds.fetch import Fetcher
from bot.feeds.pool import ParsePool
from bot.news.analysis import RuleAnalyser
from bot.store.db import StoreError, StoreUnavailable, error_reason

log = logging.getLogger(__name__)
POLL_TICK_SECONDS = 1
RENEW_EVERY_SECONDS = 60
M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2
SMALL_SWEEP = 50  # fewer feeds than this parse inline: starting worker processes costs more
_settled = False  # settle_heap has run in this process
GC_YOUNG_THRESHOLD = 10_000  # net allocations of containers between young collections


def work_pool(ctx: AppContext, workers: int | None) -> ParsePool:
    """The pool of worker processes that parse bodies and analyse entries (one per core by
    default: the main process mostly waits on the network and the database)."""
    if workers is None:
        workers = ctx.config.fetch.parse_workers
    if workers is None:
        workers = os.cpu_count() or 2
    setup = setup_for(ctx.config) if workers and isinstance(ctx.analyser, RuleAnalyser) else None
    return ParsePool(workers, setup=setup)


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let glibc's malloc keep ``arenas`` arenas, not eight per core (``mallopt``, as
    ``MALLOC_ARENA_MAX`` does; to be called before threads start). The worker's threads (the
    judging thread, the store's, the pool's) each got an arena of their own, where an entry's
    text freed by another thread left holes (a first sweep of 1,000 bench feeds: peak RSS of
    the main process 180 MiB, 150 MiB with one arena). Python holds its lock while it
    allocates, so the threads gain nothing from more. Nothing where glibc is not the libc."""
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (AttributeError, OSError):
        return False


def settle_heap() -> None:
    """Put what start-up built (modules, config, catalogue, analyser, SQLAlchemy's mappings)
    out of the garbage collector's sight (``gc.freeze``), once start-up is done: a full
    collection during a sweep then walks only the objects made since (on the steady cycle of
    ``bench/worker_bench.py``, 170 ms -> 70 ms each, one or two a cycle). Objects made later
    are collected as before; a frozen cycle is never freed, so it is done once a process.
    What start-up freed (reading the config, syncing the feeds) is then given back to the
    system (``bot/app/heap.py``). The youngest generation is then collected every
    ``GC_YOUNG_THRESHOLD`` net allocations of containers, not 700: a sweep keeps thousands of
    objects in flight (fetches' tasks, requests, responses), which a collection every 700
    walked and promoted again and again (the steady cycle: 1.0 -> 0.01 ms of collections a
    feed, the main process's CPU 0.73 -> 0.67 s a cycle)."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        trim_heap()


def _unavailable(ctx: AppContext, exc: StoreError) -> StoreUnavailable:
    return StoreUnavailable(f"database {ctx.db.shown_url}: {error_reason(exc)}")


async def run_once(ctx: AppContext) -> int:
    """One full cycle; exit 1 when the database could not be written (the worker has logged
    why, once), else 0."""
    destinations = build_destinations(ctx.env)
    started = time.monotonic()
    small = len(ctx.config.feeds) < SMALL_SWEEP
    async with Fetcher(ctx.config.fetch) as fetcher, work_pool(ctx, 0 if small else None) as pool:
        worker = Worker(ctx, fetcher, destinations, pool)
        try:
            await asyncio.gather(asyncio.to_thread(worker.sync_feeds), pool.warm_up())
            settle_heap()
            cycle = time.monotonic()
            with progress("polling feeds", len(ctx.config.feeds)) as advance:
                stats = await worker.poll(ignore_schedule=True, on_feed=advance)
            delivered = (await worker.deliver()).sent
            done = time.monotonic()
        except StoreError as exc:
            raise _unavailable(ctx, exc) from exc
        finally:
            await close_all(destinations)
    log.info("run --once: start-up %.2f s, cycle %.2f s", cycle - started, done - cycle)
    print(stats.summary(delivered), flush=True)
    return EXIT_RUNTIME if worker.storage_error else EXIT_OK


def guarded(name: str, job: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    """``job`` as a scheduled job whose failure is one log line, not a traceback."""

    async def run() -> None:
        try:
            await job()
        except Exception:
            log.exception("job %s failed; it runs again at its next time", name)

    return run


def _chat_installers(ctx: AppContext) -> list[RouteInstaller]:
    """HTTP routes of the chat adapters. Slack's HTTP mode is used only without an app token
    (Socket Mode wins when ``SLACK_APP_TOKEN`` is set)."""
    installers: list[RouteInstaller] = []
    slack_http = ctx.env.SLACK_SIGNING_SECRET and not ctx.env.SLACK_APP_TOKEN
    if slack_http and ctx.env.SLACK_BOT_TOKEN:
        from bot.chat.slack_app import http_installer as slack_installer

        installers.append(slack_installer(ctx))
    if ctx.env.DISCORD_PUBLIC_KEY:
        from bot.chat.discord_app import http_installer as discord_installer

        installers.append(discord_installer(ctx))
    return installers


def _schedule(ctx: AppContext, worker: Worker, websub: WebSubManager) -> AsyncIOScheduler:
    schedule = ctx.config.schedule
    scheduler = AsyncIOScheduler(timezone="UTC")
    defaults = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    now = datetime.now(UTC)
    subscribe = websub.enabled and bool(ctx.env.BOT_HTTP_PORT)

    renewed_at = 0.0

    async def poll() -> None:
        nonlocal renewed_at
        await worker.poll()
        if subscribe and time.monotonic() - renewed_at >= RENEW_EVERY_SECONDS:
            renewed_at = time.monotonic()
            await websub.renew()

    scheduler.add_job(
        guarded("poll", poll),
        "interval",
        seconds=POLL_TICK_SECONDS,
        id="poll",
        next_run_time=now,
        **defaults,
    )
    scheduler.add_job(
        guarded("deliver", worker.deliver),
        "interval",
        seconds=schedule.deliver_interval_seconds,
        id="deliver",
        **defaults,
    )
    scheduler.add_job(
        guarded("digest", lambda: send_digest(ctx)),
        "cron",
        hour=schedule.digest_hour_utc,
        minute=0,
        id="digest",
        **defaults,
    )
    return scheduler


async def _start_http(
    ctx: AppContext, health: Health, websub: WebSubManager
) -> web.AppRunner | None:
    """The one HTTP server, or ``None`` when ``BOT_HTTP_PORT`` is 0; a port that cannot be
    listened on raises :class:`PortUnavailable`."""
    host, port = ctx.env.BOT_HTTP_HOST, ctx.env.BOT_HTTP_PORT
    if not port:
        if websub.enabled:
            log.warning("websub.callback_base is set but BOT_HTTP_PORT is not: WebSub is off")
        return None
    installers = _chat_installers(ctx)
    if websub.enabled:
        installers.append(websub.installer())
    try:
        runner = await start_server(build_app(health, installers), host, port)
    except OSError as exc:
        raise PortUnavailable(host, port, exc) from exc
    log.info("HTTP server on %s:%s", host, port)
    return runner


class _Chat:
    """The chat connections that are not HTTP routes: Slack Socket Mode, Discord gateway."""

    def __init__(self) -> None:
        self.closers: list[Callable[[], Awaitable[None]]] = []

    async def start(self, ctx: AppContext) -> None:
        if ctx.env.SLACK_APP_TOKEN and ctx.env.SLACK_BOT_TOKEN:
            from bot.chat.slack_app import start_socket_mode

            self.closers.append((await start_socket_mode(ctx)).close)
        if ctx.env.DISCORD_BOT_TOKEN and not ctx.env.DISCORD_PUBLIC_KEY:
            # with a public key Discord posts interactions to our endpoint; a gateway client on
            # every replica would answer each interaction several times
            from bot.chat.discord_gateway import start_gateway

            self.closers.append((await start_gateway(ctx)).close)

    async def close(self) -> None:
        for close in self.closers:
            with contextlib.suppress(Exception):
                await close()


async def run_forever(ctx: AppContext) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    destinations = build_destinations(ctx.env)
    fetcher = Fetcher(ctx.config.fetch)
    parser = work_pool(ctx, None)
    worker = Worker(ctx, fetcher, destinations, parser)
    websub = WebSubManager(ctx, worker, fetcher)
    scheduler = _schedule(ctx, worker, websub)
    health = Health(ctx, max_cycle_age=timedelta(seconds=max(600, POLL_TICK_SECONDS * 20)))
    health.scheduler_running = lambda: bool(scheduler.running)
    health.last_cycle_at = lambda: worker.last_cycle_at
    health.storage_failed_at = lambda: worker.storage_failed_at
    health.storage_error = lambda: worker.storage_error
    runner: web.AppRunner | None = None
    chat = _Chat()
    started = False
    try:
        try:
            await asyncio.gather(asyncio.to_thread(worker.sync_feeds), parser.warm_up())
        except StoreError as exc:
            raise _unavailable(ctx, exc) from exc
        settle_heap()
        runner = await _start_http(ctx, health, websub)
        await chat.start(ctx)
        scheduler.start()
        started = True
        log.info("worker %s started: %d feeds", ctx.instance_id, len(ctx.config.feeds))
        await stop.wait()
        log.info("stopping: waiting for running jobs")
    finally:
        if started:
            scheduler.shutdown(wait=False)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.wait_idle(), timeout=30)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.deliver(), timeout=30)
        await chat.close()
        if runner is not None:
            await runner.cleanup()
        await fetcher.close()
        parser.close()
        await close_all(destinations)
    return EXIT_OK
