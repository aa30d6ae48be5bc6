"""Judge an entry's claims against the current state of each fact.

Rules, per fact (at most one change per fact per entry):

- historical claims say nothing about now and yield nothing;
- asserted claims win over proposed ones; among several asserted values the fact's
  ``hints.precedence`` decides for states (the most advanced event), the latest month for months,
  and otherwise the value the entry states most often (the first on a tie);
- an entry dated before the fact's current value (``current.since``) never changes it: it yields
  ``confirmed`` when it agrees and nothing otherwise;
- an asserted value equal to the current one is ``confirmed``, a different one ``changed``;
- a proposed value different from the current one is ``proposed`` (an equal one says nothing new).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, ChangeStatus, Claim, Fact, FactKind, FactState, Modality


def _same(fact: Fact, left: object, right: object) -> bool:
    if fact.kind is FactKind.PERCENT:
        try:
            return abs(float(str(left)) - float(str(right))) < 1e-9
        except ValueError:
            return False
    if fact.kind is FactKind.PERSON:
        return " ".join(str(left).lower().split()) == " ".join(str(right).lower().split())
    return str(left).lower() == str(right).lower()


def _pick(fact: Fact, claims: Sequence[Claim]) -> Claim:
    if fact.kind is FactKind.STATE:
        order = [str(s) for s in fact.hints.get("precedence", [])] if fact.hints else []
        rank = {state: i for i, state in enumerate(order)}
        return min(claims, key=lambda c: rank.get(str(c.value), len(rank)))
    if fact.kind is FactKind.MONTH:
        return max(claims, key=lambda c: str(c.value))
    counts = Counter(str(c.value) for c in claims)
    best = max(counts.values())
    return next(c for c in claims if counts[str(c.value)] == best)


def compare(
    claims: Sequence[Claim],
    current: Mapping[str, FactState],
    catalogue: Catalogue,
    published: datetime,
) -> list[Change]:
    """The changes an entry published at ``published`` makes, in catalogue order."""
    changes: list[Change] = []
    for fact_id, fact in catalogue.items():
        state = current.get(fact_id)
        mine = [c for c in claims if c.fact_id == fact_id and c.modality is not Modality.HISTORICAL]
        if state is None or not mine:
            continue
        asserted = [c for c in mine if c.modality is Modality.ASSERTED]
        claim = _pick(fact, asserted or mine)
        equal = _same(fact, claim.value, state.value)
        if claim.modality is Modality.PROPOSED:
            status = None if equal or published < state.since else ChangeStatus.PROPOSED
        elif equal:
            status = ChangeStatus.CONFIRMED
        elif published < state.since:
            status = None
        else:
            status = ChangeStatus.CHANGED
        if status is not None:
            changes.append(
                Change(
                    fact_id=fact_id,
                    old=state.value,
                    new=claim.value,
                    status=status,
                    evidence=claim.evidence,
                    effective=claim.effective,
                )
            )
    return changes
