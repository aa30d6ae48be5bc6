"""WebSub subscriber (W3C WebSub / PubSubHubbub 0.4): new items arrive within seconds.

Flow, for a feed whose document advertises ``<link rel="hub">``:

1. :func:`request_subscription` POSTs ``hub.mode``, ``hub.topic``, ``hub.callback``,
   ``hub.secret`` (and ``hub.lease_seconds``) to the hub through the :class:`Fetcher`, so the
   hub URL (taken from untrusted feed content) passes the same SSRF guard as any fetch.
2. The hub verifies intent with a GET on the callback: :meth:`WebSubHandlers.verify` answers
   with the challenge only if a subscription for that feed is pending in the same mode and for
   the same topic; otherwise 404.
3. The hub POSTs new content, signed with ``X-Hub-Signature: sha256=<hmac>`` (sha1, sha384 and
   sha512 accepted too): :meth:`WebSubHandlers.receive` checks the HMAC with the feed's secret
   in constant time. A bad or missing signature is acknowledged (202) but the content ignored,
   as the specification asks, so a forger learns nothing.

Polling continues at a long interval as the fallback; leases are renewed by calling
:func:`request_subscription` again before they expire. The lead mounts :meth:`routes` on the
bot's HTTP server; subscriptions are looked up through a callable so they can live in the store.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from aiohttp import web

from bot import metrics
from bot.feeds.fetch import Fetcher, FetchResult

log = logging.getLogger(__name__)

Mode = Literal["subscribe", "unsubscribe"]
SIGNATURE_HEADERS = ("X-Hub-Signature-256", "X-Hub-Signature")
DIGESTS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
MAX_CHALLENGE_CHARS = 4096
DEFAULT_MAX_BODY = 10 * 1024 * 1024


@dataclass(frozen=True)
class Subscription:
    """A subscription the bot wants: ``mode`` is the pending request the hub must verify."""

    feed_id: str
    topic: str
    hub: str
    callback: str
    secret: str
    mode: Mode = "subscribe"


Lookup = Callable[[str], Subscription | None]
ContentHandler = Callable[[str, bytes], Awaitable[None]]
VerifiedHandler = Callable[[str, Mode, int | None], Awaitable[None]]
DeniedHandler = Callable[[str, str], Awaitable[None]]


def new_secret() -> str:
    """A fresh per-subscription HMAC secret (the spec allows up to 200 bytes)."""
    return secrets.token_hex(32)


def sign(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    """The ``X-Hub-Signature`` value a hub sends for ``body``."""
    digest = hmac.new(secret.encode(), body, DIGESTS[algorithm]).hexdigest()
    return f"{algorithm}={digest}"


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    if not header or "=" not in header:
        return False
    algorithm, _, received = header.strip().partition("=")
    digest = DIGESTS.get(algorithm.lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, received.strip().lower())


async def request_subscription(
    fetcher: Fetcher,
    subscription: Subscription,
    *,
    lease_seconds: int | None = None,
    untrusted: bool = False,
) -> FetchResult:
    """Ask the hub to (un)subscribe; ``outcome == "new"`` means the hub accepted (2xx, normally
    202) and will verify intent on the callback. ``untrusted``: the hub was named by a
    chat-added feed, so it is reached only through the strict SSRF guard."""
    form = {
        "hub.mode": subscription.mode,
        "hub.topic": subscription.topic,
        "hub.callback": subscription.callback,
    }
    if subscription.mode == "subscribe":
        form["hub.secret"] = subscription.secret
        if lease_seconds is not None:
            form["hub.lease_seconds"] = str(lease_seconds)
    result = await fetcher.post_form(subscription.hub, form, untrusted=untrusted)
    if result.outcome == "error":
        log.warning(
            "websub %s: hub %s refused %s: %s",
            subscription.feed_id,
            subscription.hub,
            subscription.mode,
            result.error,
        )
    return result


class WebSubHandlers:
    """aiohttp handlers for ``GET``/``POST /websub/{feed_id}``. ``on_content`` should be quick
    (store or enqueue); if it raises, the hub gets a 500 and will retry."""

    def __init__(
        self,
        lookup: Lookup,
        on_content: ContentHandler,
        *,
        on_verified: VerifiedHandler | None = None,
        on_denied: DeniedHandler | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY,
    ) -> None:
        self._lookup = lookup
        self._on_content = on_content
        self._on_verified = on_verified
        self._on_denied = on_denied
        self._max_body_bytes = max_body_bytes

    def routes(self, prefix: str = "/websub") -> list[web.RouteDef]:
        path = f"{prefix}/{{feed_id}}"
        return [web.get(path, self.verify), web.post(path, self.receive)]

    async def verify(self, request: web.Request) -> web.Response:
        feed_id = request.match_info["feed_id"]
        subscription = self._lookup(feed_id)
        mode = request.query.get("hub.mode", "")
        topic = request.query.get("hub.topic", "")
        if subscription is None or topic != subscription.topic:
            log.warning("websub %s: verification for unknown topic %r refused", feed_id, topic)
            return web.Response(status=404, text="unknown subscription")
        if mode == "denied":
            reason = request.query.get("hub.reason", "")[:500]
            log.warning("websub %s: hub denied the subscription: %s", feed_id, reason)
            if self._on_denied is not None:
                await self._on_denied(feed_id, reason)
            return web.Response(status=200, text="")
        challenge = request.query.get("hub.challenge", "")
        if mode != subscription.mode or not challenge or len(challenge) > MAX_CHALLENGE_CHARS:
            log.warning("websub %s: unexpected %r verification refused", feed_id, mode)
            return web.Response(status=404, text="not pending")
        lease = request.query.get("hub.lease_seconds", "")
        lease_seconds = int(lease) if lease.isdigit() else None
        if self._on_verified is not None:
            await self._on_verified(feed_id, subscription.mode, lease_seconds)
        return web.Response(status=200, text=challenge, content_type="text/plain")

    async def receive(self, request: web.Request) -> web.Response:
        feed_id = request.match_info["feed_id"]
        subscription = self._lookup(feed_id)
        if subscription is None or subscription.mode != "subscribe":
            metrics.WEBSUB_NOTIFICATIONS.labels("unknown_feed").inc()
            return web.Response(status=404, text="unknown subscription")
        body = await self._read_capped(request)
        if body is None:
            metrics.WEBSUB_NOTIFICATIONS.labels("too_large").inc()
            log.warning(
                "websub %s: notification over %d bytes refused", feed_id, self._max_body_bytes
            )
            return web.Response(status=413, text="too large")
        header = next((request.headers[h] for h in SIGNATURE_HEADERS if h in request.headers), None)
        if not signature_valid(subscription.secret, body, header):
            metrics.WEBSUB_NOTIFICATIONS.labels("bad_signature").inc()
            log.warning("websub %s: notification with a missing or bad signature ignored", feed_id)
            return web.Response(status=202, text="")
        try:
            await self._on_content(feed_id, body)
        except Exception:
            log.exception("websub %s: storing the notification failed", feed_id)
            return web.Response(status=500, text="try again")
        metrics.WEBSUB_NOTIFICATIONS.labels("accepted").inc()
        return web.Response(status=202, text="")

    async def _read_capped(self, request: web.Request) -> bytes | None:
        declared = request.content_length
        if declared is not None and declared > self._max_body_bytes:
            return None
        parts: list[bytes] = []
        size = 0
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self._max_body_bytes:
                return None
            parts.append(chunk)
        return b"".join(parts)
