"""The database settings docker-compose.yml relies on (finding: compose set DATABASE_URL, so
DATABASE_URL_FILE was ignored without a word, and pasted POSTGRES_PASSWORD into a URL
unescaped): with DATABASE_URL unset the bot uses the libpq variables (PGHOST, PGUSER,
PGPASSWORD, ...), and DATABASE_URL_FILE wins over them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url

from tests.postgres import own_database
from tests.worker import clean_env, run_bot

from .conftest import ROOT

DEMO = str(ROOT / "config" / "demo.yaml")


@pytest.fixture
def own_postgres_database() -> Iterator[str]:
    """A database of this test's own on the TEST_DATABASE_URL server: its URL."""
    with own_database("bot_compose") as url:
        yield url


def test_the_libpq_variables_reach_postgresql_without_a_url(own_postgres_database: str) -> None:
    server = make_url(own_postgres_database)
    name = server.database
    assert name
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
    engine = create_engine(own_postgres_database)
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
