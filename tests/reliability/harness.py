"""Worker processes and the checks of "no alert lost, none doubled".

A :class:`Deployment` holds one database, one config file and the stand-ins; it starts real
``python -m bot run`` processes (each with its own log file), kills them with SIGKILL, and runs
``run --once`` to drain. :func:`assert_exactly_once` compares three records: the items the feed
host served, the alerts and outbox rows in the database, and the messages the Slack stand-in
received.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from bot.store.db import Database
from bot.store.models import AlertRow, EntryRow, FeedRow, OutboxRow
from bot.store.repo import entry_uid, utcnow

from .servers import FeedHost, Item, Kill, SlackStandIn
from .stories import change_alert_id

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Deployment:
    """One database and config shared by every worker process of a test."""

    database_url: str
    folder: Path
    feeds: FeedHost
    slack: SlackStandIn
    channels: Sequence[str]
    feed_names: list[str] = field(default_factory=list)
    schedule: dict[str, Any] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. a Discord stand-in's
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0

    @property
    def config_path(self) -> Path:
        return self.folder / "config.yaml"

    @property
    def destinations(self) -> list[str]:
        return [f"slack:{channel}" for channel in self.channels]

    def write_config(self) -> None:
        config = {
            "feeds": [{"name": name, "url": self.feeds.url(name)} for name in self.feed_names],
            "routes": [{"to": d, "kinds": ["changes"]} for d in self.destinations],
            "fetch": {"allow_private_networks": True, "full_text": False},
            "schedule": {
                "first_run_backlog_hours": None,
                "poll_interval_seconds": 10,
                "min_interval_seconds": 10,
                "deliver_interval_seconds": 1,
                **self.schedule,
            },
            "seeds_dir": str(ROOT / "seeds"),
            "topics_file": str(ROOT / "config" / "topics.yaml"),
        }
        self.config_path.write_text(yaml.safe_dump(config), encoding="utf-8")

    def _env(self, instance: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        env.update(
            DATABASE_URL=self.database_url,
            SLACK_BOT_TOKEN=SlackStandIn.TOKEN,
            SLACK_API_URL=self.slack.api_url,
            BOT_INSTANCE_ID=instance,
            BOT_LOG_LEVEL="INFO",
            BOT_HTTP_PORT="0",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def _log(self, label: str) -> Path:
        self.started += 1
        return self.folder / f"{self.started:03d}-{label}.log"

    def start(self, instance: str) -> subprocess.Popen[bytes]:
        """Start ``python -m bot run`` as replica ``instance``."""
        log = self._log(instance).open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config_path)],
            cwd=ROOT,
            env=self._env(instance),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def run_once(self, instance: str, timeout: float = 300) -> str:
        """``python -m bot run --once``; returns its output, failing the test on a non-zero exit."""
        path = self._log(f"{instance}-once")
        completed = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--once", "--config", str(self.config_path)],
            cwd=ROOT,
            env=self._env(instance),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        output = (completed.stdout + completed.stderr).decode(errors="replace")
        path.write_text(output, encoding="utf-8")
        assert completed.returncode == 0, f"run --once exited {completed.returncode}:\n{output}"
        return output

    def start_and_await_kill(
        self, instance: str, arm: Callable[[Kill], None], timeout: float
    ) -> None:
        """Start replica ``instance``; ``arm(stop)`` sets a stand-in's trigger, which calls
        ``stop`` to kill it; wait (up to ``timeout`` seconds) until it did."""
        holder: list[subprocess.Popen[bytes]] = []

        def stop() -> None:
            kill(holder[0])

        arm(stop)
        holder.append(self.start(instance))
        died = wait_for(lambda: holder[0].poll() is not None, timeout)
        kill(holder[0])
        assert died, "the worker was not killed at the planned moment"

    def kill_at_slack_call(self, instance: str, method: str, before: bool, timeout: float) -> None:
        """Start replica ``instance``, kill it at its first ``method`` call to the Slack
        stand-in (:meth:`SlackStandIn.kill_at`), then disarm the stand-in."""
        self.start_and_await_kill(
            instance, lambda stop: self.slack.kill_at(method, before, stop), timeout
        )
        self.slack.trigger = None

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)

    def expire_leases(self, owner: str | None = None) -> None:
        """Move the leases of ``owner`` (default: everyone) into the past, as if their lease
        time had run out: what waiting out a dead replica's leases would do, without waiting."""
        past = utcnow().replace(year=2000)
        db = Database(self.database_url)
        try:
            with db.session() as session:
                for model in (FeedRow, OutboxRow):
                    query = update(model).where(model.lease_owner.is_not(None))
                    if owner is not None:
                        query = query.where(model.lease_owner == owner)
                    session.execute(query.values(lease_until=past))
        finally:
            db.dispose()


def kill(process: subprocess.Popen[bytes]) -> None:
    """``kill -9`` and reap."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def outbox_statuses(database_url: str) -> Counter[str]:
    """Outbox rows by status (empty while no worker has created the schema yet)."""
    db = Database(database_url)
    try:
        with db.session() as session:
            rows = session.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))
            return Counter({str(status): int(count) for status, count in rows})
    except DBAPIError:
        return Counter()
    finally:
        db.dispose()


def outbox_rows(database_url: str) -> dict[tuple[str, str], str]:
    """Each outbox row's status, by alert and destination."""
    db = Database(database_url)
    try:
        with db.session() as session:
            return {(r.alert_id, r.destination): r.status for r in session.query(OutboxRow)}
    finally:
        db.dispose()


def wait_for(condition: Any, timeout: float, poll: float = 0.25) -> bool:
    """Poll ``condition()`` until true or ``timeout`` seconds pass (a bound, not a measure)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return bool(condition())


def assert_exactly_once(deployment: Deployment, served: dict[str, list[Item]]) -> dict[str, int]:
    """Every served item is stored; each is one change alert; each alert has one `sent` outbox
    row per destination; the Slack stand-in holds each alert exactly once per channel, and
    nothing else. Returns the figures."""
    expected = {change_alert_id(feed, item) for feed, items in served.items() for item in items}
    uids = {entry_uid(feed, item.guid) for feed, items in served.items() for item in items}
    db = Database(deployment.database_url)
    try:
        with db.session() as session:
            stored = set(session.scalars(select(EntryRow.uid)))
            alerts = set(session.scalars(select(AlertRow.id).where(AlertRow.kind == "changes")))
            rows = list(
                session.execute(select(OutboxRow.alert_id, OutboxRow.destination, OutboxRow.status))
            )
    finally:
        db.dispose()
    missing_entries = uids - stored
    assert not missing_entries, f"{len(missing_entries)} served items never stored"
    assert alerts == expected, (
        f"change alerts: {len(alerts - expected)} unexpected, {len(expected - alerts)} missing"
    )
    per_row = Counter((alert, destination) for alert, destination, _ in rows)
    assert set(per_row) == {(a, d) for a in expected for d in deployment.destinations}
    assert max(per_row.values()) == 1
    unsent = [(a, d, s) for a, d, s in rows if s != "sent"]
    assert not unsent, f"{len(unsent)} outbox rows not sent, e.g. {unsent[:3]}"

    received = deployment.slack.counts_by_channel()
    assert set(received) == set(deployment.channels), f"channels seen: {sorted(received)}"
    for channel in deployment.channels:
        counts = received[channel]
        doubled = {a: n for a, n in counts.items() if n > 1}
        lost = expected - set(counts)
        strange = set(counts) - expected
        assert not doubled, f"{channel}: {len(doubled)} alerts posted twice or more: {doubled}"
        assert not lost, f"{channel}: {len(lost)} alerts never posted"
        assert not strange, f"{channel}: {len(strange)} posts of unknown alerts: {strange}"
    return {
        "items": len(uids),
        "alerts": len(alerts),
        "outbox_rows": len(rows),
        "messages": deployment.slack.total(),
    }
