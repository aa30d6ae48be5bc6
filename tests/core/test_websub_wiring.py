"""WebSub through the real worker: a feed advertising a hub is subscribed, the hub verifies
intent on our HTTP server, and signed pushed content raises the alert without a poll."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.context import build_context
from bot.app.http import Health, build_app
from bot.app.websub import WebSubManager
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from bot.feeds.websub import sign
from bot.store import repo
from tests.worker import write_config

from .conftest import ROOT
from .feeds import OFF_TOPIC, TARIFF_CUT, rss


def _with_hub(body: bytes, hub: str) -> bytes:
    link = f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{hub}"/>'
    return body.replace(b"<channel>", b"<channel>" + link.encode(), 1)


async def test_pushed_content_is_judged_and_alerted(tmp_path: Path) -> None:
    hub_requests: list[dict[str, list[str]]] = []
    feed_body = {"body": b""}

    async def hub_view(request: web.Request) -> web.Response:
        hub_requests.append(parse_qs(await request.text()))
        return web.Response(status=202)

    async def feed_view(_request: web.Request) -> web.Response:
        return web.Response(body=feed_body["body"], content_type="application/rss+xml")

    outside = web.Application()
    outside.router.add_post("/hub", hub_view)
    outside.router.add_get("/feed.xml", feed_view)
    async with TestServer(outside, host="127.0.0.1") as server:
        hub_url = str(server.make_url("/hub"))
        feed_body["body"] = _with_hub(rss([OFF_TOPIC]), hub_url)
        config = write_config(
            tmp_path / "config.yaml",
            {
                "feeds": [{"name": "wire", "url": str(server.make_url("/feed.xml"))}],
                "fetch": {"allow_private_networks": True, "full_text": False},
                "routes": [{"to": "console", "kinds": ["changes"]}],
                "schedule": {"first_run_backlog_hours": None},
                "websub": {"callback_base": "https://bot.example.org"},
                "seeds_dir": str(ROOT / "seeds"),
                "topics_file": str(ROOT / "config" / "topics.yaml"),
            },
        )
        ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")
        out = io.StringIO()
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(out)})
            worker.sync_feeds()
            await worker.poll(ignore_schedule=True)
            manager = WebSubManager(ctx, worker, fetcher)
            assert await manager.renew() == 1
            (form,) = hub_requests
            assert form["hub.mode"] == ["subscribe"]
            callback = form["hub.callback"][0]
            assert callback.startswith("https://bot.example.org/websub/")
            secret = form["hub.secret"][0]
            path = callback.removeprefix("https://bot.example.org")

            health = Health(ctx, max_cycle_age=timedelta(hours=1))
            app = build_app(health, [manager.installer()])
            async with TestClient(TestServer(app)) as client:
                topic = form["hub.topic"][0]
                verify = await client.get(
                    path,
                    params={
                        "hub.mode": "subscribe",
                        "hub.topic": topic,
                        "hub.challenge": "c-123",
                        "hub.lease_seconds": "86400",
                    },
                )
                assert verify.status == 200 and await verify.text() == "c-123"

                pushed = rss([OFF_TOPIC, TARIFF_CUT])
                forged = await client.post(
                    path, data=pushed, headers={"X-Hub-Signature": "sha256=00"}
                )
                assert forged.status == 202
                await worker.deliver()
                assert "[CHANGE]" not in out.getvalue()

                signed = await client.post(
                    path, data=pushed, headers={"X-Hub-Signature": sign(secret, pushed)}
                )
                assert signed.status == 202
            await worker.deliver()
        with ctx.db.session() as session:
            (feed,) = repo.all_feeds(session)
            assert feed.websub_expires_at is not None
        ctx.close()
    assert out.getvalue().count("[CHANGE]") == 1
    assert "145% → 40%" in out.getvalue()
