"""Discord rendering: a :class:`Card` as one embed, and the body of a message (embeds, chart
attachments, nonce, reply reference) built with discord.py's own payload builder.

Untrusted feed text is made inert twice: ``allowed_mentions`` parses nothing, and the text itself
has ``@everyone``, ``@here``, ``<@id>``, ``<@!id>`` and ``<@&id>`` broken with a zero-width space
and Markdown escaped (no masked links). Embeds are cut to Discord's limits, the footer carrying the
alert id so a crashed send can be found again in the channel's recent messages.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from typing import Any, cast

import discord
from discord.http import MultipartParameters, handle_message_parameters

from bot.alerts.card import Card, CardKind
from bot.alerts.sanitize import clean_card

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
    CardKind.REPORT: 0xD4AC0D,
    CardKind.NEWS: 0x2980B9,
    CardKind.DIGEST: 0x8E44AD,
    CardKind.ADMIN: 0xE67E22,
    CardKind.ANSWER: 0x7F8C8D,
}


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
    card = clean_card(card)
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


def reply_reference(channel: str, message_id: str) -> dict[str, Any]:
    """A ``message_reference`` replying to ``message_id``; if that message is gone by then,
    Discord posts the message as an ordinary one instead of refusing it."""
    return {
        "type": 0,  # DEFAULT: a reply
        "message_id": message_id,
        "channel_id": channel,
        "fail_if_not_exists": False,
    }


BUTTON_STYLES = {"primary": 1, "default": 2, "danger": 4}
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
BUTTONS_PER_ROW = 5


def components_for(card: Card) -> list[dict[str, Any]]:
    """The card's reviewer buttons for Discord as message components (one action row; ids
    longer than Discord's 100 characters are left out), ``[]`` when it has none: an edit then
    removes the buttons a decided alert had."""
    buttons = [
        {
            "type": 2,
            "style": BUTTON_STYLES.get(action.style, 2),
            "label": action.label[:BUTTON_LABEL_MAX],
            "custom_id": action.id,
        }
        for action in card.actions_for("discord")
        if len(action.id) <= CUSTOM_ID_MAX
    ][:BUTTONS_PER_ROW]
    return [{"type": 1, "components": buttons}] if buttons else []


def message_parameters(
    cards: Sequence[Card],
    *,
    nonce: str | None = None,
    ephemeral: bool = False,
    reference: dict[str, Any] | None = None,
    components: list[dict[str, Any]] | None = None,
) -> MultipartParameters:
    """The body of a channel message or interaction answer: one embed per card (at most ten,
    sharing the 6,000-character budget), chart images attached, mentions parsed from nothing;
    ``reference`` (see :func:`reply_reference`) makes it a reply; ``components`` (see
    :func:`components_for`) are set as given, ``[]`` included."""
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
    params = handle_message_parameters(
        embeds=embeds,
        files=files or discord.utils.MISSING,
        nonce=nonce,
        allowed_mentions=discord.AllowedMentions.none(),
        flags=flags,
        # discord.py puts the value into the payload as given; its own callers pass this dict
        message_reference=cast(Any, reference) if reference else discord.utils.MISSING,
    )
    if components is None:
        return params
    if params.payload is not None:
        params.payload["components"] = components
    elif params.multipart:
        body = json.loads(params.multipart[0]["value"])
        params.multipart[0]["value"] = json.dumps({**body, "components": components})
    return params


def _attachment_name(name: str, index: int) -> str:
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "-_.") or "chart.png"
    return safe if index == 0 else f"{index}-{safe}"
