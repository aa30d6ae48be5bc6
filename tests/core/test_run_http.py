"""`python -m bot run` as a real process: /healthz and /metrics answer while it works, and
SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from .conftest import ROOT, FeedHost
from .feeds import TARIFF_CUT, rss


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_and_metrics_while_running(tmp_path: Path, feed_host: FeedHost) -> None:
    feed_host.bodies["/wire.xml"] = rss([TARIFF_CUT])
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "feeds": [{"name": "wire", "url": feed_host.url("/wire.xml")}],
                "fetch": {"allow_private_networks": True, "full_text": False},
                "routes": [{"to": "console", "kinds": ["changes"]}],
                "schedule": {"first_run_backlog_hours": None},
            }
        )
    )
    port = _free_port()
    env = {
        **os.environ,
        "BOT_HTTP_PORT": str(port),
        "BOT_HTTP_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        health: dict[str, object] = {}
        metrics = ""
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                _, metrics = _get(f"http://127.0.0.1:{port}/metrics")
            except OSError:
                time.sleep(0.2)
                continue
            health = json.loads(body)
            cycled = health.get("last_cycle_age_seconds") is not None  # the cycle has ended
            if status == 200 and cycled and 'bot_alerts_total{kind="changes"} 1.0' in metrics:
                break
            time.sleep(0.2)
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
