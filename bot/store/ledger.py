"""Facts on record: each fact's state and history, and the evidence ledger of claims.

Every change, correction, report and confirmation an entry makes is one ``claims`` row naming
its source (domain and tier); corroboration counts independent sources in it, and reviewers
decide its ``reported`` rows. A fact's state moves only through :func:`apply_changes`, in the
same transaction as the entry and its alert. A story's alerts are in ``bot/store/story_alerts.py``
(also named here: ``ledger.story_alert``, ``ledger.AlertRef``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.facts.catalogue import Catalogue
from bot.facts.evidence import Report, Source
from bot.facts.model import Change, ChangeStatus, FactValue
from bot.facts.values import same_value, value_key
from bot.store.common import SEED_LOCK, midnight, one_writer_at_a_time, utcnow
from bot.store.decisions import DISMISSED, dismissed_in_story
from bot.store.fact_states import (
    LockedStates,
    fact_state_rows,
    fact_states,
    lock_fact,
    lock_fact_states,
    states_of,
)
from bot.store.models import ClaimRow, EntryRow, FactHistoryRow, FactStateRow
from bot.store.story_alerts import (
    AlertRef,
    alert_by_id,
    alert_destinations,
    story_alert,
    story_sources,
    top_alert_of_entry,
)

# a story's alerts (bot/store/story_alerts.py) and the facts' states (bot/store/fact_states.py)
# are named here too: ledger.story_alert, ledger.fact_states, ...
__all__ = [
    "MOVES",
    "SUPPORTING",
    "AlertRef",
    "FactMove",
    "LockedStates",
    "ReportOnRecord",
    "SourceRef",
    "alert_by_id",
    "alert_destinations",
    "apply_changes",
    "corroboration_of",
    "fact_history",
    "fact_state_rows",
    "fact_states",
    "lock_fact",
    "lock_fact_states",
    "pending_reports_superseded",
    "record_claims",
    "reports_within",
    "seed_fact_states",
    "states_of",
    "story_alert",
    "story_sources",
    "top_alert_of_entry",
]

MOVES = (ChangeStatus.CHANGED.value, ChangeStatus.CORRECTED.value)
SUPPORTING = ("reported", "corroborated", "changed", "corrected", "confirmed", "noted")


def seed_fact_states(session: Session, catalogue: Catalogue) -> int:
    """Give every catalogue fact without a stored state its baseline; returns how many."""
    one_writer_at_a_time(session, SEED_LOCK)
    known = set(session.scalars(select(FactStateRow.fact_id)))
    added = 0
    for fact in catalogue.values():
        if fact.id in known:
            continue
        session.add(
            FactStateRow(
                fact_id=fact.id,
                value=fact.baseline,
                since=midnight(fact.as_of),
                entry_uid=None,
                previous=None,
                history=[],
                corroboration=0,
                sources=[{"title": fact.citation, "link": "", "feed": "seed"}],
            )
        )
        added += 1
    session.flush()
    return added


@dataclass(frozen=True, slots=True)
class SourceRef:
    feed: str
    title: str
    link: str
    source: Source | None = None


def _history_row(change: Change, uid: str, published: datetime, ref: SourceRef) -> FactHistoryRow:
    return FactHistoryRow(
        fact_id=change.fact_id,
        old=change.old,
        new=change.new,
        status=change.status.value,
        at=published,
        recorded_at=utcnow(),
        effective=change.effective.isoformat() if change.effective else None,
        entry_uid=uid,
        link=ref.link,
        title=ref.title,
        evidence=change.evidence[:1000],
    )


def apply_changes(
    session: Session,
    changes: Sequence[Change],
    *,
    uid: str,
    published: datetime,
    source: SourceRef,
    implied: Mapping[str, FactValue] | None = None,
) -> list[Change]:
    """Record ``changes`` in history and move the facts they change or correct; returns those.

    ``implied``: new implied levels of whole facts whose parts moved (see ``FactState``).
    """
    applied: list[Change] = []
    for change in changes:
        if change.status is ChangeStatus.NOTED:
            continue  # evidence only: in the ledger (record_claims), not the fact's history
        session.add(_history_row(change, uid, published, source))
        row = session.get(FactStateRow, change.fact_id)
        if row is None:
            continue
        ref = {"feed": source.feed, "title": source.title, "link": source.link}
        if change.status.value in MOVES:
            row.history = [*(row.history or []), row.value]
            row.previous = row.value
            row.value = change.new
            row.since = published
            row.entry_uid = uid
            row.effective = change.effective.isoformat() if change.effective else None
            row.corroboration = change.sources
            row.sources = [ref]
            row.implied = None
            applied.append(change)
        elif (
            change.status is ChangeStatus.CONFIRMED
            and same_value(row.value, change.new)
            and all(s.get("link") != source.link for s in row.sources)
        ):
            row.sources = [*row.sources, ref][-20:]
            row.corroboration = row.corroboration + 1
    for fact_id, level in (implied or {}).items():
        row = session.get(FactStateRow, fact_id)
        if row is not None:
            row.implied = None if same_value(level, row.value) else level
    session.flush()
    return applied


@dataclass(frozen=True, slots=True)
class FactMove:
    """A move of a fact on record (``FactHistoryRow``: what each field means)."""

    fact_id: str
    old: Any
    new: Any
    status: str
    at: datetime
    effective: str | None
    entry_uid: str | None
    link: str
    title: str
    evidence: str


def fact_history(session: Session, fact_id: str, limit: int = 50) -> list[FactMove]:
    """The fact's last ``limit`` moves (changed or corrected), oldest first."""
    query = (
        select(
            FactHistoryRow.fact_id,
            FactHistoryRow.old,
            FactHistoryRow.new,
            FactHistoryRow.status,
            FactHistoryRow.at,
            FactHistoryRow.effective,
            FactHistoryRow.entry_uid,
            FactHistoryRow.link,
            FactHistoryRow.title,
            FactHistoryRow.evidence,
        )
        .where(FactHistoryRow.fact_id == fact_id, FactHistoryRow.status.in_(MOVES))
        .order_by(FactHistoryRow.at.desc(), FactHistoryRow.id.desc())
        .limit(limit)
    )
    return [FactMove(*row) for row in reversed(list(session.execute(query)))]


def corroboration_of(session: Session, fact_id: str) -> int:
    row = session.get(FactStateRow, fact_id)
    return row.corroboration if row else 0


# --- the evidence ledger ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportOnRecord:
    """A report with the text of its entry (to tell copies from independent sources)."""

    report: Report
    text: str


def reports_within(
    session: Session,
    fact_ids: Iterable[str],
    since: datetime,
    until: datetime,
    text_chars: int = 2000,
) -> list[ReportOnRecord]:
    """Claims on record for ``fact_ids`` published in [since, until] that can corroborate."""
    wanted = sorted(set(fact_ids))
    if not wanted:
        return []
    query = (
        select(ClaimRow, EntryRow.title, EntryRow.text)
        .join(EntryRow, EntryRow.uid == ClaimRow.entry_uid)
        .where(
            ClaimRow.fact_id.in_(wanted),
            ClaimRow.status.in_(SUPPORTING),
            ClaimRow.published >= since,
            ClaimRow.published <= until,
        )
        .order_by(ClaimRow.published, ClaimRow.id)
    )
    return [
        ReportOnRecord(
            report=Report(
                fact_id=row.fact_id,
                value=row.value,
                domain=row.domain,
                entry_key=row.entry_uid,
                published=row.published,
                status=row.status,
                alert_id=row.alert_id,
            ),
            text=f"{title} {(body or '')[:text_chars]}",
        )
        for row, title, body in session.execute(query)
    ]


def record_claims(
    session: Session,
    changes: Sequence[Change],
    *,
    uid: str,
    story_uid: str | None,
    alert_id: str | None,
    published: datetime,
    source: SourceRef,
) -> None:
    """One ledger row per change, report, correction or confirmation of ``changes``; the
    earlier reports a change corroborates become ``corroborated``. A report of a value that a
    reviewer dismissed within the same story is recorded ``dismissed`` (not pending review)."""
    if all(change.status is ChangeStatus.PROPOSED for change in changes):
        return  # nothing to record
    now = utcnow()
    dismissed = dismissed_in_story(session, story_uid)
    for change in changes:
        if change.status is ChangeStatus.PROPOSED:
            continue
        session.add(
            ClaimRow(
                fact_id=change.fact_id,
                value=change.new,
                value_key=value_key(change.new),
                old=change.old,
                status=DISMISSED if dismissed.covers(change) else change.status.value,
                strength="firm",
                entry_uid=uid,
                story_uid=story_uid,
                alert_id=alert_id,
                domain=source.source.domain if source.source else source.feed,
                tier=source.source.tier.value if source.source else "outlet",
                published=published,
                recorded_at=now,
                effective=change.effective.isoformat() if change.effective else None,
                link=source.link,
                title=source.title,
                evidence=change.evidence[:1000],
            )
        )
        if change.status.value in MOVES and change.supports:
            session.execute(
                update(ClaimRow)
                .where(
                    ClaimRow.fact_id == change.fact_id,
                    ClaimRow.value_key == value_key(change.new),
                    ClaimRow.entry_uid.in_(change.supports),
                    ClaimRow.status == "reported",
                )
                .values(status="corroborated")
            )
    session.flush()


def pending_reports_superseded(session: Session, changes: Sequence[Change]) -> int:
    """Reports of other values for a fact that just moved are no longer pending."""
    count = 0
    for change in changes:
        if change.status.value not in MOVES:
            continue
        result = session.execute(
            update(ClaimRow)
            .where(
                ClaimRow.fact_id == change.fact_id,
                ClaimRow.status == "reported",
                ClaimRow.value_key != value_key(change.new),
            )
            .values(status="superseded")
        )
        count += int(getattr(result, "rowcount", 0) or 0)
    return count
