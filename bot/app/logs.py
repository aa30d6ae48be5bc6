"""Logging: quiet at INFO, structured on request, and never a secret in a line.

- ``BOT_LOG_LEVEL`` (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``). At INFO the worker writes one
  line per poll cycle that did something, one per alert, one per failure; the chatty libraries
  (APScheduler's job runs, Alembic's migration steps, the chat SDKs) speak only from WARNING.
  Tracebacks are shown only at DEBUG: at other levels an exception becomes one line
  (``error: Type: message``) appended to the record's own.
- ``BOT_LOG_FORMAT=json``: one JSON object per line with the stable keys ``time``, ``level``,
  ``logger``, ``message`` and, when the record concerns one, ``feed``, ``entry``, ``alert``,
  ``destination``; ``error`` for an exception (``traceback`` too at DEBUG).
- Every line passes :func:`redact` first: Slack tokens and response URLs, Discord webhook and
  interaction tokens, passwords in URLs and any value registered with
  :func:`bot.redact.remember_secret` (a slash command's ``response_url``) are replaced with
  ``[redacted]``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from bot.redact import redact

CONTEXT_KEYS = ("feed", "entry", "alert", "destination")
QUIET_LOGGERS = ("apscheduler", "alembic", "slack_bolt", "slack_sdk", "discord", "asyncio")
# a run skipped because the last one still runs is the schedule working (max_instances=1): the
# scheduler says it at WARNING, so only its errors (a job that raised) are shown
QUIETER = {"apscheduler": logging.ERROR}


def _one_line_error(record: logging.LogRecord) -> str | None:
    if not record.exc_info or record.exc_info[1] is None:
        return None
    exc = record.exc_info[1]
    first = next((line for line in str(exc).splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {first.strip()}" if first else type(exc).__name__


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``; an exception as a traceback only when ``debug``."""

    def __init__(self, *, debug: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._debug = debug

    def format(self, record: logging.LogRecord) -> str:
        if self._debug:
            return redact(super().format(record))
        error = _one_line_error(record)
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        if error and error not in line:
            line = f"{line} (error: {error})"
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the keys of the module doc."""

    def __init__(self, *, debug: bool) -> None:
        super().__init__()
        self._debug = debug

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                payload[key] = redact(str(value))
        error = _one_line_error(record)
        if error:
            payload["error"] = redact(error)
            if self._debug and record.exc_info:
                payload["traceback"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Set up the root logger on stderr (replacing any earlier set-up)."""
    debug = level.upper() == "DEBUG"
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter if fmt == "json" else TextFormatter
    handler.setFormatter(formatter(debug=debug))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    for name in QUIET_LOGGERS:
        quiet = QUIETER.get(name, logging.WARNING)
        logging.getLogger(name).setLevel(logging.NOTSET if debug else quiet)
