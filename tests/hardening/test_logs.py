"""Logs are quiet at INFO (one line per cycle, per alert, per failure: no scheduler chatter, no
migration lines), structured with BOT_LOG_FORMAT=json, and free of secrets even at DEBUG."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import aiohttp

from bot.app.logs import configure_logging
from tests.core.feeds import TARIFF_CUT, rss
from tests.serving import FeedHost, free_port
from tests.slack.conftest import SIGNING_SECRET, signed_headers
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.worker import clean_env, spawn_worker, start_worker, write_config


def worker_config(tmp_path: Path, feed_host: FeedHost) -> Path:
    feed_host.bodies["/wire.xml"] = rss([TARIFF_CUT])
    feed_host.statuses["/gone.xml"] = 404
    feed_host.bodies["/gone.xml"] = b"gone"
    return write_config(
        tmp_path / "config.yaml",
        {
            "feeds": [
                {"name": "wire", "url": feed_host.url("/wire.xml")},
                {"name": "gone", "url": feed_host.url("/gone.xml")},
            ],
            "fetch": {"allow_private_networks": True, "full_text": False},
            "routes": [{"to": "console", "kinds": ["changes"]}],
            "schedule": {"first_run_backlog_hours": None, "deliver_interval_seconds": 1},
        },
    )


def run_until_cycle(config: Path, log: Path, **env: str) -> tuple[int, str]:
    """Run the worker until its first cycle is logged, a few more scheduler ticks (where the
    chatter was), then SIGTERM; its exit code and stderr."""
    with log.open("w") as err:
        process = start_worker(
            config, clean_env(BOT_HTTP_PORT="0", **env), stdout=subprocess.DEVNULL, stderr=err
        )
        deadline = time.monotonic() + 60
        while "cycle done" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # three deliver ticks, one second apart
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)
    return process.returncode, log.read_text()


def test_info_is_one_line_per_cycle_alert_and_failure(tmp_path: Path, feed_host: FeedHost) -> None:
    config = worker_config(tmp_path, feed_host)
    code, err = run_until_cycle(
        config, tmp_path / "err.log", DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}"
    )
    assert code == 0
    lines = err.splitlines()
    for noise in ("apscheduler", "Running job", "executed successfully", "alembic", "Context impl"):
        assert not [line for line in lines if noise in line], noise
    assert "Traceback" not in err
    messages = [line.split(": ", 1)[1] for line in lines]
    assert [m for m in messages if m.startswith("worker ")] and messages[-1].startswith("stopping")
    assert len([m for m in messages if m.startswith("cycle done:")]) == 1
    assert len([m for m in messages if m.startswith("alert ")]) == 1
    assert len([m for m in messages if m.startswith("feed gone: http 404")]) == 1
    assert len(lines) <= 6, err


def test_json_logs_have_stable_keys(tmp_path: Path, feed_host: FeedHost) -> None:
    config = worker_config(tmp_path, feed_host)
    code, err = run_until_cycle(
        config,
        tmp_path / "err.log",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        BOT_LOG_FORMAT="json",
    )
    assert code == 0
    records = [json.loads(line) for line in err.splitlines()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    (alert,) = [r for r in records if r["message"].startswith("alert ")]
    assert alert["feed"] == "wire" and alert["entry"] == TARIFF_CUT["link"]
    assert alert["alert"] in alert["message"]
    (failure,) = [r for r in records if r.get("feed") == "gone"]
    assert failure["level"] == "WARNING" and "http 404" in failure["message"]


async def test_debug_logs_never_show_a_response_url_or_token(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = free_port()
    env = clean_env(
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=fake_slack.api_url,
        BOT_HTTP_PORT=str(port),
        BOT_HTTP_HOST="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
        BOT_LOG_LEVEL="DEBUG",
    )
    config = write_config(tmp_path / "config.yaml", {"feeds": []})
    response_url = fake_slack.response_url("secret-response-path")
    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/fentanyl",
            "text": "help",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    ).encode()
    process = await spawn_worker(
        config, env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        deadline = asyncio.get_running_loop().time() + 40
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    url = f"http://127.0.0.1:{port}/slack/events"
                    async with session.post(url, data=body, headers=signed_headers(body)) as r:
                        assert r.status == 200
                        break
                except aiohttp.ClientConnectionError:
                    assert asyncio.get_running_loop().time() < deadline
                    await asyncio.sleep(0.2)
        await fake_slack.wait_for(lambda: fake_slack.responses_to("secret-response-path"), 20)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err_bytes = await asyncio.wait_for(process.communicate(), 40)
    err = err_bytes.decode()
    assert "DEBUG" in err  # the level is on
    for secret in (response_url, quote(response_url, safe=""), "secret-response-path", BOT_TOKEN):
        assert secret not in err, secret


def test_a_skipped_overlapping_run_is_no_log_line() -> None:
    """The scheduler warns when a run is skipped because the last one still runs (the schedule
    working as designed, max_instances=1); outside debug only its errors are shown."""
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    scheduler = logging.getLogger("apscheduler.scheduler")
    stream = io.StringIO()
    try:
        configure_logging("INFO")
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        scheduler.warning('Execution of job "sweep" skipped: maximum number of running instances')
        scheduler.error('Job "sweep" raised an exception')
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)
    assert "skipped" not in stream.getvalue()
    assert "raised an exception" in stream.getvalue()
