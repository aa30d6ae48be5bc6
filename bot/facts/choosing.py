"""Which of an entry's claims speaks for a fact, and how it sits with the value in force.

``bot/facts/compare.py`` asks here for the claim that decides (the most advanced state, the
latest month, a move from the value in force, the value stated most often), for past moves that
the fact never made (told late), and for levels whose own verb points the other way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from bot.facts.model import Claim, Fact, FactKind, FactValue, Modality, Strength
from bot.facts.values import same_value, value_key


def pick_claim(fact: Fact, claims: Sequence[Claim], current: FactValue) -> Claim:
    """The entry's value for a fact: the most advanced state (``hints.precedence``), the latest
    month, else a value some claim moves from the value in force ("to 30% from 145%" while 145%
    is: this fact's own move, where the item gives other layers' rates too), else one moved from
    no stated value before one moved from a value not in force, else the value
    stated most often; among claims of that value a firm one, then one stating a change, then
    the first."""
    if fact.kind is FactKind.STATE:
        rank = {state: i for i, state in enumerate(fact.hints.precedence)}
        best = min(rank.get(str(c.value), len(rank)) for c in claims)
        claims = [c for c in claims if rank.get(str(c.value), len(rank)) == best]
    elif fact.kind is FactKind.MONTH:
        latest = max(str(c.value) for c in claims)
        claims = [c for c in claims if str(c.value) == latest]
    counts = Counter((value_key(c.value), c.relative) for c in claims)
    moved = {(value_key(c.value), c.relative) for c in claims if moves_from_current(c, current)}
    return min(
        enumerate(claims),
        key=lambda ic: (
            (value_key(ic[1].value), ic[1].relative) not in moved,
            _moves_from_elsewhere(ic[1], current),
            -counts[(value_key(ic[1].value), ic[1].relative)],
            ic[1].strength is not Strength.FIRM,
            not ic[1].event,
            ic[0],
        ),
    )[1]


def _moves_from_elsewhere(claim: Claim, current: FactValue) -> bool:
    """A level moved from a value not in force ("overall rate 57% -> 47%" while 30% is): another
    measure's move, after every claim that states none."""
    previous = claim.previous
    return claim.relative is None and previous is not None and not same_value(previous, current)


def moves_from_current(claim: Claim, current: FactValue) -> bool:
    previous = claim.previous
    return (
        claim.relative is None
        and previous is not None
        and same_value(previous, current)
        and not same_value(claim.value, current)
    )


def told_late(claims: Sequence[Claim], current: FactValue) -> list[Claim]:
    """Past moves from the value in force that the fact never made ("last month the US cut its
    levies to 30% from 145%" while 145% is): a change missed, now told; weak, so it waits for a
    second source."""
    return [
        replace(c, modality=Modality.ASSERTED, strength=Strength.WEAK, event=True)
        for c in claims
        if c.relative is None
        and c.previous is not None
        and same_value(c.previous, current)
        and not same_value(c.value, current)
    ]


def against_its_verb(claim: Claim, value: FactValue, current: FactValue) -> bool:
    """A level whose verb moves it the other way from the value in force ("cut to 47%" while
    30% is): it counts something else."""
    if not claim.direction or claim.relative is not None:
        return False
    if not isinstance(value, int | float) or not isinstance(current, int | float):
        return False
    return (value - current) * claim.direction < 0
