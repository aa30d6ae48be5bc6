"""Running the worker: once (``run --once``) or on a schedule until SIGINT/SIGTERM.

Scheduled jobs (APScheduler's AsyncIOScheduler), each with ``max_instances=1`` so a slow sweep
never overlaps itself, ``coalesce=True`` so missed runs collapse into one, and a short misfire
grace (a poll missed by more than that is simply taken by the next tick):
- ``poll`` every 15 s: claims the feeds that are due (each feed has its own next poll time);
- ``deliver`` every ``schedule.deliver_interval_seconds``: the outbox dispatcher;
- ``digest`` daily at ``schedule.digest_hour_utc``.
On a stop signal the scheduler stops taking new jobs and waits for running ones, then the HTTP
server, chat adapters and fetcher close. Leases of unfinished work expire and another replica
(or the next start) takes it over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app.context import AppContext
from bot.app.digest import send_digest
from bot.app.http import Health, RouteInstaller, build_app, start_server
from bot.app.progress import progress
from bot.app.websub import WebSubManager
from bot.app.worker import CycleStats, Worker
from bot.delivery.registry import build_destinations, close_all
from bot.feeds.fetch import Fetcher
from bot.feeds.pool import ParsePool

log = logging.getLogger(__name__)
POLL_TICK_SECONDS = 15


def closing_line(stats: CycleStats, delivered: int) -> str:
    return (
        f"cycle done: {stats.feeds} feeds ({stats.failed_feeds} failed), "
        f"{stats.entries} new entries, {stats.relevant} relevant, {stats.changes} changes, "
        f"{stats.alerts} alerts, {delivered} deliveries"
    )


SMALL_SWEEP = 50  # fewer feeds than this parse inline: starting worker processes costs more


async def run_once(ctx: AppContext) -> int:
    destinations = build_destinations(ctx.env)
    workers = 0 if len(ctx.config.feeds) < SMALL_SWEEP else ctx.config.fetch.parse_workers
    async with Fetcher(ctx.config.fetch) as fetcher, ParsePool(workers) as parser:
        worker = Worker(ctx, fetcher, destinations, parser)
        try:
            await asyncio.to_thread(worker.sync_feeds)
            with progress("polling feeds", len(ctx.config.feeds)) as advance:
                stats = await worker.poll(ignore_schedule=True, on_feed=advance)
            delivered = (await worker.deliver()).sent
        finally:
            await close_all(destinations)
    print(closing_line(stats, delivered), flush=True)
    return 0


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


async def run_forever(ctx: AppContext) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    destinations = build_destinations(ctx.env)
    fetcher = Fetcher(ctx.config.fetch)
    parser = ParsePool(ctx.config.fetch.parse_workers)
    worker = Worker(ctx, fetcher, destinations, parser)
    websub = WebSubManager(ctx, worker, fetcher)
    await asyncio.to_thread(worker.sync_feeds)

    schedule = ctx.config.schedule
    scheduler = AsyncIOScheduler(timezone="UTC")
    job_defaults = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 30}
    scheduler.add_job(
        worker.poll,
        "interval",
        seconds=POLL_TICK_SECONDS,
        id="poll",
        next_run_time=datetime.now(UTC),
        **job_defaults,
    )
    scheduler.add_job(
        worker.deliver,
        "interval",
        seconds=schedule.deliver_interval_seconds,
        id="deliver",
        **job_defaults,
    )
    scheduler.add_job(
        send_digest,
        "cron",
        hour=schedule.digest_hour_utc,
        minute=0,
        args=[ctx],
        id="digest",
        **job_defaults,
    )

    health = Health(ctx, max_cycle_age=timedelta(seconds=max(600, POLL_TICK_SECONDS * 20)))
    health.scheduler_running = lambda: bool(scheduler.running)
    health.last_cycle_at = lambda: worker.last_cycle_at
    runner: web.AppRunner | None = None
    if ctx.env.BOT_HTTP_PORT:
        installers = _chat_installers(ctx)
        if websub.enabled:
            installers.append(websub.installer())
        app = build_app(health, installers)
        runner = await start_server(app, ctx.env.BOT_HTTP_HOST, ctx.env.BOT_HTTP_PORT)
        log.info("HTTP server on %s:%s", ctx.env.BOT_HTTP_HOST, ctx.env.BOT_HTTP_PORT)
    elif websub.enabled:
        log.warning("websub.callback_base is set but BOT_HTTP_PORT is not: WebSub is off")
    slack_socket = None
    if ctx.env.SLACK_APP_TOKEN and ctx.env.SLACK_BOT_TOKEN:
        from bot.chat.slack_app import start_socket_mode

        slack_socket = await start_socket_mode(ctx)
    discord_gateway = None
    if ctx.env.DISCORD_BOT_TOKEN and not ctx.env.DISCORD_PUBLIC_KEY:
        # with a public key Discord posts interactions to our endpoint; a gateway client on
        # every replica would answer each interaction several times
        from bot.chat.discord_app import start_gateway

        discord_gateway = await start_gateway(ctx)

    scheduler.start()
    log.info("worker %s started: %d feeds", ctx.instance_id, len(ctx.config.feeds))
    try:
        await stop.wait()
    finally:
        log.info("stopping: waiting for running jobs")
        scheduler.shutdown(wait=False)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(worker.wait_idle(), timeout=30)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(worker.deliver(), timeout=30)
        if slack_socket is not None:
            await slack_socket.close()
        if discord_gateway is not None:
            await discord_gateway.close()
        if runner is not None:
            await runner.cleanup()
        await fetcher.close()
        parser.close()
        await close_all(destinations)
    return 0
