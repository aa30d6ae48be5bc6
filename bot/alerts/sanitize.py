"""Feed text made safe to show: control, bidirectional and invisible characters removed.

A feed is untrusted. Before any of its text reaches a chat or a terminal, each renderer
(``bot/delivery/slack_render.py``, ``discord_render.py``, ``console.py``) passes the card
through :func:`clean_card`, *before* its own escaping (which may add characters of its own,
such as Discord's zero-width space that breaks ``@everyone``). Removed:

- control characters (C0 except newline and tab, DEL, C1): terminal escape sequences, and
  text that chat clients render unpredictably; a carriage return becomes a newline;
- bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
  direction marks (U+200E, U+200F, U+061C): they reorder what a reader sees, so a headline or
  link can read differently from what it is ("Trojan Source");
- zero-width and invisible characters (U+200B, U+200C, U+2060–U+2064, U+FEFF, U+180E, the soft
  hyphen U+00AD, tag characters U+E0000–U+E007F, interlinear annotations U+FFF9–U+FFFB): they
  hide words from filters and readers. The zero-width joiner U+200D is kept only inside an emoji
  sequence (between two symbols), where it belongs;
- line and paragraph separators (U+2028, U+2029) become a newline.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from bot.alerts.card import Card, CardField

_INVISIBLE = (
    "\u00ad\u061c\u180e\u200b\u200c\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069"
    "\ufeff\ufff9\ufffa\ufffb"
)
_REMOVE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + re.escape(_INVISIBLE) + "\U000e0000-\U000e007f]"
)
_ZWJ = "\u200d"
_EMOJI_MODIFIERS = frozenset("\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")


def _emoji_side(char: str) -> bool:
    return char in _EMOJI_MODIFIERS or unicodedata.category(char) == "So"


def _keep_emoji_joiners(text: str) -> str:
    if _ZWJ not in text:
        return text
    out: list[str] = []
    for index, char in enumerate(text):
        if char == _ZWJ:
            before = out[-1] if out else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if not (before and after and _emoji_side(before) and _emoji_side(after)):
                continue
        out.append(char)
    return "".join(out)


def clean_text(text: str) -> str:
    """``text`` without the characters listed in the module doc (newlines and tabs kept)."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _keep_emoji_joiners(_REMOVE.sub("", text))


def clean_card(card: Card) -> Card:
    """The card with every text it carries cleaned (ids and images untouched)."""
    return dataclasses.replace(
        card,
        title=clean_text(card.title),
        body=clean_text(card.body),
        lines=tuple(clean_text(line) for line in card.lines),
        fields=tuple(
            CardField(name=clean_text(f.name), value=clean_text(f.value), inline=f.inline)
            for f in card.fields
        ),
        link=clean_text(card.link),
        source=clean_text(card.source),
        footer=clean_text(card.footer),
    )
