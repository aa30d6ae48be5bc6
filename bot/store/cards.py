"""Alerts stored from their card whole: the row's id, kind and topics are the card's, so no caller
states them a second time beside it.

The store names no card type (``bot/store`` imports only ``bot/facts``): a card here is anything
with an ``id``, a ``kind`` (a ``str``, such as the alerts' ``CardKind``), ``topics`` and
``to_json()``, which ``bot.alerts.card.Card`` is. Cards come back as the JSON they were stored
as; ``Card.from_json`` makes them cards again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.store import repo
from bot.store.db import Unit


class StoredCard(Protocol):
    """What the store needs of a card (``bot.alerts.card.Card``)."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def topics(self) -> tuple[str, ...]: ...

    def to_json(self) -> dict[str, Any]: ...


def add_card(
    session: Unit,
    card: StoredCard,
    *,
    uid: str | None,
    destinations: Iterable[str],
    parent_id: str | None = None,
) -> int:
    """Store the alert ``card`` is and one pending outbox row per destination (see
    :func:`bot.store.repo.add_alert`); returns the row count."""
    return repo.add_alert(
        session,
        alert_id=card.id,
        kind=str(card.kind),
        uid=uid,
        card=card.to_json(),
        topics=card.topics,
        destinations=destinations,
        parent_id=parent_id,
    )


def revise_card(session: Unit, card: StoredCard) -> bool:
    """Replace the stored card of the alert ``card`` is (its message is edited to it when a
    follow-up is sent); ``False`` when no such alert is stored."""
    return repo.revise_alert_card(session, card.id, card.to_json())


def recent_cards(session: Unit, since: datetime, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """The cards of the alerts of ``kinds`` stored since ``since``, oldest first, as stored."""
    return [dict(row.card) for row in repo.recent_alerts(session, since, kinds)]
