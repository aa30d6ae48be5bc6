"""Polite, bounded fetching of feeds and pages: the :class:`Fetcher`, which puts together

- :mod:`bot.feeds.request`: what to ask for (``Accept``, conditional GET) and where (each URL
  and redirect hop checked before a connection is made);
- :mod:`bot.feeds.transport`: aiohttp under the SSRF guard and its own connection limits, one
  deadline per fetch, redirects followed by hand;
- :mod:`bot.feeds.response`: status and headers judged, the body read and decompressed under
  the cap, the :class:`FetchResult`;
- :mod:`bot.feeds.errors`: every failure as a short reason and a metric kind;

and counts each fetch in the metrics. :meth:`Fetcher.fetch` never raises (cancellation aside):
every failure becomes a :class:`FetchResult` with ``outcome="error"``, a short human reason in
``error`` and a low-cardinality ``error_kind``.

Limits, in the order they bite: the scheme (http/https; ``file://`` only with ``allow_file``)
and the guard, for every hop, at most ``max_redirects`` of them; the connector's limits (a
request waits for a free connection, and that wait counts against no timeout); the connect
timeout per new connection, the read timeout per socket read, and one total deadline for all
hops and the whole body; the body cap, on a declared ``Content-Length``, on the bytes streamed
and on the bytes produced by decompression.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from aiohttp.abc import AbstractResolver

from bot import metrics
from bot.config.settings import FetchConfig
from bot.feeds.closing import Closing
from bot.feeds.errors import FetchFailure, classify_error
from bot.feeds.request import (
    Target,
    Validators,
    feed_headers,
    file_path,
    is_file_url,
    page_headers,
)
from bot.feeds.response import (
    FetchResult,
    ResponseHead,
    failed_result,
    file_result,
    hub_result,
    read_body,
)
from bot.feeds.ssrf import AddressGuard
from bot.feeds.transport import Deadline, Transport, read_file

__all__ = ["FetchResult", "Fetcher", "Validators"]

log = logging.getLogger(__name__)
READ_CHUNK = 64 * 1024


class Fetcher(Closing):
    """Fetches feeds and pages under the limits of :class:`FetchConfig`. Use as
    ``async with Fetcher(config) as fetcher`` or call :meth:`close`.

    ``resolver`` replaces the DNS resolver (tests map names to loopback addresses with it);
    ``allowed_networks`` (added to ``config.allowed_networks``) are CIDR ranges let through the
    guard even when private networks are refused.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        resolver: AbstractResolver | None = None,
        allowed_networks: Iterable[str] = (),
    ) -> None:
        self.config = config
        allowed = (*config.allowed_networks, *allowed_networks)
        guards = {
            False: AddressGuard.from_settings(config.allow_private_networks, allowed),
            True: AddressGuard.from_settings(False, allowed),
        }
        self._transport = Transport(config, guards, resolver)

    async def close(self) -> None:
        await self._transport.close()

    async def aclose(self) -> None:
        await self.close()

    async def fetch(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        allow_file: bool = False,
        untrusted: bool = False,
    ) -> FetchResult:
        """Fetch a feed with a conditional GET. ``untrusted`` (a URL typed by a chat user)
        applies the SSRF guard even when the deployer allows private networks."""
        validators = validators or Validators()
        if is_file_url(url):
            if not allow_file:
                return self._record(
                    failed_result(url, "file:// not allowed for this feed", "scheme"), "feed"
                )
            return await self._fetch_file(url, validators)
        return await self._fetch_http(url, validators, feed_headers(validators), "feed", untrusted)

    async def fetch_page(self, url: str, *, untrusted: bool = False) -> FetchResult:
        """Fetch an article page (no validators; same guards and caps)."""
        return await self._fetch_http(url, Validators(), page_headers(), "page", untrusted)

    async def post_form(
        self, url: str, form: dict[str, str], *, untrusted: bool = False
    ) -> FetchResult:
        """POST a form (a WebSub hub request) under the same guards (``untrusted``: the hub
        of a chat-added feed, strict whatever the deployer allows); redirects are not
        followed. ``outcome`` is ``new`` for any 2xx, with the body read under the cap."""
        deadline = self._transport.deadline()
        try:
            async with (
                deadline,
                self._transport.post(url, form, deadline, untrusted=untrusted) as response,
            ):
                body, _ = await read_body(
                    response.content.iter_chunked(READ_CHUNK),
                    response.headers.get("Content-Encoding", ""),
                    self.config.max_body_bytes,
                )
                result = hub_result(url, response.status, body)
        except Exception as exc:  # CancelledError is not an Exception: it goes through
            return self._error(url, exc, deadline, "hub")
        return self._record(replace(result, elapsed=deadline.elapsed), "hub")

    async def _fetch_http(
        self,
        url: str,
        validators: Validators,
        headers: dict[str, str],
        target: Target,
        untrusted: bool,
    ) -> FetchResult:
        limit = self.config.max_body_bytes
        deadline = self._transport.deadline()
        body: tuple[bytes, str] | None = None
        try:
            async with deadline:
                response = await self._transport.open(url, headers, untrusted=untrusted)
                async with response:
                    head = ResponseHead(
                        url, str(response.url), response.status, response.headers, validators
                    )
                    if head.needs_body:
                        head.check_length(response.content_length, limit)
                        body = await read_body(
                            response.content.iter_chunked(READ_CHUNK),
                            response.headers.get("Content-Encoding", ""),
                            limit,
                        )
                        metrics.FETCHED_BYTES.labels(target).inc(len(body[0]))
            # built once the deadline is over, with the time it counted
            result = (
                head.result(deadline.elapsed)
                if body is None
                else head.with_body(*body, deadline.elapsed)
            )
        except Exception as exc:
            return self._error(url, exc, deadline, target)
        return self._record(result, target)

    async def _fetch_file(self, url: str, validators: Validators) -> FetchResult:
        started = time.monotonic()
        try:
            body = await read_file(file_path(url), self.config.max_body_bytes)
        except FetchFailure as exc:
            result = failed_result(url, exc.reason, exc.kind)
        except OSError as exc:
            reason = (exc.strerror or type(exc).__name__).lower()
            result = failed_result(url, f"cannot read file: {reason}", "file")
        else:
            result = file_result(url, body, validators)
        return self._record(replace(result, elapsed=time.monotonic() - started), "feed")

    def _error(
        self, url: str, exc: BaseException, deadline: Deadline, target: Target
    ) -> FetchResult:
        reason, kind = classify_error(exc)
        if kind == "other":
            log.warning("fetch %s: unexpected %r", url, exc)
        status = exc.status if isinstance(exc, FetchFailure) else None
        result = failed_result(url, reason, kind, status=status)
        return self._record(replace(result, elapsed=deadline.elapsed), target)

    @staticmethod
    def _record(result: FetchResult, target: Target) -> FetchResult:
        if target == "feed":
            _polls(result.outcome).inc()
        if result.error_kind is not None:
            metrics.FETCH_FAILURES.labels(target, result.error_kind).inc()
        _seconds(target).observe(result.elapsed)
        return result


# each fetch counts under a handful of labels: their children are looked up once
@functools.cache
def _polls(outcome: str) -> Any:
    return metrics.FEED_POLLS.labels(outcome)


@functools.cache
def _seconds(target: str) -> Any:
    return metrics.FETCH_SECONDS.labels(target)
