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
part's change implies. The rules of time (2, 6 and 8: what retells a change already made, what
a correction notice withdraws, a story's stages) are in :mod:`bot.facts.retelling`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
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
    Strength,
)
from bot.facts.retelling import (
    back_soon,
    corrects_recent,
    next_round,
    resolve,
    retold,
    stage_behind,
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
    backed = (enough and stated) or official_firm  # corroborated, or an official's firm word
    if corrects_recent(claim, state, how):
        return ChangeStatus.CORRECTED, support
    if prior is Prior.CONTRADICTS:
        return (ChangeStatus.CORRECTED if backed else ChangeStatus.REPORTED), support
    if back_soon(fact, claim, value, state, how) and not backed:
        return ChangeStatus.NOTED, support  # the value just left, retold
    if stage_behind(fact, claim, state, how):
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
    if claim.relative is not None and retold(fact, claim, state, how):
        value = state.value
    equal = same_value(value, state.value)
    support: list[Report] = []
    status: ChangeStatus | None
    if claim.modality is Modality.PROPOSED or how.source.tier is Tier.OPINION:
        status = None if equal or how.published < state.since else ChangeStatus.PROPOSED
    elif equal and not next_round(fact, claim, state, how):
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
