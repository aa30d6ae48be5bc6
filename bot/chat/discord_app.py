"""Discord slash commands, in two modes that share everything but the transport.

- HTTP interactions (``DISCORD_PUBLIC_KEY``): ``POST /discord/interactions`` on the bot's HTTP
  server. Each request is verified (Ed25519 over timestamp + body, PyNaCl) before anything else;
  a bad signature gets 401, a PING gets ``{"type": 1}``. Suits several replicas: no gateway.
- Gateway (``DISCORD_BOT_TOKEN``, :func:`bot.chat.discord_gateway.start_gateway`): a
  discord.py ``Client`` holds the websocket; each interaction it receives goes through the same
  :class:`Interactions` and the answer is posted to the interaction's callback endpoint.

An answer: the command becomes an :class:`Invocation` (``/fentanyl history us-tariff-china`` →
``history us-tariff-china``; subscriptions point at ``discord:<channel id>``) and the shared
handler runs in a thread. Commands drawing a chart (``history``) are deferred at once (type 5);
any other is answered inline (type 4) if it finishes within :data:`INLINE_BUDGET_SECONDS`, and
deferred otherwise. A deferred answer replaces the original response through the interaction
webhook (``PATCH /webhooks/{app id}/{token}/messages/@original``), the chart attached as a PNG,
once the deferral itself has been sent. Without a bot token there is no webhook client, so every
answer is inline. Answers are ephemeral (flag 64) unless the reply says otherwise; a deferred
answer's visibility is fixed when deferring, so a slow public answer stays ephemeral.

Command definitions and their upload are in :mod:`bot.chat.discord_commands`. The reviewers'
buttons and Wrong value form (component and modal-submit interactions) are answered by
:mod:`bot.chat.discord_review`; their decision is always deferred (ephemeral).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from aiohttp import web
from discord.http import Route
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from bot.alerts.card import Reply
from bot.chat.commands import CommandServices, handle
from bot.chat.discord_commands import command_definitions, sync_logged
from bot.chat.discord_invocation import invocation_from
from bot.chat.discord_review import REVIEW_TYPES, DiscordReview
from bot.delivery.discord import DiscordConnection, message_parameters
from bot.redact import remember_secret

if TYPE_CHECKING:
    from bot.app.context import AppContext

log = logging.getLogger(__name__)

PING = 1
APPLICATION_COMMAND = 2
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
EPHEMERAL = 64
MAX_CLOCK_SKEW_SECONDS = 300
SLOW_COMMANDS = frozenset({"history"})
INLINE_BUDGET_SECONDS = 2.5
CLOSE_GRACE_SECONDS = 10.0
ROUTE_PATH = "/discord/interactions"


# --- interactions -------------------------------------------------------------------------


def verify_signature(key: VerifyKey, signature: str, timestamp: str, body: bytes) -> bool:
    try:
        key.verify(timestamp.encode() + body, bytes.fromhex(signature))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def fresh(timestamp: str, now: float | None = None) -> bool:
    """The signed timestamp is Unix seconds within :data:`MAX_CLOCK_SKEW_SECONDS` of now, so
    a captured request cannot be replayed later."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs((time.time() if now is None else now) - int(timestamp)) <= MAX_CLOCK_SKEW_SECONDS


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
            route = Route(
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                webhook_id=application_id,
                webhook_token=token,
            )
            await rest.send(route, message_parameters(reply.cards))
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.error("discord: deferred answer not delivered: %s", exc)

    async def post_callback(self, interaction_id: str, token: str, answer: Answer) -> None:
        """Gateway mode: send the answer to the interaction's callback endpoint."""
        assert self.connection is not None
        rest = await self.connection.rest()
        route = Route(
            "POST",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            interaction_id=interaction_id,
            interaction_token=token,
        )
        if answer.files:
            await rest.request(route, form=answer.form(), files=answer.files)
        else:
            await rest.request(route, json=answer.body)
        answer.sent()

    async def close(self) -> None:
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=CLOSE_GRACE_SECONDS)
            for task in pending:
                task.cancel()
        if self.connection is not None:
            await self.connection.close()


def _http_response(answer: Answer) -> web.StreamResponse:
    if not answer.files:
        return web.json_response(answer.body)
    writer = aiohttp.MultipartWriter("form-data")
    part = writer.append_json(answer.body)
    part.set_content_disposition("form-data", name="payload_json")
    for index, file in enumerate(answer.files):
        file.reset()
        part = writer.append(file.fp.read(), {"Content-Type": "image/png"})
        part.set_content_disposition("form-data", name=f"files[{index}]", filename=file.filename)
    return web.Response(body=writer)


def interactions_view(
    interactions: Interactions, public_key: VerifyKey
) -> Callable[[web.Request], Coroutine[Any, Any, web.StreamResponse]]:
    async def view(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        signature = request.headers.get("X-Signature-Ed25519", "")
        timestamp = request.headers.get("X-Signature-Timestamp", "")
        if not verify_signature(public_key, signature, timestamp, body):
            return web.Response(status=401, text="invalid request signature")
        if not fresh(timestamp):
            log.warning("discord: interaction signed at %s refused: too old or too new", timestamp)
            return web.Response(status=401, text="stale request timestamp")
        try:
            interaction = json.loads(body)
        except (ValueError, RecursionError):
            log.warning("discord: interaction body is not JSON (or nested too deep)")
            return web.Response(status=400, text="body is not JSON")
        kind = interaction.get("type") if isinstance(interaction, dict) else None
        if kind not in (PING, APPLICATION_COMMAND, *REVIEW_TYPES):
            log.warning("discord: interaction type %r not handled", kind)
            return web.Response(status=400, text="interaction type not handled")
        answer = await interactions.answer(interaction)
        response = _http_response(answer)
        await response.prepare(request)
        await response.write_eof()
        answer.sent()
        return response

    return view


# --- wiring -------------------------------------------------------------------------------


def command_services(ctx: AppContext) -> CommandServices:
    return ctx.command_services()


def dev_guild_id(ctx: AppContext) -> str:
    return ctx.env.DISCORD_DEV_GUILD_ID.strip()


def rest_connection(ctx: AppContext) -> DiscordConnection | None:
    if not ctx.env.DISCORD_BOT_TOKEN:
        return None
    return DiscordConnection(ctx.env.DISCORD_BOT_TOKEN, ctx.env.DISCORD_API_URL)


def http_installer(ctx: AppContext) -> Callable[[web.Application], None]:
    """Mounts ``POST /discord/interactions``; at start-up it syncs the command definitions when
    ``DISCORD_APPLICATION_ID`` and ``DISCORD_BOT_TOKEN`` are set."""
    try:
        public_key = VerifyKey(bytes.fromhex(ctx.env.DISCORD_PUBLIC_KEY.strip()))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"DISCORD_PUBLIC_KEY: not a hex Ed25519 public key ({exc})") from exc
    services = command_services(ctx)
    interactions = Interactions(
        services,
        application_id=ctx.env.DISCORD_APPLICATION_ID,
        connection=rest_connection(ctx),
    )

    async def on_startup(_app: web.Application) -> None:
        if interactions.connection is not None and ctx.env.DISCORD_APPLICATION_ID:
            definitions = command_definitions(services.catalogue, services.topics)
            interactions.spawn(
                sync_logged(
                    interactions.connection,
                    ctx.db,
                    ctx.env.DISCORD_APPLICATION_ID,
                    definitions,
                    dev_guild_id(ctx),
                )
            )

    async def on_cleanup(_app: web.Application) -> None:
        await interactions.close()

    def install(app: web.Application) -> None:
        app.router.add_post(ROUTE_PATH, interactions_view(interactions, public_key))
        app.on_startup.append(on_startup)
        app.on_cleanup.append(on_cleanup)

    return install
