"""The database settings docker-compose.yml relies on (finding: compose set DATABASE_URL, so
DATABASE_URL_FILE was ignored without a word, and pasted POSTGRES_PASSWORD into a URL
unescaped): with DATABASE_URL unset the bot uses the libpq variables (PGHOST, PGUSER,
PGPASSWORD, ...), and DATABASE_URL_FILE wins over them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from bot.store.db import normalise_url

from .conftest import ROOT, clean_env, run_bot

DEMO = str(ROOT / "config" / "demo.yaml")


@pytest.fixture
def own_postgres_database() -> Iterator[tuple[str, str]]:
    """A database of this test's own on the TEST_DATABASE_URL server: (admin URL, name)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (no PostgreSQL for this run)")
    name = f"bot_compose_{os.getpid()}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield url, name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_the_libpq_variables_reach_postgresql_without_a_url(
    own_postgres_database: tuple[str, str],
) -> None:
    url, name = own_postgres_database
    server = make_url(normalise_url(url))
    env = clean_env(
        PGHOST=server.host or "127.0.0.1",
        PGPORT=str(server.port or 5432),
        PGUSER=server.username or "postgres",
        PGPASSWORD=server.password or "",  # passed as is: no URL to escape it in
        PGDATABASE=name,
    )
    completed = run_bot("run", "--once", "--config", DEMO, env=env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    status = run_bot("status", env=env)
    assert status.returncode == 0 and "feeds: 3, failing: 0" in status.stdout
    engine = create_engine(normalise_url(str(server.set(database=name))))
    try:
        assert {"entries", "feeds", "outbox"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_database_url_file_wins_over_the_libpq_variables(tmp_path: Path) -> None:
    secret = tmp_path / "database_url"
    secret.write_text(f"sqlite:///{tmp_path / 'from-file.db'}\n")
    env = clean_env(PGHOST="db.invalid", PGUSER="bot", DATABASE_URL_FILE=str(secret))
    completed = run_bot("run", "--once", "--config", DEMO, env=env)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert (tmp_path / "from-file.db").exists()
