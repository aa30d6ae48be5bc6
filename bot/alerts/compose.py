"""Compose alert cards from an entry, its analysis and its changes.

A change line reads ``label: old → new (baseline X as of D)`` (a stage of the talks reached
again by the next round: ``held again (new round)``); a change decided with a later effective
date says so (``effective YYYY-MM-DD``); a report awaiting corroboration, a correction
and a proposal say what they are. The alert id is derived from the entry key and the alert kind,
so composing the same alert twice yields the same id. A follow-up (a story's later change,
corroboration or correction) is its own card naming its parent; the parent's card is revised to
show the story's current state and source count (:func:`revise_parent`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from bot.alerts.card import Card, CardField, CardKind
from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, ChangeStatus, Fact

MAX_SUMMARY_CHARS = 600


def alert_id(entry_key: str, kind: CardKind) -> str:
    digest = hashlib.sha256(f"{kind.value}\x1f{entry_key}".encode()).hexdigest()
    return f"al-{digest[:24]}"


def change_line(change: Change, catalogue: Catalogue) -> str:
    fact = catalogue[change.fact_id]
    baseline = f"baseline {fact.format(fact.baseline)} as of {fact.as_of.isoformat()}"
    arrow = _arrow(fact, change) + _STATUS_NOTE.get(change.status, "")
    effective = f", effective {change.effective.isoformat()}" if change.effective else ""
    return f"{fact.label}: {arrow} ({baseline}{effective})"


def _arrow(fact: Fact, change: Change) -> str:
    """``old → new``; a stage reached again by the next round reads ``held again (new round)``."""
    again = change.status not in (ChangeStatus.CONFIRMED, ChangeStatus.NOTED)
    if again and change.old == change.new:
        return f"{fact.format(change.new)} again (new round)"
    return f"{fact.format(change.old)} → {fact.format(change.new)}"


_STATUS_NOTE = {
    ChangeStatus.PROPOSED: " proposed, not in force",
    ChangeStatus.REPORTED: " reported, not yet confirmed",
    ChangeStatus.CORRECTED: " (correction)",
}
MOVED = (ChangeStatus.CHANGED, ChangeStatus.CORRECTED)


def headline(changes: Sequence[Change], catalogue: Catalogue, title: str) -> str:
    """One line naming the changed (else the reported) facts, or the entry's title for news."""
    shown = [c for c in changes if c.status in MOVED]
    prefix = "Correction: " if any(c.status is ChangeStatus.CORRECTED for c in shown) else ""
    if not shown:
        shown = [c for c in changes if c.status is ChangeStatus.REPORTED]
        prefix = "Unconfirmed: "
    if not shown:
        return title
    first = shown[0]
    fact = catalogue[first.fact_id]
    text = f"{prefix}{fact.label}: {_arrow(fact, first)}"
    if len(shown) > 1:
        text += f" (+{len(shown) - 1} more)"
    return text


def sources_footer(count: int, *, unconfirmed: bool = False) -> str:
    text = f"{count} source{'s' if count != 1 else ''}"
    return f"unconfirmed · {text}" if unconfirmed else text


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def compose_alert(
    *,
    entry_key: str,
    kind: CardKind,
    title: str,
    link: str,
    source: str,
    published: datetime,
    summary: str,
    changes: Sequence[Change],
    catalogue: Catalogue,
    sources_count: int,
    topics: Iterable[str],
    parent_id: str = "",
    corrects: str = "",
) -> Card:
    """An alert card; with ``parent_id`` a follow-up of that alert. A correction broadcasts and
    says which alert it corrects (``corrects``: that alert's title and time)."""
    shown = [c for c in changes if c.status not in (ChangeStatus.CONFIRMED, ChangeStatus.NOTED)]
    about_facts = kind in (CardKind.CHANGE, CardKind.REPORT)
    lines = tuple(change_line(c, catalogue) for c in shown)
    if corrects:
        lines = (f"Corrects the alert: {corrects}", *lines)
    return Card(
        id=alert_id(entry_key, kind),
        kind=kind,
        title=headline(changes, catalogue, title) if about_facts else title,
        body=_shorten(summary, MAX_SUMMARY_CHARS),
        lines=lines,
        link=link,
        source=f"{source}: {title}" if about_facts else source,
        published=published,
        footer=sources_footer(sources_count, unconfirmed=kind is CardKind.REPORT),
        topics=tuple(topics),
        parent_id=parent_id,
        broadcast=any(c.status is ChangeStatus.CORRECTED for c in changes),
    )


def revise_parent(
    parent: Card,
    *,
    follow_up: Card,
    changes: Sequence[Change],
    catalogue: Catalogue,
    sources_count: int,
) -> Card:
    """The parent's card as the story stands after ``follow_up``: one update line per
    follow-up that moved a fact, the story's source count, and for a report that is now
    confirmed, the confirmed change as its title."""
    moved = [c for c in changes if c.status in MOVED]
    title, lines, kind = parent.title, parent.lines, parent.kind
    if moved and parent.kind is CardKind.REPORT:
        title = headline(moved, catalogue, parent.title)  # the report is confirmed now
        kind = CardKind.CHANGE
    if moved:
        when = follow_up.published.strftime("%Y-%m-%d %H:%M UTC") if follow_up.published else ""
        update = "; ".join(change_line(c, catalogue) for c in moved)
        lines = (*parent.lines, f"Update {when}: {update}".replace("  ", " "))[-8:]
    return replace(
        parent,
        kind=kind,
        title=title,
        lines=lines,
        footer=sources_footer(sources_count, unconfirmed=kind is CardKind.REPORT),
    )


def compose_digest(
    day: date,
    changes: Sequence[Card],
    facts: Sequence[tuple[str, object, object]],
) -> Card:
    """The daily digest: the last day's change alerts (their title and link) and each fact's
    value."""
    lines = tuple(f"{card.title} {card.link}".strip() for card in changes[:20]) or (
        "No tracked fact changed in the last 24 hours.",
    )
    fields = tuple(
        CardField(name=label, value=f"{value} (baseline {baseline})", inline=False)
        for label, value, baseline in facts
    )
    return Card(
        id=f"digest-{day.isoformat()}",
        kind=CardKind.DIGEST,
        title=f"Daily digest for {day.isoformat()}",
        lines=lines,
        fields=fields[:25],
        footer=f"{len(changes)} change alert{'s' if len(changes) != 1 else ''}",
    )
