"""Discord slash commands, in two modes that share everything but the transport.

- HTTP interactions (``DISCORD_PUBLIC_KEY``): ``POST /discord/interactions`` on the bot's HTTP
  server. Each request is verified (Ed25519 over timestamp + body, PyNaCl) before anything else;
  a bad signature gets 401, a PING gets ``{"type": 1}``. Suits several replicas: no gateway.
- Gateway (``DISCORD_BOT_TOKEN``, :func:`start_gateway`): a discord.py ``Client`` holds the
  websocket; each interaction it receives goes through the same :class:`Interactions` and the
  answer is posted to the interaction's callback endpoint.

An answer: the command becomes an :class:`Invocation` (``/fentanyl history us-tariff-china`` →
``history us-tariff-china``; subscriptions point at ``discord:<channel id>``) and the shared
handler runs in a thread. Commands drawing a chart (``history``) are deferred at once (type 5);
any other is answered inline (type 4) if it finishes within :data:`INLINE_BUDGET_SECONDS`, and
deferred otherwise. A deferred answer replaces the original response through the interaction
webhook (``PATCH /webhooks/{app id}/{token}/messages/@original``), the chart attached as a PNG,
once the deferral itself has been sent. Without a bot token there is no webhook client, so every
answer is inline. Answers are ephemeral (flag 64) unless the reply says otherwise; a deferred
answer's visibility is fixed when deferring, so a slow public answer stays ephemeral.

Command definitions (:func:`command_definitions`) are the API's JSON, built from the catalogue
and topics, and uploaded with one bulk overwrite only when their SHA-256 differs from the one kept
in the store's meta table; ``DISCORD_DEV_GUILD_ID`` syncs them to one guild (instant) instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from aiohttp import web
from discord.http import Route
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from bot.alerts.card import Reply
from bot.chat.commands import KINDS, CommandServices, Invocation, handle, parse_command
from bot.delivery.discord import DEFAULT_API_URL, DiscordConnection, message_parameters
from bot.facts.catalogue import Catalogue
from bot.redact import remember_secret
from bot.store import repo
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.app.context import AppContext

log = logging.getLogger(__name__)

PING = 1
APPLICATION_COMMAND = 2
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
EPHEMERAL = 64
STRING, INTEGER, BOOLEAN, SUB_COMMAND, SUB_COMMAND_GROUP = 3, 4, 5, 1, 2
MAX_CHOICES = 25
MAX_CLOCK_SKEW_SECONDS = 300
ADMINISTRATOR, MANAGE_GUILD = 1 << 3, 1 << 5  # permission bits
SLOW_COMMANDS = frozenset({"history"})
INLINE_BUDGET_SECONDS = 2.5
CLOSE_GRACE_SECONDS = 10.0
ROUTE_PATH = "/discord/interactions"
DEV_GUILD_VAR = "DISCORD_DEV_GUILD_ID"


# --- command definitions and their sync -----------------------------------------------------


def _choices(values: Sequence[str]) -> dict[str, Any]:
    if not values or len(values) > MAX_CHOICES:
        return {}
    return {"choices": [{"name": v, "value": v} for v in values]}


def _option(kind: int, name: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "description": description, "required": False, **extra}


def _subcommand(name: str, description: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"type": SUB_COMMAND, "name": name, "description": description, "options": list(options)}


def command_definitions(catalogue: Catalogue, topics: Sequence[str]) -> list[dict[str, Any]]:
    """The two slash commands as Discord's API describes them (choices from the catalogue and
    the topic list, so adding a fact or topic in ``seeds/``/``config/`` re-syncs them)."""
    facts = list(catalogue)
    query = _option(STRING, "query", "A fact id or a topic (default: every fact)", max_length=100)
    public = _option(BOOLEAN, "public", "Show the answer to the whole channel")
    return [
        {
            "type": 1,
            "name": "fentanyl-status",
            "description": "Tracked US–China trade and fentanyl facts: now, baseline, last change",
            "options": [query, public],
        },
        {
            "type": 1,
            "name": "fentanyl",
            "description": "US–China trade and fentanyl alerts",
            "options": [
                _subcommand(
                    "latest",
                    "The latest relevant stories",
                    _option(INTEGER, "n", "How many (1-20)", min_value=1, max_value=20),
                ),
                _subcommand(
                    "history",
                    "Every change of one fact, with a chart",
                    {**_option(STRING, "fact", "The fact", **_choices(facts)), "required": True},
                ),
                _subcommand(
                    "subscribe",
                    "Send alerts to this channel",
                    _option(STRING, "kind", "Which alerts (default: changes)", **_choices(KINDS)),
                    _option(STRING, "topic", "Only this topic", **_choices(topics)),
                ),
                _subcommand(
                    "unsubscribe",
                    "Stop alerts to this channel",
                    _option(STRING, "topic", "Only this topic", **_choices(topics)),
                ),
                _subcommand("feeds", "Each feed's health"),
                _subcommand(
                    "add-feed",
                    "Watch one more feed (reviewers only)",
                    {**_option(STRING, "name", "A short name", max_length=64), "required": True},
                    {**_option(STRING, "url", "The feed's URL", max_length=2000), "required": True},
                ),
                _subcommand(
                    "remove-feed",
                    "Stop watching a feed added from chat (reviewers only)",
                    {**_option(STRING, "name", "The feed's name", max_length=64), "required": True},
                ),
                _subcommand("help", "The commands"),
            ],
        },
    ]


def definitions_digest(definitions: Sequence[Mapping[str, Any]], application_id: str) -> str:
    canonical = json.dumps(
        [application_id, list(definitions)], sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _meta_key(guild_id: str) -> str:
    return f"discord.commands.sha256:{f'guild:{guild_id}' if guild_id else 'global'}"


async def sync_commands(
    connection: DiscordConnection,
    db: Database,
    application_id: str,
    definitions: Sequence[Mapping[str, Any]],
    guild_id: str = "",
) -> bool:
    """Upload the definitions if they changed since the last upload; ``True`` if uploaded."""
    digest = definitions_digest(definitions, application_id)
    key = _meta_key(guild_id)

    def stored() -> str | None:
        with db.session() as session:
            return repo.get_meta(session, key)

    def remember() -> None:
        with db.session() as session:
            repo.set_meta(session, key, digest)

    if await asyncio.to_thread(stored) == digest:
        log.info("discord: slash commands unchanged (%s), not synced", key.rsplit(":", 1)[-1])
        return False
    rest = await connection.rest()
    payload: Any = list(definitions)
    if guild_id:
        await rest.bulk_upsert_guild_commands(application_id, guild_id, payload)
    else:
        await rest.bulk_upsert_global_commands(application_id, payload)
    await asyncio.to_thread(remember)
    log.info("discord: slash commands synced (%s)", f"guild {guild_id}" if guild_id else "global")
    return True


async def _sync_logged(
    connection: DiscordConnection, db: Database, application_id: str, definitions: Any, guild: str
) -> None:
    try:
        await sync_commands(connection, db, application_id, definitions, guild)
    except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.error("discord: slash commands not synced (application %s): %s", application_id, exc)


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


def _option_words(options: Any) -> list[str]:
    words: list[str] = []
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, Mapping):
            continue
        kind, name, value = option.get("type"), str(option.get("name", "")), option.get("value")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            words.append(name)
            words.extend(_option_words(option.get("options")))
        elif kind == BOOLEAN:
            if value is True:
                words.append(name)
        elif value is not None:
            words.append(str(value))
    return words


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _manages_server(member: Mapping[str, Any]) -> bool:
    permissions = str(member.get("permissions") or "0")
    bits = int(permissions) if permissions.isdigit() else 0
    return bool(bits & (ADMINISTRATOR | MANAGE_GUILD))


def invocation_from(interaction: Mapping[str, Any]) -> Invocation:
    """The shared handlers' view of an application-command interaction (fields of the wrong
    shape count as absent). In a server, the member's role ids and whether they may manage the
    server (Manage Server or Administrator in ``permissions``) come along, for the reviewers'
    commands; a direct message has neither."""
    data = _mapping(interaction.get("data"))
    channel = interaction.get("channel_id") or _mapping(interaction.get("channel")).get("id") or ""
    member = _mapping(interaction.get("member"))
    user = _mapping(member.get("user")) or _mapping(interaction.get("user"))
    roles = member.get("roles")
    return parse_command(
        str(data.get("name", "")),
        " ".join(_option_words(data.get("options"))),
        destination=f"discord:{channel}" if channel else "",
        user=str(user.get("id", "")),
        groups=frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset(),
        manager=_manages_server(member),
    )


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
        invocation = invocation_from(interaction)
        computing = asyncio.ensure_future(asyncio.to_thread(handle, invocation, self.services))
        can_defer = self.connection is not None and bool(self._application_id(interaction))
        if not can_defer or invocation.command not in SLOW_COMMANDS:
            budget = INLINE_BUDGET_SECONDS if can_defer else None
            done, _ = await asyncio.wait({computing}, timeout=budget)
            if computing in done:
                reply = computing.result()
                data, files = _reply_data(reply, ephemeral=reply.ephemeral)
                return Answer({"type": CHANNEL_MESSAGE, "data": data}, files)
            log.info("discord: /%s took over %.1f s, deferred", invocation.command, budget)
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
        if kind not in (PING, APPLICATION_COMMAND):
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


def _connection(ctx: AppContext) -> DiscordConnection | None:
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
        connection=_connection(ctx),
    )

    async def on_startup(_app: web.Application) -> None:
        if interactions.connection is not None and ctx.env.DISCORD_APPLICATION_ID:
            definitions = command_definitions(services.catalogue, services.topics)
            interactions.spawn(
                _sync_logged(
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


class GatewayClient(discord.Client):
    """A discord.py client that hands each interaction to :class:`Interactions`."""

    def __init__(self, interactions: Interactions, ctx: AppContext) -> None:
        super().__init__(intents=discord.Intents(guilds=True))
        self.interactions = interactions
        self.ctx = ctx

    async def setup_hook(self) -> None:
        connection = self.interactions.connection
        if connection is not None and self.application_id is not None:
            self.interactions.application_id = str(self.application_id)
            services = self.interactions.services
            definitions = command_definitions(services.catalogue, services.topics)
            await _sync_logged(
                connection,
                self.ctx.db,
                str(self.application_id),
                definitions,
                dev_guild_id(self.ctx),
            )

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.application_command:
            return
        raw: dict[str, Any] = {
            "type": APPLICATION_COMMAND,
            "application_id": str(interaction.application_id),
            "token": interaction.token,
            "data": dict(interaction.data or {}),
            "channel_id": str(interaction.channel_id or ""),
            "user": {"id": str(interaction.user.id)},
        }
        if isinstance(interaction.user, discord.Member):
            raw["member"] = {
                "user": {"id": str(interaction.user.id)},
                "roles": [str(role.id) for role in interaction.user.roles],
                "permissions": str(interaction.permissions.value),
            }
        answer = await self.interactions.answer(raw)
        try:
            await self.interactions.post_callback(str(interaction.id), interaction.token, answer)
        except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
            log.error("discord: answer to /%s not delivered: %s", raw["data"].get("name"), exc)


@dataclass
class GatewayHandle:
    client: GatewayClient
    task: asyncio.Task[None]

    async def close(self) -> None:
        await self.client.close()
        await self.client.interactions.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(self.task, timeout=CLOSE_GRACE_SECONDS)


async def start_gateway(ctx: AppContext) -> GatewayHandle:
    """Connects a discord.py client to the gateway in the background (``DISCORD_BOT_TOKEN``)."""
    if not ctx.env.DISCORD_BOT_TOKEN:
        raise ValueError("DISCORD_BOT_TOKEN is needed for the Discord gateway")
    api_url = ctx.env.DISCORD_API_URL.rstrip("/")
    if api_url != DEFAULT_API_URL:
        # the client's own REST calls (login, gateway URL) are built from this class attribute
        Route.BASE = api_url
        log.info("discord: gateway client REST at %s", api_url)
    interactions = Interactions(command_services(ctx), connection=_connection(ctx))
    client = GatewayClient(interactions, ctx)

    async def run() -> None:
        try:
            await client.start(ctx.env.DISCORD_BOT_TOKEN)
        except discord.LoginFailure:
            log.error("discord: the gateway refused the bot token")
        except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
            log.error("discord: gateway stopped: %s", exc)

    return GatewayHandle(client, asyncio.create_task(run()))
