"""Fixtures for the core tests: the shared SQLite store under the name ``db``, a local feed host."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.store.db import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(database: Database) -> Database:
    """The shared SQLite store, under the name these tests use."""
    return database


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
