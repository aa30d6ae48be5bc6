"""Local stand-ins for the outside world of the fetching room: a recording feed host with
faults on 127.0.0.1, raw TCP misbehaviours, and a resolver mapping test names to addresses."""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from tests.serving import start

FEED_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test trade feed</title><ttl>30</ttl>
<link>http://example.test/</link><description>d</description>
<item><title>Tariff talks scheduled</title><link>http://example.test/1</link>
<guid>item-1</guid><pubDate>Mon, 05 May 2025 10:00:00 GMT</pubDate>
<description>Officials said talks are scheduled for next week.</description></item>
</channel></rss>
"""
BOMB_SIZE = 200 * 1024 * 1024


def _gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    if not _BOMB:
        _BOMB.append(_gzip_of_zeros(BOMB_SIZE))
    return _BOMB[0]


class StaticResolver(AbstractResolver):
    """Resolves test host names from a dict; any other name is unknown."""

    def __init__(self, mapping: dict[str, list[str]]) -> None:
        self.mapping = mapping
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        if host not in self.mapping:
            raise OSError(f"unknown test host {host}")
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in self.mapping[host]
        ]

    async def close(self) -> None:
        return None


@dataclass
class FeedHost:
    """A recording feed host on 127.0.0.1 with one route per fault."""

    base: str
    port: int
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak_in_flight: dict[str, int] = field(default_factory=dict)
    streamed_bytes: int = 0

    def count(self, path: str) -> int:
        return sum(1 for seen, _ in self.requests if seen == path)


def _feed_app(host: FeedHost) -> web.Application:
    routes = web.RouteTableDef()

    @routes.get("/feed")
    async def feed(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(
            body=FEED_XML,
            content_type="application/rss+xml",
            headers={"ETag": '"v1"', "Cache-Control": "public, max-age=600"},
        )

    @routes.get("/no-validators")
    async def no_validators(request: web.Request) -> web.StreamResponse:
        return web.Response(body=FEED_XML, content_type="application/rss+xml")

    @routes.get("/gzip")
    async def gzipped(request: web.Request) -> web.StreamResponse:
        return web.Response(body=gzip.compress(FEED_XML), headers={"Content-Encoding": "gzip"})

    @routes.get("/deflate-raw")
    async def deflate_raw(request: web.Request) -> web.StreamResponse:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = compressor.compress(FEED_XML) + compressor.flush()
        return web.Response(body=body, headers={"Content-Encoding": "deflate"})

    @routes.get("/status/{code}")
    async def status(request: web.Request) -> web.StreamResponse:
        code = int(request.match_info["code"])
        headers = {"Retry-After": "120"} if code in {429, 503} else {}
        return web.Response(status=code, text="no", headers=headers)

    @routes.get("/garbage")
    async def garbage(request: web.Request) -> web.StreamResponse:
        return web.Response(body=bytes(range(256)) * 40, content_type="application/rss+xml")

    @routes.get("/huge")
    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        chunk = b"<item>" + b"x" * (64 * 1024 - 6)
        for _ in range(100 * 1024 * 1024 // len(chunk)):
            await response.write(chunk)
            host.streamed_bytes += len(chunk)
        await response.write_eof()
        return response

    @routes.get("/huge-declared")
    async def huge_declared(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": str(100 * 1024 * 1024)})
        await response.prepare(request)
        await response.write(b"x" * 1024)
        return response

    @routes.get("/bomb")
    async def bomb(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=gzip_bomb(),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        )

    @routes.get("/drip")
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(600):
            await response.write(b"<")
            await asyncio.sleep(0.05)
        return response

    @routes.get("/loop")
    async def loop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    @routes.get("/redirect")
    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(request.query["to"])

    @routes.get("/slow")
    async def slow(request: web.Request) -> web.StreamResponse:
        name = request.headers.get("Host", "").split(":")[0]
        host.in_flight[name] = host.in_flight.get(name, 0) + 1
        total = sum(host.in_flight.values())
        host.peak_in_flight[name] = max(host.peak_in_flight.get(name, 0), host.in_flight[name])
        host.peak_in_flight["*"] = max(host.peak_in_flight.get("*", 0), total)
        await asyncio.sleep(0.05)
        host.in_flight[name] -= 1
        return web.Response(body=FEED_XML)

    @web.middleware
    async def record(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        host.requests.append((request.path, dict(request.headers)))
        return await handler(request)

    app = web.Application(middlewares=[record])
    app.add_routes(routes)
    return app


@pytest.fixture
async def feed_host() -> AsyncIterator[FeedHost]:
    host = FeedHost(base="", port=0)
    runner, host.base = await start(_feed_app(host), shutdown_timeout=0.1)
    host.port = runner.addresses[0][1]
    yield host
    await runner.cleanup()


@dataclass
class RawServer:
    """A TCP server on a loopback address running one misbehaviour per connection."""

    url: str
    connections: int = 0


RawBehaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[..., Awaitable[RawServer]]]:
    servers: list[asyncio.Server] = []
    tasks: set[asyncio.Task[None]] = set()

    async def start(behaviour: RawBehaviour, address: str = "127.0.0.1") -> RawServer:
        record = RawServer(url="")

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            record.connections += 1
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await behaviour(reader, writer)
            except (asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError):
                return
            finally:
                tasks.discard(task)
                writer.close()

        server = await asyncio.start_server(handle, address, 0)
        servers.append(server)
        record.url = f"http://{address}:{server.sockets[0].getsockname()[1]}/feed"
        return record

    yield start
    for task in list(tasks):
        task.cancel()
    for server in servers:
        server.close()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Reads the request, then says nothing until the client gives up and closes."""
    await read_request(reader)
    await reader.read()


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"\x16\x03\x01 hello, this is not HTTP at all\r\n\r\n")
    await writer.drain()
