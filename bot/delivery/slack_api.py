"""Slack's Web API answers turned into outcomes: error codes, what is permanent, what is
uncertain, and finding an alert's message among those Slack lists. The calls themselves are
made by ``slack_client``.

How an answer is read (``classify``), first match wins:

1. 429 or ``ratelimited``: retryable after Slack's ``Retry-After``.
2. 5xx: :class:`Uncertain` is raised (the message may have arrived; the caller looks before
   it posts again).
3. For an edit, ``message_not_found``, ``cant_update_message`` or ``edit_window_closed``: the
   message can never be edited (``final``).
4. ``not_in_channel``, ``channel_not_found``, ``invalid_auth`` and the like: permanent
   (``retryable=False``: the dispatcher keeps the row for an operator).
5. Anything else: retryable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.delivery.base import SendResult
from bot.retry import parse_retry_after

PERMANENT_ERRORS = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "restricted_action",
        "team_access_not_granted",
        "no_permission",
        "ekm_access_denied",
    }
)
# chat.update: the message is gone, not ours, or past the workspace's edit window
UNEDITABLE_ERRORS = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})
# chat.postMessage with thread_ts / conversations.replies: the thread's first message is gone
THREAD_GONE_ERRORS = frozenset({"thread_not_found", "message_not_found"})
# no answer at all (timeout, dropped connection): a post may or may not have arrived
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class HistoryUnavailable(Exception):
    """The channel's history could not be read, so whether a message arrived is unknown."""


class Uncertain(Exception):
    """The request may or may not have posted the message (5xx, timeout, dropped connection)."""


def retry_after(error: SlackApiError, default: float = 30.0) -> float:
    """Slack's ``Retry-After`` in seconds (:func:`bot.retry.parse_retry_after`); ``default``
    when it is missing or unreadable."""
    headers = getattr(error.response, "headers", None) or {}
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    seconds = parse_retry_after(str(raw)) if raw is not None else None
    return default if seconds is None else seconds


def error_code(error: SlackApiError) -> str:
    data = getattr(error.response, "data", None)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"HTTP {getattr(error.response, 'status_code', '?')}"


def status_code(error: SlackApiError) -> int:
    return int(getattr(error.response, "status_code", 0) or 0)


def classify(exc: SlackApiError, channel: str, *, edit: bool = False) -> SendResult:
    """The outcome of a refused call, in the order of the module doc."""
    code = error_code(exc)
    status = status_code(exc)
    if status == 429 or code == "ratelimited":
        wait = retry_after(exc)
        return SendResult(
            ok=False, error=f"slack: rate limited, retry after {wait:g}s", retry_after=wait
        )
    if status >= 500:
        raise Uncertain(f"server error {status} ({code})")
    if edit and code in UNEDITABLE_ERRORS:
        return SendResult(
            ok=False, error=f"slack: {code} (channel {channel})", retryable=False, final=True
        )
    if code in PERMANENT_ERRORS:
        return SendResult(ok=False, error=f"slack: {code} (channel {channel})", retryable=False)
    return SendResult(ok=False, error=f"slack: {code} (channel {channel})")


def find_alert(messages: Iterable[dict[str, Any]], alert_id: str) -> str | None:
    """The ts of the message whose metadata carries ``alert_id``."""
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if payload.get("alert_id") == alert_id:
            return str(message.get("ts") or alert_id)
    return None
