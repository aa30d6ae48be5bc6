"""What every destination module provides, and how a send can fail.

A destination converts a :class:`Card` at its edge and sends it to one channel. It reports the
outcome as a :class:`SendResult`; it never raises for a failure of the chat service, so the
dispatcher can decide: retry later (``retryable``), give up and mark the row failed, or keep it
pending until an operator fixes a permanent problem such as a missing channel permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.alerts.card import Card


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    external_id: str | None = None  # the message id / timestamp the service gave back
    error: str | None = None  # prefixed with the destination's name
    retryable: bool = True
    retry_after: float | None = None  # seconds, when the service said so (429)


class Destination(Protocol):
    """One chat service (or the console). ``channel`` is the part after ``kind:``."""

    kind: str

    async def send(self, card: Card, channel: str) -> SendResult: ...

    async def already_sent(self, card: Card, channel: str) -> str | None:
        """The id of a message already carrying this card's alert id, if the service can tell
        (used to reconcile rows left in `sending` by a crash); ``None`` if not found."""
        ...

    async def close(self) -> None: ...
