"""When a claim retells what a fact already went through, or reaches it again: the time rules of
:func:`bot.facts.compare.compare` (a delta repeating the last change, a correction notice, a
story's stage behind the one just set or reached again by the next round, the value just left
told again soon), and :func:`resolve`, the level a relative claim implies."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.facts.evidence import Tier
from bot.facts.model import Claim, Fact, FactKind, FactState, FactValue, Relative, Strength
from bot.facts.values import same_value

if TYPE_CHECKING:
    from bot.facts.compare import Judgement


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


def retold(fact: Fact, claim: Claim, state: FactState, how: Judgement) -> bool:
    """A relative claim that reproduces the fact's recent change from its previous value is
    that change retold ("cancel the 10 percent" after the cut to 10), not a second one."""
    if state.previous is None or how.published - state.since > RETELLING_WINDOW:
        return False
    again = resolve(fact, claim, state.previous)
    return again is not None and same_value(again, state.value)


def corrects_recent(claim: Claim, state: FactState, how: Judgement) -> bool:
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


def stage_behind(fact: Fact, claim: Claim, state: FactState, how: Judgement) -> bool:
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


def back_soon(fact: Fact, claim: Claim, value: FactValue, state: FactState, how: Judgement) -> bool:
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


def next_round(fact: Fact, claim: Claim, state: FactState, how: Judgement) -> bool:
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
