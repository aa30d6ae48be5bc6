"""Judge an entry's claims against each fact's state and the evidence on record.

Per fact, at most one change per entry. The rules, in order (the first that applies decides):

1. Historical claims say nothing about now and yield nothing, unless one tells a move from the
   value in force that the fact never made (a change missed, told late: weak, it waits for a
   second source). Asserted claims win over proposed
   ones; among several asserted values ``hints.precedence`` decides for states (the most
   advanced event), the latest month for months, otherwise a level moved from the value in
   force ("to 30% from 145%" while 145% is), else the value stated most often (on a
   tie a firm claim, then one stating a change); a level beats a relative claim of the same
   entry; the prior another claim of the same value gives is the chosen claim's too.
2. A relative claim ("cut by 10 points", "halved") is resolved against the current value; a fact
   whose kind has no arithmetic ignores it. One that reproduces the fact's change of the last
   week from its previous value is that change retold (an order carrying out a cut already
   announced).
3. An entry from an opinion source, or a proposed claim, is ``proposed`` when it differs from
   the current value (nothing otherwise).
4. An entry dated before the fact's current value never changes it: ``confirmed`` if it agrees,
   nothing otherwise. An asserted value equal to the current one is ``confirmed``.
5. A stated prior ("to 30% from 145%") that retells an old transition (the new value is one the
   fact had before) yields nothing: a republished or looked-back story.
6. A firm claim of a correction notice ("CORRECTED-", "an earlier version misstated ...") that
   contradicts a value set within the window is ``corrected``: the report that set it is
   withdrawn. A prior equal to the value before the fact's last change says that change was
   wrong: with an official firm claim or enough independent sources it is ``corrected``, else
   ``reported``.
7. The value a part's change implies for its whole (``implied``) moves the whole on any asserted
   claim of it.
8. A prior that fits nothing in the fact's history (neither the value in force nor the one
   before, nor an implied level) is another measure ("cut to 47% from 57%", counting other
   duties): ``noted``, however many sources repeat it. So is a whole's level below the sum of
   its parts in force (a tariff on most goods of 10% while its fentanyl layer is 20%): one part
   of it read as the whole; and a level its own verb moves the other way from the value in force
   ("cuts tariffs to 47%" while 30% is); and so is a stage of a story behind the one an entry set
   within the window (the round "held" the day after its deal: the earlier step retold), and
   the value the fact left with its last change, told again within the window with no prior
   (the duty just removed named as "the 10% duty"), unless an official firm claim or enough
   independent sources state it.
9. A firm claim with a consistent (or no) prior from a tier the policy (or the fact's own
   ``alone``) trusts alone moves the fact; so do ``sources_needed`` independent sources within
   the window (this entry and earlier reports), one of them at least stating a change. Moving
   is ``changed``.
10. Anything else asserted is ``reported`` when it states a change, and ``noted`` otherwise (a
   level mentioned in passing): kept in the evidence ledger where a later source may
   corroborate it, but shown to nobody.

Parts are judged before their wholes, so a whole's claim in the same entry sees the level its
part's change implies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.facts.catalogue import Catalogue
from bot.facts.choosing import against_its_verb, pick_claim, told_late
from bot.facts.evidence import (
    EvidencePolicy,
    Prior,
    Report,
    Source,
    Tier,
    check_prior,
    independent,
)
from bot.facts.layers import implied_values
from bot.facts.model import (
    Change,
    ChangeStatus,
    Claim,
    Fact,
    FactKind,
    FactState,
    FactValue,
    Modality,
    Relative,
    Strength,
)
from bot.facts.values import same_value, value_key


class Record(Protocol):
    """What is on record: earlier claims of a fact within the window, copies of the entry and
    its own domain left out. The store provides it; asked only when a claim needs support."""

    def reports(self, fact_id: str) -> Sequence[Report]: ...


@dataclass(frozen=True, slots=True)
class Reports:
    """A record held in memory (tests, replays of a fixed set)."""

    items: Sequence[Report] = ()

    def reports(self, fact_id: str) -> Sequence[Report]:
        return [r for r in self.items if r.fact_id == fact_id]


@dataclass(frozen=True, slots=True)
class Judgement:
    """Everything the judge needs besides the claims: when, who, and what is on record."""

    published: datetime
    source: Source
    record: Record = field(default_factory=Reports)
    policy: EvidencePolicy = field(default_factory=EvidencePolicy)


def resolve(fact: Fact, claim: Claim, current: FactValue) -> FactValue | None:
    """The level a claim states or, for a relative one, implies; None when it cannot."""
    if claim.relative is None:
        return claim.value
    if fact.kind is not FactKind.PERCENT:
        return None
    try:
        base, amount = float(current), float(claim.value)
    except (TypeError, ValueError):
        return None
    level = base + amount if claim.relative is Relative.ADD else base * amount
    return round(level, 2) if level >= 0 else None


# a delta repeating the last change this soon retells it: announced, then in force a week or two
# later ("今起下调10个百分点" on the day the cut announced eleven days before takes effect)
RETELLING_WINDOW = timedelta(days=14)


def _retold(fact: Fact, claim: Claim, state: FactState, how: Judgement) -> bool:
    """A relative claim that reproduces the fact's recent change from its previous value is
    that change retold ("cancel the 10 percent" after the cut to 10), not a second one."""
    if state.previous is None or how.published - state.since > RETELLING_WINDOW:
        return False
    again = resolve(fact, claim, state.previous)
    return again is not None and same_value(again, state.value)


def _corrects_recent(claim: Claim, state: FactState, how: Judgement) -> bool:
    """A firm claim of a correction notice ("CORRECTED-", "an earlier version misstated") that
    contradicts a value set by an entry within the window: the report that set it is withdrawn
    and its value replaced. So does the notice's plain statement that the value before that
    entry still holds ("the 20% tariff remains unchanged")."""
    restores = state.previous is not None and same_value(claim.value, state.previous)
    return (
        claim.correction
        and (claim.strength is Strength.FIRM or restores)
        and state.entry_key is not None
        and how.published - state.since <= how.policy.window
        and how.source.tier is not Tier.OPINION
    )


def _stage_behind(fact: Fact, claim: Claim, state: FactState, how: Judgement) -> bool:
    """A stage of the story (``Fact.story_stages``) behind the one an entry set within the window
    (the round "held" a day after its deal): the story's earlier step retold, not a step back;
    not a step dated ahead ("to meet on October 30"), which opens the next round."""
    stages, value = fact.story_stages, claim.value
    if claim.effective is not None and claim.effective > how.published.date():
        return False
    return (
        str(value) in stages
        and str(state.value) in stages
        and stages.index(str(value)) < stages.index(str(state.value))
        and state.entry_key is not None
        and how.published - state.since <= how.policy.window
    )


def _back_soon(
    fact: Fact, claim: Claim, value: FactValue, state: FactState, how: Judgement
) -> bool:
    """The value the fact left with its last change, told again within the window with no prior
    and no correction notice ("removing the basis for the 10% duty" the hour the duty ended):
    the old value retold, not a move back, unless enough sources or an official one say so.
    Not a story's stage (a round held after the next one was scheduled is the next round's)."""
    return (
        state.previous is not None
        and str(value) not in fact.story_stages
        and same_value(value, state.previous)
        and claim.previous is None
        and not claim.correction
        and state.entry_key is not None
        and how.published - state.since <= how.policy.window
    )


# a stage told again this long after the entry that set it is the next round's (talks held in
# Stockholm weeks after the round held in London), not the last one retold
NEXT_ROUND_AFTER = timedelta(days=7)


def _next_round(fact: Fact, claim: Claim, state: FactState, how: Judgement) -> bool:
    """The stage in force (``Fact.story_stages``) stated again, firmly and as an event, long
    after the entry that set it: a new round reached the same stage. Not the story's last stage
    (a deal "reached" weeks later is mostly the old one retold, or another topic's framework)."""
    stages = fact.story_stages
    return (
        str(claim.value) in stages[:-1]
        and claim.event
        and claim.strength is Strength.FIRM
        and state.entry_key is not None
        and how.published - state.since > NEXT_ROUND_AFTER
    )


def _status(
    fact: Fact,
    claim: Claim,
    value: FactValue,
    state: FactState,
    how: Judgement,
    floor: float | None = None,
) -> tuple[ChangeStatus | None, list[Report]]:
    """The status of an asserted claim of ``value`` (different from the current value);
    ``floor``: the sum of the fact's parts in force, below which no level of it is believed."""
    prior = check_prior(value, claim.previous, state)
    if prior is Prior.STALE:
        return None, []
    if floor is not None and isinstance(value, int | float) and value < floor:
        return ChangeStatus.NOTED, []  # a part's rate read as the whole
    key = value_key(value)
    support = independent(
        (r for r in how.record.reports(fact.id) if value_key(r.value) == key),
        how.source.domain,
    )
    sources = 1 + len(support)
    enough = sources >= how.policy.sources_needed
    official_firm = how.source.tier is Tier.OFFICIAL and claim.strength is Strength.FIRM
    stated = claim.event or any(r.status in _STATED for r in support)
    if _corrects_recent(claim, state, how):
        return ChangeStatus.CORRECTED, support
    if prior is Prior.CONTRADICTS:
        if (enough and stated) or official_firm:
            return ChangeStatus.CORRECTED, support
        return ChangeStatus.REPORTED, support
    if _back_soon(fact, claim, value, state, how) and not ((enough and stated) or official_firm):
        return ChangeStatus.NOTED, support  # the value just left, retold
    if _stage_behind(fact, claim, state, how):
        return ChangeStatus.NOTED, support  # "reached consensus in the resumed talks": retold
    if against_its_verb(claim, value, state.value):
        return ChangeStatus.NOTED, support  # "cuts tariffs to 47%" while 30% is: another measure
    if state.implied is not None and same_value(value, state.implied):
        return ChangeStatus.CHANGED, support
    trusted = {Tier(tier) for tier in fact.alone} if fact.alone else how.policy.alone
    alone = (
        claim.strength is Strength.FIRM
        and prior in (Prior.UNKNOWN, Prior.CONSISTENT)
        and how.source.tier in trusted
    )
    if prior is Prior.INCONSISTENT:
        return ChangeStatus.NOTED, support  # a prior that fits nothing: another measure
    if alone or (enough and stated):
        return ChangeStatus.CHANGED, support
    if claim.event:
        return ChangeStatus.REPORTED, support
    return ChangeStatus.NOTED, support


def _judge_fact(
    fact: Fact,
    claims: Sequence[Claim],
    state: FactState,
    how: Judgement,
    floor: float | None = None,
) -> Change | None:
    mine = [c for c in claims if c.modality is not Modality.HISTORICAL] or told_late(
        claims, state.value
    )
    if not mine:
        return None
    asserted = [c for c in mine if c.modality is Modality.ASSERTED]
    levels = [c for c in asserted if c.relative is None]
    claim = pick_claim(fact, levels or asserted or mine, state.value)  # a level says the result
    if claim.previous is None:  # a headline's "to 125%" and its body's "to 125% from 84%"
        prior = next(
            (
                c.previous
                for c in mine
                if c.previous is not None and same_value(c.value, claim.value)
            ),
            None,
        )
        claim = replace(claim, previous=prior) if prior is not None else claim
    value = resolve(fact, claim, state.value)
    if value is None:
        return None
    if claim.relative is not None and _retold(fact, claim, state, how):
        value = state.value
    equal = same_value(value, state.value)
    support: list[Report] = []
    status: ChangeStatus | None
    if claim.modality is Modality.PROPOSED or how.source.tier is Tier.OPINION:
        status = None if equal or how.published < state.since else ChangeStatus.PROPOSED
    elif equal and not _next_round(fact, claim, state, how):
        status = ChangeStatus.CONFIRMED
    elif how.published < state.since:
        status = None
    else:
        status, support = _status(fact, claim, value, state, how, floor)
    if status is None:
        return None
    return Change(
        fact_id=fact.id,
        old=state.value,
        new=value,
        status=status,
        evidence=claim.evidence,
        effective=claim.effective,
        sources=1 + len(support),
        supports=tuple(r.entry_key for r in support),
        corrects=state.entry_key if status is ChangeStatus.CORRECTED else None,
    )


def compare(
    claims: Sequence[Claim],
    current: Mapping[str, FactState],
    catalogue: Catalogue,
    how: Judgement,
) -> list[Change]:
    """The changes an entry makes, in catalogue order (see the module docstring)."""
    found: dict[str, Change] = {}
    states = dict(current)
    parts_first = sorted(catalogue.items(), key=lambda item: item[1].part_of is None)
    for fact_id, fact in parts_first:
        state = states.get(fact_id)
        mine = [c for c in claims if c.fact_id == fact_id]
        if state is None or not mine:
            continue
        floor = _parts_in_force(fact_id, states, found, catalogue)
        change = _judge_fact(fact, mine, state, how, floor)
        if change is None:
            continue
        found[fact_id] = change
        for whole, level in implied_values([change], states, catalogue, how.published).items():
            states[whole] = replace(states[whole], implied=level)
    return [found[fact_id] for fact_id in catalogue if fact_id in found]


def _parts_in_force(
    whole: str, states: Mapping[str, FactState], found: Mapping[str, Change], catalogue: Catalogue
) -> float | None:
    """The sum of a whole fact's percent parts as this entry leaves them, if it has parts."""
    total: float | None = None
    for part_id, part in catalogue.items():
        if part.part_of != whole or part.kind is not FactKind.PERCENT or part_id not in states:
            continue
        change = found.get(part_id)
        value = change.new if change and change.status in _MOVES else states[part_id].value
        if isinstance(value, int | float):
            total = (total or 0.0) + float(value)
    return total


_MOVES = (ChangeStatus.CHANGED, ChangeStatus.CORRECTED)


_STATED = ("reported", "corroborated", "changed", "corrected")  # ledger rows that state a change
