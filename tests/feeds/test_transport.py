"""The transport alone (bot/feeds/transport.py) against real local servers: aiohttp's connector
limits hold, a wait for a free connection counts against no timeout, the connect timeout covers
name resolution, and redirects are followed by hand."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable

from aiohttp.abc import ResolveResult

from bot.config.settings import FetchConfig
from bot.feeds.errors import FetchFailure, classify_error
from bot.feeds.fetch import Fetcher
from bot.feeds.ssrf import AddressGuard
from bot.feeds.transport import Transport
from tests.feeds.conftest import FeedHost, RawServer, StaticResolver, read_request

SLOW_SECONDS = 0.25


def config(**overrides: object) -> FetchConfig:
    values: dict[str, object] = {
        "allow_private_networks": True,
        "timeout_seconds": 1.0,
        "connect_timeout_seconds": 1.0,
    }
    values.update(overrides)
    return FetchConfig.model_validate(values)


def transport(settings: FetchConfig, resolver: StaticResolver | None = None) -> Transport:
    guards = {False: AddressGuard.from_settings(True), True: AddressGuard.from_settings(False)}
    return Transport(settings, guards, resolver)


async def slow_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    await asyncio.sleep(SLOW_SECONDS)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    await writer.drain()


class HangingResolver(StaticResolver):
    """A name server that never answers."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        await asyncio.sleep(3600)
        return []


async def test_the_connectors_limits_hold_per_host_and_overall(feed_host: FeedHost) -> None:
    resolver = StaticResolver({name: ["127.0.0.1"] for name in ("a.test", "b.test", "c.test")})
    pool = transport(config(concurrency=3, per_host_concurrency=2), resolver)

    async def get(name: str) -> int:
        deadline = pool.deadline()
        url = f"http://{name}:{feed_host.port}/slow"
        async with deadline, pool.get(url, {}, deadline, untrusted=False) as response:
            await response.read()
            return response.status

    try:
        statuses = await asyncio.gather(*(get(n) for n in ("a.test", "b.test", "c.test") * 6))
    finally:
        await pool.close()
    assert statuses == [200] * 18
    assert all(feed_host.peak_in_flight[n] <= 2 for n in ("a.test", "b.test", "c.test"))
    assert feed_host.peak_in_flight["*"] == 3


async def test_waiting_for_a_free_connection_counts_against_no_timeout(
    raw_server: Callable[..., Awaitable[RawServer]],
) -> None:
    server = await raw_server(slow_answer)
    settings = config(concurrency=1, per_host_concurrency=1, timeout_seconds=1.0)
    started = time.monotonic()
    async with Fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url) for _ in range(6)))
    took = time.monotonic() - started
    assert took >= 6 * SLOW_SECONDS > settings.timeout_seconds  # one at a time, in turn
    assert [r.outcome for r in results] == ["new"] * 6, [r.error for r in results]
    assert all(r.elapsed < settings.timeout_seconds for r in results)  # the wait left out
    assert server.connections == 6


async def test_a_name_that_never_resolves_hits_the_connect_timeout() -> None:
    resolver = HangingResolver({})
    settings = config(connect_timeout_seconds=0.3, timeout_seconds=30.0)
    started = time.monotonic()
    async with Fetcher(settings, resolver=resolver) as fetcher:
        result = await fetcher.fetch("http://stuck.test/feed")
    assert (result.outcome, result.error, result.error_kind) == ("error", "timeout", "timeout")
    assert time.monotonic() - started < 5
    assert resolver.calls == ["stuck.test"]


async def test_redirects_are_followed_to_the_end_and_counted(feed_host: FeedHost) -> None:
    pool = transport(config(max_redirects=2))
    deadline = pool.deadline()
    try:
        async with (
            deadline,
            pool.get(f"{feed_host.base}/redirect?to=/feed", {}, deadline, untrusted=False) as moved,
        ):
            assert (moved.status, str(moved.url)) == (200, f"{feed_host.base}/feed")
        looping = pool.deadline()
        try:
            async with looping, pool.get(f"{feed_host.base}/loop", {}, looping, untrusted=False):
                raise AssertionError("a redirect loop must not end in a response")
        except FetchFailure as exc:
            assert (exc.reason, exc.kind) == ("too many redirects", "redirects")
    finally:
        await pool.close()
    assert feed_host.count("/loop") == 3


async def test_an_untrusted_url_meets_the_strict_guard_and_a_closed_transport_refuses(
    feed_host: FeedHost,
) -> None:
    pool = transport(config())
    deadline = pool.deadline()
    try:
        async with deadline, pool.get(f"{feed_host.base}/feed", {}, deadline, untrusted=True):
            raise AssertionError("loopback must be refused for an untrusted URL")
    except FetchFailure as exc:
        assert exc.kind == "blocked"
    await pool.close()
    closed = pool.deadline()
    try:
        async with closed, pool.get(f"{feed_host.base}/feed", {}, closed, untrusted=False):
            raise AssertionError("a closed transport must not fetch")
    except FetchFailure as exc:
        assert classify_error(exc) == ("fetcher is closed", "closed")
    assert feed_host.requests == []


async def stalled_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Sends the status, the headers and a tenth of the body, then nothing more."""
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
    await writer.drain()
    await reader.read()


async def test_a_body_that_stalls_meets_the_one_deadline(
    raw_server: Callable[..., Awaitable[RawServer]],
) -> None:
    # the fetch's deadline is its only timer: no read timer of its own cuts a stalled body
    server = await raw_server(stalled_body)
    settings = config(timeout_seconds=0.4, connect_timeout_seconds=5.0)
    started = time.monotonic()
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(server.url)
    assert (result.outcome, result.error_kind) == ("error", "timeout")
    assert 0.3 <= result.elapsed < 2.0
    assert time.monotonic() - started < 3.0
