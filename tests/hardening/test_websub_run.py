"""WebSub as documented, in a real ``python -m bot run`` (finding: "the renewal is never
scheduled, so /websub/* answers 404"): a feed advertising a hub is subscribed after its first
poll, the hub's verification on ``/websub/<id>`` gets the challenge back, and signed pushed
content raises the alert while a forged push is ignored."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

from bot.feeds.websub import sign
from tests.core.feeds import OFF_TOPIC, TARIFF_CUT, rss
from tests.serving import free_port, start
from tests.worker import clean_env, spawn_worker, write_config


def with_hub(body: bytes, hub: str) -> bytes:
    link = f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{hub}"/>'
    return body.replace(b"<channel>", b"<channel>" + link.encode(), 1)


async def wait_for(condition: Callable[[], object], timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.2)


async def test_a_hub_feed_is_subscribed_verified_and_pushed_to(tmp_path: Path) -> None:
    subscriptions: list[dict[str, list[str]]] = []

    async def hub(request: web.Request) -> web.Response:
        subscriptions.append(parse_qs(await request.text()))
        return web.Response(status=202)

    async def feed(_request: web.Request) -> web.Response:
        return web.Response(body=feed_body, content_type="application/rss+xml")

    outside = web.Application()
    outside.router.add_post("/hub", hub)
    outside.router.add_get("/feed.xml", feed)
    runner, base = await start(outside)
    feed_body = with_hub(rss([OFF_TOPIC]), f"{base}/hub")

    port = free_port()
    callback_base = f"http://127.0.0.1:{port}"
    config = write_config(
        tmp_path / "config.yaml",
        {
            "feeds": [{"name": "wire", "url": f"{base}/feed.xml"}],
            "fetch": {"allow_private_networks": True, "full_text": False},
            "routes": [{"to": "console", "kinds": ["changes"]}],
            "schedule": {"first_run_backlog_hours": None, "deliver_interval_seconds": 1},
            "websub": {"callback_base": callback_base},
        },
    )
    env = clean_env(
        BOT_HTTP_PORT=str(port),
        BOT_HTTP_HOST="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    out_path = tmp_path / "out.txt"
    with out_path.open("wb") as out:
        process = await spawn_worker(config, env, stdout=out, stderr=asyncio.subprocess.PIPE)
        try:
            await wait_for(lambda: subscriptions, 40)
            (form,) = subscriptions
            assert form["hub.mode"] == ["subscribe"]
            assert form["hub.topic"] == [f"{base}/feed.xml"]
            callback = form["hub.callback"][0]
            assert callback.startswith(f"{callback_base}/websub/")
            secret = form["hub.secret"][0]
            async with aiohttp.ClientSession() as session:
                params = {
                    "hub.mode": "subscribe",
                    "hub.topic": form["hub.topic"][0],
                    "hub.challenge": "challenge-123",
                    "hub.lease_seconds": "86400",
                }
                async with session.get(callback, params=params) as verified:
                    assert verified.status == 200
                    assert await verified.text() == "challenge-123"
                pushed = rss([OFF_TOPIC, TARIFF_CUT])
                forged = {"X-Hub-Signature": "sha256=" + "0" * 64}
                async with session.post(callback, data=pushed, headers=forged) as response:
                    assert response.status == 202
                await asyncio.sleep(1.5)
                assert "[CHANGE]" not in out_path.read_text()
                signed = {"X-Hub-Signature": sign(secret, pushed)}
                async with session.post(callback, data=pushed, headers=signed) as response:
                    assert response.status == 202
            await wait_for(lambda: "[CHANGE]" in out_path.read_text(), 20)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), 40)
            await runner.cleanup()
    assert process.returncode == 0, err.decode()[-2000:]
    assert out_path.read_text().count("[CHANGE]") == 1
    assert len(subscriptions) == 1, "a verified subscription is not requested again"
    assert os.path.exists(tmp_path / "bot.db")
