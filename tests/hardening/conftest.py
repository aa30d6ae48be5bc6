"""Fixtures for the hardening tests (issue 14): the bot run as a real process with an
environment of the test's own, a local feed host, and the Slack and Discord stand-ins."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BOT_VARIABLES = ("DATABASE_URL", "SLACK_", "DISCORD_", "BOT_", "PG")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any of the bot's variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_VARIABLES)}
    env.update(extra)
    return env


def run_bot(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=dict(env if env is not None else clean_env()),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def error_lines(completed: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in completed.stderr.splitlines() if line.strip()]


def assert_one_clear_line(completed: subprocess.CompletedProcess[str], code: int) -> str:
    """Exit ``code``, no traceback, and exactly one line on stderr: returned."""
    lines = error_lines(completed)
    assert completed.returncode == code, (completed.returncode, completed.stderr[-3000:])
    assert "Traceback" not in completed.stderr
    assert len(lines) == 1, completed.stderr[-3000:]
    return lines[0]


def write_config(path: Path, config: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A port on 127.0.0.1 that something already listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        yield int(taken.getsockname()[1])
