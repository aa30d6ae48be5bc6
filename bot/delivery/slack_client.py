"""Slack's Web API as the Slack destination calls it: the transport, nothing more.

slack_sdk's ``AsyncWebClient`` pointed at ``SLACK_API_URL``, with its own retry handlers off (the
destination and the outbox decide what is tried again), at most one message per ``interval``
seconds in each channel, and the listings searched for an alert after a crash, page by page.
Every call raises what slack_sdk or aiohttp raise; what an answer means (permanent, retryable,
uncertain) is read by ``slack_api``, and the Block Kit payload is built by ``slack_render``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient


def with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class ChannelPacer:
    """At most one message per ``interval`` seconds in each channel."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._next_at: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._next_at.get(channel, 0.0) - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._next_at[channel] = self._clock() + self._interval


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing; ``more``: Slack has older messages after it."""

    messages: list[dict[str, Any]]
    more: bool


class SlackClient:
    """The calls the destination makes: post, update, and the listings of a channel or thread."""

    def __init__(
        self, token: str, url: str, interval: float, page_size: int, pages: int, timeout: int
    ) -> None:
        """``interval``: seconds between two messages in a channel; a listing: at most
        ``pages`` pages of ``page_size`` messages; ``timeout``: seconds per call."""
        self.web = AsyncWebClient(
            token=token, base_url=with_slash(url), timeout=timeout, retry_handlers=[]
        )
        self._pacer = ChannelPacer(interval)
        self.page_size = page_size
        self.max_pages = pages

    async def post(self, channel: str, message: dict[str, Any]) -> str | None:
        """``chat.postMessage`` in the channel's turn; the new message's ts."""
        async with self._pacer.turn(channel):
            response = await self.web.chat_postMessage(channel=channel, **message)
        ts = response.get("ts")
        return str(ts) if ts else None

    async def update(self, channel: str, ts: str, message: dict[str, Any]) -> None:
        """``chat.update`` of ``ts`` to the message's blocks, text and metadata."""
        await self.web.chat_update(
            channel=channel,
            ts=ts,
            text=message["text"],
            blocks=message["blocks"],
            metadata=message.get("metadata"),
        )

    async def pages(
        self, channel: str, *, thread: str | None = None, oldest: str | None = None
    ) -> AsyncGenerator[Page, None]:
        """The messages of ``thread`` (``conversations.replies``) or of the channel
        (``conversations.history``, from ``oldest`` on), newest first, at most ``max_pages``
        pages of ``page_size``, metadata included."""
        cursor: str | None = None
        for _ in range(self.max_pages):
            listing: dict[str, Any] = {
                "limit": self.page_size,
                "include_all_metadata": True,
                "cursor": cursor,
            }
            if thread:
                response = await self.web.conversations_replies(
                    channel=channel, ts=thread, **listing
                )
            else:
                response = await self.web.conversations_history(
                    channel=channel, oldest=oldest, **listing
                )
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            more = bool(response.get("has_more") and cursor)
            yield Page(list(response.get("messages") or []), more)
            if not more:
                return

    async def close(self) -> None:
        session = getattr(self.web, "session", None)
        if session is not None and not session.closed:
            await session.close()
