"""Feed items carrying fact changes, written for these tests (invented events, our own words).

Every item moves one percent fact to a value no other item gives that fact, and all items carry
the same publication time (an entry dated before a fact's current value never changes it), so
each item is a change whatever order the replicas judge them in.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.alerts.card import CardKind
from bot.alerts.compose import alert_id
from bot.store.repo import entry_uid

from .servers import Item

TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "us-tariff-china": [
        (
            "Washington sets its tariff on Chinese goods at {v} percent",
            "The White House set the tariff on most goods from China at {v} percent on "
            "{day}, in force immediately, officials in Washington said.",
        ),
        (
            "US moves duties on imports from China to {v} percent",
            "The United States changed its tariff on most imports from China to {v} percent, "
            "effective at once, the Treasury said on {day}.",
        ),
    ],
    "china-tariff-us": [
        (
            "Beijing moves its tariff on American goods to {v} percent",
            "China set its tariff on most US goods at {v} percent on {day}, in force "
            "immediately, the commerce ministry in Beijing said.",
        ),
    ],
}
BASELINES = {"us-tariff-china": 145, "china-tariff-us": 125}
RESERVED = {100, 232, 301}  # read as statute sections (232, 301), or a round hundred
# a level under the sum of a fact's parts in force (the US fentanyl layer, 20%) is read as one
# part taken for the whole and only noted, so no item sets a fact below it
FLOORS = {"us-tariff-china": 20}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def change_items(count: int, *, seed: int, prefix: str = "chg") -> list[Item]:
    """``count`` items, each a change of one fact to a value unique to it; newest last."""
    rng = random.Random(seed)
    values = [v for v in range(5, 400) if v not in RESERVED]
    pools = {
        fact: rng.sample(
            [v for v in values if v != BASELINES[fact] and v > FLOORS.get(fact, 0)], 350
        )
        for fact in TEMPLATES
    }
    facts = list(TEMPLATES)
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
    items = []
    for index in range(count):
        fact = facts[index % len(facts)]
        value = pools[fact].pop()
        title, text = rng.choice(TEMPLATES[fact])
        day = rng.choice(DAYS)
        items.append(
            Item(
                guid=f"{prefix}-{index:04d}",
                title=title.format(v=value),
                text=text.format(v=value, day=day),
                published=published,
            )
        )
    return items


def change_alert_id(feed: str, item: Item) -> str:
    return alert_id(entry_uid(feed, item.guid), CardKind.CHANGE)
