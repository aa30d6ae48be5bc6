"""`python -m bot run` as a real process: /healthz and /metrics answer while it works, and
SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.serving import FeedHost, free_port
from tests.worker import read_until, start_worker, write_config

from .feeds import TARIFF_CUT, rss


def test_health_and_metrics_while_running(tmp_path: Path, feed_host: FeedHost) -> None:
    feed_host.bodies["/wire.xml"] = rss([TARIFF_CUT])
    config = write_config(
        tmp_path / "config.yaml",
        {
            "feeds": [{"name": "wire", "url": feed_host.url("/wire.xml")}],
            "fetch": {"allow_private_networks": True, "full_text": False},
            "routes": [{"to": "console", "kinds": ["changes"]}],
            "schedule": {"first_run_backlog_hours": None},
        },
    )
    port = free_port()
    env = {
        **os.environ,
        "BOT_HTTP_PORT": str(port),
        "BOT_HTTP_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    worker = start_worker(config, env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        reading = read_until(
            port,
            lambda r: (
                r.status == 200
                and r.health.get("last_cycle_age_seconds") is not None  # the cycle has ended
                and 'bot_alerts_total{kind="changes"} 1.0' in r.metrics
            ),
            30,
        )
        health, metrics = reading.health, reading.metrics
        assert health["status"] == "ok" and health["database"] is True
        assert health["scheduler"] is True and health["last_cycle_age_seconds"] is not None
        assert 'bot_feed_polls_total{outcome="new"} 1.0' in metrics
        assert 'bot_alerts_total{kind="changes"} 1.0' in metrics
        assert "bot_fetch_seconds_bucket" in metrics
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=40)
    assert worker.returncode == 0, err[-2000:]
    assert "145% → 40%" in out
    assert "Traceback" not in err
