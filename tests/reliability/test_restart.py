"""Issue 16, restart: a single ``python -m bot run`` without ``BOT_INSTANCE_ID`` is killed with
``kill -9`` while it sends an alert, and restarted at once; the restarted process delivers the
pending alert at once (not after the outbox lease of two minutes or the feed lease of five),
exactly once per channel, and nothing of the killed process remains: its pool workers, the
forkserver and every other process it started exit with it.

The Slack stand-in kills the worker on its first ``chat.postMessage``, before recording it, so
the outbox row is left in ``sending``, leased to a default instance id (host, pid, random) whose
process is dead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import make_deployment
from .harness import ROOT, Deployment, assert_exactly_once, kill, outbox_statuses, wait_for
from .servers import FeedHost, PostTrigger, SlackStandIn
from .stories import change_items

DELIVERY_BOUND = 60.0  # seconds; the outbox lease is 120, the feed lease 300
TRIGGER_TIMEOUT = 60.0


@pytest.fixture
def sqlite_deployment(
    tmp_path: Path, feed_host: FeedHost, slack: SlackStandIn
) -> Iterator[Deployment]:
    yield from make_deployment(f"sqlite:///{tmp_path / 'bot.db'}", tmp_path, feed_host, slack)


def start_without_instance_id(deployment: Deployment, label: str) -> subprocess.Popen[bytes]:
    """``python -m bot run`` as the harness starts it, but with no ``BOT_INSTANCE_ID``."""
    env = {k: v for k, v in deployment._env("unused").items() if k != "BOT_INSTANCE_ID"}
    deployment.started += 1
    with (deployment.folder / f"{deployment.started:03d}-{label}.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(deployment.config_path)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deployment.processes.append(process)
    return process


Identity = tuple[int, str]  # a pid and its start time (a reused pid is another process)


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None if there is no such
    process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[-1].split()


def descendants(root: int) -> set[Identity]:
    """Every process below ``root`` (children, their children, ...), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[Identity] = set()
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        fields = _stat(pid)
        if fields is not None:
            found.add((pid, fields[19]))
            todo += children.get(pid, [])
    return found


def running(identity: Identity) -> bool:
    """Whether that process still runs (a zombie waiting to be reaped does not)."""
    pid, started = identity
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] != "Z"


@pytest.mark.slow
def test_a_restart_after_kill_9_delivers_the_pending_alert_at_once_and_leaves_no_orphans(
    sqlite_deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the killed process's children")
    deployment = sqlite_deployment
    items = change_items(1, seed=1616, prefix="restart")
    deployment.feeds.publish("wire", items)
    deployment.feed_names.append("wire")
    deployment.write_config()

    first = start_without_instance_id(deployment, "first")
    left_behind: set[Identity] = set()

    def kill_first() -> None:
        left_behind.update(descendants(first.pid))
        kill(first)

    deployment.slack.trigger = PostTrigger(nth=1, before=True, kill=kill_first)
    assert wait_for(lambda: first.poll() is not None, TRIGGER_TIMEOUT), "no post killed the worker"
    assert deployment.slack.trigger.fired
    deployment.slack.trigger = None
    assert deployment.slack.total() == 0
    statuses = outbox_statuses(deployment.database_url)
    assert statuses["sending"] >= 1, f"outbox after the kill: {dict(statuses)}"
    assert left_behind, "the killed worker had started no process (no pool workers?)"

    restarted_at = time.monotonic()
    second = start_without_instance_id(deployment, "second")

    def delivered() -> bool:
        statuses = outbox_statuses(deployment.database_url)
        return sum(statuses.values()) > 0 and set(statuses) == {"sent"}

    assert wait_for(delivered, DELIVERY_BOUND), (
        f"outbox {DELIVERY_BOUND:.0f} s after the restart: "
        f"{dict(outbox_statuses(deployment.database_url))}"
    )
    delivery = time.monotonic() - restarted_at
    assert second.poll() is None, "the restarted worker exited"
    figures = assert_exactly_once(deployment, {"wire": items})

    assert wait_for(lambda: not any(map(running, left_behind)), 10.0), (
        f"processes of the killed run still running: {sorted(filter(running, left_behind))}"
    )
    kill(second)
    logs = sorted(deployment.folder.glob("*-second.log"))
    took_back = "took back" in logs[-1].read_text(encoding="utf-8", errors="replace")

    with capsys.disabled():
        print(
            f"\nrestart: killed with {len(left_behind)} child processes, all gone; "
            f"the pending alert delivered {delivery:.1f} s after the restart "
            f"({figures['messages']} messages, leases taken back: {took_back})"
        )
    assert took_back, "the restarted worker did not take back the dead process's leases"
