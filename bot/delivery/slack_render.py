"""Slack rendering: a :class:`Card` as Block Kit blocks, a fallback text and message metadata.

Rules (Slack's limits: 50 blocks, 150 characters a header, 3,000 a section, 10 fields of 2,000
a section, 10 context elements): header (title) → changes as fields (change and report cards)
or a bullet list → summary → the card's fields → context (source, time, footer) → a button to
the link (after the reviewers' buttons, when the card carries any for Slack). Text that does not
fit is cut on a character boundary with "…"; blocks beyond 50 are replaced by a "n more not
shown" note.

Every card text is untrusted: ``&``, ``<`` and ``>`` are escaped (so ``<!channel>``, ``<@U1>``
and ``<http://evil|link>`` arrive as plain text) and bare ``@channel``/``@here``/``@everyone``
get a word joiner after the ``@``. Links are only used when they are http(s) URLs, re-quoted.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.alerts.card import Card, CardAction, CardField, CardKind
from bot.alerts.sanitize import clean_card

MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION = 3000
MAX_FIELD = 2000
MAX_FIELDS_PER_SECTION = 10
MAX_CONTEXT_ELEMENT = 2000
MAX_URL = 3000
MAX_FALLBACK = 3000
MAX_BUTTONS = 25  # elements of an actions block
MAX_BUTTON_LABEL = 75
METADATA_EVENT_TYPE = "fentanyl_alert"
_MENTION = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_WORD_JOINER = "\u2060"


# --- text -----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities, and bare broadcast mentions defused."""
    text = _MENTION.sub("@" + _WORD_JOINER, text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """``text`` escaped, cut so the escaped form has at most ``limit`` characters."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    size = 0
    for char in _MENTION.sub("@" + _WORD_JOINER, text):
        piece = escape(char)
        if size + len(piece) > limit - 1:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces).rstrip() + "…"


def safe_url(url: str) -> str | None:
    """An http(s) URL with unsafe characters percent-encoded, or ``None``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    quoted = quote(url, safe=_URL_SAFE)
    return quoted if len(quoted) <= MAX_URL else None


def link(url: str, label: str, limit: int) -> str:
    """A mrkdwn link to ``url`` labelled ``label`` (escaped), or the label alone."""
    target = safe_url(url)
    if target is None:
        return fit(label, limit)
    room = limit - len(target) - 3
    if room < 10:
        return fit(label, limit)
    return f"<{target.replace('&', '&amp;')}|{fit(label, room).replace('|', '¦')}>"


def _when(published: datetime) -> str:
    fallback = published.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(published.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


# --- blocks ---------------------------------------------------------------------------------


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=_mrkdwn(text))


def _field_text(name: str, value: str, limit: int) -> str:
    head = f"*{fit(name, 200)}*\n"
    return head + fit(value, limit - len(head))


def _field_sections(fields: list[tuple[str, str]]) -> list[Block]:
    blocks: list[Block] = []
    for start in range(0, len(fields), MAX_FIELDS_PER_SECTION):
        chunk = fields[start : start + MAX_FIELDS_PER_SECTION]
        blocks.append(
            SectionBlock(fields=[_mrkdwn(_field_text(n, v, MAX_FIELD)) for n, v in chunk])
        )
    return blocks


def _change_field(line: str) -> tuple[str, str]:
    name, sep, value = line.partition(": ")
    return (name, value) if sep and value else ("Change", line)


def _lines_blocks(card: Card) -> list[Block]:
    if not card.lines:
        return []
    if card.kind in (CardKind.CHANGE, CardKind.REPORT):
        return _field_sections([_change_field(line) for line in card.lines])
    blocks: list[Block] = []
    text = ""
    for line in card.lines:
        bullet = "• " + fit(line, MAX_SECTION - 2)
        if text and len(text) + 1 + len(bullet) > MAX_SECTION:
            blocks.append(_section(text))
            text = ""
        text = f"{text}\n{bullet}" if text else bullet
    blocks.append(_section(text))
    return blocks


def _fields_blocks(fields: tuple[CardField, ...]) -> list[Block]:
    blocks: list[Block] = []
    inline: list[tuple[str, str]] = []
    for item in fields:
        if item.inline:
            inline.append((item.name, item.value))
            continue
        blocks.extend(_field_sections(inline))
        inline = []
        blocks.append(_section(_field_text(item.name, item.value, MAX_SECTION)))
    blocks.extend(_field_sections(inline))
    return blocks


def _context_block(card: Card) -> ContextBlock | None:
    elements: list[str] = []
    if card.source:
        elements.append(link(card.link, card.source, MAX_CONTEXT_ELEMENT))
    if card.published is not None:
        elements.append(_when(card.published))
    if card.footer:
        elements.append(fit(card.footer, MAX_CONTEXT_ELEMENT))
    if not elements:
        return None
    return ContextBlock(elements=[_mrkdwn(e) for e in elements])


def _review_button(action: CardAction) -> ButtonElement:
    """A reviewer's button: its ``action_id`` (and ``value``) is the card action's id, which
    ``bot/chat/slack_review.py`` handles."""
    style = action.style if action.style in ("primary", "danger") else None
    return ButtonElement(
        text=PlainTextObject(text=action.label[:MAX_BUTTON_LABEL]),
        action_id=action.id[:255],
        value=action.id[:2000],
        style=style,
    )


def _button_block(card: Card) -> ActionsBlock | None:
    """The reviewers' buttons (Confirm, Dismiss, Wrong value), then the link's button."""
    buttons = [_review_button(action) for action in card.actions_for("slack")]
    target = safe_url(card.link)
    if target is not None:
        article = card.kind in (CardKind.CHANGE, CardKind.REPORT, CardKind.NEWS)
        label = "Read the article" if article else "Open link"
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text=label),
                url=target,
                action_id=f"open-link-{card.id}"[:255],
            )
        )
    return ActionsBlock(elements=buttons[:MAX_BUTTONS]) if buttons else None


def render_blocks(card: Card) -> list[dict[str, Any]]:
    """The card as Block Kit blocks (dicts), within Slack's limits."""
    card = clean_card(card)
    title = card.title.strip() or card.kind.value.title()
    content: list[Block] = [HeaderBlock(text=PlainTextObject(text=fit(title, MAX_HEADER)))]
    content.extend(_lines_blocks(card))
    if card.body.strip():
        content.append(_section(fit(card.body, MAX_SECTION)))
    content.extend(_fields_blocks(card.fields))
    tail = [b for b in (_context_block(card), _button_block(card)) if b is not None]
    if len(content) + len(tail) > MAX_BLOCKS:
        keep = MAX_BLOCKS - len(tail) - 1
        hidden = len(content) - keep
        content = [*content[:keep], ContextBlock(elements=[_mrkdwn(f"…{hidden} more not shown")])]
    return [block.to_dict() for block in (*content, *tail)]


def fallback_text(card: Card) -> str:
    """The plain ``text`` of the message: notifications and clients without blocks."""
    return fit(clean_card(card).plain_text(), MAX_FALLBACK)


def alert_metadata(card: Card) -> dict[str, Any]:
    return {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {"alert_id": card.id, "kind": card.kind.value},
    }


def render_message(card: Card) -> dict[str, Any]:
    """Keyword arguments for ``chat.postMessage`` (without the channel)."""
    message: dict[str, Any] = {
        "text": fallback_text(card),
        "blocks": render_blocks(card),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    if card.kind is not CardKind.ANSWER:
        message["metadata"] = alert_metadata(card)
    return message
