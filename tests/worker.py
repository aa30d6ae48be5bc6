"""The bot as a real process of its own, from the project's folder: a command run to its end
(``run_bot``, with an environment free of the bot's variables unless the test gives one), the
worker started (``python -m bot run --config CONFIG``) and what its HTTP port says while it runs
(``/healthz``, ``/metrics``), and the ``--config`` file written for it."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
Pipe = int | IO[Any] | None  # where a process's output goes: a file, PIPE, DEVNULL, STDOUT
BOT_VARIABLES = ("DATABASE_URL", "SLACK_", "DISCORD_", "BOT_", "PG")


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without any of the bot's variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_VARIABLES)}
    env.update(extra)
    return env


def run_bot(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` run to its end (its environment ``env``, else :func:`clean_env`):
    its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=dict(env if env is not None else clean_env()),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_config(path: Path, config: dict[str, Any]) -> Path:
    """``config`` written to ``path`` as YAML (a ``--config`` file); ``path``."""
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_args(config: Path) -> list[str]:
    return [sys.executable, "-m", "bot", "run", "--config", str(config)]


def start_worker(
    config: Path, env: Mapping[str, str], *, stdout: Pipe, stderr: Pipe
) -> subprocess.Popen[str]:
    """The worker started with ``env`` as its whole environment (text output)."""
    return subprocess.Popen(
        run_args(config), cwd=ROOT, env=dict(env), stdout=stdout, stderr=stderr, text=True
    )


async def spawn_worker(
    config: Path, env: Mapping[str, str], *, stdout: Pipe, stderr: Pipe
) -> asyncio.subprocess.Process:
    """The worker started from a test's event loop, ``env`` its whole environment."""
    return await asyncio.create_subprocess_exec(
        *run_args(config), cwd=ROOT, env=dict(env), stdout=stdout, stderr=stderr
    )


def get(url: str) -> tuple[int, str]:
    """A GET's status and body, an HTTP error's included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class Reading:
    """What the worker's port answered: ``/healthz``'s status and JSON, ``/metrics``' text."""

    status: int = 0
    health: dict[str, Any] = field(default_factory=dict)
    metrics: str = ""


def read_until(
    port: int, done: Callable[[Reading], bool], seconds: float, pause: float = 0.2
) -> Reading:
    """Read the worker's health and metrics on ``port`` until ``done`` holds of a reading or
    ``seconds`` pass (a port not yet open is read again); the last reading."""
    reading = Reading()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body = get(f"http://127.0.0.1:{port}/healthz")
            _, metrics = get(f"http://127.0.0.1:{port}/metrics")
        except OSError:
            time.sleep(0.2)
            continue
        reading = Reading(status, json.loads(body), metrics)
        if done(reading):
            break
        time.sleep(pause)
    return reading
