"""Answer cards: what a command or a reviewer's click says back, the same on every service."""

from __future__ import annotations

from bot.alerts.card import Card, CardKind, Reply


def answer_card(title: str, body: str = "", *, lines: tuple[str, ...] = ()) -> Card:
    return Card(id="answer", kind=CardKind.ANSWER, title=title, body=body, lines=lines)


def answer(
    title: str, body: str = "", *, lines: tuple[str, ...] = (), ephemeral: bool = True
) -> Reply:
    """A one-card reply; only the asker sees it unless ``ephemeral`` is false."""
    return Reply((answer_card(title, body, lines=lines),), ephemeral=ephemeral)
