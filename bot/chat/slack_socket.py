"""Slack's Socket Mode: the websocket slack_sdk keeps open to Slack, so commands and clicks
reach the bot with no public address (``SLACK_APP_TOKEN``). The listeners are the same bolt app's
as in HTTP mode (``bot/chat/slack_app.py`` builds it and opens the connection)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.delivery.slack_api import PERMANENT_ERRORS, error_code
from bot.retry import Backoff

log = logging.getLogger("bot.chat.slack_app")


class SocketModeConnection:
    """A Socket Mode connection opened in the background, so a Slack outage never stops the
    worker from starting. The app token is tried first (``apps.connections.open``, retried with
    backoff on transient failures; a permanent refusal such as ``invalid_auth`` is logged once
    and Socket Mode stays off); then slack_sdk's client connects, and reconnects by itself."""

    def __init__(self, handler: AsyncSocketModeHandler, max_delay: float = 300.0) -> None:
        self.handler = handler
        self.connected = asyncio.Event()
        self._max_delay = max_delay
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect(), name="slack-socket-mode")

    async def _token_accepted(self) -> bool:
        backoff = Backoff(first=1.0, cap=self._max_delay)  # 1 s, 2 s, 4 s ... 5 min
        web_client = self.handler.client.web_client
        attempt = 0
        while True:
            attempt += 1
            delay = backoff.delay(attempt)
            try:
                await web_client.apps_connections_open(app_token=self.handler.app_token)
                return True
            except SlackApiError as exc:
                code = error_code(exc)
                if code in PERMANENT_ERRORS:
                    log.error("slack: Socket Mode refused (%s); slash commands are off", code)
                    return False
                log.warning("slack: Socket Mode unavailable (%s); retry in %.0fs", code, delay)
            except Exception as exc:
                log.warning("slack: Socket Mode unavailable (%s); retry in %.0fs", exc, delay)
            await asyncio.sleep(delay)

    async def _connect(self) -> None:
        if not await self._token_accepted():
            return
        await self.handler.connect_async()
        log.info("slack: Socket Mode connected")
        self.connected.set()

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.handler.close_async()
