"""A state that a move of other facts shows (``hints.outcome`` of a state fact).

"Trump cuts the fentanyl tariff on China to 10% after meeting Xi" tells the tariff's move and,
by it, the meeting's deal. Only a lowering counts (a raise after a meeting is no deal), only one
told as done or decided (asserted, a change event), and only in a sentence that names a meeting
just held (the ``after`` vocabulary); the state claim is as firm as the move it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.facts.catalogue import Catalogue
from bot.facts.lexicon import Lexicon
from bot.facts.literals import Screen
from bot.facts.model import Claim, Modality, Relative


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    fact_id: str
    state: str
    of: frozenset[str]
    after: Screen


def outcome_rules(catalogue: Catalogue, lexicon: Lexicon, *, zh: bool = False) -> list[OutcomeRule]:
    """The outcome rules of the catalogue's hints (``zh``: of their Chinese part); ValueError
    names a fact or vocabulary that does not exist."""
    rules: list[OutcomeRule] = []
    for fact, hints, at in catalogue.hints_in(zh=zh):
        hint = hints.outcome
        if hint is None:
            continue
        where = f"{at}outcome"
        unknown = [name for name in hint.of if name not in catalogue]
        if unknown:
            raise ValueError(f"{where}.of: unknown fact {unknown[0]!r}")
        if not lexicon.has(hint.after):
            raise ValueError(f"{where}.after: unknown vocabulary {hint.after!r}")
        rules.append(
            OutcomeRule(fact.id, hint.state, frozenset(hint.of), lexicon.screens[hint.after])
        )
    return rules


def lowers(claim: Claim) -> bool:
    """Whether a percent claim moves its fact down: by its verb, its prior or its amount."""
    value = claim.value
    if not isinstance(value, int | float):
        return False
    if claim.relative is Relative.ADD:
        return value < 0
    if claim.relative is Relative.MULTIPLY:
        return value < 1
    previous = claim.previous
    return claim.direction < 0 or (isinstance(previous, int | float) and value < previous)


def outcomes(claims: Sequence[Claim], rules: Sequence[OutcomeRule]) -> list[Claim]:
    """The state claims the moves among ``claims`` show, one per rule and evidence."""
    shown: dict[tuple[str, str], Claim] = {}
    for rule in rules:
        for claim in claims:
            key = (rule.fact_id, claim.evidence)
            if (
                key in shown
                or claim.fact_id not in rule.of
                or claim.modality is not Modality.ASSERTED
                or not claim.event
                or not lowers(claim)
                or not rule.after.search(claim.evidence)
            ):
                continue
            shown[key] = replace(
                claim,
                fact_id=rule.fact_id,
                value=rule.state,
                previous=None,
                relative=None,
                effective=None,
                direction=0,
            )
    return list(shown.values())
