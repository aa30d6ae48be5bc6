"""Discord's gateway mode: a discord.py client holds the websocket and hands each slash command,
and each click on a reviewer's button or submitted form, to the same
:class:`~bot.chat.discord_interactions.Interactions` as the HTTP endpoint; the answer goes to the
interaction's callback endpoint. Used when there is a bot token and no public key."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord.http import Route

from bot.chat.discord_app import command_services, dev_guild_id, rest_connection
from bot.chat.discord_interactions import APPLICATION_COMMAND, CLOSE_GRACE_SECONDS, Interactions
from bot.chat.discord_review import MESSAGE_COMPONENT, MODAL_SUBMIT
from bot.chat.discord_sync import sync_for
from bot.delivery.discord_rest import DEFAULT_API_URL

if TYPE_CHECKING:
    from bot.app.context import AppContext

log = logging.getLogger("bot.chat.discord_app")
KINDS = {
    discord.InteractionType.application_command: APPLICATION_COMMAND,
    discord.InteractionType.component: MESSAGE_COMPONENT,
    discord.InteractionType.modal_submit: MODAL_SUBMIT,
}


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
            services, guild = self.interactions.services, dev_guild_id(self.ctx)
            await sync_for(connection, services, self.interactions.application_id, guild)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Slash commands, and the reviewers' buttons and forms (``bot/chat/discord_review.py``),
        as the raw interaction the HTTP endpoint would get."""
        kind = KINDS.get(interaction.type)
        if kind is None:
            return
        user = {
            "id": str(interaction.user.id),
            "username": interaction.user.name,
            "global_name": interaction.user.global_name,
        }
        raw: dict[str, Any] = {
            "type": kind,
            "application_id": str(interaction.application_id),
            "token": interaction.token,
            "data": dict(interaction.data or {}),
            "channel_id": str(interaction.channel_id or ""),
            "user": user,
        }
        if isinstance(interaction.user, discord.Member):
            raw["member"] = {
                "user": user,
                "roles": [str(role.id) for role in interaction.user.roles],
                "permissions": str(interaction.permissions.value),
            }
        answer = await self.interactions.answer(raw)
        try:
            await self.interactions.post_callback(str(interaction.id), interaction.token, answer)
        except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
            what = raw["data"].get("name") or raw["data"].get("custom_id")
            log.error("discord: answer to /%s not delivered: %s", what, exc)


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
    interactions = Interactions(command_services(ctx), connection=rest_connection(ctx))
    client = GatewayClient(interactions, ctx)

    async def run() -> None:
        try:
            await client.start(ctx.env.DISCORD_BOT_TOKEN)
        except discord.LoginFailure:
            log.error("discord: the gateway refused the bot token")
        except (discord.DiscordException, aiohttp.ClientError, OSError) as exc:
            log.error("discord: gateway stopped: %s", exc)

    return GatewayHandle(client, asyncio.create_task(run()))
