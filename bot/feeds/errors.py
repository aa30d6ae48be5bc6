"""Why a fetch failed: a short reason for people and a low-cardinality kind for metrics.

A failure found by our own checks is a :class:`FetchFailure` carrying both. Anything else raised
while fetching (aiohttp's and the operating system's errors) is classified by
:func:`classify_error`: the exception and its causes (``__cause__``, ``__context__`` and
aiohttp's ``os_error``) are walked in order, a :class:`FetchFailure` or a blocked address first,
then each against :data:`CLASSES`, first match wins.
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Iterable

import aiohttp

from bot.feeds.ssrf import BlockedAddressError


class FetchFailure(Exception):
    """A failure with its user-facing ``reason``, its metric ``kind`` and, when a response
    was read, its HTTP ``status``."""

    def __init__(self, reason: str, kind: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.status = status


# (exception types, or an OSError with this errno), reason, kind: the first match wins
CLASSES: tuple[tuple[tuple[type[BaseException], ...], int | None, str, str], ...] = (
    (
        (aiohttp.ClientConnectorCertificateError, ssl.SSLCertVerificationError),
        None,
        "tls certificate not valid",
        "tls",
    ),
    ((aiohttp.ClientConnectorSSLError, ssl.SSLError), None, "tls error", "tls"),
    ((aiohttp.ClientConnectorDNSError,), None, "host name not found", "dns"),
    ((TimeoutError, aiohttp.ServerTimeoutError), None, "timeout", "timeout"),
    ((ConnectionResetError,), errno.ECONNRESET, "connection reset", "reset"),
    ((ConnectionRefusedError,), errno.ECONNREFUSED, "connection refused", "connect"),
    ((aiohttp.ServerDisconnectedError,), None, "server closed the connection", "disconnected"),
    ((aiohttp.ClientPayloadError,), None, "truncated or malformed body", "payload"),
    ((aiohttp.ClientResponseError,), None, "malformed http response", "protocol"),
    ((aiohttp.InvalidURL, ValueError), None, "invalid url", "url"),
    ((aiohttp.ClientConnectorError,), None, "cannot connect", "connect"),
    ((aiohttp.ClientOSError,), None, "network error", "network"),
)


def describe_size(limit: int) -> str:
    """``10 MiB``, ``512 KiB`` or ``1000 bytes``: how the body cap is shown to users."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def too_large(limit: int, status: int | None = None) -> FetchFailure:
    return FetchFailure(f"body over {describe_size(limit)}", "too_large", status)


def status_kind(status: int) -> str:
    """The metric kind of an HTTP status that is not a success."""
    if status == 429:
        return "http_429"
    return "http_5xx" if status >= 500 else "http_4xx"


def status_reason(status: int, retry_after: float | None = None) -> str:
    """``http 404``; ``http 429 (retry after 120 s)`` when a 429 or 503 says how long."""
    if status in {429, 503} and retry_after is not None:
        return f"http {status} (retry after {retry_after:.0f} s)"
    return f"http {status}"


def causes(exc: BaseException) -> Iterable[BaseException]:
    """``exc``, then what caused it, each once (aiohttp's ``os_error`` right after its owner)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        os_error = getattr(current, "os_error", None)
        if isinstance(os_error, BaseException) and id(os_error) not in seen:
            yield os_error
        current = current.__cause__ or current.__context__


def _matches(item: BaseException, types: tuple[type[BaseException], ...], code: int | None) -> bool:
    if isinstance(item, types):
        return True
    return code is not None and isinstance(item, OSError) and item.errno == code


def classify_error(exc: BaseException) -> tuple[str, str]:
    """A short reason and a metric kind for an exception raised while fetching."""
    for item in causes(exc):
        if isinstance(item, FetchFailure):
            return item.reason, item.kind
        if isinstance(item, BlockedAddressError):
            return str(item), "blocked"
    for item in causes(exc):
        for types, code, reason, kind in CLASSES:
            if _matches(item, types, code):
                return reason, kind
    return f"unexpected error ({type(exc).__name__})", "other"
