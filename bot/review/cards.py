"""What a decision shows in chat: the decided alert's revised card, and the follow-up that carries
the decision into the alert's thread.

The decided alert's message is edited in place (through the outbox, as for any follow-up):

- confirmed: the report's lines become change lines, the title the confirmed change, the footer
  "Confirmed by @alice 2025-05-12 14:02 UTC · 1 source"; Confirm and Dismiss give way to Wrong
  value;
- dismissed: the title says "Dismissed", a line says which value was marked wrong and what the
  fact stays, the footer who dismissed it and when; no button is left;
- corrected: the title says what the fact is now, a line says who corrected it from what to
  what (and on which source), the footer who and when; Wrong value stays.

The follow-up (a reply in the alert's thread) says the same in one card; a correction is also
shown in the channel, like any correction. Card text stays plain: ``@alice`` is the reviewer's
name as their chat service gave it, not a mention.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.alerts.card import Card, CardAction, CardKind
from bot.alerts.compose import change_line, headline
from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, FactValue

_SOURCES = re.compile(r"^\d+ sources?$")
_UNCONFIRMED = "Unconfirmed: "
REPORTED_NOTE = " reported, not yet confirmed"


def when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True, slots=True)
class By:
    """Who decided (as shown: ``@alice``) and when."""

    who: str
    at: datetime

    def stamp(self, verb: str) -> str:
        """``Confirmed by @alice 2025-05-12 14:02 UTC``."""
        return f"{verb} by {self.who} {when(self.at)}"


def follow_up_id(decision_id: int) -> str:
    """The id of the alert carrying decision ``decision_id`` (stable: derived from it)."""
    digest = hashlib.sha256(f"decision\x1f{decision_id}".encode()).hexdigest()
    return f"al-{digest[:24]}"


def _footer(parent: Card, decided: str) -> str:
    counted = [part for part in parent.footer.split(" · ") if _SOURCES.match(part.strip())]
    return " · ".join([decided, *counted[-1:]])


def _title(parent: Card) -> str:
    for prefix in (_UNCONFIRMED, "Dismissed: ", "Corrected: "):
        if parent.title.startswith(prefix):
            return parent.title[len(prefix) :]
    return parent.title


def confirmed_parent(
    parent: Card,
    changes: Sequence[Change],
    catalogue: Catalogue,
    by: By,
    actions: tuple[CardAction, ...],
) -> Card:
    """The report alert once a reviewer confirmed ``changes`` (status ``changed``)."""
    lines = list(parent.lines)
    for change in changes:
        label = catalogue[change.fact_id].label
        new_line = change_line(change, catalogue)
        spot = [i for i, line in enumerate(lines) if _reports(line, label)]
        if spot:
            lines[spot[0]] = new_line
            lines = [line for i, line in enumerate(lines) if i not in spot[1:]]
        else:
            lines.append(new_line)
    return replace(
        parent,
        kind=CardKind.CHANGE,  # a confirmed report is a change now (colour, later revisions)
        title=headline(changes, catalogue, parent.title),
        lines=tuple(lines)[-8:],
        footer=_footer(parent, by.stamp("Confirmed")),
        actions=actions,
    )


def _reports(line: str, label: str) -> bool:
    return line.startswith(f"{label}: ") and REPORTED_NOTE in line


def dismissed_parent(
    parent: Card,
    dismissed: Sequence[tuple[str, FactValue, FactValue]],
    catalogue: Catalogue,
    by: By,
    actions: tuple[CardAction, ...],
) -> Card:
    """The report alert once a reviewer dismissed its reports (``(fact, value, the fact's
    value now)`` each)."""
    lines = [*parent.lines, *(_dismissed_line(d, catalogue, by.who) for d in dismissed)]
    return replace(
        parent,
        title=f"Dismissed: {_title(parent)}",
        lines=tuple(lines)[-8:],
        footer=_footer(parent, by.stamp("Dismissed")),
        actions=actions,
    )


def _dismissed_line(item: tuple[str, FactValue, FactValue], catalogue: Catalogue, who: str) -> str:
    fact_id, value, now = item
    fact = catalogue[fact_id]
    return (
        f"Dismissed by {who}: {fact.label} {fact.format(value)} was marked wrong; "
        f"it stays {fact.format(now)}"
    )


def corrected_parent(
    parent: Card,
    change: Change,
    catalogue: Catalogue,
    by: By,
    *,
    source: str,
    actions: tuple[CardAction, ...],
) -> Card:
    """The alert once a reviewer corrected the value of ``change.fact_id`` it announced."""
    fact = catalogue[change.fact_id]
    line = _corrected_line(change, catalogue, by.who, source)
    return replace(
        parent,
        title=f"Corrected: {fact.label} is {fact.format(change.new)}",
        lines=(*parent.lines, line)[-8:],
        footer=_footer(parent, by.stamp("Corrected")),
        actions=actions,
    )


def _corrected_line(change: Change, catalogue: Catalogue, who: str, source: str) -> str:
    fact = catalogue[change.fact_id]
    text = f"Corrected by {who}: {fact.label} {fact.format(change.old)} → {fact.format(change.new)}"
    return f"{text} (source {source})" if source else text


def decision_card(
    alert_id: str,
    *,
    kind: CardKind,
    title: str,
    lines: Sequence[str],
    decided: str,
    at: datetime,
    link: str = "",
    parent_id: str = "",
    broadcast: bool = False,
    topics: Sequence[str] = (),
    actions: tuple[CardAction, ...] = (),
) -> Card:
    """The card carrying a decision: a reply in the decided alert's thread (``parent_id``), or
    a new alert for a fact set with no alert to follow up."""
    return Card(
        id=alert_id,
        kind=kind,
        title=title,
        lines=tuple(lines),
        link=link,
        source="Reviewer decision",
        published=at,
        footer=decided,
        topics=tuple(topics),
        parent_id=parent_id,
        broadcast=broadcast,
        actions=actions,
    )


def _reply(
    alert_id: str, parent: Card, by: By, verb: str, kind: CardKind, what: str, lines: list[str]
) -> Card:
    """A decision on ``parent`` as a reply in its thread: "<verb> by <who>: <what>"."""
    return decision_card(
        alert_id,
        kind=kind,
        title=f"{verb} by {by.who}: {what}",
        lines=lines,
        decided=by.stamp(verb),
        at=by.at,
        link=parent.link,
        parent_id=parent.id,
        topics=parent.topics,
    )


def confirmed_card(
    alert_id: str, parent: Card, changes: Sequence[Change], catalogue: Catalogue, by: By
) -> Card:
    what = headline(changes, catalogue, parent.title)
    lines = [change_line(c, catalogue) for c in changes]
    return _reply(alert_id, parent, by, "Confirmed", CardKind.CHANGE, what, lines)


def dismissed_card(
    alert_id: str,
    parent: Card,
    dismissed: Sequence[tuple[str, FactValue, FactValue]],
    catalogue: Catalogue,
    by: By,
) -> Card:
    lines = [_dismissed_line(d, catalogue, by.who) for d in dismissed]
    return _reply(alert_id, parent, by, "Dismissed", CardKind.REPORT, _title(parent), lines)


def corrected_card(
    alert_id: str,
    change: Change,
    catalogue: Catalogue,
    by: By,
    *,
    source: str,
    parent: Card | None,
    topics: Sequence[str] = (),
    actions: tuple[CardAction, ...] = (),
) -> Card:
    """A correction (``parent``: the alert it corrects) or, with no alert to follow up, a new
    change alert for a fact a reviewer set."""
    fact = catalogue[change.fact_id]
    arrow = f"{fact.format(change.old)} → {fact.format(change.new)}"
    verb = "Correction" if parent is not None else "Set"
    return decision_card(
        alert_id,
        kind=CardKind.CHANGE,
        title=f"{verb} by {by.who}: {fact.label}: {arrow}",
        lines=[_corrected_line(change, catalogue, by.who, source)],
        decided=by.stamp("Corrected" if parent is not None else "Set"),
        at=by.at,
        link=source,
        parent_id=parent.id if parent is not None else "",
        broadcast=parent is not None,
        topics=parent.topics if parent is not None else topics,
        actions=actions,
    )
