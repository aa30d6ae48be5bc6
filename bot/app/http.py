"""The bot's one HTTP server (``BOT_HTTP_PORT``): health, metrics, and the chat webhooks that
the enabled adapters mount (``POST /slack/events``, ``POST /discord/interactions``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from aiohttp import web

from bot import metrics
from bot.app.context import AppContext
from bot.store import repo

RouteInstaller = Callable[[web.Application], None]


class Health:
    """What ``/healthz`` reports: the database answers, the scheduler runs, the last poll cycle
    is recent enough."""

    def __init__(self, ctx: AppContext, max_cycle_age: timedelta) -> None:
        self.ctx = ctx
        self.max_cycle_age = max_cycle_age
        self.scheduler_running: Callable[[], bool] = lambda: True
        self.last_cycle_at: Callable[[], object] = lambda: None

    async def report(self) -> tuple[bool, dict[str, object]]:
        database = await asyncio.to_thread(self.ctx.db.ping)
        scheduler = self.scheduler_running()
        last = self.last_cycle_at()
        age = (repo.utcnow() - last).total_seconds() if last is not None else None  # type: ignore[operator]
        fresh = age is None or age <= self.max_cycle_age.total_seconds()
        ok = database and scheduler and fresh
        return ok, {
            "status": "ok" if ok else "unhealthy",
            "database": database,
            "scheduler": scheduler,
            "last_cycle_age_seconds": None if age is None else round(age, 1),
            "instance": self.ctx.instance_id,
        }


def build_app(health: Health, installers: list[RouteInstaller]) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        ok, body = await health.report()
        return web.json_response(body, status=200 if ok else 503)

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
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner
