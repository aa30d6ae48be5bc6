"""Signed chat requests: Slack's and Discord's signatures, checked on the raw body before
anything reads it, and the one aiohttp view wrapper both HTTP endpoints use.

- Slack: ``v0=`` HMAC-SHA256 of ``v0:timestamp:body`` with the signing secret
  (``X-Slack-Signature``, ``X-Slack-Request-Timestamp``).
- Discord: Ed25519 over ``timestamp + body`` with the application's public key (PyNaCl;
  ``X-Signature-Ed25519``, ``X-Signature-Timestamp``).

Either way the signed timestamp must be Unix seconds within :data:`MAX_CLOCK_SKEW_SECONDS` of
now, so a captured request cannot be replayed later. A refused request gets 401 with a short
reason and is not processed; no traceback is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

log = logging.getLogger(__name__)

MAX_CLOCK_SKEW_SECONDS = 300
BAD_SIGNATURE = "invalid request signature"
STALE = "stale request timestamp"

# why a request is refused (the 401's text), or None: it is signed and fresh
Check = Callable[[Mapping[str, str], bytes], "str | None"]
Handler = Callable[[web.Request, bytes], Awaitable[web.StreamResponse]]


def fresh(timestamp: str, now: float | None = None) -> bool:
    """``timestamp`` is Unix seconds (digits) within :data:`MAX_CLOCK_SKEW_SECONDS` of now."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs((time.time() if now is None else now) - int(timestamp)) <= MAX_CLOCK_SKEW_SECONDS


def slack_signature_valid(
    secret: str, body: bytes, timestamp: str, signature: str, now: float | None = None
) -> bool:
    """Slack's request signature over the raw bytes, with a fresh timestamp."""
    if not secret or not fresh(timestamp, now):
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def discord_signature_valid(key: VerifyKey, signature: str, timestamp: str, body: bytes) -> bool:
    """Discord's Ed25519 signature over ``timestamp + body`` (freshness is checked apart)."""
    try:
        key.verify(timestamp.encode() + body, bytes.fromhex(signature))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def slack_check(secret: str) -> Check:
    def check(headers: Mapping[str, str], body: bytes) -> str | None:
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        return None if slack_signature_valid(secret, body, timestamp, signature) else BAD_SIGNATURE

    return check


def discord_check(key: VerifyKey) -> Check:
    def check(headers: Mapping[str, str], body: bytes) -> str | None:
        signature = headers.get("X-Signature-Ed25519", "")
        timestamp = headers.get("X-Signature-Timestamp", "")
        if not discord_signature_valid(key, signature, timestamp, body):
            return BAD_SIGNATURE
        if not fresh(timestamp):
            log.warning("discord: interaction signed at %s refused: too old or too new", timestamp)
            return STALE
        return None

    return check


def signed_view(
    check: Check, handler: Handler
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A view that reads the raw body, refuses it with 401 unless ``check`` passes, and hands
    the body to ``handler`` otherwise."""

    async def view(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        refusal = check(request.headers, body)
        if refusal is not None:
            return web.Response(status=401, text=refusal)
        return await handler(request, body)

    return view
