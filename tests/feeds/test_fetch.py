"""The Fetcher against real local servers: conditional GET, encodings, limits and faults."""

from __future__ import annotations

import asyncio
import socket
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.config.settings import FetchConfig
from bot.feeds.fetch import Fetcher, FetchResult, Validators
from bot.feeds.parse import parse_feed
from tests.feeds.conftest import (
    BOMB_SIZE,
    FEED_XML,
    FeedHost,
    RawServer,
    StaticResolver,
    hang,
    not_http,
    reset,
)

CAP = 1024 * 1024


def config(**overrides: object) -> FetchConfig:
    values: dict[str, object] = {
        "allow_private_networks": True,
        "timeout_seconds": 1.0,
        "connect_timeout_seconds": 1.0,
        "max_body_bytes": CAP,
    }
    values.update(overrides)
    return FetchConfig.model_validate(values)


def assert_error(result: FetchResult, reason_start: str, kind: str) -> None:
    assert result.outcome == "error", result
    assert result.body is None
    assert result.error is not None and result.error.startswith(reason_start), result.error
    assert result.error_kind == kind


async def test_conditional_get_then_not_modified(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        first = await fetcher.fetch(f"{feed_host.base}/feed")
        second = await fetcher.fetch(f"{feed_host.base}/feed", first.validators)
    assert first.outcome == "new"
    assert first.body == FEED_XML
    assert first.validators.etag == '"v1"'
    assert first.max_age == 600
    assert second.outcome == "not_modified"
    assert second.body is None
    assert second.validators == first.validators
    assert feed_host.requests[1][1].get("If-None-Match") == '"v1"'
    assert "If-None-Match" not in feed_host.requests[0][1]


async def test_same_body_without_validators_is_unchanged(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        first = await fetcher.fetch(f"{feed_host.base}/no-validators")
        second = await fetcher.fetch(f"{feed_host.base}/no-validators", first.validators)
        third = await fetcher.fetch(
            f"{feed_host.base}/no-validators", Validators(content_hash="other")
        )
    assert (first.outcome, second.outcome, third.outcome) == ("new", "unchanged", "new")
    assert second.validators.content_hash == first.validators.content_hash


@pytest.mark.parametrize("path", ["/gzip", "/deflate-raw"])
async def test_compressed_bodies_are_decoded(feed_host: FeedHost, path: str) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(feed_host.base + path)
    assert result.outcome == "new"
    assert result.body == FEED_XML
    assert "gzip" in feed_host.requests[0][1]["Accept-Encoding"]


async def test_hanging_host_times_out(raw_server: Callable[..., Awaitable[RawServer]]) -> None:
    server = await raw_server(hang)
    async with Fetcher(config(timeout_seconds=0.5)) as fetcher:
        result = await fetcher.fetch(server.url)
    assert_error(result, "timeout", "timeout")
    assert result.elapsed < 5


async def test_dripping_body_hits_the_total_deadline(feed_host: FeedHost) -> None:
    async with Fetcher(config(timeout_seconds=0.5)) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/drip")
    assert_error(result, "timeout", "timeout")


async def test_connection_reset(raw_server: Callable[..., Awaitable[RawServer]]) -> None:
    server = await raw_server(reset)
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(server.url)
    assert result.outcome == "error"
    assert result.error in {"connection reset", "server closed the connection"}
    assert server.connections >= 1


async def test_not_http_response(raw_server: Callable[..., Awaitable[RawServer]]) -> None:
    server = await raw_server(not_http)
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(server.url)
    assert_error(result, "malformed http response", "protocol")


async def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    assert_error(result, "connection refused", "connect")


@pytest.mark.parametrize(
    ("code", "reason", "kind"),
    [(500, "http 500", "http_5xx"), (404, "http 404", "http_4xx"), (429, "http 429", "http_429")],
)
async def test_http_errors(feed_host: FeedHost, code: int, reason: str, kind: str) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/status/{code}")
    assert_error(result, reason, kind)
    assert result.http_status == code


async def test_429_and_503_carry_retry_after(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        limited = await fetcher.fetch(f"{feed_host.base}/status/429")
        unavailable = await fetcher.fetch(f"{feed_host.base}/status/503")
    assert limited.retry_after == 120
    assert limited.error == "http 429 (retry after 120 s)"
    assert unavailable.retry_after == 120


async def test_garbage_body_is_fetched_and_parse_reports_it(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/garbage")
    assert result.outcome == "new"
    assert result.body is not None
    parsed = parse_feed(result.body, "garbage-feed")
    assert parsed.entries == []
    assert parsed.problems and "garbage-feed" in parsed.problems[0]


async def fetch_measuring_memory(url: str) -> tuple[FetchResult, int]:
    """``url`` fetched with the test config, and the peak of the memory allocated meanwhile."""
    tracemalloc.start()
    try:
        async with Fetcher(config()) as fetcher:
            result = await fetcher.fetch(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


async def test_hundred_megabytes_stop_at_the_cap_with_bounded_memory(
    feed_host: FeedHost,
) -> None:
    result, peak = await fetch_measuring_memory(f"{feed_host.base}/huge")
    assert_error(result, "body over 1 MiB", "too_large")
    assert peak < 8 * CAP
    assert feed_host.streamed_bytes < 50 * 1024 * 1024


async def test_declared_length_over_the_cap_is_refused_before_reading(
    feed_host: FeedHost,
) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/huge-declared")
    assert_error(result, "body over 1 MiB", "too_large")
    assert result.http_status == 200


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(feed_host: FeedHost) -> None:
    from tests.feeds.conftest import gzip_bomb

    assert len(gzip_bomb()) < BOMB_SIZE // 100
    result, peak = await fetch_measuring_memory(f"{feed_host.base}/bomb")
    assert_error(result, "body over 1 MiB", "too_large")
    assert peak < 8 * CAP


async def test_default_cap_is_ten_mebibytes(feed_host: FeedHost) -> None:
    async with Fetcher(config(max_body_bytes=FetchConfig().max_body_bytes)) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/bomb")
    assert_error(result, "body over 10 MiB", "too_large")


async def test_redirect_loop_stops_after_max_redirects(feed_host: FeedHost) -> None:
    async with Fetcher(config(max_redirects=5)) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/loop")
    assert_error(result, "too many redirects", "redirects")
    assert feed_host.count("/loop") == 6


async def test_redirect_is_followed_with_validators(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/redirect?to=/feed", Validators(etag='"v1"'))
    assert result.outcome == "not_modified"
    assert result.final_url == f"{feed_host.base}/feed"
    assert feed_host.requests[-1][1]["If-None-Match"] == '"v1"'


async def test_redirect_to_another_scheme_is_refused(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(f"{feed_host.base}/redirect?to=file:///etc/passwd")
    assert_error(result, "not http(s)", "scheme")


@pytest.mark.parametrize("url", ["ftp://example.test/feed", "gopher://x/", "javascript:alert(1)"])
async def test_only_http_and_https(url: str) -> None:
    async with Fetcher(config()) as fetcher:
        result = await fetcher.fetch(url)
    assert_error(result, "not http(s)", "scheme")


async def test_unknown_host_is_a_dns_error() -> None:
    resolver = StaticResolver({})
    async with Fetcher(config(), resolver=resolver) as fetcher:
        result = await fetcher.fetch("http://nowhere.test/feed")
    assert_error(result, "host name not found", "dns")
    assert resolver.calls == ["nowhere.test"]


async def test_file_urls_need_permission_and_are_capped(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(FEED_XML)
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * (CAP + 1))
    async with Fetcher(config()) as fetcher:
        refused = await fetcher.fetch(feed.as_uri())
        first = await fetcher.fetch(feed.as_uri(), allow_file=True)
        again = await fetcher.fetch(feed.as_uri(), first.validators, allow_file=True)
        too_big = await fetcher.fetch(big.as_uri(), allow_file=True)
        missing = await fetcher.fetch((tmp_path / "nope.xml").as_uri(), allow_file=True)
    assert_error(refused, "file:// not allowed", "scheme")
    assert first.outcome == "new" and first.body == FEED_XML
    assert again.outcome == "unchanged"
    assert_error(too_big, "body over 1 MiB", "too_large")
    assert_error(missing, "cannot read file", "file")


async def test_per_host_and_global_limits_hold(feed_host: FeedHost) -> None:
    resolver = StaticResolver({"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    urls = [f"http://{name}:{feed_host.port}/slow" for name in ("a.test", "b.test")] * 8
    async with Fetcher(config(per_host_concurrency=2, concurrency=3), resolver=resolver) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert all(result.outcome == "new" for result in results)
    assert feed_host.peak_in_flight["a.test"] <= 2
    assert feed_host.peak_in_flight["b.test"] <= 2
    assert feed_host.peak_in_flight["*"] == 3


async def test_page_fetch_uses_the_same_limits(feed_host: FeedHost) -> None:
    async with Fetcher(config()) as fetcher:
        page = await fetcher.fetch_page(f"{feed_host.base}/feed")
        bomb = await fetcher.fetch_page(f"{feed_host.base}/bomb")
    assert page.outcome == "new"
    assert "text/html" in feed_host.requests[0][1]["Accept"]
    assert_error(bomb, "body over 1 MiB", "too_large")


async def test_many_faults_at_once_leave_healthy_feeds_alone(
    feed_host: FeedHost, raw_server: Callable[..., Awaitable[RawServer]]
) -> None:
    hanging = await raw_server(hang)
    resetting = await raw_server(reset)
    bad = [
        hanging.url,
        resetting.url,
        f"{feed_host.base}/status/500",
        f"{feed_host.base}/bomb",
        f"{feed_host.base}/huge",
        f"{feed_host.base}/loop",
    ]
    healthy = [f"{feed_host.base}/feed"] * 5
    async with Fetcher(config(timeout_seconds=0.5)) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for url in bad + healthy))
    assert [r.outcome for r in results[: len(bad)]] == ["error"] * len(bad)
    assert [r.outcome for r in results[len(bad) :]] == ["new"] * len(healthy)
