"""Value types of the facts room: the catalogue's facts, claims found in text, and changes.

A *claim* is what one text says about one tracked fact; a *change* is a claim judged against
the fact's current state. Values are normalised by kind: percent → ``float``, state → one of the
fact's words, month → ``"YYYY-MM"``, person → a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.facts.hints import Hints

FactValue = float | str


class FactKind(StrEnum):
    PERCENT = "percent"
    STATE = "state"
    MONTH = "month"
    PERSON = "person"


class Modality(StrEnum):
    """How a text holds a claim."""

    ASSERTED = "asserted"  # in force now, or decided with an effective date
    PROPOSED = "proposed"  # threatened, planned, considered, conditional
    HISTORICAL = "historical"  # a restatement of the past


class Strength(StrEnum):
    """How firmly a text asserts a claim (see ``bot/facts/extract.py`` for the rules)."""

    FIRM = "firm"  # a decision or a change in force, by a named actor, in the item's own voice
    WEAK = "weak"  # asserted, but a level mentioned in passing, second-hand, or bound loosely


class ChangeStatus(StrEnum):
    CHANGED = "changed"  # the fact now takes this value
    CORRECTED = "corrected"  # the fact's value was wrong; corroborated evidence corrects it
    REPORTED = "reported"  # a claimed change that does not (yet) move the fact
    CONFIRMED = "confirmed"  # restates the current value
    PROPOSED = "proposed"  # threatened, planned, forecast, wished, an opinion
    NOTED = "noted"  # a level stated in passing that differs: kept as evidence, said to nobody


class Relative(StrEnum):
    """A change stated without a level, resolved against the fact's current value."""

    ADD = "add"  # "cut by 10 percentage points": amount −10
    MULTIPLY = "multiply"  # "halved": amount 0.5


@dataclass(frozen=True, slots=True)
class Fact:
    """One tracked fact of the catalogue (loaded from ``seeds/``)."""

    id: str
    label: str
    kind: FactKind
    baseline: FactValue
    as_of: date
    citation: str
    evidence: str
    states: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    unit: str = ""
    part_of: str | None = None  # a whole fact this one is a part of (its level moves with it)
    story_stages: tuple[str, ...] = ()  # states one story goes through, in order
    # source tiers whose single firm claim moves this fact (empty: the evidence policy's)
    alone: tuple[str, ...] = ()
    hints: Hints = field(default_factory=Hints, compare=False, hash=False)

    def format(self, value: FactValue | None) -> str:
        if value is None:
            return "unknown"
        if self.kind is FactKind.PERCENT and isinstance(value, float | int):
            return f"{value:g}%"
        return str(value)


@dataclass(frozen=True, slots=True)
class Claim:
    """What one text says about one fact."""

    fact_id: str
    value: FactValue
    modality: Modality
    evidence: str
    effective: date | None = None
    previous: FactValue | None = None  # the "from" value the text gives, if any
    strength: Strength = Strength.FIRM
    relative: Relative | None = None  # then ``value`` is the amount, not the level
    event: bool = True  # states a change or decision (False: a level mentioned as it stands)
    correction: bool = False  # said by an item that corrects an earlier report
    direction: int = 0  # a level's verb: -1 lowers it ("cut to"), +1 raises it, 0 neither


@dataclass(frozen=True, slots=True)
class FactState:
    """A fact's value now, and since when (the date of the entry that set it).

    ``entry_key`` is the entry whose claim set the value (``None`` for the baseline);
    ``previous`` the value before it; ``history`` every earlier value, oldest first;
    ``implied`` the value a part's later change implies for a whole (see ``Fact.part_of``).
    """

    value: FactValue
    since: datetime
    entry_key: str | None = None
    previous: FactValue | None = None
    history: tuple[FactValue, ...] = ()
    implied: FactValue | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A claim compared with the current state."""

    fact_id: str
    old: FactValue
    new: FactValue
    status: ChangeStatus
    evidence: str
    effective: date | None = None
    sources: int = 1  # independent sources for the new value, this entry's included
    supports: tuple[str, ...] = ()  # entry keys of earlier reports of this value it corroborates
    corrects: str | None = None  # the entry key whose change this one corrects
