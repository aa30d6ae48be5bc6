"""``check-config`` checks everything ``run`` will need and says "config ok" only when run can
work: one line per problem, exit 2 (finding: it said "config ok" for all of these)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.config import load_config
from tests.worker import clean_env, run_bot, write_config

from .conftest import ROOT


def test_every_problem_is_one_line_and_exit_2(tmp_path: Path, listening_port: int) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        {
            "routes": [
                {"to": "console", "kinds": ["changes"], "topics": ["fentanly"]},
                {"to": "slack:C123", "kinds": ["changes"]},
                {"to": "discord:456", "kinds": ["news"]},
            ],
            "feeds": [{"name": "local", "url": "file:missing.xml", "allow_file": True}],
            "websub": {"callback_base": "https://bot.example.org"},
        },
    )
    env = clean_env(
        DATABASE_URL="postgresql://bot:pw@127.0.0.1:1/bot",
        BOT_HTTP_PORT=str(listening_port),
        BOT_HTTP_HOST="127.0.0.1",
        SLACK_SIGNING_SECRET="s",
    )
    completed = run_bot("check-config", "--config", str(config), env=env)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr and "config ok" not in completed.stdout
    lines = completed.stderr.splitlines()
    expected = [
        "routes.0.topics: unknown topic 'fentanly'",
        f"feeds.0 (local): no such file {tmp_path / 'missing.xml'}",
        "routes.1: slack:C123 needs SLACK_BOT_TOKEN",
        "routes.2: discord:456 needs DISCORD_BOT_TOKEN",
        "Slack commands need SLACK_BOT_TOKEN as well",
        "database postgresql://bot:***@127.0.0.1:1/bot (DATABASE_URL): connection failed",
        f"BOT_HTTP_PORT {listening_port} on BOT_HTTP_HOST 127.0.0.1: address already in use",
    ]
    for needle in expected:
        assert [line for line in lines if needle in line], (needle, lines)
    assert lines[-1] == f"check-config: {len(lines) - 1} problems"
    assert all(line.startswith("check-config: ") for line in lines)
    assert ":pw@" not in completed.stderr


def test_bad_feed_urls_and_variables_are_reported(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        {"feeds": [{"name": "a", "url": "http://"}, {"name": "b", "url": "https:example"}]},
    )
    env = clean_env(BOT_HTTP_PORT="99999", DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}")
    completed = run_bot("check-config", "--config", str(config), env=env)
    assert completed.returncode == 2
    assert "BOT_HTTP_PORT" in completed.stderr
    assert "feeds.0.url: 'http://' is not an absolute http(s) URL" in completed.stderr
    second = write_config(tmp_path / "second.yaml", {"feeds": [{"name": "b", "url": "https:x"}]})
    env["BOT_HTTP_PORT"] = "0"
    completed = run_bot("check-config", "--config", str(second), env=env)
    assert "feeds.0.url: 'https:x' is not an absolute http(s) URL" in completed.stderr
    assert not (tmp_path / "bot.db").exists(), "check-config creates nothing"


def test_a_read_only_or_foreign_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    assert run_bot("run", "--once", "--config", str(ROOT / "config" / "demo.yaml"),
                   "--db", f"sqlite:///{path}").returncode == 0  # fmt: skip
    read_only = clean_env(DATABASE_URL=f"sqlite:///file:{path}?mode=ro&uri=true")
    completed = run_bot("check-config", env=read_only)
    assert completed.returncode == 2
    assert "attempt to write a readonly database" in completed.stderr

    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from-the-future'")
    completed = run_bot("check-config", env=clean_env(DATABASE_URL=f"sqlite:///{path}"))
    assert completed.returncode == 2
    assert "schema revision from-the-future is unknown to this version" in completed.stderr


def test_a_good_setup_says_what_it_checked(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", SLACK_BOT_TOKEN="xoxb-1")
    completed = run_bot("check-config", env=env)
    assert completed.returncode == 0, completed.stderr
    feeds = len(load_config(None).feeds)
    assert completed.stdout.startswith(f"config ok: {feeds} feeds, 1 routes, 10 facts")
    assert "destinations: console, slack" in completed.stdout
    assert "created at start" in completed.stdout and completed.stderr == ""
    assert not (tmp_path / "bot.db").exists()


def test_a_partial_config_keeps_the_default_feeds_and_routes(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", {"schedule": {"poll_interval_seconds": 600}})
    config = load_config(path)
    default = load_config(None)
    assert config.schedule.poll_interval_seconds == 600
    assert config.feeds == default.feeds and len(config.feeds) == len(default.feeds) > 18
    assert config.routes == default.routes
    nested = load_config(write_config(tmp_path / "n.yaml", {"fetch": {"full_text": False}}))
    assert nested.fetch.full_text is False
    assert nested.fetch.max_body_bytes == default.fetch.max_body_bytes
    none = load_config(write_config(tmp_path / "f.yaml", {"feeds": []}))
    assert none.feeds == [] and none.routes == default.routes
