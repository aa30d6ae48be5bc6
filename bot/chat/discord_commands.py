"""The Discord slash commands as the API describes them, and their upload.

:func:`command_definitions` builds the API's JSON from the catalogue and the topics (so adding a
fact or topic in ``seeds/``/``config/`` re-syncs them); :func:`sync_commands` uploads them with
one bulk overwrite only when their SHA-256 differs from the one kept in the store's meta table;
``DISCORD_DEV_GUILD_ID`` syncs them to one guild (instant) instead of globally.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import discord

from bot.chat.commands import KINDS
from bot.delivery.discord import DiscordConnection
from bot.facts.catalogue import Catalogue
from bot.store import repo
from bot.store.db import Database

log = logging.getLogger("bot.chat.discord_app")

STRING, INTEGER, BOOLEAN, SUB_COMMAND, SUB_COMMAND_GROUP = 3, 4, 5, 1, 2
MAX_CHOICES = 25
DEV_GUILD_VAR = "DISCORD_DEV_GUILD_ID"


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
                _subcommand(
                    "set",
                    "Set a tracked fact (reviewers only)",
                    {**_option(STRING, "fact", "The fact", **_choices(facts)), "required": True},
                    {
                        **_option(
                            STRING,
                            "value",
                            "Its value now: 30%, frozen, 2025-06...",
                            max_length=100,
                        ),
                        "required": True,
                    },
                    _option(STRING, "source", "A link to the source", max_length=1000),
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


async def sync_logged(
    connection: DiscordConnection, db: Database, application_id: str, definitions: Any, guild: str
) -> None:
    try:
        await sync_commands(connection, db, application_id, definitions, guild)
    except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.error("discord: slash commands not synced (application %s): %s", application_id, exc)
