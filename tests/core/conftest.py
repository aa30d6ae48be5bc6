"""Fixtures for the core tests: a migrated SQLite store, the catalogue, a local feed host."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.facts.catalogue import Catalogue
from bot.store import ledger
from bot.store.db import Database, normalise_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test session's own on the TEST_DATABASE_URL server, dropped after."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (no PostgreSQL for this run)")
    name = f"bot_core_{os.getpid()}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield str(make_url(normalise_url(url)).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _fresh_postgres(url: str) -> Database:
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return database


@pytest.fixture(params=["sqlite", "postgres"])
def store_db(
    request: pytest.FixtureRequest, tmp_path: Path, catalogue: Catalogue
) -> Iterator[Database]:
    """A migrated store with the baselines seeded, on SQLite and (with TEST_DATABASE_URL) on
    PostgreSQL."""
    if request.param == "postgres":
        database = _fresh_postgres(request.getfixturevalue("postgres_url"))
    else:
        database = Database(f"sqlite:///{tmp_path / 'bot.db'}")
    database.migrate()
    with database.session() as session:
        ledger.seed_fact_states(session, catalogue)
    yield database
    database.dispose()


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
