"""Fixtures for the hardening tests (issue 14): the bot run as a real process with an
environment of the test's own (tests/worker.py), what a refusal must look like on stderr, and a
port already taken."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.worker import clean_env, run_bot

ROOT = Path(__file__).resolve().parents[2]


def error_lines(completed: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in completed.stderr.splitlines() if line.strip()]


def assert_one_clear_line(completed: subprocess.CompletedProcess[str], code: int) -> str:
    """Exit ``code``, no traceback, and exactly one line on stderr: returned."""
    lines = error_lines(completed)
    assert completed.returncode == code, (completed.returncode, completed.stderr[-3000:])
    assert "Traceback" not in completed.stderr
    assert len(lines) == 1, completed.stderr[-3000:]
    return lines[0]


@pytest.fixture
def listening_port() -> Iterator[int]:
    """A port on 127.0.0.1 that something already listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        yield int(taken.getsockname()[1])


__all__ = ["clean_env", "run_bot"]  # of tests/worker.py, still imported from here by tests/zh
