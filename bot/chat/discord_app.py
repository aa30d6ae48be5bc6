"""The Discord adapter's wiring: the same slash commands and reviewers' buttons in two modes that
share everything but the transport.

- HTTP interactions (``DISCORD_PUBLIC_KEY``): :func:`http_installer` mounts
  ``POST /discord/interactions`` (:mod:`bot.chat.discord_http`) on the bot's HTTP server.
- Gateway (``DISCORD_BOT_TOKEN`` without a public key): :func:`bot.chat.discord_gateway.
  start_gateway` holds the websocket with discord.py and posts each answer to the interaction's
  callback endpoint.

Either way an interaction is answered by :class:`~bot.chat.discord_interactions.Interactions`
(slash commands through the shared handlers, buttons and forms through
:mod:`bot.chat.discord_review`), and the command definitions (:mod:`bot.chat.discord_commands`)
are synced at start when they changed (:mod:`bot.chat.discord_sync`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.chat.commands import CommandServices
from bot.chat.discord_http import ROUTE_PATH, interactions_view, public_key
from bot.chat.discord_interactions import Interactions
from bot.chat.discord_invocation import invocation_from
from bot.chat.discord_sync import sync_for
from bot.delivery.discord_rest import DiscordConnection

if TYPE_CHECKING:
    from bot.app.context import AppContext

__all__ = ["Interactions", "http_installer", "invocation_from"]


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
    key = public_key(ctx.env.DISCORD_PUBLIC_KEY)
    interactions = Interactions(
        command_services(ctx),
        application_id=ctx.env.DISCORD_APPLICATION_ID,
        connection=rest_connection(ctx),
    )

    async def on_startup(_app: web.Application) -> None:
        connection, application_id = interactions.connection, ctx.env.DISCORD_APPLICATION_ID
        if connection is not None and application_id:
            sync = sync_for(connection, interactions.services, application_id, dev_guild_id(ctx))
            interactions.spawn(sync)

    async def on_cleanup(_app: web.Application) -> None:
        await interactions.close()

    def install(app: web.Application) -> None:
        app.router.add_post(ROUTE_PATH, interactions_view(interactions, key))
        app.on_startup.append(on_startup)
        app.on_cleanup.append(on_cleanup)

    return install
