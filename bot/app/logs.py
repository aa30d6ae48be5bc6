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
  interaction tokens, passwords in URLs and any value registered with :func:`remember_secret`
  (a slash command's ``response_url``) are replaced with ``[redacted]``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

CONTEXT_KEYS = ("feed", "entry", "alert", "destination")
QUIET_LOGGERS = ("apscheduler", "alembic", "slack_bolt", "slack_sdk", "discord", "asyncio")
REDACTED = "[redacted]"

_PATTERNS = (
    # Slack: bot, user, app tokens; response URLs and incoming webhooks
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"\bxapp-[A-Za-z0-9-]+"), REDACTED),
    (re.compile(r"https?(?::|%3A)(?://|%2F%2F)hooks\.slack\.com\S*", re.I), REDACTED),
    (re.compile(r"""(response_url['"]?\s*[:=]\s*['"]?)[^\s'"&,}]+""", re.I), rf"\1{REDACTED}"),
    # Discord: interaction and webhook tokens in paths, bot tokens in headers
    (re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9._-]+"), rf"\1{REDACTED}"),
    (re.compile(r"""(['"]?token['"]?\s*[:=]\s*['"]?)[^\s'"&,}]+""", re.I), rf"\1{REDACTED}"),
    (re.compile(r"((?:Bot|Bearer)\s+)[A-Za-z0-9._-]{20,}"), rf"\1{REDACTED}"),
    # passwords in URLs (database, proxies)
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s/]+@", re.I), r"\1***@"),
)


class _Secrets:
    """Exact strings to mask wherever they appear (and URL-encoded), most recent kept."""

    def __init__(self, limit: int = 256) -> None:
        self._values: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, value: str) -> None:
        if len(value) < 8:
            return
        with self._lock:
            self._values[value] = None
            self._values.move_to_end(value)
            while len(self._values) > self._limit:
                self._values.popitem(last=False)

    def mask(self, text: str) -> str:
        with self._lock:
            values = list(self._values)
        for value in values:
            if value in text:
                text = text.replace(value, REDACTED)
            encoded = quote(value, safe="")
            if encoded in text:
                text = text.replace(encoded, REDACTED)
        return text


_secrets = _Secrets()


def remember_secret(value: str) -> None:
    """Mask ``value`` (a response URL, an interaction token) in every later log line."""
    _secrets.add(value)


def redact(text: str) -> str:
    text = _secrets.mask(text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


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
        logging.getLogger(name).setLevel(logging.NOTSET if debug else logging.WARNING)
