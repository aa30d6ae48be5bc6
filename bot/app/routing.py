"""Which destinations get an alert of a given kind and topics.

Destinations are the config's ``routes`` plus the channels subscribed from chat (stored). A route
or subscription with topics only takes alerts sharing one of them; without topics it takes all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.config import RouteConfig
from bot.store import repo
from bot.store.db import Unit


def destinations_for(
    session: Unit, routes: Sequence[RouteConfig], kind: str, topics: Iterable[str]
) -> set[str]:
    topic_set = set(topics)
    chosen = {
        route.to
        for route in routes
        if kind in route.kinds and (not route.topics or topic_set & set(route.topics))
    }
    for sub in repo.unit_subscriptions(session):
        if kind in sub.kinds and (not sub.topic or sub.topic in topic_set):
            chosen.add(sub.destination)
    return chosen


def routes_kind(session: Unit, routes: Sequence[RouteConfig], kind: str) -> bool:
    """Whether any route or subscription takes alerts of ``kind`` at all."""
    if any(kind in route.kinds for route in routes):
        return True
    return any(kind in sub.kinds for sub in repo.subscriptions(session))
