"""The Discord destination: a card becomes one embed (``discord_render``) posted to a channel
through discord.py's REST client (``discord_rest``); what Discord answered becomes a
:class:`~bot.delivery.base.SendResult` (``discord_result``).

Follow-ups: a card following up an alert whose message is in the channel is posted as a reply to
that message (``message_reference``, with ``fail_if_not_exists: false`` so a deleted parent
leaves an ordinary message). A reply rather than a thread: it is one message that everybody in
the channel sees (a correction needs nothing more), it needs no thread permissions and no
archived-thread handling, and it is found again after a crash in the same channel listing as
any post. The parent's message is then edited (``PATCH``) to the parent's current card.

Outcomes (read in ``discord_result``): a bad token (401), Missing Access (50001), Missing
Permissions (50013), Unknown Channel (10003) or any other 403/404 are permanent
(``retryable=False``: the dispatcher keeps the row pending for an operator); 429, 5xx and network
errors are retryable. For an edit, Unknown Message (10008) and "Cannot edit a message authored by
another user" (50005) are ``final``.
"""

from __future__ import annotations

import logging

from bot.alerts.card import Card
from bot.delivery.base import FollowUp, SendResult
from bot.delivery.discord_render import (
    COLOURS,
    build_embed,
    components_for,
    message_parameters,
    nonce_for,
    reply_reference,
)
from bot.delivery.discord_rest import DEFAULT_API_URL, DiscordConnection, DiscordRest
from bot.delivery.discord_result import (
    FAILURES,
    LISTING_REFUSED,
    HistoryUnavailable,
    failure,
    find_alert,
    posted,
)

__all__ = [
    "COLOURS",
    "DEFAULT_API_URL",
    "DiscordConnection",
    "DiscordDestination",
    "DiscordRest",
    "HistoryUnavailable",
    "build_embed",
    "message_parameters",
    "nonce_for",
]

log = logging.getLogger(__name__)
RECONCILE_LOOKBACK = 50


class DiscordDestination:
    """Posts alert cards as embeds to Discord channels (``discord:<channel id>``)."""

    kind = "discord"

    def __init__(
        self, token: str, api_url: str = DEFAULT_API_URL, *, max_rate_limit_wait: float = 60.0
    ) -> None:
        self.connection = DiscordConnection(token, api_url, max_rate_limit_wait=max_rate_limit_wait)

    async def send(self, card: Card, channel: str, follow_up: FollowUp | None = None) -> SendResult:
        if not channel.isdigit():
            return SendResult(
                ok=False, error=f"discord: channel {channel!r} is not a channel id", retryable=False
            )
        reference = None
        if follow_up is not None and follow_up.message_id and follow_up.message_id.isdigit():
            reference = reply_reference(channel, follow_up.message_id)
        params = message_parameters(
            [card], nonce=nonce_for(card.id), reference=reference, components=components_for(card)
        )
        try:
            rest = await self.connection.rest()
            message = await rest.send_message(channel, params=params)
        except FAILURES as exc:
            result = failure(exc)
            if result.retry_after is None:  # a rate limit is no failure to log
                level = logging.WARNING if result.retryable else logging.ERROR
                log.log(
                    level, "discord:%s: alert %s not posted: %s", channel, card.id, result.error
                )
            return result
        return posted(message, follow_up, replying=reference is not None)

    async def edit(self, card: Card, channel: str, message_id: str) -> SendResult:
        """``PATCH`` message ``message_id`` to ``card`` (embeds, allowed mentions and the reviewers'
        buttons, an empty list removing them)."""
        if not channel.isdigit() or not message_id.isdigit():
            return SendResult(
                ok=False,
                error=f"discord: {channel!r}/{message_id!r} is not a message",
                retryable=False,
                final=True,
            )
        params = message_parameters([card], components=components_for(card))
        try:
            rest = await self.connection.rest()
            await rest.edit_message(channel, message_id, params=params)
        except FAILURES as exc:
            return failure(exc, edit=True)
        return SendResult(ok=True, external_id=message_id)

    async def already_sent(
        self, card: Card, channel: str, follow_up: FollowUp | None = None
    ) -> str | None:
        """The id of one of the bot's recent messages in ``channel`` carrying this alert: same
        nonce (Discord echoes it for a few minutes) or the alert id in an embed footer. Replies
        are channel messages, so a follow-up is looked for the same way.

        A passing failure to read the channel raises :class:`HistoryUnavailable` (never post
        blind); a permanent refusal (no access, unknown channel, bad token) returns ``None``,
        since a post would be refused for the same reason."""
        if not channel.isdigit():
            return None
        try:
            rest = await self.connection.rest()
            messages = await rest.logs_from(channel, RECONCILE_LOOKBACK)
        except LISTING_REFUSED as exc:
            log.warning("discord:%s: cannot look for alert %s: %s", channel, card.id, exc)
            return None
        except FAILURES as exc:
            raise HistoryUnavailable(f"discord:{channel}: cannot read messages: {exc}") from exc
        return find_alert(messages, card.id, nonce_for(card.id), self.connection.user_id)

    async def close(self) -> None:
        await self.connection.close()
