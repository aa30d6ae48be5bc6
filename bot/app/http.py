"""The bot's one HTTP server (``BOT_HTTP_PORT``): health, metrics, and the chat webhooks that
the enabled adapters mount (``POST /slack/events``, ``POST /discord/interactions``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot import metrics
from bot.app.context import AppContext
from bot.store import repo
from bot.store.db import StoreError, error_reason
from bot.store.status import feed_health, outbox_health

RouteInstaller = Callable[[web.Application], None]
OUTBOX_STUCK_AFTER = timedelta(minutes=30)
STORAGE_FAILURE_MEMORY = timedelta(minutes=10)


class Health:
    """What ``/healthz`` reports, in three states:

    - ``fail`` (503): the database does not answer, the scheduler stopped, or no poll cycle
      ended within ``max_cycle_age``: the process cannot do its work and may be restarted;
    - ``degraded`` (200, with ``reasons``): the bot runs but its output suffers: most feeds
      fail, alerts wait in the outbox for more than 30 minutes or gave up, or the database
      refused a write lately. A restart would not help, so orchestrators keep it running;
    - ``ok`` (200).
    """

    def __init__(
        self,
        ctx: AppContext,
        max_cycle_age: timedelta,
        outbox_stuck_after: timedelta = OUTBOX_STUCK_AFTER,
    ) -> None:
        self.ctx = ctx
        self.max_cycle_age = max_cycle_age
        self.outbox_stuck_after = outbox_stuck_after
        self.scheduler_running: Callable[[], bool] = lambda: True
        self.last_cycle_at: Callable[[], datetime | None] = lambda: None
        self.storage_failed_at: Callable[[], datetime | None] = lambda: None
        self.storage_error: Callable[[], str | None] = lambda: None

    async def report(self) -> tuple[int, dict[str, Any]]:
        """The HTTP status and the JSON body."""
        database = await asyncio.to_thread(self.ctx.db.ping)
        scheduler = self.scheduler_running()
        last = self.last_cycle_at()
        age = (repo.utcnow() - last).total_seconds() if last is not None else None
        failures = []
        if not database:
            failures.append("the database does not answer")
        if not scheduler:
            failures.append("the scheduler is not running")
        if age is not None and age > self.max_cycle_age.total_seconds():
            failures.append(f"no poll cycle ended for {age:.0f} s")
        body: dict[str, Any] = {
            "database": database,
            "scheduler": scheduler,
            "last_cycle_age_seconds": None if age is None else round(age, 1),
            "instance": self.ctx.instance_id,
        }
        degraded = await asyncio.to_thread(self._degraded, body) if database else []
        status = "fail" if failures else ("degraded" if degraded else "ok")
        body = {"status": status, "reasons": failures + degraded, **body}
        return (503 if failures else 200), body

    def _degraded(self, body: dict[str, Any]) -> list[str]:
        reasons = []
        try:
            with self.ctx.db.unit() as session:
                feeds = feed_health(session)
                outbox = outbox_health(session, self.outbox_stuck_after)
        except StoreError as exc:
            return [f"the database cannot be read: {error_reason(exc)}"]
        body["feeds"] = {"enabled": feeds.enabled, "failing": feeds.failing}
        body["outbox"] = {"stuck": outbox.stuck, "failed": outbox.failed}
        if feeds.mostly_failing:
            reasons.append(f"{feeds.failing} of {feeds.enabled} feeds are failing")
        if outbox.stuck:
            minutes = self.outbox_stuck_after.total_seconds() / 60
            reasons.append(f"{outbox.stuck} deliveries waiting for more than {minutes:.0f} min")
        if outbox.failed:
            reasons.append(f"{outbox.failed} deliveries failed (python -m bot outbox --retry)")
        failed_at = self.storage_failed_at()
        if failed_at is not None and repo.utcnow() - failed_at < STORAGE_FAILURE_MEMORY:
            reasons.append(f"a write was refused: {self.storage_error()}")
        return reasons


def build_app(health: Health, installers: list[RouteInstaller]) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        status, body = await health.report()
        return web.json_response(body, status=status)

    async def metrics_view(_request: web.Request) -> web.Response:
        payload, content_type = metrics.render()
        response = web.Response(body=payload)
        response.headers["Content-Type"] = content_type
        return response

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    for install in installers:
        install(app)
    return app


async def start_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Listen on ``host:port``; an ``OSError`` (port taken, address unknown) leaves nothing
    running."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner
