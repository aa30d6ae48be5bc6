"""Parts and wholes: the level a whole fact should have once one of its parts moved.

A part (``Fact.part_of``, the fentanyl layer) of percent kind that moves by Δ moves its whole's
(the tariff on most goods) *implied* level by Δ: the level later items are expected to confirm,
and which a weak claim of it may move the whole to (``bot/facts/compare.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, ChangeStatus, FactState, FactValue
from bot.facts.values import same_value

SAME_MOVE_WINDOW = timedelta(days=7)  # a whole's change this recent may be the part's move
_MOVES = (ChangeStatus.CHANGED, ChangeStatus.CORRECTED)


def implied_values(
    changes: Sequence[Change],
    current: Mapping[str, FactState],
    catalogue: Catalogue,
    published: datetime | None = None,
) -> dict[str, FactValue]:
    """The level each whole fact should now have after its parts moved by these changes.

    A part (``Fact.part_of``) of percent kind that moves by Δ moves its whole's implied level by
    Δ, unless the whole itself moved in the same entry, or its last change, within the week
    before ``published``, was that same Δ (the whole was reported moved first: "the combined
    rate falls to 20%" the day before the order cuts the fentanyl layer by 10 points).
    """
    moved = {c.fact_id for c in changes if c.status in _MOVES}
    implied: dict[str, FactValue] = {}
    for change in changes:
        fact = catalogue.get(change.fact_id)
        if change.status not in _MOVES or fact is None or not fact.part_of:
            continue
        whole = current.get(fact.part_of)
        if whole is None or fact.part_of in moved:
            continue
        try:
            delta = float(change.new) - float(change.old)
            base = float(implied.get(fact.part_of, whole.implied or whole.value))
        except (TypeError, ValueError):
            continue
        if _counted_already(whole, delta, published):
            continue
        implied[fact.part_of] = max(0.0, base + delta)
    return implied


def _counted_already(whole: FactState, delta: float, published: datetime | None) -> bool:
    """Whether the whole's last change, within the week, already moved it by ``delta``."""
    if published is None or whole.previous is None or whole.implied is not None:
        return False
    if published - whole.since > SAME_MOVE_WINDOW:
        return False
    try:
        return same_value(float(whole.value) - float(whole.previous), delta)
    except (TypeError, ValueError):
        return False
