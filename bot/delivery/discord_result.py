"""Discord's answers turned into outcomes: what a failure means, what a posted message says, and
finding an alert's message among a channel's recent messages.

How a failure is read (:func:`failure`), first match wins:

1. ``discord.RateLimited`` (discord.py waited as long as it may): retryable after Discord's
   ``retry_after``.
2. For an edit, Unknown Message (10008) and "Cannot edit a message authored by another user"
   (50005): the message can never be edited (``final``).
3. A refused token (401), Missing Access (50001), Missing Permissions (50013), Unknown Channel
   (10003) or any other 401/403/404: permanent (``retryable=False``: the dispatcher keeps the row
   pending for an operator).
4. Anything else (other 4xx, 5xx, network errors, timeouts): retryable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiohttp
import discord

from bot.delivery.base import FollowUp, SendResult

PERMANENT_CODES = {
    10003: "unknown channel",
    50001: "missing access",
    50013: "missing permissions",
}
UNEDITABLE_CODES = {
    10008: "unknown message",
    50005: "cannot edit a message authored by another user",
}
FAILURES = (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError)
# reading a channel refused for good: a post would be refused for the same reason
LISTING_REFUSED = (discord.Forbidden, discord.NotFound, discord.LoginFailure)


class HistoryUnavailable(Exception):
    """The channel's messages could not be read, so whether an alert arrived is unknown."""


def describe_error(exc: BaseException) -> tuple[str, bool]:
    """``(message, retryable)`` for a failed Discord call."""
    if isinstance(exc, discord.LoginFailure):
        return "discord: the bot token was refused (401)", False
    if isinstance(exc, discord.HTTPException):
        code = getattr(exc, "code", 0)
        text = f"discord: HTTP {exc.status}, code {code}: {exc.text or type(exc).__name__}"
        if code in PERMANENT_CODES:
            return f"discord: {PERMANENT_CODES[code]} (code {code}, HTTP {exc.status})", False
        return text, exc.status not in {401, 403, 404}
    if isinstance(exc, discord.RateLimited):
        return f"discord: rate limited for {exc.retry_after:.0f} s", True
    return f"discord: {type(exc).__name__}: {exc}", True


def failure(exc: BaseException, *, edit: bool = False) -> SendResult:
    """The outcome of a failed post or (``edit``) edit, in the order of the module doc."""
    if isinstance(exc, discord.RateLimited):
        return _rate_limited(exc)
    if edit and isinstance(exc, discord.HTTPException):
        code = getattr(exc, "code", 0)
        if code in UNEDITABLE_CODES:
            error = f"discord: {UNEDITABLE_CODES[code]} (code {code}, HTTP {exc.status})"
            return SendResult(ok=False, error=error, retryable=False, final=True)
    error, retryable = describe_error(exc)
    return SendResult(ok=False, error=error, retryable=retryable)


def _rate_limited(exc: discord.RateLimited) -> SendResult:
    return SendResult(
        ok=False, error=describe_error(exc)[0], retryable=True, retry_after=exc.retry_after
    )


def posted(message: Any, follow_up: FollowUp | None, replying: bool) -> SendResult:
    """A posted message (Discord's message object) as a result: its id, and for a reply that
    Discord made a reply (``message_reference`` set: the parent still existed) the thread's
    root."""
    message = message if isinstance(message, dict) else {}
    replied = replying and bool(message.get("message_reference"))
    return SendResult(
        ok=True,
        external_id=str(message["id"]) if message.get("id") else None,
        thread_id=follow_up.root if replied and follow_up is not None else None,
    )


def find_alert(
    messages: Iterable[Any], alert_id: str, nonce: str, author_id: str | None
) -> str | None:
    """The id of a message by ``author_id`` (the bot; any author when unknown) carrying the
    alert: the same ``nonce`` (Discord echoes it for a few minutes), or ``alert_id`` as a part
    of an embed's footer."""
    for message in messages:
        author = str((message.get("author") or {}).get("id", ""))
        if author_id and author and author != author_id:
            continue
        if str(message.get("nonce") or "") == nonce or _footer_mentions(message, alert_id):
            return str(message["id"])
    return None


def _footer_mentions(message: Any, alert_id: str) -> bool:
    for embed in message.get("embeds") or []:
        footer = (embed.get("footer") or {}).get("text", "")
        if alert_id in footer.split(" · "):
            return True
    return False
