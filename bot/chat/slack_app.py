"""The Slack adapter: a slack-bolt ``AsyncApp`` answering ``/fentanyl-status`` and ``/fentanyl``.

Two ways in, one app:
- HTTP mode (``SLACK_SIGNING_SECRET``): ``POST /slack/events`` on the bot's aiohttp server.
  Bolt verifies the request signature (``v0:timestamp:body``, HMAC-SHA256); a bad signature or a
  timestamp more than 5 minutes off gets 401 and no listener runs.
- Socket Mode (``SLACK_APP_TOKEN``): :func:`start_socket_mode` opens the websocket; no public URL.

A slash command is acknowledged at once (an empty 200 within Slack's 3 s), then the
transport-neutral handler runs in a thread (it uses the database) and each card of its
:class:`Reply` is sent to the command's ``response_url``: ephemeral unless the reply says not.
A card with a chart is followed by the PNG, uploaded with ``files_upload_v2`` to the channel.
Subscriptions made here point at ``slack:<channel id>``. The reviewers' buttons on alerts and
their Wrong value modal are listeners of the same app (``bot/chat/slack_review.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.card import Card, Reply
from bot.chat.commands import CommandServices, handle, parse_command
from bot.chat.review import PRIVILEGED
from bot.chat.slack_review import SlackReview
from bot.delivery.slack import PERMANENT_ERRORS, error_code, fit, render_blocks
from bot.delivery.slack_render import fallback_text
from bot.redact import remember_secret
from bot.retry import Backoff

if TYPE_CHECKING:
    from bot.app.context import AppContext

log = logging.getLogger(__name__)
COMMANDS = ("/fentanyl-status", "/fentanyl")
EVENTS_PATH = "/slack/events"
MAX_RESPONSES = 5  # a response_url takes at most five messages
MAX_CLOCK_SKEW_SECONDS = 300


def services_from(ctx: AppContext) -> CommandServices:
    return ctx.command_services()


def _api_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


async def _upload_chart(client: AsyncWebClient, channel: str, card: Card) -> str | None:
    """Upload the card's PNG to the channel; the Slack error code if that failed."""
    if card.image_png is None:
        return None
    try:
        await client.files_upload_v2(
            channel=channel,
            file=card.image_png,
            filename=card.image_name,
            title=card.title[:250],
        )
    except SlackApiError as exc:
        code = error_code(exc)
        log.warning("slack: chart upload to %s failed: %s", channel, code)
        return code
    except Exception as exc:
        log.warning("slack: chart upload to %s failed: %s", channel, exc)
        return type(exc).__name__
    return None


async def send_reply(
    reply: Reply, respond: AsyncRespond, client: AsyncWebClient, channel: str
) -> None:
    """Each card of ``reply`` through ``respond`` (the response_url), charts uploaded after."""
    response_type = "ephemeral" if reply.ephemeral else "in_channel"
    for card in reply.cards[:MAX_RESPONSES]:
        response = await respond(
            text=fallback_text(card),
            blocks=render_blocks(card),
            response_type=response_type,
            replace_original=False,
            unfurl_links=False,
            unfurl_media=False,
        )
        if response.status_code != 200:
            log.warning("slack: response_url answered %s: %s", response.status_code, response.body)
        failed = await _upload_chart(client, channel, card)
        if failed is not None:
            await respond(
                text=f"The chart could not be posted in this channel ({fit(failed, 100)}); "
                "invite the app to the channel to see charts.",
                response_type="ephemeral",
                replace_original=False,
            )


async def member_of(client: AsyncWebClient, user: str, groups: frozenset[str]) -> frozenset[str]:
    """The user groups among ``groups`` that ``user`` belongs to (``usergroups.users.list``,
    scope ``usergroups:read``); a group that cannot be read counts as not a member."""
    found = set()
    for group in sorted(groups):
        try:
            response = await client.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            log.warning("slack: members of user group %s not readable: %s", group, error_code(exc))
            continue
        except Exception as exc:
            log.warning("slack: members of user group %s not readable: %s", group, exc)
            continue
        if user in (response.get("users") or []):
            found.add(group)
    return frozenset(found)


def command_listener(
    services: CommandServices,
) -> Callable[..., Awaitable[None]]:
    """The bolt listener shared by both slash commands."""

    async def on_command(
        ack: Callable[..., Awaitable[None]],
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        remember_secret(str(command.get("response_url") or ""))
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        invocation = parse_command(
            str(command.get("command") or ""),
            str(command.get("text") or ""),
            destination=f"slack:{channel}" if channel else "",
            user=user,
            user_name=str(command.get("user_name") or ""),
        )
        wanted = services.reviewers.slack_user_groups
        if invocation.command in PRIVILEGED and wanted and user:
            invocation = replace(invocation, groups=await member_of(client, user, wanted))
        reply = await asyncio.to_thread(handle, invocation, services)
        try:
            await send_reply(reply, respond, client, channel)
        except Exception:
            log.exception("slack: answering %s %s failed", invocation.command, invocation.args)

    return on_command


def build_bolt_app(
    services: CommandServices,
    *,
    token: str,
    api_url: str,
    signing_secret: str | None = None,
) -> AsyncApp:
    """The bolt app; request verification is on exactly when a signing secret is given."""
    app = AsyncApp(
        token=token,
        signing_secret=signing_secret or "",
        request_verification_enabled=bool(signing_secret),
        logger=logging.getLogger("bot.chat.slack_bolt"),
    )
    app.client.base_url = _api_url(api_url)  # bolt's own client, pointed at SLACK_API_URL
    listener = command_listener(services)
    for name in COMMANDS:
        app.command(name)(listener)
    app.action(re.compile(r"^open-link-"))(_ack_only)
    SlackReview(services, member_of).install(app)  # the reviewers' buttons and modal
    return app


async def _ack_only(ack: Callable[..., Awaitable[None]]) -> None:
    """Link buttons open in the browser; if interactivity is on, their click is just acked."""
    await ack()


def signature_valid(
    secret: str, body: bytes, timestamp: str, signature: str, now: float | None = None
) -> bool:
    """Slack's request signature (``v0=`` HMAC-SHA256 of ``v0:timestamp:body``) over the raw
    bytes, with a timestamp of digits within :data:`MAX_CLOCK_SKEW_SECONDS` of now."""
    if not secret or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def events_route(
    bolt: AsyncApp, signing_secret: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """``POST /slack/events``: the signature is checked on the raw body before anything reads
    it (401 otherwise); a signed body that is not UTF-8 or that bolt cannot handle gets 400 and
    one log line, never a 500 with a traceback."""

    async def slack_events(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not signature_valid(signing_secret, body, timestamp, signature):
            return web.Response(status=401, text="invalid request signature")
        try:
            text = body.decode("utf-8")
            bolt_request = AsyncBoltRequest(
                body=text,
                query=request.query_string,
                headers=dict(request.headers),
            )
            bolt_response = await bolt.async_dispatch(bolt_request)
        except Exception as exc:  # signed but malformed: Slack never sends this
            log.warning("slack: a signed request could not be read: %s", type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        return await to_aiohttp_response(bolt_response)

    return slack_events


def install_events_route(
    app: web.Application, bolt: AsyncApp, signing_secret: str | None = None
) -> None:
    """Mount ``POST /slack/events``; ``signing_secret`` defaults to the one ``bolt`` was
    built with."""
    secret = signing_secret if signing_secret is not None else bolt._signing_secret
    app.router.add_post(EVENTS_PATH, events_route(bolt, secret))


def http_installer(ctx: AppContext) -> Callable[[web.Application], None]:
    """Adds ``POST /slack/events`` (HTTP mode) to the bot's aiohttp application."""
    if not ctx.env.SLACK_SIGNING_SECRET:
        raise ValueError("SLACK_SIGNING_SECRET is required for Slack's HTTP mode")
    bolt = build_bolt_app(
        services_from(ctx),
        token=ctx.env.SLACK_BOT_TOKEN,
        api_url=ctx.env.SLACK_API_URL,
        signing_secret=ctx.env.SLACK_SIGNING_SECRET,
    )

    def install(app: web.Application) -> None:
        install_events_route(app, bolt, ctx.env.SLACK_SIGNING_SECRET)

    return install


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


def open_socket_mode(
    services: CommandServices, *, bot_token: str, app_token: str, api_url: str
) -> SocketModeConnection:
    """Start connecting in the background (call inside the running loop); ``await
    connection.close()`` at shutdown."""
    bolt = build_bolt_app(services, token=bot_token, api_url=api_url)
    connection = SocketModeConnection(AsyncSocketModeHandler(bolt, app_token))
    connection.start()
    return connection


async def start_socket_mode(ctx: AppContext) -> SocketModeConnection:
    """Socket Mode for the worker (``SLACK_APP_TOKEN`` set); returns at once, connecting in the
    background, so a Slack outage never stops the worker from starting."""
    return open_socket_mode(
        services_from(ctx),
        bot_token=ctx.env.SLACK_BOT_TOKEN,
        app_token=ctx.env.SLACK_APP_TOKEN,
        api_url=ctx.env.SLACK_API_URL,
    )
