"""Polite, bounded fetching of feeds and pages.

One :class:`Fetcher` holds one aiohttp session per guard policy, a global and a per-host
semaphore, and the SSRF guard of :mod:`bot.feeds.ssrf`. :meth:`Fetcher.fetch` never raises
(cancellation aside): every failure becomes a :class:`FetchResult` with ``outcome="error"``, a
short human reason in ``error`` and a low-cardinality ``error_kind`` for metrics.

Limits, in the order they bite:

- scheme http/https only (``file://`` only with ``allow_file=True``), every redirect hop checked
  again, at most ``max_redirects`` hops followed by hand;
- the connect timeout, the read timeout per socket read, and one total deadline that covers all
  hops and the whole body;
- the body cap, applied to a declared ``Content-Length``, to the bytes streamed and to the bytes
  produced by decompression (done here, chunk by chunk with ``max_length``, so a gzip bomb
  never holds more than the cap in memory).
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Literal
from urllib.parse import unquote, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from bot import metrics
from bot.config.settings import FetchConfig
from bot.feeds.policy import parse_max_age, parse_retry_after
from bot.feeds.ssrf import ALLOWED_SCHEMES, AddressGuard, BlockedAddressError, GuardedResolver

log = logging.getLogger(__name__)

Outcome = Literal["new", "unchanged", "not_modified", "error"]
Target = Literal["feed", "page", "hub"]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
READ_CHUNK = 64 * 1024
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class Validators:
    """What to send on the next conditional GET, and the hash of the last body seen."""

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """The result of one fetch. ``outcome``: ``new`` (a body whose hash differs from the stored
    one), ``unchanged`` (a 200 with the same hash: no parse needed), ``not_modified`` (304) or
    ``error``. ``validators`` are the ones to store for the next poll."""

    url: str
    final_url: str
    outcome: Outcome
    body: bytes | None
    validators: Validators
    http_status: int | None = None
    error: str | None = None
    error_kind: str | None = None
    retry_after: float | None = None
    max_age: float | None = None
    elapsed: float = 0.0
    content_type: str | None = None


class FetchFailure(Exception):
    """A failure with its user-facing reason and metric label (internal to this module)."""

    def __init__(self, reason: str, kind: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.status = status


def describe_size(limit: int) -> str:
    """``10 MiB``, ``512 KiB`` or ``1000 bytes``: how the body cap is shown to users."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


class _BodyReader:
    """Accumulates decoded body bytes under a cap, decompressing gzip/deflate incrementally."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0
        self._hash = hashlib.sha256()
        self._raw_deflate_fallback = False
        encoding = content_encoding.strip().lower()
        if encoding in {"", "identity"}:
            self._decoder: zlib._Decompress | None = None
        elif encoding in {"gzip", "x-gzip"}:
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate_fallback = True
        else:
            raise FetchFailure(f"unsupported content-encoding {encoding[:40]}", "encoding")

    def feed(self, chunk: bytes) -> None:
        if self._decoder is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._decoder.decompress(data, self._limit - self._size + 1)
            except zlib.error as exc:
                if self._raw_deflate_fallback and self._size == 0:
                    self._raw_deflate_fallback = False
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchFailure("corrupt compressed body", "decoding") from exc
            self._raw_deflate_fallback = False
            self._add(out)
            data = self._decoder.unconsumed_tail
            if self._decoder.eof:
                break

    def finish(self) -> bytes:
        if self._decoder is not None:
            self._add(self._decoder.flush())
        return b"".join(self._parts)

    @property
    def content_hash(self) -> str:
        return self._hash.hexdigest()

    @property
    def size(self) -> int:
        return self._size

    def _add(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        if self._size > self._limit:
            raise FetchFailure(f"body over {describe_size(self._limit)}", "too_large")
        self._parts.append(data)
        self._hash.update(data)


def _chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        os_error = getattr(current, "os_error", None)
        if isinstance(os_error, BaseException) and id(os_error) not in seen:
            yield os_error
        current = current.__cause__ or current.__context__


def classify_error(exc: BaseException) -> tuple[str, str]:
    """A short reason and a metric label for an exception raised while fetching."""
    for item in _chain(exc):
        if isinstance(item, FetchFailure):
            return item.reason, item.kind
        if isinstance(item, BlockedAddressError):
            return str(item), "blocked"
    for item in _chain(exc):
        if isinstance(item, aiohttp.ClientConnectorCertificateError | ssl.SSLCertVerificationError):
            return "tls certificate not valid", "tls"
        if isinstance(item, aiohttp.ClientConnectorSSLError | ssl.SSLError):
            return "tls error", "tls"
        if isinstance(item, aiohttp.ClientConnectorDNSError):
            return "host name not found", "dns"
        if isinstance(item, TimeoutError | aiohttp.ServerTimeoutError):
            return "timeout", "timeout"
        if isinstance(item, ConnectionResetError) or (
            isinstance(item, OSError) and item.errno == errno.ECONNRESET
        ):
            return "connection reset", "reset"
        if isinstance(item, ConnectionRefusedError) or (
            isinstance(item, OSError) and item.errno == errno.ECONNREFUSED
        ):
            return "connection refused", "connect"
        if isinstance(item, aiohttp.ServerDisconnectedError):
            return "server closed the connection", "disconnected"
        if isinstance(item, aiohttp.ClientPayloadError):
            return "truncated or malformed body", "payload"
        if isinstance(item, aiohttp.ClientResponseError):
            return "malformed http response", "protocol"
        if isinstance(item, aiohttp.InvalidURL | ValueError):
            return "invalid url", "url"
        if isinstance(item, aiohttp.ClientConnectorError):
            return "cannot connect", "connect"
        if isinstance(item, aiohttp.ClientOSError):
            return "network error", "network"
    return f"unexpected error ({type(exc).__name__})", "other"


class _HostSlots:
    """One semaphore per host, dropped when no fetch of that host is running or waiting."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(host) or (asyncio.Semaphore(self._per_host), 0)
        self._slots[host] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._slots[host]
            if users <= 1:
                del self._slots[host]
            else:
                self._slots[host] = (semaphore, users - 1)

    def __len__(self) -> int:
        return len(self._slots)


class Fetcher:
    """Fetches feeds and pages under the limits of :class:`FetchConfig`. Use as
    ``async with Fetcher(config) as fetcher`` or call :meth:`close`.

    ``resolver`` replaces the DNS resolver (tests map names to loopback addresses with it);
    ``allowed_networks`` (added to ``config.allowed_networks``) are CIDR ranges let through the
    guard even when private networks are
    refused.
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        resolver: AbstractResolver | None = None,
        allowed_networks: Iterable[str] = (),
    ) -> None:
        self.config = config
        self._resolver = resolver
        allowed = (*config.allowed_networks, *allowed_networks)
        self._guards = {
            False: AddressGuard.from_settings(config.allow_private_networks, allowed),
            True: AddressGuard.from_settings(False, allowed),
        }
        self._sessions: dict[bool, aiohttp.ClientSession] = {}
        self._global_slots: asyncio.Semaphore | None = None
        self._host_slots = _HostSlots(config.per_host_concurrency)
        self._closed = False

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        self._closed = True
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()

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
        if url.lower().startswith("file:"):
            if not allow_file:
                return self._failed(url, "feed", "file:// not allowed for this feed", "scheme")
            return await self._fetch_file(url, validators)
        headers = {"Accept": FEED_ACCEPT}
        if validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return await self._fetch_http(url, validators, headers, "feed", untrusted)

    async def fetch_page(self, url: str, *, untrusted: bool = False) -> FetchResult:
        """Fetch an article page (no validators; same guards and caps)."""
        return await self._fetch_http(url, Validators(), {"Accept": PAGE_ACCEPT}, "page", untrusted)

    async def post_form(
        self, url: str, form: dict[str, str], *, untrusted: bool = False
    ) -> FetchResult:
        """POST a form (a WebSub hub request) under the same guards (``untrusted``: the hub
        of a chat-added feed, strict whatever the deployer allows); redirects are not
        followed. ``outcome`` is ``new`` for any 2xx, with the body read under the cap."""
        started = time.monotonic()
        try:
            self._check_url(url, untrusted=untrusted)
            session = self._session(untrusted=untrusted)
            async with (
                self._slots(URL(url).host or ""),
                asyncio.timeout(self.config.timeout_seconds),
                session.post(url, data=form, allow_redirects=False) as response,
            ):
                reader = _BodyReader(
                    response.headers.get("Content-Encoding", ""), self.config.max_body_bytes
                )
                async for chunk in response.content.iter_chunked(READ_CHUNK):
                    reader.feed(chunk)
                body = reader.finish()
                if not 200 <= response.status < 300:
                    raise FetchFailure(
                        f"http {response.status}", _status_kind(response.status), response.status
                    )
                return self._record(
                    FetchResult(
                        url=url,
                        final_url=url,
                        outcome="new",
                        body=body,
                        validators=Validators(),
                        http_status=response.status,
                        elapsed=time.monotonic() - started,
                    ),
                    "hub",
                )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return self._error_result(url, url, exc, started, "hub")

    # -- internals ---------------------------------------------------------------------------

    def _session(self, *, untrusted: bool) -> aiohttp.ClientSession:
        if self._closed:
            raise FetchFailure("fetcher is closed", "closed")
        strict = untrusted and self.config.allow_private_networks
        session = self._sessions.get(strict)
        if session is None or session.closed:
            guard = self._guards[strict]
            inner = self._resolver or aiohttp.ThreadedResolver()
            connector = aiohttp.TCPConnector(
                limit=self.config.concurrency,
                limit_per_host=self.config.per_host_concurrency,
                resolver=GuardedResolver(inner, guard),
                socket_factory=guard.socket_factory,
                ttl_dns_cache=60,
            )
            session = aiohttp.ClientSession(
                connector=connector,
                headers={
                    "User-Agent": self.config.user_agent,
                    "Accept-Encoding": "gzip, deflate",
                },
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=self.config.connect_timeout_seconds,
                    sock_read=self.config.timeout_seconds,
                ),
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                raise_for_status=False,
            )
            self._sessions[strict] = session
        return session

    def _slots(self, host: str) -> _CombinedSlots:
        if self._global_slots is None:
            self._global_slots = asyncio.Semaphore(self.config.concurrency)
        return _CombinedSlots(self._host_slots, host, self._global_slots)

    def _check_url(self, url: str, *, untrusted: bool) -> URL:
        try:
            parsed = URL(url)
        except (ValueError, TypeError) as exc:
            raise FetchFailure("invalid url", "url") from exc
        if parsed.scheme.lower() not in ALLOWED_SCHEMES:
            raise FetchFailure("not http(s)", "scheme")
        host = parsed.raw_host
        if not host:
            raise FetchFailure("invalid url: no host", "url")
        strict = untrusted and self.config.allow_private_networks
        if _looks_like_ip(host):
            reason = self._guards[strict].blocked_reason(host)
            if reason is not None:
                raise FetchFailure(reason, "blocked")
        return parsed

    async def _fetch_http(
        self,
        url: str,
        validators: Validators,
        headers: dict[str, str],
        target: Target,
        untrusted: bool,
    ) -> FetchResult:
        started = time.monotonic()
        try:
            first = self._check_url(url, untrusted=untrusted)
            async with self._slots(first.host or ""):
                started = time.monotonic()
                async with asyncio.timeout(self.config.timeout_seconds):
                    return await self._follow(url, first, validators, headers, target, untrusted)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return self._error_result(url, url, exc, started, target)

    async def _follow(
        self,
        url: str,
        current: URL,
        validators: Validators,
        headers: dict[str, str],
        target: Target,
        untrusted: bool,
    ) -> FetchResult:
        started = time.monotonic()
        session = self._session(untrusted=untrusted)
        for _hop in range(self.config.max_redirects + 1):
            async with session.get(current, headers=headers, allow_redirects=False) as response:
                status = response.status
                if status in REDIRECT_STATUSES and "Location" in response.headers:
                    location = response.headers["Location"]
                    try:
                        following = current.join(URL(location))
                    except (ValueError, TypeError) as exc:
                        raise FetchFailure("invalid redirect location", "url", status) from exc
                    current = self._check_url(str(following), untrusted=untrusted)
                    continue
                return await self._finish(url, current, response, validators, target, started)
        raise FetchFailure("too many redirects", "redirects")

    async def _finish(
        self,
        url: str,
        final: URL,
        response: aiohttp.ClientResponse,
        validators: Validators,
        target: Target,
        started: float,
    ) -> FetchResult:
        status = response.status
        headers = response.headers
        retry_after = parse_retry_after(headers.get("Retry-After"))
        max_age = parse_max_age(
            headers.get("Cache-Control"), headers.get("Expires"), headers.get("Date")
        )
        base = FetchResult(
            url=url,
            final_url=str(final),
            outcome="error",
            body=None,
            validators=validators,
            http_status=status,
            retry_after=retry_after,
            max_age=max_age,
            elapsed=0.0,
            content_type=headers.get("Content-Type"),
        )
        if status == 304:
            kept = replace(
                validators,
                etag=headers.get("ETag") or validators.etag,
                last_modified=headers.get("Last-Modified") or validators.last_modified,
            )
            return self._record(
                replace(
                    base,
                    outcome="not_modified",
                    validators=kept,
                    elapsed=time.monotonic() - started,
                ),
                target,
            )
        if status != 200:
            reason = f"http {status}"
            if status in {429, 503} and retry_after is not None:
                reason += f" (retry after {retry_after:.0f} s)"
            return self._record(
                replace(
                    base,
                    error=reason,
                    error_kind=_status_kind(status),
                    elapsed=time.monotonic() - started,
                ),
                target,
            )
        limit = self.config.max_body_bytes
        declared = response.content_length
        if declared is not None and declared > limit:
            raise FetchFailure(f"body over {describe_size(limit)}", "too_large", status)
        reader = _BodyReader(headers.get("Content-Encoding", ""), limit)
        async for chunk in response.content.iter_chunked(READ_CHUNK):
            reader.feed(chunk)
        body = reader.finish()
        metrics.FETCHED_BYTES.labels(target).inc(len(body))
        content_hash = reader.content_hash
        outcome: Outcome = "unchanged" if content_hash == validators.content_hash else "new"
        return self._record(
            replace(
                base,
                outcome=outcome,
                body=body,
                validators=Validators(
                    etag=headers.get("ETag"),
                    last_modified=headers.get("Last-Modified"),
                    content_hash=content_hash,
                ),
                elapsed=time.monotonic() - started,
            ),
            target,
        )

    async def _fetch_file(self, url: str, validators: Validators) -> FetchResult:
        started = time.monotonic()
        try:
            path = Path(unquote(urlsplit(url).path))
            body = await asyncio.to_thread(_read_capped, path, self.config.max_body_bytes)
        except FetchFailure as exc:
            return self._failed(url, "feed", exc.reason, exc.kind, started)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return self._failed(url, "feed", f"cannot read file: {reason.lower()}", "file", started)
        content_hash = hashlib.sha256(body).hexdigest()
        outcome: Outcome = "unchanged" if content_hash == validators.content_hash else "new"
        return self._record(
            FetchResult(
                url=url,
                final_url=url,
                outcome=outcome,
                body=body,
                validators=Validators(content_hash=content_hash),
                elapsed=time.monotonic() - started,
            ),
            "feed",
        )

    def _error_result(
        self, url: str, final_url: str, exc: BaseException, started: float, target: Target
    ) -> FetchResult:
        reason, kind = classify_error(exc)
        if kind == "other":
            log.warning("fetch %s: unexpected %r", url, exc)
        status = exc.status if isinstance(exc, FetchFailure) else None
        return self._failed(url, target, reason, kind, started, final_url, status)

    def _failed(
        self,
        url: str,
        target: Target,
        reason: str,
        kind: str,
        started: float | None = None,
        final_url: str | None = None,
        status: int | None = None,
    ) -> FetchResult:
        elapsed = 0.0 if started is None else time.monotonic() - started
        return self._record(
            FetchResult(
                url=url,
                final_url=final_url or url,
                outcome="error",
                body=None,
                validators=Validators(),
                http_status=status,
                error=reason,
                error_kind=kind,
                elapsed=elapsed,
            ),
            target,
        )

    @staticmethod
    def _record(result: FetchResult, target: Target) -> FetchResult:
        if target == "feed":
            metrics.FEED_POLLS.labels(result.outcome).inc()
        if result.error_kind is not None:
            metrics.FETCH_FAILURES.labels(target, result.error_kind).inc()
        metrics.FETCH_SECONDS.labels(target).observe(result.elapsed)
        return result


class _CombinedSlots:
    """Holds the host's slot first, then a global one, so one busy host cannot fill the
    global pool with waiters."""

    def __init__(self, hosts: _HostSlots, host: str, global_slots: asyncio.Semaphore) -> None:
        self._host_cm = hosts.hold(host.lower())
        self._global = global_slots

    async def __aenter__(self) -> None:
        await self._host_cm.__aenter__()
        try:
            await self._global.acquire()
        except BaseException:
            await self._host_cm.__aexit__(None, None, None)
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._global.release()
        await self._host_cm.__aexit__(exc_type, exc, traceback)


def _status_kind(status: int) -> str:
    if status == 429:
        return "http_429"
    return "http_5xx" if status >= 500 else "http_4xx"


def _looks_like_ip(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()


def _read_capped(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise FetchFailure(f"body over {describe_size(limit)}", "too_large")
    return body
