"""Worker-level fault test (issue 4): one cycle over a healthy feed and a host of broken ones.
The healthy feed's alert still arrives, every failure is recorded with its reason and shown by
``python -m bot status``, and the worker's memory stays bounded."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import yaml
from aiohttp import web

from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from tests.core.feeds import TARIFF_CUT, rss
from tests.feeds.conftest import FeedHost, RawServer, hang, not_http, reset
from tests.serving import start

ROOT = Path(__file__).resolve().parents[2]


async def test_healthy_feed_alerts_arrive_and_failures_show_in_status(
    tmp_path: Path,
    feed_host: FeedHost,
    raw_server: Callable[..., Awaitable[RawServer]],
) -> None:
    healthy_app = web.Application()
    healthy_body = rss([TARIFF_CUT])

    async def healthy(request: web.Request) -> web.Response:
        return web.Response(body=healthy_body, content_type="application/rss+xml")

    healthy_app.router.add_get("/wire.xml", healthy)
    runner, healthy_base = await start(healthy_app, shutdown_timeout=0.1)
    healthy_url = f"{healthy_base}/wire.xml"

    faults = {
        "hangs": ((await raw_server(hang)).url, "timeout"),
        "resets": ((await raw_server(reset)).url, "connection reset"),
        "not-http": ((await raw_server(not_http)).url, "malformed http response"),
        "errors": (f"{feed_host.base}/status/500", "http 500"),
        "limited": (f"{feed_host.base}/status/429", "http 429 (retry after 120 s)"),
        "huge": (f"{feed_host.base}/huge", "body over 1 MiB"),
        "bomb": (f"{feed_host.base}/bomb", "body over 1 MiB"),
        "loops": (f"{feed_host.base}/loop", "too many redirects"),
        "to-private": (
            f"{feed_host.base}/redirect?to=http://10.0.0.1/admin",
            "blocked: private address 10.0.0.1",
        ),
    }
    config = {
        "feeds": [{"name": "wire", "url": healthy_url}]
        + [{"name": name, "url": url} for name, (url, _) in faults.items()],
        "fetch": {
            "allow_private_networks": False,
            "timeout_seconds": 2.0,
            "max_body_bytes": 1024 * 1024,
            "full_text": False,
        },
        "routes": [{"to": "console", "kinds": ["changes", "news"]}],
        "schedule": {"first_run_backlog_hours": None},
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"

    ctx = build_context(config_path, db_url)
    printed = io.StringIO()
    tracemalloc.start()
    try:
        async with Fetcher(ctx.config.fetch, allowed_networks=["127.0.0.1/32"]) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(printed)})
            worker.sync_feeds()
            stats = await worker.poll(ignore_schedule=True)
            await worker.deliver()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        ctx.close()
        await runner.cleanup()

    assert stats.failed_feeds == len(faults)
    assert "145% → 40%" in printed.getvalue()
    assert peak < 40 * 1024 * 1024

    command = [sys.executable, "-m", "bot", "status", "--json"]
    status = await asyncio.to_thread(
        subprocess.run,
        [*command, "--config", str(config_path), "--db", db_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    feeds = {feed["name"]: feed for feed in json.loads(status.stdout)["feeds"]}
    assert feeds["wire"]["last_error"] is None
    for name, (_, reason) in faults.items():
        assert feeds[name]["last_error"] == reason, name
        assert feeds[name]["consecutive_failures"] == 1
