"""Compose alert cards from an entry, its analysis and its changes.

A change line reads ``label: old → new (baseline X as of D)``; a change decided with a later
effective date says so (``effective YYYY-MM-DD``). The alert id is derived from the entry key and
the alert kind, so composing the same alert twice yields the same id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.alerts.card import Card, CardField, CardKind
from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, ChangeStatus

MAX_SUMMARY_CHARS = 600


def alert_id(entry_key: str, kind: CardKind) -> str:
    digest = hashlib.sha256(f"{kind.value}\x1f{entry_key}".encode()).hexdigest()
    return f"al-{digest[:24]}"


def change_line(change: Change, catalogue: Catalogue) -> str:
    fact = catalogue[change.fact_id]
    baseline = f"baseline {fact.format(fact.baseline)} as of {fact.as_of.isoformat()}"
    arrow = f"{fact.format(change.old)} → {fact.format(change.new)}"
    if change.status is ChangeStatus.PROPOSED:
        arrow = f"{fact.format(change.old)} → {fact.format(change.new)} proposed, not in force"
    effective = f", effective {change.effective.isoformat()}" if change.effective else ""
    return f"{fact.label}: {arrow} ({baseline}{effective})"


def headline(changes: Sequence[Change], catalogue: Catalogue, title: str) -> str:
    """One line naming the changed facts, or the entry's title for news."""
    changed = [c for c in changes if c.status is ChangeStatus.CHANGED]
    if not changed:
        return title
    first = changed[0]
    fact = catalogue[first.fact_id]
    text = f"{fact.label}: {fact.format(first.old)} → {fact.format(first.new)}"
    if len(changed) > 1:
        text += f" (+{len(changed) - 1} more)"
    return text


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
) -> Card:
    shown = [c for c in changes if c.status is not ChangeStatus.CONFIRMED]
    footer = f"{sources_count} source{'s' if sources_count != 1 else ''}"
    return Card(
        id=alert_id(entry_key, kind),
        kind=kind,
        title=headline(changes, catalogue, title) if kind is CardKind.CHANGE else title,
        body=_shorten(summary, MAX_SUMMARY_CHARS),
        lines=tuple(change_line(c, catalogue) for c in shown),
        link=link,
        source=f"{source}: {title}" if kind is CardKind.CHANGE else source,
        published=published,
        footer=footer,
        topics=tuple(topics),
    )


def compose_digest(
    day: date,
    headlines: Sequence[tuple[str, str]],
    facts: Sequence[tuple[str, object, object]],
) -> Card:
    """The daily digest: the last day's change alerts (title, link) and each fact's value."""
    lines = tuple(f"{title} {link}".strip() for title, link in headlines[:20]) or (
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
        footer=f"{len(headlines)} change alert{'s' if len(headlines) != 1 else ''}",
    )
