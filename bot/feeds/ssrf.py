"""The SSRF guard: which addresses a fetch may connect to.

The check runs where the address is known for certain, so DNS rebinding cannot slip past it:

1. before each request (and each redirect hop) the URL's scheme must be http or https, and a
   host written as an IP literal is checked directly (no DNS is involved);
2. :class:`GuardedResolver` wraps the connector's resolver and refuses a host name if any of
   its addresses is blocked; the connection then uses exactly those checked addresses;
3. :meth:`AddressGuard.socket_factory` checks every address a socket is about to connect to,
   a last line that holds even if a path above were bypassed.

Blocked unless private networks are allowed: loopback, private, link-local, CGNAT
(100.64.0.0/10), multicast, reserved, unspecified, documentation/benchmark ranges, IPv4-mapped
IPv6 (::ffff:0:0/96), NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 and Teredo, and any other
address Python does not consider globally reachable. ``allowed_networks`` punches explicit holes.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAMED_RANGES: tuple[tuple[str, str], ...] = (
    ("100.64.0.0/10", "CGNAT"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "documentation"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("::ffff:0:0/96", "IPv4-mapped"),
    ("64:ff9b::/96", "NAT64"),
    ("64:ff9b:1::/48", "NAT64"),
    ("2002::/16", "6to4"),
    ("2001::/32", "Teredo"),
    ("2001:db8::/32", "documentation"),
)
_NAMED_NETWORKS: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(cidr), label) for cidr, label in _NAMED_RANGES
)
ALLOWED_SCHEMES = frozenset({"http", "https"})


class BlockedAddressError(OSError):
    """A connection to a refused address was attempted; ``str()`` is the user-facing reason."""


def parse_ip(text: str) -> IPAddress | None:
    """The address in ``text`` (brackets and an IPv6 zone removed), or ``None`` if not an IP."""
    candidate = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def address_category(address: IPAddress) -> str | None:
    """Why ``address`` is not a public internet address (``None`` if it is)."""
    for network, label in _NAMED_NETWORKS:
        if address.version == network.version and address in network:
            return label
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
        (not address.is_global, "non-global"),
    )
    for failed, label in checks:
        if failed:
            return label
    return None


def _shown(address: IPAddress) -> str:
    mapped = getattr(address, "ipv4_mapped", None)
    return f"::ffff:{mapped}" if mapped is not None else str(address)


@dataclass(frozen=True)
class AddressGuard:
    """The connect-time policy. ``allow_private`` turns the guard off (scheme checks remain)."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(
        cls, allow_private: bool, allowed_networks: Sequence[str] = ()
    ) -> AddressGuard:
        networks = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in allowed_networks)
        return cls(allow_private=allow_private, allowed_networks=networks)

    def blocked_reason(self, text: str) -> str | None:
        """``"blocked: private address 10.0.0.1"`` if ``text`` (an IP) may not be reached."""
        if self.allow_private:
            return None
        address = parse_ip(text)
        if address is None:
            return f"blocked: not an IP address {text!r}"
        for network in self.allowed_networks:
            if address.version == network.version and address in network:
                return None
        category = address_category(address)
        return None if category is None else f"blocked: {category} address {_shown(address)}"

    def check(self, text: str) -> None:
        reason = self.blocked_reason(text)
        if reason is not None:
            raise BlockedAddressError(reason)

    def socket_factory(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        self.check(str(sockaddr[0]))
        return socket.socket(family=family, type=type_, proto=proto)


class GuardedResolver(AbstractResolver):
    """Resolves with ``inner`` and refuses the host if any resolved address is blocked."""

    def __init__(self, inner: AbstractResolver, guard: AddressGuard) -> None:
        self._inner = inner
        self._guard = guard

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            reason = self._guard.blocked_reason(result["host"])
            if reason is not None:
                raise BlockedAddressError(f"{reason} (resolved from {host})")
        return results

    async def close(self) -> None:
        await self._inner.close()


def public_url_problem(url: str, allowed_networks: Sequence[str] = ()) -> str | None:
    """Why ``url`` could not be fetched under the strict guard (private networks refused,
    ``allowed_networks`` excepted), or ``None``: not http(s), no host, a host name that does not
    resolve, or any of its addresses not public. Resolves the name (blocking: call it off the
    event loop). Used when a chat user adds a feed, so a refusal is said at once."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return "not a valid URL"
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not host:
        return "only http:// and https:// URLs with a host can be added"
    guard = AddressGuard.from_settings(False, allowed_networks)
    if parse_ip(host) is not None:
        return guard.blocked_reason(host)
    default_port = 443 if parts.scheme.lower() == "https" else 80
    try:
        infos = socket.getaddrinfo(host, port or default_port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return f"host name {host} not found"
    for info in infos:
        reason = guard.blocked_reason(str(info[4][0]))
        if reason is not None:
            return f"{reason} (resolved from {host})"
    return None
