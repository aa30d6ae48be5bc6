"""The SSRF guard: refused addresses never get a connection, at any redirect hop.

Only loopback traffic is ever sent: names mapped to 10.x and similar are refused by the guard
before any socket exists (if both guard layers regressed, the connection attempt would leave
the host, so these tests must stay green). Names mapped to 127.0.0.2 point at a trap server
that records whether anyone reached it.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import pytest

from bot.config.settings import FetchConfig
from bot.feeds.fetch import Fetcher
from bot.feeds.ssrf import AddressGuard, BlockedAddressError, GuardedResolver
from tests.feeds.conftest import FeedHost, RawServer, StaticResolver, hang

ONLY_TEST_SERVER = ["127.0.0.1/32"]


def strict_config() -> FetchConfig:
    return FetchConfig(allow_private_networks=False, timeout_seconds=1.0)


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "CGNAT"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:8.8.8.8", "IPv4-mapped"),
        ("::ffff:10.0.0.1", "IPv4-mapped"),
        ("64:ff9b::808:808", "NAT64"),
        ("2002:a00:1::", "6to4"),
    ],
)
def test_refused_addresses(address: str, label: str) -> None:
    reason = AddressGuard().blocked_reason(address)
    assert reason is not None and reason.startswith(f"blocked: {label} address"), reason


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.215.14", "2606:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert AddressGuard().blocked_reason(address) is None


def test_allow_private_and_allowed_networks() -> None:
    assert AddressGuard(allow_private=True).blocked_reason("10.0.0.1") is None
    guard = AddressGuard.from_settings(False, ["10.1.0.0/16"])
    assert guard.blocked_reason("10.1.2.3") is None
    assert guard.blocked_reason("10.2.0.1") == "blocked: private address 10.2.0.1"


def test_socket_factory_refuses_before_creating_a_socket() -> None:
    guard = AddressGuard()
    with pytest.raises(BlockedAddressError, match=r"private address 10\.0\.0\.1"):
        guard.socket_factory((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 80)))
    sock = guard.socket_factory((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 80)))
    sock.close()


async def test_resolver_refuses_a_name_with_any_blocked_address() -> None:
    inner = StaticResolver({"mixed.test": ["8.8.8.8", "10.0.0.1"], "public.test": ["8.8.8.8"]})
    resolver = GuardedResolver(inner, AddressGuard())
    with pytest.raises(BlockedAddressError, match=r"private address 10.0.0.1 \(resolved from"):
        await resolver.resolve("mixed.test", 80)
    assert [r["host"] for r in await resolver.resolve("public.test", 80)] == ["8.8.8.8"]


@pytest.mark.parametrize(
    ("mapped", "reason"),
    [
        ("10.0.0.1", "blocked: private address 10.0.0.1"),
        ("169.254.169.254", "blocked: link-local address 169.254.169.254"),
        ("100.100.100.100", "blocked: CGNAT address 100.100.100.100"),
        ("127.0.0.2", "blocked: loopback address 127.0.0.2"),
    ],
)
async def test_names_resolving_to_refused_addresses_are_never_connected(
    mapped: str, reason: str
) -> None:
    resolver = StaticResolver({"internal.test": [mapped]})
    async with Fetcher(strict_config(), resolver=resolver) as fetcher:
        result = await fetcher.fetch("http://internal.test/feed")
    assert result.outcome == "error"
    assert result.error is not None and result.error.startswith(reason), result.error
    assert result.error_kind == "blocked"


async def test_ip_literals_are_checked_without_dns(
    raw_server: Callable[..., Awaitable[RawServer]],
) -> None:
    trap = await raw_server(hang, "127.0.0.2")
    port = trap.url.rsplit(":", 1)[1].split("/")[0]
    urls = {
        f"http://127.0.0.2:{port}/feed": "blocked: loopback address 127.0.0.2",
        f"http://[::ffff:127.0.0.2]:{port}/feed": "blocked: IPv4-mapped address ::ffff:127.0.0.2",
        f"http://[::1]:{port}/feed": "blocked: loopback address ::1",
    }
    async with Fetcher(strict_config(), allowed_networks=ONLY_TEST_SERVER) as fetcher:
        for url, reason in urls.items():
            result = await fetcher.fetch(url)
            assert result.error == reason, url
    assert trap.connections == 0


async def test_every_redirect_hop_is_checked(
    feed_host: FeedHost, raw_server: Callable[..., Awaitable[RawServer]]
) -> None:
    trap = await raw_server(hang, "127.0.0.2")
    trap_port = trap.url.rsplit(":", 1)[1].split("/")[0]
    resolver = StaticResolver({"metadata.test": ["127.0.0.2"], "intranet.test": ["10.0.0.1"]})
    targets = {
        f"http://metadata.test:{trap_port}/latest": "blocked: loopback address 127.0.0.2",
        "http://intranet.test/admin": "blocked: private address 10.0.0.1",
        f"http://127.0.0.2:{trap_port}/": "blocked: loopback address 127.0.0.2",
    }
    async with Fetcher(
        strict_config(), resolver=resolver, allowed_networks=ONLY_TEST_SERVER
    ) as fetcher:
        healthy = await fetcher.fetch(f"{feed_host.base}/feed")
        for target, reason in targets.items():
            result = await fetcher.fetch(f"{feed_host.base}/redirect?to={target}")
            assert result.error is not None and result.error.startswith(reason), result.error
            assert result.error_kind == "blocked"
    assert healthy.outcome == "new"
    assert feed_host.count("/redirect") == len(targets)
    assert trap.connections == 0


async def test_untrusted_urls_are_checked_even_when_private_networks_are_allowed(
    feed_host: FeedHost,
) -> None:
    lenient = FetchConfig(allow_private_networks=True, timeout_seconds=1.0)
    async with Fetcher(lenient) as fetcher:
        trusted = await fetcher.fetch(f"{feed_host.base}/feed")
        untrusted = await fetcher.fetch(f"{feed_host.base}/feed", untrusted=True)
    assert trusted.outcome == "new"
    assert untrusted.error == "blocked: loopback address 127.0.0.1"
    assert feed_host.count("/feed") == 1


async def test_localhost_by_name_is_refused(feed_host: FeedHost) -> None:
    async with Fetcher(strict_config()) as fetcher:
        result = await fetcher.fetch(f"http://localhost:{feed_host.port}/feed")
    assert result.error_kind == "blocked"
    assert feed_host.requests == []
