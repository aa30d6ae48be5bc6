"""Slack's slash commands: ``/fentanyl-status`` and ``/fentanyl`` answered by the shared,
transport-neutral handlers (:mod:`bot.chat.commands`).

A command is acknowledged at once (an empty 200 within Slack's 3 s), then the handler runs in a
thread (it uses the database) and each card of its :class:`Reply` is sent to the command's
``response_url``: ephemeral unless the reply says not. A card with a chart is followed by the
PNG, uploaded with ``files_upload_v2`` to the channel. Subscriptions made here point at
``slack:<channel id>``. Slack's link markup ``<url|label>`` is read as the link alone.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts.card import Card, Reply
from bot.chat.commands import CommandServices, handle, parse_command
from bot.chat.review import PRIVILEGED
from bot.delivery.slack_api import error_code
from bot.delivery.slack_render import fallback_text, fit, render_blocks
from bot.redact import remember_secret

log = logging.getLogger("bot.chat.slack_app")
COMMANDS = ("/fentanyl-status", "/fentanyl")
MAX_RESPONSES = 5  # a response_url takes at most five messages
Ack = Callable[..., Awaitable[None]]
_LABELLED_LINK = re.compile(r"<(https?://[^<>|\s]+)\|[^<>]*>", re.IGNORECASE)


def plain_links(text: str) -> str:
    """``<https://a.example/f|a.example/f>`` → ``<https://a.example/f>``."""
    return _LABELLED_LINK.sub(r"<\1>", text)


async def respond_card(
    respond: AsyncRespond, card: Card, *, ephemeral: bool = True, **extra: Any
) -> Any:
    """One card through a ``response_url``, as a new message (never replacing the original)."""
    return await respond(
        text=fallback_text(card),
        blocks=render_blocks(card),
        response_type="ephemeral" if ephemeral else "in_channel",
        replace_original=False,
        **extra,
    )


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
    for card in reply.cards[:MAX_RESPONSES]:
        response = await respond_card(
            respond, card, ephemeral=reply.ephemeral, unfurl_links=False, unfurl_media=False
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
        ack: Ack, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        remember_secret(str(command.get("response_url") or ""))
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        invocation = parse_command(
            str(command.get("command") or ""),
            plain_links(str(command.get("text") or "")),
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
