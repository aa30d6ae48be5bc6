"""What every destination module provides, and how a send can fail.

A destination converts a :class:`Card` at its edge and sends it to one channel. It reports the
outcome as a :class:`SendResult`; it never raises for a failure of the chat service, so the
dispatcher can decide: retry later (``retryable``), give up and mark the row failed, or keep it
pending until an operator fixes a permanent problem such as a missing channel permission.

A follow-up (a card with ``parent_id``) comes with a :class:`FollowUp`: when the parent has a
message in the channel the destination posts the card under it (Slack: in its thread; Discord:
as a reply; console: a line naming the parent), otherwise as a standalone message. The
dispatcher then calls :meth:`Destination.edit` to bring the parent's message up to date.
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
    thread_id: str | None = None  # a follow-up posted under a message: that thread's root
    final: bool = False  # an edit's target is gone or can no longer be edited: never retry


@dataclass(frozen=True, slots=True)
class FollowUp:
    """Where a follow-up goes in one channel.

    ``parent`` is the parent alert's current card; ``message_id`` the parent's message in this
    channel (``None``: it has none, so the follow-up is posted standalone); ``thread_id`` the
    first message of the story's thread there (``None``: the parent's message is that first
    message). Slack replies in ``thread_id or message_id``; Discord replies to ``message_id``.
    """

    parent: Card
    message_id: str | None = None
    thread_id: str | None = None

    @property
    def root(self) -> str | None:
        return self.thread_id or self.message_id


class Destination(Protocol):
    """One chat service (or the console). ``channel`` is the part after ``kind:``."""

    kind: str

    async def send(
        self, card: Card, channel: str, follow_up: FollowUp | None = None
    ) -> SendResult: ...

    async def already_sent(
        self, card: Card, channel: str, follow_up: FollowUp | None = None
    ) -> str | None:
        """The id of a message already carrying this card's alert id, if the service can tell
        (used to reconcile rows left in `sending` by a crash); ``None`` if not found. A
        follow-up is looked for in its parent's thread as well as in the channel."""
        ...

    async def edit(self, card: Card, channel: str, message_id: str) -> SendResult:
        """Replace message ``message_id`` with ``card`` (idempotent). ``final`` in the result:
        the message is gone or can no longer be edited."""
        ...

    async def close(self) -> None: ...
