"""Real local servers for the tests: an aiohttp application served on a free port (the stand-ins
for Slack and Discord, the bot's own HTTP routes, feed hosts and hubs), a feed host serving
bodies by path from a thread (:class:`FeedHost`, the ``feed_host`` fixture), and a free port for
a process of the bot to listen on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import aiohttp
import pytest
from aiohttp import web


async def start(
    app: web.Application, host: str = "127.0.0.1", *, shutdown_timeout: float = 60.0
) -> tuple[web.AppRunner, str]:
    """``app`` listening on a free port of ``host``: its runner (to clean up; it waits up to
    ``shutdown_timeout`` seconds for requests in progress) and base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, host, 0).start()
    return runner, f"http://{host}:{runner.addresses[0][1]}"


@asynccontextmanager
async def served(app: web.Application, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """``app`` served on a free port of ``host`` for the block: its base URL."""
    runner, base = await start(app, host)
    try:
        yield base
    finally:
        await runner.cleanup()


@asynccontextmanager
async def installed(install: Callable[[web.Application], object]) -> AsyncIterator[str]:
    """A new application with what ``install`` adds to it (an adapter's ``http_installer``),
    served on 127.0.0.1 for the block: its base URL."""
    app = web.Application()
    install(app)
    async with served(app) as base:
        yield base


async def timed_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, float]:
    """``body`` posted to ``url`` from a session of its own: the status, the body of the answer
    and the seconds it took."""
    started = time.monotonic()
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        text = await response.text()
    return response.status, text, time.monotonic() - started


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on (for a process of the bot to take)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class FeedHost:
    """A real HTTP server on 127.0.0.1 serving feed bodies by path, recording every request."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def feed_host() -> Iterator[FeedHost]:
    """A :class:`FeedHost` for the test, stopped after it."""
    host = FeedHost()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host.requests.append(self.path)
            status = host.statuses.get(self.path, 200)
            body = host.bodies.get(self.path)
            if body is None:
                status, body = 404, b"not found"
            self.send_response(status)
            kind = "text/html" if self.path.endswith(".html") else "application/rss+xml"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield host
    server.shutdown()
    server.server_close()
