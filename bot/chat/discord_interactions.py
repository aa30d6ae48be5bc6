"""Answering a Discord interaction, whichever way it came (HTTP endpoint or gateway).

A slash command becomes an :class:`~bot.chat.invocation.Invocation` with its options by name
(:func:`~bot.chat.discord_invocation.invocation_from`; subscriptions point at
``discord:<channel id>``) and the shared handler runs in a thread. Commands drawing a chart
(``history``) are deferred at once (type 5); any other is answered inline (type 4) if it
finishes within :data:`INLINE_BUDGET_SECONDS`, and deferred otherwise. A deferred answer
replaces the original response through the interaction webhook, the chart attached as a PNG,
once the deferral itself has been sent. Without a bot token there is no webhook client, so every
answer is inline. Answers are ephemeral (flag 64) unless the reply says otherwise; a deferred
answer's visibility is fixed when deferring, so a slow public answer stays ephemeral.

The reviewers' buttons and Wrong value form (component and modal-submit interactions) are
answered by :mod:`bot.chat.discord_review`; their decision is always deferred (ephemeral).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import discord

from bot.alerts.card import Reply
from bot.chat.commands import CommandServices, handle
from bot.chat.discord_invocation import invocation_from
from bot.chat.discord_review import REVIEW_TYPES, DiscordReview
from bot.delivery.discord_render import message_parameters
from bot.delivery.discord_rest import DiscordConnection
from bot.delivery.discord_result import FAILURES
from bot.redact import remember_secret

log = logging.getLogger("bot.chat.discord_app")

PING = 1
APPLICATION_COMMAND = 2
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
EPHEMERAL = 64
SLOW_COMMANDS = frozenset({"history"})
INLINE_BUDGET_SECONDS = 2.5
CLOSE_GRACE_SECONDS = 10.0


@dataclass
class Answer:
    """A callback body (and files) to send now; ``sent`` must be called once it has been sent,
    which lets a deferred answer go on to edit the original response."""

    body: dict[str, Any]
    files: list[discord.File] = field(default_factory=list)
    sent: Callable[[], None] = lambda: None

    def form(self) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = [{"name": "payload_json", "value": json.dumps(self.body)}]
        for index, file in enumerate(self.files):
            parts.append(
                {
                    "name": f"files[{index}]",
                    "value": file.fp,
                    "filename": file.filename,
                    "content_type": "image/png",
                }
            )
        return parts


def _reply_data(reply: Reply, *, ephemeral: bool) -> tuple[dict[str, Any], list[discord.File]]:
    params = message_parameters(reply.cards, ephemeral=ephemeral)
    if params.files and params.multipart:
        return json.loads(params.multipart[0]["value"]), list(params.files)
    return dict(params.payload or {}), []


class Interactions:
    """Answers application-command interactions with the shared handlers."""

    def __init__(
        self,
        services: CommandServices,
        *,
        application_id: str = "",
        connection: DiscordConnection | None = None,
    ) -> None:
        self.services = services
        self.application_id = application_id
        self.connection = connection
        self.review = DiscordReview(services)
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("discord: background task failed", exc_info=task.exception())

    async def answer(self, interaction: Mapping[str, Any]) -> Answer:
        if interaction.get("type") == PING:
            return Answer({"type": PONG})
        remember_secret(str(interaction.get("token", "")))
        if interaction.get("type") in REVIEW_TYPES:  # a reviewer's button or form: always deferred
            review = self.review.answer(interaction)
            if review.work is None:
                return Answer(review.body or {})
            compute, name, slow = review.work, "review", True
        else:
            invocation = invocation_from(interaction)
            compute, name = partial(handle, invocation, self.services), invocation.command
            slow = name in SLOW_COMMANDS
        computing = asyncio.ensure_future(asyncio.to_thread(compute))
        can_defer = self.connection is not None and bool(self._application_id(interaction))
        if not can_defer or not slow:
            budget = INLINE_BUDGET_SECONDS if can_defer else None
            done, _ = await asyncio.wait({computing}, timeout=budget)
            if computing in done:
                reply = computing.result()
                data, files = _reply_data(reply, ephemeral=reply.ephemeral)
                return Answer({"type": CHANNEL_MESSAGE, "data": data}, files)
            log.info("discord: /%s took over %.1f s, deferred", name, budget)
        token = str(interaction.get("token", ""))
        application_id = self._application_id(interaction)
        deferral = Answer({"type": DEFERRED_CHANNEL_MESSAGE, "data": {"flags": EPHEMERAL}})
        deferral.sent = lambda: self.spawn(self._edit_original(application_id, token, computing))
        return deferral

    def _application_id(self, interaction: Mapping[str, Any]) -> str:
        return str(interaction.get("application_id") or self.application_id or "")

    async def _edit_original(
        self, application_id: str, token: str, computing: asyncio.Future[Reply]
    ) -> None:
        assert self.connection is not None
        try:
            reply = await computing
            rest = await self.connection.rest()
            await rest.edit_original(application_id, token, message_parameters(reply.cards))
        except FAILURES as exc:
            log.error("discord: deferred answer not delivered: %s", exc)

    async def post_callback(self, interaction_id: str, token: str, answer: Answer) -> None:
        """Gateway mode: send the answer to the interaction's callback endpoint."""
        assert self.connection is not None
        rest = await self.connection.rest()
        form = answer.form() if answer.files else None
        await rest.interaction_callback(interaction_id, token, answer.body, form, answer.files)
        answer.sent()

    async def close(self) -> None:
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=CLOSE_GRACE_SECONDS)
            for task in pending:
                task.cancel()
        if self.connection is not None:
            await self.connection.close()
