"""A state an item says still awaits somebody's approval (``hints.awaiting`` of a state fact).

"The teams agreed a framework and will take it to the two presidents for approval": the deal is
not made yet, the round was held. Where the ``markers`` vocabulary occurs anywhere in the item
(title or body: the approval is often told a sentence away from the deal), each asserted claim
of a state that ``states`` maps counts as the state it maps to. Proposed claims stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.facts.catalogue import Catalogue
from bot.facts.lexicon import Lexicon
from bot.facts.literals import Screen
from bot.facts.model import Claim, Modality


@dataclass(frozen=True, slots=True)
class AwaitingRule:
    fact_id: str
    states: Mapping[str, str]
    markers: Screen


def awaiting_rules(
    catalogue: Catalogue, lexicon: Lexicon, *, zh: bool = False
) -> list[AwaitingRule]:
    """The awaiting rules of the catalogue's hints (``zh``: of their Chinese part); ValueError
    names a vocabulary that does not exist."""
    rules: list[AwaitingRule] = []
    for fact, hints, where in catalogue.hints_in(zh=zh):
        hint = hints.awaiting
        if hint is None:
            continue
        if not lexicon.has(hint.markers):
            raise ValueError(f"{where}awaiting.markers: unknown vocabulary {hint.markers!r}")
        rules.append(AwaitingRule(fact.id, dict(hint.states), lexicon.screens[hint.markers]))
    return rules


def awaiting(claims: Sequence[Claim], rules: Sequence[AwaitingRule], item: str) -> list[Claim]:
    """``claims`` with the states the item says still await approval mapped (``item``: the
    item's whole text)."""
    pending = {rule.fact_id: rule.states for rule in rules if rule.markers.search(item)}
    if not pending:
        return list(claims)
    return [
        replace(claim, value=pending[claim.fact_id][str(claim.value)])
        if claim.fact_id in pending
        and claim.modality is Modality.ASSERTED
        and str(claim.value) in pending[claim.fact_id]
        else claim
        for claim in claims
    ]
