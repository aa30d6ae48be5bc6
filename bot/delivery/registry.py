"""Build the destinations the environment enables: the console always; Slack with
``SLACK_BOT_TOKEN``; Discord with ``DISCORD_BOT_TOKEN``."""

from __future__ import annotations

import logging

from bot.config import Environment
from bot.delivery.base import Destination
from bot.delivery.console import ConsoleDestination

log = logging.getLogger(__name__)


def build_destinations(env: Environment) -> dict[str, Destination]:
    destinations: dict[str, Destination] = {"console": ConsoleDestination()}
    if env.SLACK_BOT_TOKEN:
        from bot.delivery.slack import SlackDestination

        destinations["slack"] = SlackDestination(env.SLACK_BOT_TOKEN, env.SLACK_API_URL)
    if env.DISCORD_BOT_TOKEN:
        from bot.delivery.discord import DiscordDestination

        destinations["discord"] = DiscordDestination(env.DISCORD_BOT_TOKEN, env.DISCORD_API_URL)
    return destinations


async def close_all(destinations: dict[str, Destination]) -> None:
    for name, destination in destinations.items():
        try:
            await destination.close()
        except Exception as exc:
            log.warning("%s: close failed: %s", name, exc)
