"""Secrets kept out of log lines (a leaf module: it imports no room).

:func:`redact` replaces with ``[redacted]``: Slack tokens (``xox?-``, ``xapp-``), Slack
response and webhook URLs, ``response_url`` and ``token`` values, Discord webhook and
interaction tokens in URL paths, ``Bot``/``Bearer`` credentials, passwords in URLs (``***``),
and any string registered with :func:`remember_secret` (as is and URL-encoded) — the chat
adapters register each slash command's ``response_url`` and interaction token, so a library's
DEBUG line that prints them does not leak them.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from urllib.parse import quote

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
