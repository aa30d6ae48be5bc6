"""Console rendering: a :class:`Card` as readable terminal text (pure).

A follow-up (a card with ``parent_id``) is printed with a head naming the alert it follows up
and that alert's title, e.g. ``[CHANGE · follow-up to al-3f… “US tariff …: 145% → 30%”]``; a
correction says ``CORRECTION of`` instead. Control characters are removed first, so feed text
can carry no terminal escape.
"""

from __future__ import annotations

from bot.alerts.card import Card, CardKind
from bot.alerts.sanitize import clean_card, clean_text
from bot.delivery.base import FollowUp

_MARK = {
    CardKind.CHANGE: "CHANGE",
    CardKind.REPORT: "REPORT",
    CardKind.NEWS: "NEWS",
    CardKind.DIGEST: "DIGEST",
    CardKind.ADMIN: "ADMIN",
    CardKind.ANSWER: "",
}
TITLE_MAX = 80


def _short(text: str) -> str:
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1].rstrip() + "…"


def _mark(card: Card, follow_up: FollowUp | None) -> str:
    mark = _MARK.get(card.kind, card.kind.value.upper())
    if not card.parent_id:
        return mark
    relation = "CORRECTION of" if card.broadcast else "follow-up to"
    parent_title = follow_up.parent.title if follow_up is not None else ""
    named = f"{card.parent_id} “{_short(parent_title)}”" if parent_title else card.parent_id
    return " · ".join(part for part in (mark, f"{relation} {named}") if part)


def render(card: Card, follow_up: FollowUp | None = None) -> str:
    """The card as console text, cleaned of control characters (no terminal escapes)."""
    card = clean_card(card)
    mark = clean_text(_mark(card, follow_up))
    lines = card.plain_text().splitlines() or [""]
    head = f"[{mark}] {lines[0]}" if mark else lines[0]
    body = "\n".join(f"    {line}" for line in lines[1:])
    return f"{head}\n{body}\n" if body else f"{head}\n"
