"""Value types of the facts room: the catalogue's facts, claims found in text, and changes.

A *claim* is what one text says about one tracked fact; a *change* is a claim judged against
the fact's current state. Values are normalised by kind: percent → ``float``, state → one of the
fact's words, month → ``"YYYY-MM"``, person → a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

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


class ChangeStatus(StrEnum):
    CHANGED = "changed"
    CONFIRMED = "confirmed"
    PROPOSED = "proposed"


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
    hints: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

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


@dataclass(frozen=True, slots=True)
class FactState:
    """A fact's value now, and since when (the date of the entry that set it)."""

    value: FactValue
    since: datetime
    entry_key: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A claim compared with the current state."""

    fact_id: str
    old: FactValue
    new: FactValue
    status: ChangeStatus
    evidence: str
    effective: date | None = None
