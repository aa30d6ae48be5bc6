"""Every bad input gives one clear line and a non-zero exit (2 bad input, 1 failure at run
time), never a traceback, and read-only commands create nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.serving import free_port
from tests.worker import clean_env, run_bot, write_config

from .conftest import ROOT, assert_one_clear_line

DEMO = str(ROOT / "config" / "demo.yaml")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_status_on_a_missing_database_names_it_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "bot.db"
    completed = run_bot("status", env=clean_env(DATABASE_URL=sqlite_url(target)))
    line = assert_one_clear_line(completed, 2)
    assert str(target) in line and "DATABASE_URL" in line
    assert not (tmp_path / "nowhere").exists()


def test_outbox_on_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "bot.db"
    completed = run_bot("outbox", "--db", sqlite_url(target), env=clean_env())
    line = assert_one_clear_line(completed, 2)
    assert str(target) in line and "--db" in line
    assert not target.exists()


def test_status_reads_the_demo_database_without_migration_chatter(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "demo.db")
    assert run_bot("run", "--once", "--config", DEMO, "--db", url).returncode == 0
    completed = run_bot("status", "--db", url, env=clean_env(BOT_LOG_LEVEL="INFO"))
    assert completed.returncode == 0
    assert completed.stderr == ""  # no "Context impl SQLiteImpl", no "Running upgrade"
    assert "feeds: 3, failing: 0" in completed.stdout


def test_an_unreachable_database_is_one_line_with_the_password_masked(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql://bot:s3cr3t-pw@127.0.0.1:{port}/bot"
    completed = run_bot("run", "--once", "--config", DEMO, env=clean_env(DATABASE_URL=url))
    line = assert_one_clear_line(completed, 1)
    assert "s3cr3t-pw" not in completed.stderr + completed.stdout
    assert f"postgresql://bot:***@127.0.0.1:{port}/bot (DATABASE_URL)" in line
    assert "refused" in line


@pytest.mark.parametrize("url", ["mysql://me@db/bot", "not a url at all", "sqlite+nope:///x"])
def test_a_bad_database_url_is_bad_input(url: str) -> None:
    completed = run_bot("status", env=clean_env(DATABASE_URL=url))
    line = assert_one_clear_line(completed, 2)
    assert "DATABASE_URL" in line


def test_a_read_only_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    assert run_bot("run", "--once", "--config", DEMO, "--db", sqlite_url(path)).returncode == 0
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    completed = run_bot("run", "--once", "--config", DEMO, "--db", read_only)
    line = assert_one_clear_line(completed, 1)
    assert "readonly database" in line and str(path) in line
    status = run_bot("status", "--db", read_only)  # reading still works
    assert status.returncode == 0, status.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_HTTP_PORT", "70000"),
        ("BOT_HTTP_PORT", "eighty"),
        ("BOT_LOG_LEVEL", "LOUD"),
        ("BOT_LOG_FORMAT", "xml"),
        ("DISCORD_PUBLIC_KEY", "not-hex"),
    ],
)
def test_a_bad_variable_is_named(tmp_path: Path, variable: str, value: str) -> None:
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path / "bot.db"), **{variable: value})
    completed = run_bot("run", "--once", "--config", DEMO, env=env)
    line = assert_one_clear_line(completed, 2)
    assert variable in line
    assert not (tmp_path / "bot.db").exists()


def test_a_variable_and_its_file_twin_both_set_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "url"
    secret.write_text(sqlite_url(tmp_path / "from-file.db"))
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path / "direct.db"), DATABASE_URL_FILE=str(secret))
    completed = run_bot("status", env=env)
    line = assert_one_clear_line(completed, 2)
    assert "DATABASE_URL and DATABASE_URL_FILE are both set" in line


def test_a_port_in_use_is_one_line_and_exit_1(tmp_path: Path, listening_port: int) -> None:
    env = clean_env(
        DATABASE_URL=sqlite_url(tmp_path / "bot.db"),
        BOT_HTTP_PORT=str(listening_port),
        BOT_HTTP_HOST="127.0.0.1",
    )
    completed = run_bot("run", "--config", DEMO, env=env, timeout=60)
    assert completed.returncode == 1, completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr
    (line,) = [x for x in completed.stderr.splitlines() if x.startswith("error:")]
    assert f"BOT_HTTP_PORT {listening_port}" in line and "address already in use" in line


def test_replay_refuses_missing_files_folders_and_non_feeds(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\nthis is not a feed\n")
    one_line_json = tmp_path / "data.json"
    one_line_json.write_text('{"a": 1}')
    missing = tmp_path / "missing.xml"
    completed = run_bot("replay", str(missing), str(tmp_path), str(text), str(one_line_json))
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr and completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert lines == [
        f"replay: {missing}: no such file",
        f"replay: {tmp_path}: is a directory, not a feed file",
        f"replay: {text}: not a feed: not XML (syntax error at line 1, column 1)",
        f"replay: {one_line_json}: not a feed: "
        "not XML (not well-formed (invalid token) at line 1, column 1)",
    ]


def test_replay_of_a_real_feed_still_works() -> None:
    completed = run_bot("replay", str(ROOT / "samples" / "feeds" / "wire.xml"), "--jsonl")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.count("\n") >= 1


def test_a_bad_config_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schedule: [unclosed\n")
    completed = run_bot("run", "--once", "--config", str(bad))
    line = assert_one_clear_line(completed, 2)
    assert str(bad) in line and "line" in line


def test_a_route_to_an_unknown_topic_stops_run(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "c.yaml", {"routes": [{"to": "console", "topics": ["fentanly"]}]}
    )
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path / "bot.db"))
    completed = run_bot("run", "--once", "--config", str(config), env=env)
    line = assert_one_clear_line(completed, 2)
    assert "routes.0.topics: unknown topic 'fentanly'" in line


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=sqlite_url(tmp_path / "x" / "bot.db"), BOT_LOG_LEVEL="DEBUG")
    completed = run_bot("status", env=env)
    assert completed.returncode == 2
    assert "Traceback" in completed.stderr


def test_help_names_every_command_and_the_exit_codes() -> None:
    completed = run_bot("--help")
    assert completed.returncode == 0
    for word in ("run", "replay", "status", "check-config", "outbox", "exit codes", "2 bad input"):
        assert word in completed.stdout.lower() or word in completed.stdout
    outbox_help = run_bot("outbox", "--help").stdout
    assert "not delivered" in outbox_help


def test_free_port_helper_gives_a_port() -> None:
    assert 0 < free_port() < 65536


def test_outbox_lists_what_waits_not_what_was_sent(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "bot.db")
    config = write_config(
        tmp_path / "c.yaml",
        {
            "feeds": [
                {
                    "name": "wire",
                    "url": (ROOT / "samples" / "feeds" / "wire.xml").as_uri(),
                    "allow_file": True,
                }
            ],
            "routes": [
                {"to": "console", "kinds": ["changes", "news"]},
                {"to": "slack:C1", "kinds": ["changes", "news"]},
            ],
            "fetch": {"full_text": False},
            "schedule": {"first_run_backlog_hours": None},
        },
    )
    assert run_bot("run", "--once", "--config", str(config), "--db", url).returncode == 0
    waiting = run_bot("outbox", "--db", url)
    assert waiting.returncode == 0 and waiting.stderr == ""
    rows = waiting.stdout.splitlines()
    assert rows and all(" pending " in row and "slack:C1" in row for row in rows), rows
    assert all("destination not configured" in row for row in rows)
    sent = run_bot("outbox", "--status", "sent", "--db", url).stdout.splitlines()
    assert len(sent) == len(rows) and all("console" in row for row in sent)


def test_status_on_an_older_schema_says_to_run_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    assert run_bot("run", "--once", "--config", DEMO, "--db", sqlite_url(path)).returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    completed = run_bot("status", "--db", sqlite_url(path))
    line = assert_one_clear_line(completed, 1)
    assert "schema is at revision 0001" in line and "python -m bot run" in line
