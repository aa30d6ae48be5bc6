"""Read-only reports over the store, shared by the CLI (`status`) and the chat commands."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.facts.catalogue import Catalogue
from bot.facts.evidence import host_of
from bot.facts.zh.script import language_of
from bot.store import ledger
from bot.store.decisions import Decision, decisions
from bot.store.models import FactHistoryRow, FeedRow


@dataclass(frozen=True)
class FactReport:
    id: str
    label: str
    kind: str
    value: Any
    baseline: Any
    baseline_as_of: str
    since: str
    previous: Any
    effective: str | None
    corroboration: int
    sources: list[dict[str, str]] = field(default_factory=list)
    last_change: dict[str, Any] | None = None
    citation: str = ""
    # the reviewers' latest decisions on the fact, newest first (see ``_decision``)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _plain(value: Any, kind: str) -> Any:
    if kind == "percent" and value is not None:
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def fact_reports(session: Session, catalogue: Catalogue) -> list[FactReport]:
    states = ledger.fact_state_rows(session)
    reports = []
    for fact in catalogue.values():
        row = states.get(fact.id)
        last = session.scalars(
            select(FactHistoryRow)
            .where(FactHistoryRow.fact_id == fact.id, FactHistoryRow.status.in_(ledger.MOVES))
            .order_by(FactHistoryRow.at.desc(), FactHistoryRow.id.desc())
            .limit(1)
        ).first()
        kind = fact.kind.value
        reports.append(
            FactReport(
                id=fact.id,
                label=fact.label,
                kind=kind,
                value=_plain(row.value if row else fact.baseline, kind),
                baseline=_plain(fact.baseline, kind),
                baseline_as_of=fact.as_of.isoformat(),
                since=(row.since.isoformat() if row else fact.as_of.isoformat()),
                previous=_plain(row.previous, kind) if row else None,
                effective=row.effective if row else None,
                corroboration=row.corroboration if row else 0,
                sources=[_with_language(s) for s in row.sources] if row else [],
                last_change=(
                    {
                        "at": last.at.isoformat(),
                        "old": _plain(last.old, kind),
                        "new": _plain(last.new, kind),
                        "title": last.title,
                        "link": last.link,
                        "evidence": last.evidence,
                        "effective": last.effective,
                        "language": language_of(f"{last.title} {last.evidence}"),
                        "domain": host_of(last.link),
                    }
                    if last
                    else None
                ),
                citation=fact.citation,
                decisions=[
                    _decision(d, kind) for d in decisions(session, fact_id=fact.id, limit=10)
                ],
            )
        )
    return reports


def _with_language(source: dict[str, str]) -> dict[str, str]:
    """A source on record with the language it is written in and its domain."""
    text = f"{source.get('title', '')} {source.get('evidence', '')}"
    return {**source, "language": language_of(text), "domain": host_of(source.get("link", ""))}


def _decision(row: Decision, kind: str) -> dict[str, Any]:
    """A decision as ``status --json`` shows it: what (``confirm``, ``dismiss``, ``correct``,
    ``set``), the value, what it replaced (the fact's value before; ``null`` for a dismissal),
    who (shown and account), when, the alert, the decided claims and the source given."""
    return {
        "id": row.id,
        "action": row.action,
        "value": _plain(row.value, kind),
        "replaced": _plain(row.replaced, kind),
        "by": row.decided_by,
        "account": row.decider,
        "at": row.decided_at.isoformat(),
        "alert": row.alert_id,
        "claims": list(row.claim_ids or []),
        "source": row.source,
    }


@dataclass(frozen=True)
class FeedReport:
    name: str
    url: str
    enabled: bool
    healthy: bool
    last_success_at: str | None
    last_polled_at: str | None
    next_poll_at: str | None
    consecutive_failures: int
    failing_since: str | None
    last_error: str | None
    # entries of the last poll beyond ``fetch.max_entries_per_poll``, judged as backlog
    backlog_entries: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def feed_reports(session: Session) -> list[FeedReport]:
    rows = session.scalars(select(FeedRow).order_by(FeedRow.name))
    return [
        FeedReport(
            name=row.name,
            url=row.url,
            enabled=row.enabled,
            healthy=row.consecutive_failures == 0,
            last_success_at=_iso(row.last_success_at),
            last_polled_at=_iso(row.last_polled_at),
            next_poll_at=_iso(row.next_poll_at),
            consecutive_failures=row.consecutive_failures,
            failing_since=_iso(row.failing_since),
            last_error=row.last_error,
            backlog_entries=row.backlog_entries or 0,
        )
        for row in rows
    ]
