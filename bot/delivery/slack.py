"""The Slack destination: cards rendered as Block Kit (``slack_render``), posted through
slack_sdk's AsyncWebClient (``slack_client``: pacing, paging), Slack's answers read as outcomes
(``slack_api``: error codes, what is permanent or uncertain).

Sending: at most one message a second per channel; 429 → retryable with Slack's Retry-After;
5xx and transport errors → retried here with backoff, and because such a failure may hide a
message that did arrive, the channel's history (and, for a follow-up, the parent's thread) is
checked for the alert id (message metadata) before each resend. ``not_in_channel``,
``channel_not_found``, ``invalid_auth`` and the like are permanent: reported non-retryable so
the dispatcher keeps the row pending for an operator.

Follow-ups: a card following up an alert whose message is in the channel is posted in that
message's thread (``thread_ts``: the story's first message), with ``reply_broadcast`` for a
correction so readers of the channel alone see it too. If Slack answers ``thread_not_found``
(the first message was deleted) it is posted standalone instead. The parent's message is then
edited with ``chat.update`` (blocks, text and the same metadata), which is idempotent.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import aclosing
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.alerts.card import Card
from bot.delivery.base import FollowUp, SendResult
from bot.delivery.slack_api import (
    NETWORK_ERRORS,
    PERMANENT_ERRORS,
    THREAD_GONE_ERRORS,
    HistoryUnavailable,
    Uncertain,
    classify,
    error_code,
    find_alert,
)
from bot.delivery.slack_client import SlackClient
from bot.delivery.slack_render import (
    MAX_BLOCKS,
    METADATA_EVENT_TYPE,
    escape,
    fit,
    render_blocks,
    render_message,
    safe_url,
)
from bot.retry import Backoff

__all__ = [
    "MAX_BLOCKS",
    "METADATA_EVENT_TYPE",
    "PERMANENT_ERRORS",
    "HistoryUnavailable",
    "SlackDestination",
    "error_code",
    "escape",
    "fit",
    "render_blocks",
    "render_message",
    "safe_url",
]

log = logging.getLogger(__name__)


class _ThreadGone(Exception):
    """``thread_ts`` names a message that no longer exists."""


class SlackDestination:
    kind = "slack"

    def __init__(
        self,
        token: str,
        api_url: str = "https://slack.com/api/",
        *,
        min_interval: float = 1.0,
        server_error_retries: int = 2,
        retry_base_delay: float = 1.0,
        history_limit: int = 200,
        history_pages: int = 10,
        timeout: int = 30,
    ) -> None:
        self.client = SlackClient(
            token, api_url, min_interval, history_limit, history_pages, timeout
        )
        self._server_error_retries = server_error_retries
        self._retry = Backoff(first=retry_base_delay)  # 1 s, 2 s: no jitter, no cap
        self._uncertain: set[tuple[str, str]] = set()

    async def send(self, card: Card, channel: str, follow_up: FollowUp | None = None) -> SendResult:
        key = (card.id, channel)
        message = render_message(card)
        thread = follow_up.root if follow_up is not None else None
        if thread:
            message["thread_ts"] = thread
            if card.broadcast:
                message["reply_broadcast"] = True
        attempt = 0
        while True:
            if key in self._uncertain:
                try:
                    existing = await self.already_sent(card, channel, follow_up)
                except HistoryUnavailable as exc:
                    # never post blind: the dispatcher asks again before any resend
                    return SendResult(ok=False, error=str(exc), retryable=True)
                if existing is not None:
                    self._uncertain.discard(key)
                    log.info("slack: %s already in %s (ts %s)", card.id, channel, existing)
                    return SendResult(ok=True, external_id=existing, thread_id=thread)
            try:
                result = await self._post(channel, message)
            except _ThreadGone:
                log.warning(
                    "slack: the thread %s of %s in %s is gone; posting %s standalone",
                    thread,
                    card.parent_id,
                    channel,
                    card.id,
                )
                message.pop("thread_ts", None)
                message.pop("reply_broadcast", None)
                thread = None
                continue
            except Uncertain as exc:
                self._uncertain.add(key)
                attempt += 1
                if attempt > self._server_error_retries:
                    return SendResult(ok=False, error=f"slack: {exc}", retryable=True)
                delay = self._retry.delay(attempt)
                log.warning("slack: %s to %s: %s; retrying in %.1fs", card.id, channel, exc, delay)
                await asyncio.sleep(delay)
                continue
            if not result.ok:
                return result
            self._uncertain.discard(key)
            return replace(result, thread_id=thread)

    async def _post(self, channel: str, message: dict[str, Any]) -> SendResult:
        try:
            ts = await self.client.post(channel, message)
        except SlackApiError as exc:
            if "thread_ts" in message and error_code(exc) in THREAD_GONE_ERRORS:
                raise _ThreadGone from exc
            result = classify(exc, channel)
            if not result.retryable:
                log.error(
                    "slack: %s for channel %s; the alert stays pending until fixed",
                    error_code(exc),
                    channel,
                )
            return result
        except NETWORK_ERRORS as exc:
            raise Uncertain(f"{type(exc).__name__}: {exc}") from exc
        return SendResult(ok=True, external_id=ts)

    async def edit(self, card: Card, channel: str, message_id: str) -> SendResult:
        """``chat.update`` of ``message_id`` to ``card`` (blocks, text, the same metadata)."""
        try:
            await self.client.update(channel, message_id, render_message(card))
        except SlackApiError as exc:
            try:
                return classify(exc, channel, edit=True)
            except Uncertain as uncertain:  # an edit is idempotent: simply try again later
                return SendResult(ok=False, error=f"slack: {uncertain}")
        except NETWORK_ERRORS as exc:
            return SendResult(ok=False, error=f"slack: {type(exc).__name__}: {exc}")
        return SendResult(ok=True, external_id=message_id)

    async def already_sent(
        self, card: Card, channel: str, follow_up: FollowUp | None = None
    ) -> str | None:
        """The ts of a message carrying this card's alert id: for a follow-up first in its
        parent's thread (``conversations.replies``), then in the channel's history, paging back
        to just before the card's story was published (at most ``history_pages`` pages each).

        Raises :class:`HistoryUnavailable` when a list cannot be read for a passing reason
        (network, 5xx, 429): the caller must not post blind then. A permanent refusal (not in
        the channel, no such channel, bad token) returns ``None``: a post would be refused for
        the same reason, so nothing can be doubled.
        """
        thread = follow_up.root if follow_up is not None else None
        if thread:
            found = await self._find(card, channel, thread)
            if found is not None:
                return found
        return await self._find(card, channel)

    async def _find(self, card: Card, channel: str, thread: str | None = None) -> str | None:
        """The alert's message in ``thread`` of ``channel``, or in the channel's history."""
        where = f"thread {thread} of {channel}" if thread else f"history of {channel}"
        unreadable = THREAD_GONE_ERRORS | PERMANENT_ERRORS if thread else PERMANENT_ERRORS
        oldest = None
        if not thread and card.published is not None:
            oldest = f"{card.published.timestamp() - 60:.6f}"
        more = False
        try:
            async with aclosing(self.client.pages(channel, thread=thread, oldest=oldest)) as pages:
                async for page in pages:
                    found = find_alert(page.messages, card.id)
                    if found is not None:
                        return found
                    more = page.more
        except SlackApiError as exc:
            if error_code(exc) in unreadable:
                log.warning("slack: cannot read %s: %s", where, error_code(exc))
                return None
            raise HistoryUnavailable(f"slack: {where}: {exc}") from exc
        except NETWORK_ERRORS as exc:
            raise HistoryUnavailable(f"slack: {where}: {exc}") from exc
        if more and not thread:
            log.warning(
                "slack: %s not found in the last %d messages of %s; treating it as not posted",
                card.id,
                self.client.max_pages * self.client.page_size,
                channel,
            )
        return None

    async def close(self) -> None:
        await self.client.close()
