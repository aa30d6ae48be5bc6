"""compare(): claims judged against the current state, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.catalogue import Catalogue
from bot.facts.compare import compare
from bot.facts.model import ChangeStatus, Claim, FactState, Modality

A, P, H = Modality.ASSERTED, Modality.PROPOSED, Modality.HISTORICAL
SINCE = datetime(2025, 5, 2, tzinfo=UTC)
LATER = datetime(2025, 6, 1, tzinfo=UTC)
EARLIER = datetime(2025, 4, 1, tzinfo=UTC)


def state(catalogue: Catalogue, **overrides: object) -> dict[str, FactState]:
    current = {k: FactState(f.baseline, SINCE) for k, f in catalogue.items()}
    for key, value in overrides.items():
        current[key.replace("_", "-")] = FactState(value, SINCE)  # type: ignore[arg-type]
    return current


def claim(fact: str, value: object, modality: Modality = A) -> Claim:
    return Claim(fact, value, modality, "evidence")  # type: ignore[arg-type]


CASES = [
    # (claims, published, expected [(fact, old, new, status)])
    (
        [claim("us-tariff-china", 30.0)],
        LATER,
        [("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED)],
    ),
    (
        [claim("us-tariff-china", 145.0)],
        LATER,
        [("us-tariff-china", 145.0, 145.0, ChangeStatus.CONFIRMED)],
    ),
    (
        [claim("us-tariff-china", 50.0, P)],
        LATER,
        [("us-tariff-china", 145.0, 50.0, ChangeStatus.PROPOSED)],
    ),
    ([claim("us-tariff-china", 145.0, P)], LATER, []),
    ([claim("us-tariff-china", 145.0, H), claim("china-tariff-us", 84.0, H)], LATER, []),
    # an entry older than the current value never changes it
    ([claim("us-tariff-china", 104.0)], EARLIER, []),
    (
        [claim("us-tariff-china", 145.0)],
        EARLIER,
        [("us-tariff-china", 145.0, 145.0, ChangeStatus.CONFIRMED)],
    ),
    # asserted beats proposed; at most one change per fact
    (
        [claim("us-tariff-china", 50.0, P), claim("us-tariff-china", 30.0)],
        LATER,
        [("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED)],
    ),
    (
        [
            claim("us-tariff-china", 30.0),
            claim("us-tariff-china", 30.0),
            claim("us-tariff-china", 145.0),
        ],
        LATER,
        [("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED)],
    ),
    # state precedence: the most advanced event of the entry wins
    (
        [
            claim("trade-talks", "held"),
            claim("trade-talks", "agreement"),
            claim("trade-talks", "scheduled"),
        ],
        LATER,
        [("trade-talks", "evaluating", "agreement", ChangeStatus.CHANGED)],
    ),
    (
        [claim("trade-talks", "agreement"), claim("trade-talks", "stalled")],
        LATER,
        [("trade-talks", "evaluating", "stalled", ChangeStatus.CHANGED)],
    ),
    # months: the latest named wins
    (
        [
            claim("china-precursor-controls", "2025-03"),
            claim("china-precursor-controls", "2025-06"),
        ],
        LATER,
        [("china-precursor-controls", "2024-09", "2025-06", ChangeStatus.CHANGED)],
    ),
    # people compare without case or spacing differences
    (
        [claim("china-fentanyl-envoy", "wang  xiaohong")],
        LATER,
        [("china-fentanyl-envoy", "Wang Xiaohong", "wang  xiaohong", ChangeStatus.CONFIRMED)],
    ),
]


@pytest.mark.parametrize(("claims", "published", "expected"), CASES)
def test_compare_rules(
    catalogue: Catalogue, claims: list, published: datetime, expected: list
) -> None:
    changes = compare(claims, state(catalogue), catalogue, published)
    assert [(c.fact_id, c.old, c.new, c.status) for c in changes] == expected


def test_compare_uses_the_current_state_not_the_baseline(catalogue: Catalogue) -> None:
    current = state(catalogue, us_tariff_china=30.0)
    first = compare([claim("us-tariff-china", 30.0)], current, catalogue, LATER)
    assert [(c.old, c.status) for c in first] == [(30.0, ChangeStatus.CONFIRMED)]
    again = compare([claim("us-tariff-china", 145.0)], current, catalogue, LATER)
    assert [(c.old, c.new, c.status) for c in again] == [(30.0, 145.0, ChangeStatus.CHANGED)]
