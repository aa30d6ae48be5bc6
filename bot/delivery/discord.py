"""The Discord destination: a card becomes one embed posted to a channel through discord.py's REST
client.

Base URL: discord.py builds every REST URL from the class attribute ``discord.http.Route.BASE``.
Rather than changing that process-wide, :class:`DiscordRest` subclasses ``HTTPClient`` and moves
each route onto ``DISCORD_API_URL`` in ``request``, the one method every call goes through (login,
messages, commands, interaction webhooks). Everything else is discord.py's own: the payload builder
(``handle_message_parameters``: nonce with ``enforce_nonce``, allowed mentions, attachments), the
rate-limit buckets, and the 429 handling (it sleeps ``retry_after`` and retries; a wait longer than
``max_rate_limit_wait`` comes back as a retryable result carrying ``retry_after``).

Untrusted feed text is made inert twice: ``allowed_mentions`` parses nothing, and the text itself
has ``@everyone``, ``@here``, ``<@id>``, ``<@!id>`` and ``<@&id>`` broken with a zero-width space
and Markdown escaped (no masked links). Embeds are cut to Discord's limits, the footer carrying the
alert id so a crashed send can be found again in the channel's recent messages.

Outcomes: a bad token (401), Missing Access (50001), Missing Permissions (50013), Unknown Channel
(10003) or any other 403/404 are permanent (``retryable=False``: the dispatcher keeps the row
pending for an operator); 429, 5xx and network errors are retryable.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, MultipartParameters, Route, handle_message_parameters

from bot.alerts.card import Card, CardKind
from bot.delivery.base import SendResult

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://discord.com/api/v10"
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
NONCE_MAX = 25
URL_MAX = 2048
NOTE_ROOM = 32  # kept free for "· N more not shown" in the footer
ELLIPSIS = "…"
EMPTY = "\u200b"

COLOURS: dict[CardKind, int] = {
    CardKind.CHANGE: 0xC0392B,
    CardKind.NEWS: 0x2980B9,
    CardKind.DIGEST: 0x8E44AD,
    CardKind.ADMIN: 0xE67E22,
    CardKind.ANSWER: 0x7F8C8D,
}
PERMANENT_CODES = {
    10003: "unknown channel",
    50001: "missing access",
    50013: "missing permissions",
}
RECONCILE_LOOKBACK = 50


def inert(text: str) -> str:
    """Untrusted text that can neither ping anyone nor hide a link behind Markdown."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary when one is near, with an
    ellipsis; never ends in half an escape."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= len(head) * 3 // 4:
        head = head[:space]
    trailing = len(head) - len(head.rstrip("\\"))
    if trailing % 2:
        head = head[:-1]
    return head.rstrip() + ELLIPSIS


def nonce_for(alert_id: str) -> str:
    """A nonce of at most 25 characters, the same for every retry of one alert."""
    return hashlib.sha256(alert_id.encode()).hexdigest()[:NONCE_MAX]


def _safe_url(link: str) -> str | None:
    link = link.strip()
    ok_scheme = link.lower().startswith(("https://", "http://"))
    if not ok_scheme or len(link) > URL_MAX or any(ch.isspace() for ch in link):
        return None
    return link


def _description(card: Card) -> str:
    parts = []
    if card.lines:
        parts.append("\n".join(f"• {inert(line)}" for line in card.lines))
    if card.body:
        parts.append(inert(card.body))
    return "\n\n".join(parts)


def _footer(card: Card, limit: int) -> str:
    """The card's footer, then the alert id (answers have none), within ``limit``."""
    alert_id = card.id if card.kind is not CardKind.ANSWER else ""
    room = max(limit, len(alert_id) + 3) - len(alert_id) - 3
    bits = [cut(inert(card.footer), room), alert_id]
    return " · ".join(bit for bit in bits if bit)


def build_embed(
    card: Card, *, budget: int = EMBED_TOTAL_MAX, image_name: str | None = None
) -> discord.Embed:
    """One embed within every Discord limit and within ``budget`` characters in all.

    Priority when cutting: title, source and footer (with the alert id) first; then the
    description (change lines before the summary), keeping room for the first fields; then as
    many fields as fit, the last one cut, with a count of the ones left out.
    """
    title = cut(inert(card.title), min(TITLE_MAX, budget // 4)) or EMPTY
    author = cut(inert(card.source), min(AUTHOR_MAX, budget // 8))
    fields = [
        (
            cut(inert(f.name), FIELD_NAME_MAX) or EMPTY,
            cut(inert(f.value), FIELD_VALUE_MAX) or EMPTY,
            f.inline,
        )
        for f in card.fields
    ]
    footer = _footer(card, min(FOOTER_MAX - NOTE_ROOM, budget // 4))
    remaining = budget - len(title) - len(author) - len(footer) - NOTE_ROOM
    wanted_fields = sum(len(n) + len(v) for n, v, _ in fields[:FIELDS_MAX])
    description_room = min(DESCRIPTION_MAX, max(remaining - wanted_fields, remaining // 2))
    description = cut(_description(card), max(description_room, 0))
    remaining -= len(description)

    embed = discord.Embed(
        title=title,
        description=description or None,
        url=_safe_url(card.link),
        colour=COLOURS.get(card.kind, COLOURS[CardKind.ANSWER]),
        timestamp=card.published,
    )
    if author:
        embed.set_author(name=author)
    shown = 0
    for name, value, inline in fields[:FIELDS_MAX]:
        room = remaining - len(name)
        if room < min(len(value), 16):
            break
        value = cut(value, room)
        embed.add_field(name=name, value=value, inline=inline)
        remaining -= len(name) + len(value)
        shown += 1
    if shown < len(fields):
        note = f"{len(fields) - shown} more not shown"
        footer = f"{footer} · {note}" if footer else note
    if footer:
        embed.set_footer(text=footer)
    if image_name:
        embed.set_image(url=f"attachment://{image_name}")
    return embed


def message_parameters(
    cards: Sequence[Card], *, nonce: str | None = None, ephemeral: bool = False
) -> MultipartParameters:
    """The body of a channel message or interaction answer: one embed per card (at most ten,
    sharing the 6,000-character budget), chart images attached, mentions parsed from nothing."""
    shown = list(cards[:EMBEDS_PER_MESSAGE])
    budget = EMBED_TOTAL_MAX // max(len(shown), 1)
    files: list[discord.File] = []
    embeds: list[discord.Embed] = []
    for card in shown:
        image_name = None
        if card.image_png:
            image_name = _attachment_name(card.image_name, len(files))
            files.append(discord.File(io.BytesIO(card.image_png), filename=image_name))
        embeds.append(build_embed(card, budget=budget, image_name=image_name))
    flags = discord.MessageFlags(ephemeral=True) if ephemeral else discord.utils.MISSING
    return handle_message_parameters(
        embeds=embeds,
        files=files or discord.utils.MISSING,
        nonce=nonce,
        allowed_mentions=discord.AllowedMentions.none(),
        flags=flags,
    )


def _attachment_name(name: str, index: int) -> str:
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_.") or "chart.png"
    return safe if index == 0 else f"{index}-{safe}"


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

    async def send(self, card: Card, channel: str) -> SendResult:
        if not channel.isdigit():
            return SendResult(
                ok=False, error=f"discord: channel {channel!r} is not a channel id", retryable=False
            )
        try:
            rest = await self.connection.rest()
            route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel)
            message = await rest.send(route, message_parameters([card], nonce=nonce_for(card.id)))
        except discord.RateLimited as exc:
            return SendResult(
                ok=False, error=describe_error(exc)[0], retryable=True, retry_after=exc.retry_after
            )
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            error, retryable = describe_error(exc)
            level = logging.WARNING if retryable else logging.ERROR
            log.log(level, "discord:%s: alert %s not posted: %s", channel, card.id, error)
            return SendResult(ok=False, error=error, retryable=retryable)
        return SendResult(ok=True, external_id=str(message.get("id")) if message else None)

    async def already_sent(self, card: Card, channel: str) -> str | None:
        """The id of one of the bot's recent messages in ``channel`` carrying this alert: same
        nonce (Discord echoes it for a few minutes) or the alert id in an embed footer.

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
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
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


class HistoryUnavailable(Exception):
    """The channel's messages could not be read, so whether an alert arrived is unknown."""


def _footer_mentions(message: Any, alert_id: str) -> bool:
    for embed in message.get("embeds") or []:
        footer = (embed.get("footer") or {}).get("text", "")
        if alert_id in footer.split(" · "):
            return True
    return False
