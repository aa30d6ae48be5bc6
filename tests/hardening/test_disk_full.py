"""A disk that fills up while the worker runs (finding: "one traceback per entry, then exit 1
from an unhandled error in delivery"): one clear line, exit 1, and nothing lost, since what
was not stored is judged again on the next run and what was stored is delivered then.

The "full disk" is the process's own file-size limit (RLIMIT_FSIZE, as ``ulimit -f`` sets it):
the database cannot grow past it, exactly as on a full file system, and nothing else on the
machine is touched."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.worker import clean_env

from .conftest import ROOT

DEMO = str(ROOT / "config" / "demo.yaml")


def closing(stdout: str) -> dict[str, int]:
    match = re.search(
        r"cycle done: \d+ feeds \(\d+ failed\), (\d+) new entries, \d+ relevant, \d+ changes, "
        r"(\d+) alerts, (\d+) deliveries",
        stdout,
    )
    assert match, stdout
    entries, alerts, deliveries = (int(g) for g in match.groups())
    return {"entries": entries, "alerts": alerts, "deliveries": deliveries}


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE semantics of Linux")
def test_a_full_disk_is_one_line_and_exit_1_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    url = f"sqlite:///{path}"
    database = Database(url)
    database.migrate()
    database.dispose()
    limit = path.stat().st_size + 4096

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [sys.executable, "-m", "bot", "run", "--once", "--config", DEMO, "--db", url]
    env = clean_env(PYTHONDONTWRITEBYTECODE="1", BOT_INSTANCE_ID="disk-test")  # own leases back
    full = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        preexec_fn=small_disk, check=False,
    )  # fmt: skip
    assert full.returncode == 1, full.stderr[-3000:]
    assert "Traceback" not in full.stderr
    errors = [line for line in full.stderr.splitlines() if " ERROR " in line and "database" in line]
    assert len(errors) == 1, full.stderr[-3000:]  # once, not once per entry, feed or delivery
    assert str(path) in errors[0] and re.search("disk I/O error|disk is full", errors[0])
    first = closing(full.stdout)

    again = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert again.returncode == 0, again.stderr[-3000:]
    second = closing(again.stdout)
    assert first["entries"] + second["entries"] == 7  # the demo's seven entries, each once
    status = subprocess.run(
        [sys.executable, "-m", "bot", "status", "--json", "--db", url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    outbox = json.loads(status.stdout)["outbox"]
    assert sum(outbox.values()) == first["alerts"] + second["alerts"]  # one row per alert
    assert "failed" not in outbox and outbox["sent"] >= first["alerts"]
    assert os.path.getsize(path) > limit
