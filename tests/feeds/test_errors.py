"""Failure classification alone (bot/feeds/errors.py): each family of exception, however deep
in its chain of causes, gets its reason and metric kind."""

from __future__ import annotations

import errno
import ssl

import aiohttp
import pytest

from bot.feeds.errors import (
    FetchFailure,
    classify_error,
    describe_size,
    status_kind,
    status_reason,
)
from bot.feeds.ssrf import BlockedAddressError


def caused_by(cause: BaseException) -> BaseException:
    """``cause`` wrapped the way libraries wrap: raised from inside another exception."""
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "reason", "kind"),
    [
        (ssl.SSLCertVerificationError("bad cert"), "tls certificate not valid", "tls"),
        (ssl.SSLError("handshake"), "tls error", "tls"),
        (TimeoutError(), "timeout", "timeout"),
        (aiohttp.ServerTimeoutError("read"), "timeout", "timeout"),
        (ConnectionResetError(), "connection reset", "reset"),
        (OSError(errno.ECONNRESET, "reset by peer"), "connection reset", "reset"),
        (ConnectionRefusedError(), "connection refused", "connect"),
        (OSError(errno.ECONNREFUSED, "refused"), "connection refused", "connect"),
        (aiohttp.ServerDisconnectedError(), "server closed the connection", "disconnected"),
        (aiohttp.ClientPayloadError("short"), "truncated or malformed body", "payload"),
        (ValueError("bad url"), "invalid url", "url"),
        (aiohttp.ClientOSError(errno.EHOSTUNREACH, "unreachable"), "network error", "network"),
        (KeyError("surprise"), "unexpected error (KeyError)", "other"),
    ],
)
def test_each_family_has_its_reason_and_kind(exc: BaseException, reason: str, kind: str) -> None:
    assert classify_error(exc) == (reason, kind)
    if kind != "other":
        assert classify_error(caused_by(exc)) == (reason, kind)


def test_our_own_failures_and_the_guards_come_first() -> None:
    failure = FetchFailure("body over 1 MiB", "too_large", 200)
    assert classify_error(failure) == ("body over 1 MiB", "too_large")
    assert classify_error(caused_by(failure)) == ("body over 1 MiB", "too_large")
    blocked = BlockedAddressError("blocked: loopback address 127.0.0.1")
    # a blocked address is an OSError too, but it is the guard speaking, not the network
    assert classify_error(caused_by(blocked)) == (str(blocked), "blocked")


def test_sizes_and_statuses_as_people_and_metrics_see_them() -> None:
    assert describe_size(10 * 1024 * 1024) == "10 MiB"
    assert describe_size(512 * 1024) == "512 KiB"
    assert describe_size(1000) == "1000 bytes"
    assert [status_kind(s) for s in (429, 404, 410, 500, 503)] == [
        "http_429",
        "http_4xx",
        "http_4xx",
        "http_5xx",
        "http_5xx",
    ]
    assert status_reason(404) == "http 404"
    assert status_reason(429, 120.0) == "http 429 (retry after 120 s)"
    assert status_reason(503, 30.4) == "http 503 (retry after 30 s)"
    assert status_reason(500, 30.0) == "http 500"
