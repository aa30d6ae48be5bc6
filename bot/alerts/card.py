"""The one transport-neutral message type: :class:`Card`.

Alerts and command answers are both cards; each chat service converts a card at its edge
(``bot/delivery/<service>.py``) and escapes its text there. Card text is plain, untrusted text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class CardKind(StrEnum):
    CHANGE = "changes"
    REPORT = "reports"  # a claimed change awaiting corroboration ("unconfirmed, 1 source")
    NEWS = "news"
    DIGEST = "digest"
    ADMIN = "admin"
    ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class CardField:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True)
class CardAction:
    """A button a reviewer may press on an alert, in no service's terms.

    ``id`` says what pressing it does (``review:<verb>:<alert id>[:<fact id>]``, see
    ``bot/review/actions.py``); ``style`` is ``primary``, ``danger`` or ``default``;
    ``services`` names the chat services that show it (those with reviewers configured; empty:
    every one). Each destination's renderer turns it into its own button, or leaves it out.
    """

    id: str
    label: str
    style: str = "default"
    services: tuple[str, ...] = ()

    def shown_on(self, service: str) -> bool:
        return not self.services or service in self.services

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardAction:
        return cls(
            id=str(data["id"]),
            label=str(data["label"]),
            style=str(data.get("style", "default")),
            services=tuple(str(s) for s in data.get("services", ())),
        )


@dataclass(frozen=True, slots=True)
class Card:
    """A message for any destination.

    ``id`` is the alert id (stable across retries: Slack metadata and the Discord nonce derive
    from it). ``lines`` are short plain-text lines (one per change for a change alert);
    ``fields`` are name/value pairs; ``image_png`` is an optional attachment (a chart).
    ``parent_id`` names the alert this card follows up (a story's later change, corroboration or
    correction): destinations post it in the parent's thread and edit the parent's message to
    its stored current card; ``broadcast`` asks that such a reply also show in the channel (a
    correction, which readers of the channel alone must see). ``actions`` are the reviewers'
    buttons (an alert's Confirm, Dismiss, Wrong value); destinations that take none ignore them.
    """

    id: str
    kind: CardKind
    title: str
    body: str = ""
    lines: tuple[str, ...] = ()
    fields: tuple[CardField, ...] = ()
    link: str = ""
    source: str = ""
    published: datetime | None = None
    footer: str = ""
    topics: tuple[str, ...] = ()
    image_png: bytes | None = field(default=None, repr=False)
    image_name: str = "chart.png"
    parent_id: str = ""
    broadcast: bool = False
    actions: tuple[CardAction, ...] = ()

    def actions_for(self, service: str) -> tuple[CardAction, ...]:
        """The actions ``service`` shows (none on answers)."""
        if self.kind is CardKind.ANSWER:
            return ()
        return tuple(action for action in self.actions if action.shown_on(service))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["published"] = self.published.isoformat() if self.published else None
        data.pop("image_png")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        return cls(
            id=data["id"],
            kind=CardKind(data["kind"]),
            title=data["title"],
            body=data.get("body", ""),
            lines=tuple(data.get("lines", ())),
            fields=tuple(CardField(**f) for f in data.get("fields", ())),
            link=data.get("link", ""),
            source=data.get("source", ""),
            published=datetime.fromisoformat(data["published"]) if data.get("published") else None,
            footer=data.get("footer", ""),
            topics=tuple(data.get("topics", ())),
            image_name=data.get("image_name", "chart.png"),
            parent_id=data.get("parent_id", ""),
            broadcast=bool(data.get("broadcast", False)),
            actions=tuple(CardAction.from_json(a) for a in data.get("actions", ())),
        )

    def plain_text(self) -> str:
        """The card as plain text (console output and chat fallbacks)."""
        parts = [self.title]
        parts.extend(f"  • {line}" for line in self.lines)
        if self.body:
            parts.append(self.body)
        parts.extend(f"{f.name}: {f.value}" for f in self.fields)
        meta = " · ".join(p for p in (self.source, self._when(), self.footer) if p)
        if meta:
            parts.append(meta)
        if self.link:
            parts.append(self.link)
        return "\n".join(parts)

    def _when(self) -> str:
        return self.published.strftime("%Y-%m-%d %H:%M UTC") if self.published else ""


@dataclass(frozen=True, slots=True)
class Reply:
    """A command's answer: cards plus whether only the asker should see it."""

    cards: tuple[Card, ...]
    ephemeral: bool = True

    @property
    def text(self) -> str:
        return "\n\n".join(card.plain_text() for card in self.cards)
