"""The console destination: prints cards readably to standard output."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.alerts.card import Card, CardKind
from bot.delivery.base import SendResult

_MARK = {
    CardKind.CHANGE: "CHANGE",
    CardKind.NEWS: "NEWS",
    CardKind.DIGEST: "DIGEST",
    CardKind.ADMIN: "ADMIN",
    CardKind.ANSWER: "",
}


def render(card: Card) -> str:
    mark = _MARK[card.kind]
    lines = card.plain_text().splitlines() or [""]
    head = f"[{mark}] {lines[0]}" if mark else lines[0]
    body = "\n".join(f"    {line}" for line in lines[1:])
    return f"{head}\n{body}\n" if body else f"{head}\n"


class ConsoleDestination:
    kind = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def send(self, card: Card, channel: str) -> SendResult:
        stream = self._stream or sys.stdout
        try:
            stream.write(render(card) + "\n")
            stream.flush()
        except OSError as exc:
            return SendResult(ok=False, error=f"console: {exc}")
        return SendResult(ok=True, external_id=card.id)

    async def already_sent(self, card: Card, channel: str) -> str | None:
        return None

    async def close(self) -> None:
        return None
