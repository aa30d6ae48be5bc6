"""Correct the value an alert announced ("Wrong value"), or set a fact outright.

The order of the checks for a correction from an alert, each refusing with its own answer:

1. the fact is tracked and the value is of its kind, the source (if any) an http(s) link;
2. the alert exists and announced a value of that fact (a change it raised or a report a
   reviewer or a second source confirmed, or an earlier decision on it);
3. the fact still has the value the alert shows (else *moved*: a later change came; setting the
   fact is still possible with ``/fentanyl set``);
4. the value differs from the fact's (else *unchanged*).

A set checks 1 and 4; it follows up the alert that announced the fact's current value, if
any, else raises a new change alert. Either way the fact is corrected as of the decision's time
(``corrected`` in its history), the claims behind the wrong value become ``dismissed``, and
pending reports of other values are superseded.
"""

from __future__ import annotations

import hashlib

from bot.alerts.card import Card
from bot.facts.model import Change, ChangeStatus, Fact, FactState, FactValue
from bot.facts.values import same_value, value_key
from bot.review import cards
from bot.review.actions import review_actions
from bot.review.values import Problem, Refused, check_source, find_fact, parse_value
from bot.review.work import ANNOUNCING, Decided, Work
from bot.store import decisions as stored
from bot.store import ledger


def _announced(work: Work, alert_id: str, fact: Fact) -> FactValue | None:
    """The value of ``fact`` that alert ``alert_id`` shows now, if it shows one."""
    for decision in stored.decisions(work.session, alert_id=alert_id, limit=20):
        if decision.fact_id == fact.id and decision.action in ANNOUNCING:
            return decision.value
    claims = [
        c
        for c in stored.claims_of_alert(work.session, alert_id)
        if c.fact_id == fact.id and c.status in stored.ANNOUNCED
    ]
    return claims[-1].value if claims else None


def _locked(work: Work, fact: Fact) -> FactState:
    state = ledger.lock_fact(work.session, fact.id)
    if state is None:
        raise Refused(Problem.UNKNOWN_FACT, f"The fact {fact.id} has no state on record.")
    return state


def _unchanged(fact: Fact, state: FactState, value: FactValue) -> None:
    if same_value(value, state.value):
        raise Refused(
            Problem.UNCHANGED, f"{fact.label} is already {fact.format(value)}; nothing changed."
        )


def correct_alert(
    work: Work, alert_id: str, fact_name: str, raw: str, source: str | None
) -> Decided:
    fact = find_fact(work.catalogue, fact_name)
    value = parse_value(fact, raw)
    link = check_source(source)
    parent = ledger.alert_by_id(work.session, alert_id)
    if parent is None:
        shown = alert_id if len(alert_id) <= 64 else alert_id[:63] + "…"
        raise Refused(Problem.NOT_FOUND, f"No alert {shown} is on record.")
    announced = _announced(work, alert_id, fact)
    set_instead = f"/fentanyl set {fact.id} {fact.format(value)}"
    if announced is None:
        raise Refused(
            Problem.NOTHING_TO_DECIDE,
            f"Alert {alert_id} announces no change of {fact.label}; nothing changed. "
            f"To set it anyway: {set_instead}",
        )
    state = _locked(work, fact)
    if not same_value(state.value, announced):
        raise Refused(
            Problem.MOVED,
            f"{fact.label} has moved to {fact.format(state.value)} since this alert "
            f"({state.since:%Y-%m-%d}); nothing changed. To set it anyway: {set_instead}",
        )
    _unchanged(fact, state, value)
    return _correct(work, fact, state, value, link, parent, action="correct")


def set_fact(work: Work, fact_name: str, raw: str, source: str | None) -> Decided:
    fact = find_fact(work.catalogue, fact_name)
    value = parse_value(fact, raw)
    link = check_source(source)
    state = _locked(work, fact)
    _unchanged(fact, state, value)
    parent = ledger.top_alert_of_entry(work.session, state.entry_key) if state.entry_key else None
    return _correct(work, fact, state, value, link, parent, action="set")


def _correct(
    work: Work,
    fact: Fact,
    state: FactState,
    value: FactValue,
    link: str,
    parent: ledger.AlertRef | None,
    *,
    action: str,
) -> Decided:
    wrong = state.value
    change = Change(
        fact_id=fact.id,
        old=wrong,
        new=value,
        status=ChangeStatus.CORRECTED,
        evidence=f"{'Set' if action == 'set' else 'Corrected'} by {work.who.shown}",
        corrects=state.entry_key,
    )
    claims = []
    if parent is not None:
        claims = [
            c
            for c in stored.claims_of_alert(work.session, parent.id)
            if c.fact_id == fact.id
            and c.status in stored.ANNOUNCED
            and c.value_key == value_key(wrong)
        ]
    uid = state.entry_key if parent is not None and state.entry_key else _review_uid(work, fact)
    title = f"{change.evidence} ({work.who.account})"
    ledger.apply_changes(
        work.session,
        [change],
        uid=uid,
        published=work.at,
        source=ledger.SourceRef(feed="review", title=title, link=link),
    )
    ledger.pending_reports_superseded(work.session, [change])
    stored.decide_claims(
        work.session,
        [c.id for c in claims],
        stored.DISMISSED,
        decided_by=work.who.signature,
        decided_at=work.at,
        was=stored.ANNOUNCED,
    )
    decision = work.record(
        action=action,
        fact_id=fact.id,
        alert_id=parent.id if parent is not None else None,
        claim_ids=[c.id for c in claims],
        value=value,
        replaced=wrong,
        claims_status=claims[0].status if claims else None,
        source=link,
    )
    follow = _to_chat(work, change, link, parent, uid, decision)
    verb = "Set" if action == "set" else "Corrected"
    text = (
        f"{verb} by {work.who.shown}: {fact.label} is now {fact.format(value)} "
        f"(was {fact.format(wrong)})."
    )
    if follow is not None:
        text += " The alert is updated in its channels." if parent else " Alerted."
    return Decided(text, [decision], follow)


def _review_uid(work: Work, fact: Fact) -> str:
    """The key a set with no alert to follow up is recorded under (in place of an entry's)."""
    seed = f"{fact.id}\x1f{work.at.isoformat()}\x1f{work.who.account}"
    return "review-" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def _to_chat(
    work: Work,
    change: Change,
    link: str,
    parent: ledger.AlertRef | None,
    uid: str,
    decision: int,
) -> str | None:
    follow_id = work.follow_up_id([decision])
    by = cards.By(work.who.shown, work.at)
    fact = work.catalogue[change.fact_id]
    if parent is None:
        actions = review_actions(
            follow_id, pending=False, moved=[(fact.id, fact.label)], services=work.services
        )
        card = cards.corrected_card(
            follow_id,
            change,
            work.catalogue,
            by,
            source=link,
            parent=None,
            topics=fact.topics,
            actions=actions,
        )
        raised = work.new_alert(card, uid, fact.topics)
        if raised is not None:
            stored.link_alerts(work.session, [decision], alert_id=raised, follow_up_id=raised)
        return raised
    parent_card = Card.from_json(parent.card)
    actions = work.actions(parent.id)
    revised = cards.corrected_parent(
        parent_card, change, work.catalogue, by, source=link, actions=actions
    )
    reply = cards.corrected_card(
        follow_id, change, work.catalogue, by, source=link, parent=parent_card
    )
    follow = work.follow_up(parent, revised, reply)
    if follow is not None:
        stored.link_alerts(work.session, [decision], follow_up_id=follow)
    return follow
