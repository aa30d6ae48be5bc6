"""The Slack adapter: a slack-bolt ``AsyncApp`` answering ``/fentanyl-status`` and ``/fentanyl``
and the reviewers' buttons, and its wiring to the worker.

Two ways in, one app:
- HTTP mode (``SLACK_SIGNING_SECRET``): ``POST /slack/events`` on the bot's aiohttp server
  (:mod:`bot.chat.slack_http`: the signature is checked first; 401 otherwise, no listener runs).
- Socket Mode (``SLACK_APP_TOKEN``): :func:`start_socket_mode` opens the websocket in the
  background (:mod:`bot.chat.slack_socket`); no public URL.

The app's listeners: the slash commands (:mod:`bot.chat.slack_commands`), the reviewers'
buttons on alerts and their Wrong value modal (:mod:`bot.chat.slack_review`), and link buttons
(only acknowledged: they open in the browser).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from bot.chat.commands import CommandServices
from bot.chat.slack_commands import COMMANDS, command_listener, member_of
from bot.chat.slack_http import EVENTS_PATH, install_events_route
from bot.chat.slack_review import SlackReview
from bot.chat.slack_socket import SocketModeConnection
from bot.delivery.slack_client import with_slash

if TYPE_CHECKING:
    from bot.app.context import AppContext

__all__ = ["COMMANDS", "EVENTS_PATH", "build_bolt_app", "install_events_route", "open_socket_mode"]


def services_from(ctx: AppContext) -> CommandServices:
    return ctx.command_services()


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
    app.client.base_url = with_slash(api_url)  # bolt's own client, pointed at SLACK_API_URL
    listener = command_listener(services)
    for name in COMMANDS:
        app.command(name)(listener)
    app.action(re.compile(r"^open-link-"))(_ack_only)
    SlackReview(services, member_of).install(app)  # the reviewers' buttons and modal
    return app


async def _ack_only(ack: Callable[..., Awaitable[None]]) -> None:
    """Link buttons open in the browser; if interactivity is on, their click is just acked."""
    await ack()


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
