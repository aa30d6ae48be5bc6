"""The Discord destination: a card becomes one embed (``discord_render``) posted to a channel
through discord.py's REST client.

Base URL: discord.py builds every REST URL from the class attribute ``discord.http.Route.BASE``.
Rather than changing that process-wide, :class:`DiscordRest` subclasses ``HTTPClient`` and moves
each route onto ``DISCORD_API_URL`` in ``request``, the one method every call goes through (login,
messages, commands, interaction webhooks). Everything else is discord.py's own: the payload builder
(``handle_message_parameters``: nonce with ``enforce_nonce``, allowed mentions, attachments), the
rate-limit buckets, and the 429 handling (it sleeps ``retry_after`` and retries; a wait longer than
``max_rate_limit_wait`` comes back as a retryable result carrying ``retry_after``).

Follow-ups: a card following up an alert whose message is in the channel is posted as a reply to
that message (``message_reference``, with ``fail_if_not_exists: false`` so a deleted parent
leaves an ordinary message). A reply rather than a thread: it is one message that everybody in
the channel sees (a correction needs nothing more), it needs no thread permissions and no
archived-thread handling, and it is found again after a crash in the same channel listing as
any post. The parent's message is then edited (``PATCH``) to the parent's current card.

Outcomes: a bad token (401), Missing Access (50001), Missing Permissions (50013), Unknown Channel
(10003) or any other 403/404 are permanent (``retryable=False``: the dispatcher keeps the row
pending for an operator); 429, 5xx and network errors are retryable. For an edit, Unknown
Message (10008) and "Cannot edit a message authored by another user" (50005) are ``final``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, MultipartParameters, Route

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

__all__ = [
    "COLOURS",
    "DEFAULT_API_URL",
    "DiscordConnection",
    "DiscordDestination",
    "HistoryUnavailable",
    "build_embed",
    "message_parameters",
    "nonce_for",
]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://discord.com/api/v10"
PERMANENT_CODES = {
    10003: "unknown channel",
    50001: "missing access",
    50013: "missing permissions",
}
UNEDITABLE_CODES = {
    10008: "unknown message",
    50005: "cannot edit a message authored by another user",
}
RECONCILE_LOOKBACK = 50
_FAILURES = (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError)


class DiscordRest(HTTPClient):
    """discord.py's REST client with its routes moved onto ``api_url`` (see the module doc)."""

    def __init__(self, api_url: str, *, max_rate_limit_wait: float = 60.0) -> None:
        super().__init__(asyncio.get_running_loop(), max_ratelimit_timeout=max_rate_limit_wait)
        self.api_url = api_url.rstrip("/")

    async def request(self, route: Route, **kwargs: Any) -> Any:
        if self.api_url != Route.BASE and route.url.startswith(Route.BASE):
            route.url = self.api_url + route.url[len(Route.BASE) :]
        return await super().request(route, **kwargs)

    async def send(self, route: Route, params: MultipartParameters) -> Any:
        if params.files:
            return await self.request(route, files=params.files, form=params.multipart)
        return await self.request(route, json=params.payload)


def describe_error(exc: BaseException) -> tuple[str, bool]:
    """``(message, retryable)`` for a failed Discord call."""
    if isinstance(exc, discord.LoginFailure):
        return "discord: the bot token was refused (401)", False
    if isinstance(exc, discord.HTTPException):
        code = getattr(exc, "code", 0)
        text = f"discord: HTTP {exc.status}, code {code}: {exc.text or type(exc).__name__}"
        if code in PERMANENT_CODES:
            return f"discord: {PERMANENT_CODES[code]} (code {code}, HTTP {exc.status})", False
        return text, exc.status not in {401, 403, 404}
    if isinstance(exc, discord.RateLimited):
        return f"discord: rate limited for {exc.retry_after:.0f} s", True
    return f"discord: {type(exc).__name__}: {exc}", True


class DiscordConnection:
    """A :class:`DiscordRest` logged in with the bot token on first use (a refused token raises
    ``discord.LoginFailure`` and the next call tries again)."""

    def __init__(
        self, token: str, api_url: str = DEFAULT_API_URL, *, max_rate_limit_wait: float = 60.0
    ) -> None:
        self._token = token
        self._api_url = api_url
        self._max_wait = max_rate_limit_wait
        self._rest: DiscordRest | None = None
        self.user_id: str | None = None
        self._lock = asyncio.Lock()

    async def rest(self) -> DiscordRest:
        async with self._lock:
            if self._rest is None:
                self._rest = DiscordRest(self._api_url, max_rate_limit_wait=self._max_wait)
            if self.user_id is None:
                me: Any = await self._rest.static_login(self._token)
                if not isinstance(me, dict) or "id" not in me:
                    raise discord.DiscordException("GET /users/@me: not a user object")
                self.user_id = str(me["id"])
            return self._rest

    async def close(self) -> None:
        if self._rest is not None:
            await self._rest.close()
            self._rest = None
            self.user_id = None


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
            route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
            message = await rest.send(route, params)
        except discord.RateLimited as exc:
            return _rate_limited(exc)
        except _FAILURES as exc:
            error, retryable = describe_error(exc)
            level = logging.WARNING if retryable else logging.ERROR
            log.log(level, "discord:%s: alert %s not posted: %s", channel, card.id, error)
            return SendResult(ok=False, error=error, retryable=retryable)
        message = message if isinstance(message, dict) else {}
        replied = reference is not None and bool(message.get("message_reference"))
        return SendResult(
            ok=True,
            external_id=str(message["id"]) if message.get("id") else None,
            thread_id=follow_up.root if replied and follow_up is not None else None,
        )

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
        route = Route(
            "PATCH",
            "/channels/{channel_id}/messages/{message_id}",
            channel_id=channel,
            message_id=message_id,
        )
        try:
            rest = await self.connection.rest()
            await rest.send(route, message_parameters([card], components=components_for(card)))
        except discord.RateLimited as exc:
            return _rate_limited(exc)
        except discord.HTTPException as exc:
            code = getattr(exc, "code", 0)
            if code in UNEDITABLE_CODES:
                error = f"discord: {UNEDITABLE_CODES[code]} (code {code}, HTTP {exc.status})"
                return SendResult(ok=False, error=error, retryable=False, final=True)
            error, retryable = describe_error(exc)
            return SendResult(ok=False, error=error, retryable=retryable)
        except _FAILURES as exc:
            error, retryable = describe_error(exc)
            return SendResult(ok=False, error=error, retryable=retryable)
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
        except (discord.Forbidden, discord.NotFound, discord.LoginFailure) as exc:
            log.warning("discord:%s: cannot look for alert %s: %s", channel, card.id, exc)
            return None
        except _FAILURES as exc:
            raise HistoryUnavailable(f"discord:{channel}: cannot read messages: {exc}") from exc
        nonce = nonce_for(card.id)
        for message in messages:
            author = str((message.get("author") or {}).get("id", ""))
            user_id = self.connection.user_id
            if user_id and author and author != user_id:
                continue
            if str(message.get("nonce") or "") == nonce or _footer_mentions(message, card.id):
                return str(message["id"])
        return None

    async def close(self) -> None:
        await self.connection.close()


def _rate_limited(exc: discord.RateLimited) -> SendResult:
    return SendResult(
        ok=False, error=describe_error(exc)[0], retryable=True, retry_after=exc.retry_after
    )


class HistoryUnavailable(Exception):
    """The channel's messages could not be read, so whether an alert arrived is unknown."""


def _footer_mentions(message: Any, alert_id: str) -> bool:
    for embed in message.get("embeds") or []:
        footer = (embed.get("footer") or {}).get("text", "")
        if alert_id in footer.split(" · "):
            return True
    return False
