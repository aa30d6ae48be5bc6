"""The reviewers' decisions in the store: the claims they decide, the audit trail, and the one
rule the pipeline keeps about them (a dismissed claim does not come back within its story).

Claims a reviewer may decide are the ledger's ``reported`` rows (pending review). A decision
changes a claim's status with a conditional UPDATE (``WHERE status = <what the reviewer saw>``),
so of two reviewers deciding at once exactly one wins and the other is told what happened.
Every function takes the caller's session: the decision, the fact's move, the claims and the
alert that carries it to chat are one transaction. Claims and decisions come back as plain
records (:class:`Claim`, :class:`Decision`), copies of their rows as they were read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.facts.model import Change, ChangeStatus
from bot.facts.values import value_key
from bot.store.models import ClaimRow, DecisionRow

PENDING = "reported"
DISMISSED = "dismissed"
# claims that stand behind a value an alert announced (a reviewer may call that value wrong)
ANNOUNCED = ("changed", "corrected", "corroborated")


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim of the evidence ledger (``ClaimRow``: what each field means)."""

    id: int
    fact_id: str
    value: Any
    value_key: str
    old: Any
    status: str
    strength: str
    entry_uid: str
    story_uid: str | None
    alert_id: str | None
    domain: str
    tier: str
    published: datetime
    recorded_at: datetime
    effective: str | None
    link: str
    title: str
    evidence: str
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision on one fact (``DecisionRow``: what each field means)."""

    id: int
    action: str
    fact_id: str
    alert_id: str | None
    claim_ids: list[int]
    value: Any
    replaced: Any
    claims_status: str | None
    decided_by: str
    decider: str
    decided_at: datetime
    source: str
    follow_up_id: str | None


_Record = TypeVar("_Record", Claim, Decision)


def _copy(record: type[_Record], row: object) -> _Record:
    return record(**{f.name: getattr(row, f.name) for f in fields(record)})


def claim(session: Session, claim_id: int) -> Claim | None:
    row = session.get(ClaimRow, claim_id)
    return _copy(Claim, row) if row is not None else None


def claims_of_alert(session: Session, alert_id: str) -> list[Claim]:
    """Every claim the alert announced (its own entry's and its story's later ones), oldest
    first."""
    query = (
        select(ClaimRow)
        .where(ClaimRow.alert_id == alert_id)
        .order_by(ClaimRow.published, ClaimRow.id)
    )
    return [_copy(Claim, row) for row in session.scalars(query)]


def pending_claims(session: Session, limit: int = 200) -> list[Claim]:
    """Reports awaiting review, oldest first."""
    query = (
        select(ClaimRow)
        .where(ClaimRow.status == PENDING)
        .order_by(ClaimRow.published, ClaimRow.id)
        .limit(limit)
    )
    return [_copy(Claim, row) for row in session.scalars(query)]


def decide_claims(
    session: Session,
    claim_ids: Sequence[int],
    status: str,
    *,
    decided_by: str,
    decided_at: datetime,
    was: Sequence[str] = (PENDING,),
) -> int:
    """Give ``claim_ids`` ``status`` where they are still in one of ``was``; how many moved (fewer
    than asked: another decision or an entry got there first)."""
    if not claim_ids:
        return 0
    result = session.execute(
        update(ClaimRow)
        .where(ClaimRow.id.in_(list(claim_ids)), ClaimRow.status.in_(list(was)))
        .values(status=status, decided_by=decided_by[:200], decided_at=decided_at)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def add_decision(
    session: Session,
    *,
    action: str,
    fact_id: str,
    alert_id: str | None,
    claim_ids: Sequence[int],
    value: Any,
    replaced: Any,
    claims_status: str | None,
    decided_by: str,
    decider: str,
    decided_at: datetime,
    source: str = "",
) -> int:
    """Record a decision; its id."""
    row = DecisionRow(
        action=action,
        fact_id=fact_id,
        alert_id=alert_id,
        claim_ids=list(claim_ids),
        value=value,
        replaced=replaced,
        claims_status=claims_status,
        decided_by=decided_by[:200],
        decider=decider[:200],
        decided_at=decided_at,
        source=source,
    )
    session.add(row)
    session.flush()
    return row.id


def link_alerts(
    session: Session,
    decision_ids: Sequence[int],
    *,
    follow_up_id: str,
    alert_id: str | None = None,
) -> None:
    """Name the alert carrying the decisions (and, for a set that raised its own alert, the
    alert they are about)."""
    values: dict[str, Any] = {"follow_up_id": follow_up_id}
    if alert_id is not None:
        values["alert_id"] = alert_id
    session.execute(
        update(DecisionRow).where(DecisionRow.id.in_(list(decision_ids))).values(**values)
    )


def decisions(
    session: Session,
    *,
    fact_id: str | None = None,
    alert_id: str | None = None,
    limit: int = 50,
) -> list[Decision]:
    """Decisions, newest first, of one fact or one alert (or all)."""
    query = select(DecisionRow).order_by(DecisionRow.decided_at.desc(), DecisionRow.id.desc())
    if fact_id is not None:
        query = query.where(DecisionRow.fact_id == fact_id)
    if alert_id is not None:
        query = query.where(DecisionRow.alert_id == alert_id)
    return [_copy(Decision, row) for row in session.scalars(query.limit(limit))]


# --- the pipeline's rule -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dismissed:
    """The (fact, value key) pairs reviewers dismissed within one story."""

    pairs: frozenset[tuple[str, str]]

    def covers(self, change: Change) -> bool:
        """A report (a claim that moves nothing) of a dismissed value: it raises no alert and
        is recorded dismissed. A change that moves a fact is never silenced."""
        return (
            change.status is ChangeStatus.REPORTED
            and (change.fact_id, value_key(change.new)) in self.pairs
        )


NOTHING_DISMISSED = Dismissed(frozenset())


def dismissed_in_story(session: Session, story_uid: str | None) -> Dismissed:
    """What reviewers dismissed among the claims of the story rooted at ``story_uid`` (the
    root entry's claims and those of the entries that joined it)."""
    if story_uid is None:
        return NOTHING_DISMISSED
    rows = session.execute(
        select(ClaimRow.fact_id, ClaimRow.value_key).where(
            ClaimRow.status == DISMISSED,
            or_(ClaimRow.story_uid == story_uid, ClaimRow.entry_uid == story_uid),
        )
    )
    return Dismissed(frozenset((fact, key) for fact, key in rows))
