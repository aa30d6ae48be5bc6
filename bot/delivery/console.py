"""The console destination: prints cards (rendered by ``console_render``) to standard output.

The transport is a write to the stream; a failed write (``OSError``) is a retryable failure.
Printed lines cannot be changed, so an edit of a follow-up's parent is a no-op here, and nothing
printed can be looked up again after a crash.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.alerts.card import Card
from bot.delivery.base import FollowUp, SendResult
from bot.delivery.console_render import render

__all__ = ["ConsoleDestination", "render"]


class ConsoleDestination:
    kind = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, card: Card, channel: str, follow_up: FollowUp | None = None) -> SendResult:
        stream = self._stream or sys.stdout
        try:
            stream.write(render(card, follow_up) + "\n")
            stream.flush()
        except OSError as exc:
            return SendResult(ok=False, error=f"console: {exc}")
        return SendResult(ok=True, external_id=card.id)

    async def already_sent(
        self, card: Card, channel: str, follow_up: FollowUp | None = None
    ) -> str | None:
        return None

    async def edit(self, card: Card, channel: str, message_id: str) -> SendResult:
        return SendResult(ok=True, external_id=message_id)

    async def close(self) -> None:
        return None
