"""Uploading the Discord slash commands (:mod:`bot.chat.discord_commands`) at start.

:func:`sync_commands` uploads them with one bulk overwrite only when their SHA-256 differs from
the one kept in the store's meta table, so restarts and replicas do not hit Discord's command
rate limits; ``DISCORD_DEV_GUILD_ID`` syncs them to one guild (instant) instead of globally.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.chat.discord_commands import command_definitions
from bot.delivery.discord_rest import DiscordConnection
from bot.store import repo
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.chat.commands import CommandServices

log = logging.getLogger("bot.chat.discord_app")


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
        with db.unit() as session:
            return repo.get_meta(session, key)

    def remember() -> None:
        with db.unit() as session:
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


async def sync_logged(
    connection: DiscordConnection, db: Database, application_id: str, definitions: Any, guild: str
) -> None:
    try:
        await sync_commands(connection, db, application_id, definitions, guild)
    except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.error("discord: slash commands not synced (application %s): %s", application_id, exc)


async def sync_for(
    connection: DiscordConnection,
    services: CommandServices,
    application_id: str,
    guild: str = "",
) -> None:
    """The definitions for ``services`` (its catalogue and topics) synced, failures logged."""
    definitions = command_definitions(services.catalogue, services.topics)
    await sync_logged(connection, services.db, application_id, definitions, guild)
