"""Confirm or dismiss reports awaiting review (the ledger's ``reported`` claims).

A target is an alert id (every report of that alert still awaiting review) or a claim number
(that claim, with the other reports of the same value under the same alert). The order of the
checks, each refusing with its own answer and changing nothing:

1. the alert or claim exists (else *not found*);
2. some of its reports still await review; if none does, the answer says why, first match wins:
   a reviewer decided them (*already decided*, naming who and when), a second source confirmed
   them (*stale*), the fact moved to another value (*moved*), or the alert announced changes
   rather than reports (*nothing to decide*);
3. per fact, the reports agree on one value (else *ambiguous*: confirm one claim by number);
4. confirming only: the fact still has the value the report departs from, and has not moved
   since the report was published (else *moved*).

The claims are then decided with a conditional update (still ``reported``); fewer rows than
expected means another decision won the race (:class:`Raced`: the caller looks again and
explains).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.alerts.card import Card
from bot.facts.model import Change, ChangeStatus, Fact, FactValue
from bot.facts.values import same_value
from bot.review import cards
from bot.review.values import Problem, Refused
from bot.review.work import Decided, Raced, Work
from bot.store import decisions as stored
from bot.store import ledger
from bot.store.decisions import Claim

# (fact, the value dismissed, the fact's value now)
Dismissal = tuple[str, FactValue, FactValue]
PAST = {"confirm": "confirmed", "dismiss": "dismissed", "correct": "corrected", "set": "set"}


def _targets(work: Work, target: str) -> tuple[str | None, list[Claim]]:
    """(the alert, the claims the target names)."""
    text = target.strip()
    number = text.removeprefix("#")
    if number.isdigit() and len(number) < 12:
        row = stored.claim(work.session, int(number))
        if row is None:
            raise Refused(Problem.NOT_FOUND, f"No claim #{number} is on record.")
        if row.alert_id is None:
            return None, [row]
        same = [
            c
            for c in stored.claims_of_alert(work.session, row.alert_id)
            if c.fact_id == row.fact_id and c.value_key == row.value_key
        ]
        return row.alert_id, [row, *(c for c in same if c.id != row.id)]
    if ledger.alert_by_id(work.session, text) is None:
        shown = text if len(text) <= 64 else text[:63] + "…"
        raise Refused(Problem.NOT_FOUND, f"No alert {shown} is on record.")
    return text, stored.claims_of_alert(work.session, text)


def _explain(work: Work, alert_id: str | None, claims: Sequence[Claim]) -> Refused:
    """Why none of ``claims`` awaits review."""
    decided = [c for c in claims if c.decided_at is not None]
    if decided:
        last = stored.decisions(work.session, alert_id=alert_id, limit=1) if alert_id else []
        at: datetime | None
        if last:
            action = PAST.get(last[0].action, last[0].action)
            by, at = last[0].decided_by, last[0].decided_at
        else:
            claim = max(decided, key=lambda c: (c.decided_at, c.id))
            action = "dismissed" if claim.status == stored.DISMISSED else "confirmed"
            by, at = (claim.decided_by or "a reviewer").split(" (")[0], claim.decided_at
        when = cards.when(at) if at else "an earlier date"
        return Refused(
            Problem.ALREADY_DECIDED, f"Already {action} by {by} on {when}; nothing changed."
        )
    if any(c.status == "corroborated" for c in claims):
        return Refused(
            Problem.STALE,
            "This report was already confirmed by a second source; nothing changed.",
        )
    superseded = [c for c in claims if c.status == "superseded"]
    if superseded:
        return _moved(work, superseded[0].fact_id, "this report")
    what = f"Alert {alert_id}" if alert_id else "This claim"
    return Refused(
        Problem.NOTHING_TO_DECIDE,
        f"{what} has no report awaiting review (an alert that announced a change takes "
        "Wrong value instead); nothing changed.",
    )


def _moved(work: Work, fact_id: str, since: str) -> Refused:
    fact = work.fact(fact_id)
    states = ledger.fact_states(work.session)
    state = states.get(fact_id)
    if fact is None or state is None:
        return Refused(Problem.UNKNOWN_FACT, f"The fact {fact_id} is no longer tracked.")
    return Refused(
        Problem.MOVED,
        f"{fact.label} has moved to {fact.format(state.value)} since {since} "
        f"({state.since:%Y-%m-%d}); nothing changed.",
    )


def _pending(work: Work, target: str) -> tuple[str | None, dict[str, list[Claim]]]:
    alert_id, claims = _targets(work, target)
    pending = [c for c in claims if c.status == stored.PENDING]
    if not pending:
        raise _explain(work, alert_id, claims)
    by_fact: dict[str, list[Claim]] = {}
    for claim in pending:
        by_fact.setdefault(claim.fact_id, []).append(claim)
    for fact_id in by_fact:
        if work.fact(fact_id) is None:
            raise Refused(Problem.UNKNOWN_FACT, f"The fact {fact_id} is no longer tracked.")
    return alert_id, by_fact


def _one_value(work: Work, alert_id: str | None, fact: Fact, rows: list[Claim]) -> None:
    values = list(dict.fromkeys(fact.format(r.value) for r in rows))
    if len(values) > 1:
        numbers = ", ".join(f"#{r.id} ({fact.format(r.value)})" for r in rows)
        raise Refused(
            Problem.AMBIGUOUS,
            f"The reports of {alert_id or 'this alert'} disagree on {fact.label} "
            f"({' and '.join(values)}); confirm one claim by its number: "
            f"python -m bot review confirm <number> ({numbers}).",
        )


def _decide(work: Work, rows: Sequence[Claim], status: str, others: str) -> None:
    """The first claim gets ``status``, the rest ``others``; :class:`Raced` if any of them was
    no longer awaiting review."""
    signature = work.who.signature
    moved = stored.decide_claims(
        work.session, [rows[0].id], status, decided_by=signature, decided_at=work.at
    )
    moved += stored.decide_claims(
        work.session, [r.id for r in rows[1:]], others, decided_by=signature, decided_at=work.at
    )
    if moved != len(rows):
        raise Raced()


def confirm_reports(work: Work, target: str) -> Decided:
    alert_id, by_fact = _pending(work, target)
    changes: list[Change] = []
    ids: list[int] = []
    for fact_id, rows in by_fact.items():
        fact = work.catalogue[fact_id]
        _one_value(work, alert_id, fact, rows)
        state = ledger.lock_fact(work.session, fact_id)
        first = rows[0]
        if state is None:
            raise Refused(Problem.UNKNOWN_FACT, f"The fact {fact_id} is no longer tracked.")
        moved_since = state.since > first.published and state.entry_key is not None
        if (first.old is not None and not same_value(state.value, first.old)) or moved_since:
            raise _moved(work, fact_id, "this report")
        change = Change(
            fact_id=fact_id,
            old=state.value,
            new=first.value,
            status=ChangeStatus.CHANGED,
            evidence=first.evidence,
            effective=date.fromisoformat(first.effective) if first.effective else None,
            sources=len({r.domain for r in rows}),
            supports=tuple(r.entry_uid for r in rows[1:]),
        )
        _decide(work, rows, "changed", "corroborated")
        source = ledger.SourceRef(feed=first.domain, title=first.title, link=first.link)
        ledger.apply_changes(
            work.session, [change], uid=first.entry_uid, published=first.published, source=source
        )
        ledger.pending_reports_superseded(work.session, [change])
        changes.append(change)
        ids.append(_record(work, "confirm", alert_id, rows, replaced=change.old))
    follow = _to_chat(work, alert_id, changes=changes, ids=ids)
    arrows = "; ".join(_arrow(work, c.fact_id, c.old, c.new) for c in changes)
    return Decided(f"Confirmed by {work.who.shown}: {arrows}.{_where(follow)}", ids, follow)


def dismiss_reports(work: Work, target: str) -> Decided:
    alert_id, by_fact = _pending(work, target)
    states = ledger.fact_states(work.session)
    dismissed: list[Dismissal] = []
    ids: list[int] = []
    for fact_id, rows in by_fact.items():
        _decide(work, rows, stored.DISMISSED, stored.DISMISSED)
        now = states[fact_id].value if fact_id in states else work.catalogue[fact_id].baseline
        for value_rows in _by_value(rows):
            dismissed.append((fact_id, value_rows[0].value, now))
            ids.append(_record(work, "dismiss", alert_id, value_rows, replaced=None))
    follow = _to_chat(work, alert_id, dismissed=dismissed, ids=ids)
    parts = []
    for fact_id, value, now in dismissed:
        fact = work.catalogue[fact_id]
        parts.append(
            f"the report of {fact.label} {fact.format(value)} is marked wrong; "
            f"it stays {fact.format(now)}"
        )
    return Decided(
        f"Dismissed by {work.who.shown}: {'; '.join(parts)}.{_where(follow)}", ids, follow
    )


def _record(
    work: Work, action: str, alert_id: str | None, rows: Sequence[Claim], replaced: object
) -> int:
    """The decision ``action`` on pending reports of one fact and one value (``rows``); its id."""
    return work.record(
        action=action,
        fact_id=rows[0].fact_id,
        alert_id=alert_id,
        claim_ids=[r.id for r in rows],
        value=rows[0].value,
        replaced=replaced,
        claims_status=stored.PENDING,
    )


def _by_value(rows: Sequence[Claim]) -> list[list[Claim]]:
    groups: dict[str, list[Claim]] = {}
    for row in rows:
        groups.setdefault(row.value_key, []).append(row)
    return list(groups.values())


def _arrow(work: Work, fact_id: str, old: FactValue, new: FactValue) -> str:
    fact = work.catalogue[fact_id]
    return f"{fact.label} {fact.format(old)} → {fact.format(new)}"


def _where(follow_up: str | None) -> str:
    return " The alert is updated in its channels." if follow_up else ""


def _to_chat(
    work: Work,
    alert_id: str | None,
    *,
    ids: list[int],
    changes: Sequence[Change] = (),
    dismissed: Sequence[Dismissal] = (),
) -> str | None:
    """Revise the decided alert and store the follow-up carrying the decision."""
    parent = ledger.alert_by_id(work.session, alert_id) if alert_id else None
    if parent is None or not ids:
        return None
    card = Card.from_json(parent.card)
    actions = work.actions(parent.id)
    follow_id = work.follow_up_id(ids)
    by = cards.By(work.who.shown, work.at)
    if changes:
        revised = cards.confirmed_parent(card, changes, work.catalogue, by, actions)
        reply = cards.confirmed_card(follow_id, card, changes, work.catalogue, by)
    else:
        revised = cards.dismissed_parent(card, dismissed, work.catalogue, by, actions)
        reply = cards.dismissed_card(follow_id, card, dismissed, work.catalogue, by)
    follow = work.follow_up(parent, revised, reply)
    if follow is not None:
        stored.link_alerts(work.session, ids, follow_up_id=follow)
    return follow
