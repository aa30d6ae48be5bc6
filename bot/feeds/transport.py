"""The transport: aiohttp sessions under the SSRF guard, aiohttp's own connection limits, one
deadline per fetch, and redirects followed by hand.

- **Limits.** Each session's ``TCPConnector`` holds at most ``fetch.concurrency`` connections
  in use, and ``fetch.per_host_concurrency`` per host (aiohttp counts per host, port and
  scheme). A request beyond them waits in the connector; a freed connection goes to a waiting
  request of a host still under its own limit, so one busy host cannot hold up the others.
  There are two sessions (the deployer's guard, and the strict one for chat-added feeds when the
  deployer allows private networks), each with these limits.
- **Guard.** The connector resolves through :class:`~bot.feeds.ssrf.GuardedResolver` and opens
  sockets through :meth:`~bot.feeds.ssrf.AddressGuard.socket_factory`: addresses are checked at
  connect time, so DNS rebinding cannot pass; each redirect hop is checked again as a new
  request (:func:`~bot.feeds.request.redirect_target`), at most ``max_redirects`` followed.
- **Time.** A :class:`Deadline` bounds a whole fetch (all hops and the whole body) by
  ``timeout_seconds`` and each new connection (name resolution, TCP, TLS) by
  ``connect_timeout_seconds``. Time spent waiting for the connector's limits counts against
  neither: a busy pool never times a feed out. It is the one timer of a fetch: a socket read
  needs none of its own (it starts once a connection is held, so a read timer of
  ``timeout_seconds`` could never end before the deadline), and the connector
  (:class:`DeadlineConnector`) tells the deadline of the fetch under way when it queues a
  request or opens a connection, which costs nothing on a request that does neither (aiohttp's
  tracing, which did this before, built and sent half a dozen signals on every request).
- **Decompression** is left to :mod:`bot.feeds.response` (``auto_decompress`` off), so the cap
  holds on the decoded bytes; no cookies, no proxy from the environment.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp.abc import AbstractResolver

from bot.config.settings import FetchConfig
from bot.feeds.errors import FetchFailure, too_large
from bot.feeds.request import check_url, redirect_target, session_headers
from bot.feeds.ssrf import AddressGuard, GuardedResolver

if TYPE_CHECKING:
    from aiohttp.client_proto import ResponseHandler
    from aiohttp.client_reqrep import ClientRequest, ConnectionKey
    from aiohttp.tracing import Trace

_RUNNING: ContextVar[Deadline | None] = ContextVar("bot_fetch_deadline", default=None)


class Deadline:
    """One fetch's time limits (see the module doc), as an async context manager around the
    fetch; ``elapsed`` is the time that counted (waits for a free connection left out)."""

    def __init__(self, total: float, connect: float) -> None:
        self._total = total
        self._connect = connect
        self._timeout: asyncio.Timeout | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = self._ends_at = self._queued_at = 0.0
        self._stopped: float | None = None
        self._waited = 0.0
        self._token: Token[Deadline | None] | None = None

    async def __aenter__(self) -> Deadline:
        self._loop = asyncio.get_running_loop()
        self._started = self._loop.time()
        self._ends_at = self._started + self._total
        self._timeout = asyncio.timeout_at(self._ends_at)
        await self._timeout.__aenter__()
        self._token = _RUNNING.set(self)  # what the connector tells of this task's fetch
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        assert self._timeout is not None and self._loop is not None
        self._stopped = self._loop.time()
        if self._token is not None:
            _RUNNING.reset(self._token)
            self._token = None
        await self._timeout.__aexit__(*exc_info)

    @property
    def elapsed(self) -> float:
        if self._loop is None:
            return 0.0
        end = self._stopped if self._stopped is not None else self._loop.time()
        return max(0.0, end - self._started - self._waited)

    def queued(self) -> None:
        """The request waits for the connector's limits: the clock stops."""
        self._queued_at = self._now()
        self._reschedule(None)

    def dequeued(self) -> None:
        """A connection is free: the clock runs again, the deadline moved by the wait."""
        waited = self._now() - self._queued_at
        self._waited += waited
        self._ends_at += waited
        self._reschedule(self._ends_at)

    def connecting(self) -> None:
        """A new connection is opened: it must be up within the connect timeout."""
        self._reschedule(min(self._ends_at, self._now() + self._connect))

    def connected(self) -> None:
        self._reschedule(self._ends_at)

    def _now(self) -> float:
        return self._loop.time() if self._loop is not None else 0.0

    def _reschedule(self, when: float | None) -> None:
        if self._timeout is not None and not self._timeout.expired():
            self._timeout.reschedule(when)


class DeadlineConnector(aiohttp.TCPConnector):
    """aiohttp's connector, which tells the :class:`Deadline` of the fetch under way in the
    calling task (if any) when a request waits for the connector's limits and when a new
    connection is opened (aiohttp's two steps for them, each taken by the request's task)."""

    async def _wait_for_available_connection(self, key: ConnectionKey, traces: list[Trace]) -> None:
        deadline = _RUNNING.get()
        if deadline is None:
            return await super()._wait_for_available_connection(key, traces)
        deadline.queued()
        try:
            return await super()._wait_for_available_connection(key, traces)
        finally:
            deadline.dequeued()

    async def _create_connection(
        self, req: ClientRequest, traces: list[Trace], timeout: aiohttp.ClientTimeout
    ) -> ResponseHandler:
        deadline = _RUNNING.get()
        if deadline is None:
            return await super()._create_connection(req, traces, timeout)
        deadline.connecting()
        try:
            return await super()._create_connection(req, traces, timeout)
        finally:
            deadline.connected()


class Transport:
    """Requests under :class:`FetchConfig`'s limits and the SSRF guard. ``guards``: the
    deployer's (``False``) and the strict one for untrusted URLs (``True``)."""

    def __init__(
        self,
        config: FetchConfig,
        guards: dict[bool, AddressGuard],
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.config = config
        self._guards = guards
        self._resolver = resolver
        self._sessions: dict[bool, aiohttp.ClientSession] = {}
        self._closed = False

    def deadline(self) -> Deadline:
        return Deadline(self.config.timeout_seconds, self.config.connect_timeout_seconds)

    def guard(self, *, untrusted: bool) -> AddressGuard:
        return self._guards[self._strict(untrusted)]

    @asynccontextmanager
    async def get(
        self, url: str, headers: dict[str, str], deadline: Deadline, *, untrusted: bool
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The response at the end of ``url``'s redirects (its ``url`` is where they ended),
        open for its body to be read; ``deadline`` must be entered around this."""
        async with await self.open(url, headers, untrusted=untrusted) as response:
            yield response

    async def open(
        self, url: str, headers: dict[str, str], *, untrusted: bool
    ) -> aiohttp.ClientResponse:
        """:meth:`get` without its context manager (one fewer frame a fetch): the caller
        reads the response in ``async with response``, which releases it, and a
        :class:`Deadline` must be entered around both."""
        guard = self.guard(untrusted=untrusted)
        current = check_url(url, guard)
        session = self._session(untrusted=untrusted)
        for _hop in range(self.config.max_redirects + 1):
            response = await session.get(current, headers=headers, allow_redirects=False)
            try:
                following = redirect_target(current, response.status, response.headers, guard)
            except BaseException:
                response.release()
                raise
            if following is None:
                return response
            response.release()
            current = following
        raise FetchFailure("too many redirects", "redirects")

    @asynccontextmanager
    async def post(
        self, url: str, form: dict[str, str], deadline: Deadline, *, untrusted: bool
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """POST a form; redirects are not followed."""
        target = check_url(url, self.guard(untrusted=untrusted))
        session = self._session(untrusted=untrusted)
        async with session.post(target, data=form, allow_redirects=False) as response:
            yield response

    async def close(self) -> None:
        self._closed = True
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()

    def _strict(self, untrusted: bool) -> bool:
        return untrusted and self.config.allow_private_networks

    def _session(self, *, untrusted: bool) -> aiohttp.ClientSession:
        if self._closed:
            raise FetchFailure("fetcher is closed", "closed")
        strict = self._strict(untrusted)
        session = self._sessions.get(strict)
        if session is None or session.closed:
            session = self._new_session(self._guards[strict])
            self._sessions[strict] = session
        return session

    def _new_session(self, guard: AddressGuard) -> aiohttp.ClientSession:
        config = self.config
        connector = DeadlineConnector(
            limit=config.concurrency,
            limit_per_host=config.per_host_concurrency,
            resolver=GuardedResolver(self._resolver or aiohttp.ThreadedResolver(), guard),
            socket_factory=guard.socket_factory,
            ttl_dns_cache=60,
        )
        return aiohttp.ClientSession(
            connector=connector,
            headers=session_headers(config.user_agent),
            timeout=aiohttp.ClientTimeout(
                total=None,  # the Deadline's, which leaves out waits for a free connection
                sock_connect=config.connect_timeout_seconds,
                sock_read=None,  # the Deadline bounds every read (see the module doc)
            ),
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            raise_for_status=False,
        )


async def read_file(path: Path, limit: int) -> bytes:
    """A local feed file, whole, refused over ``limit`` bytes (read off the event loop)."""
    return await asyncio.to_thread(_read_capped, path, limit)


def _read_capped(path: Path, limit: int) -> bytes:
    with path.open("rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise too_large(limit)
    return body
