"""Metrics and health say what is true (finding "metrics and health lie"): the failing-feeds
gauge counts failing feeds, delivery latency and failures are measured, and ``/healthz`` says
``degraded`` (200, with reasons) when most feeds fail or alerts are stuck, ``fail`` (503) when
the database or the scheduler is down."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY

from bot import metrics
from bot.alerts.card import Card, CardKind
from bot.app.context import build_context
from bot.app.http import Health, build_app
from bot.delivery.base import Destination
from bot.delivery.console import ConsoleDestination
from bot.delivery.outbox import Dispatcher
from bot.delivery.slack import SlackDestination
from bot.store import repo
from bot.store.cards import add_card
from bot.store.db import Database
from tests.core.feeds import TARIFF_CUT, rss
from tests.serving import FeedHost, free_port
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.worker import clean_env, read_until, start_worker, write_config

from .conftest import ROOT


def _sample(text: str, name: str) -> float | None:
    match = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, flags=re.MULTILINE)
    return float(match[1]) if match else None


def test_a_worker_whose_feeds_fail_says_so_in_metrics_and_health(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/ok.xml"] = rss([TARIFF_CUT])
    feed_host.statuses["/gone.xml"] = 404
    feed_host.bodies["/gone.xml"] = b"gone"
    feed_host.statuses["/broken.xml"] = 500
    feed_host.bodies["/broken.xml"] = b"oops"
    config = write_config(
        tmp_path / "config.yaml",
        {
            "feeds": [
                {"name": name, "url": feed_host.url(f"/{name}.xml")}
                for name in ("ok", "gone", "broken")
            ],
            "fetch": {"allow_private_networks": True, "full_text": False},
            "routes": [{"to": "console", "kinds": ["changes"]}],
            "schedule": {"first_run_backlog_hours": None},
        },
    )
    port = free_port()
    env = clean_env(
        BOT_HTTP_PORT=str(port),
        BOT_HTTP_HOST="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    worker = start_worker(config, env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        reading = read_until(
            port,
            lambda r: (
                _sample(r.metrics, "bot_feeds_failing") == 2.0
                and bool(_sample(r.metrics, 'bot_delivery_seconds_count{destination="console"}'))
                and r.health["status"] != "ok"
            ),
            40,
            pause=0.3,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=40)
    assert worker.returncode == 0, err[-2000:]
    text, health = reading.metrics, reading.health
    assert _sample(text, "bot_feeds_failing") == 2.0
    assert reading.status == 200 and health["status"] == "degraded", health
    assert "2 of 3 feeds are failing" in health["reasons"]
    assert _sample(text, 'bot_delivery_seconds_count{destination="console"}') == 1.0


async def test_health_fails_when_the_scheduler_or_the_database_is_down(
    tmp_path: Path, database: Database
) -> None:
    ctx = build_context(None, f"sqlite:///{tmp_path / 'bot.db'}")
    health = Health(ctx, max_cycle_age=timedelta(minutes=10))
    async with TestClient(TestServer(build_app(health, []))) as client:
        response = await client.get("/healthz")
        assert response.status == 200 and (await response.json())["status"] == "ok"
        health.scheduler_running = lambda: False
        response = await client.get("/healthz")
        body = await response.json()
        assert response.status == 503 and body["status"] == "fail"
        assert body["reasons"] == ["the scheduler is not running"]
        health.scheduler_running = lambda: True
        health.last_cycle_at = lambda: repo.utcnow() - timedelta(hours=1)
        response = await client.get("/healthz")
        assert (
            response.status == 503
            and "no poll cycle ended" in (await response.json())["reasons"][0]
        )
    ctx.close()

    gone = tmp_path / "gone"
    gone.mkdir()
    lost = build_context(None, f"sqlite:///{gone / 'bot.db'}")
    for path in gone.iterdir():
        path.unlink()
    gone.rmdir()
    lost.db.dispose()
    health = Health(lost, max_cycle_age=timedelta(minutes=10))
    async with TestClient(TestServer(build_app(health, []))) as client:
        response = await client.get("/healthz")
        body = await response.json()
    assert response.status == 503 and body["reasons"] == ["the database does not answer"]


async def test_stuck_and_failed_deliveries_degrade_health(
    database: Database, tmp_path: Path
) -> None:
    ctx = build_context(None, f"sqlite:///{tmp_path / 'bot.db'}")
    card = Card(id="al-stuck", kind=CardKind.CHANGE, title="t")
    with ctx.db.session() as session:
        add_card(session, card, uid=None, destinations=["slack:C1", "discord:2"])
        for row in repo.outbox_rows(session):
            row.created_at = repo.utcnow() - timedelta(hours=2)
            if row.destination == "discord:2":
                row.status = "failed"
    health = Health(ctx, max_cycle_age=timedelta(minutes=10))
    status, body = await health.report()
    ctx.close()
    assert status == 200 and body["status"] == "degraded"
    assert body["reasons"] == [
        "1 deliveries waiting for more than 30 min",
        "1 deliveries failed (python -m bot outbox --retry)",
    ]


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_delivery_latency_and_failures_are_measured(
    database: Database, fake_slack: FakeSlack
) -> None:
    fake_slack.channel_errors["CGONE"] = "channel_not_found"
    card = Card(id="al-metrics", kind=CardKind.NEWS, title="Talks resume")
    with database.session() as session:
        add_card(session, card, uid=None, destinations=["console", "slack:CGONE"])
    before = (
        _value("bot_delivery_seconds_count", destination="console"),
        _value("bot_delivery_seconds_count", destination="slack"),
        _value("bot_delivery_failures_total", destination="slack"),
        _value("bot_delivery_failures_total", destination="console"),
    )
    slack = SlackDestination(BOT_TOKEN, fake_slack.api_url, min_interval=0.0)
    destinations: dict[str, Destination] = {
        "console": ConsoleDestination(open(os.devnull, "w")),  # noqa: SIM115
        "slack": slack,
    }
    stats = await Dispatcher(database, destinations, owner="t").run_once()
    await slack.close()
    after = (
        _value("bot_delivery_seconds_count", destination="console"),
        _value("bot_delivery_seconds_count", destination="slack"),
        _value("bot_delivery_failures_total", destination="slack"),
        _value("bot_delivery_failures_total", destination="console"),
    )
    assert stats.sent == 1
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 0]


def test_every_declared_metric_is_updated_somewhere() -> None:
    """A metric object that no code touches is a promise not kept."""
    declared = [
        name
        for name, value in vars(metrics).items()
        if name.isupper() and hasattr(value, "_name") and hasattr(value, "describe")
    ]
    sources = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "bot").rglob("*.py")
        if p.name != "metrics.py"
    ]
    updaters = r"\.(inc|set|observe|labels)\("
    unused = [
        name
        for name in declared
        if not any(re.search(rf"metrics\.{name}{updaters}", text) for text in sources)
    ]
    assert declared and not unused, unused
