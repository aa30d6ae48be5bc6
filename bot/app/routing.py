"""Which destinations get an alert of a given kind and topics.

Destinations are the config's ``routes`` plus the channels subscribed from chat (stored). A route
or subscription with topics only takes alerts sharing one of them; without topics it takes all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from bot.config import RouteConfig
from bot.store import repo
from bot.store.models import SubscriptionRow


def _subscriptions(session: Session) -> list[SubscriptionRow]:
    """The stored subscriptions; read once per transaction when the session asks for it
    (``session.info["cache_subscriptions"]``: the pipeline's batches)."""
    if not session.info.get("cache_subscriptions"):
        return repo.subscriptions(session)
    cached = session.info.get("subscriptions")
    if cached is None:
        cached = session.info["subscriptions"] = repo.subscriptions(session)
    return list(cached)


def destinations_for(
    session: Session, routes: Sequence[RouteConfig], kind: str, topics: Iterable[str]
) -> set[str]:
    topic_set = set(topics)
    chosen = {
        route.to
        for route in routes
        if kind in route.kinds and (not route.topics or topic_set & set(route.topics))
    }
    for sub in _subscriptions(session):
        if kind in sub.kinds and (not sub.topic or sub.topic in topic_set):
            chosen.add(sub.destination)
    return chosen


def routes_kind(session: Session, routes: Sequence[RouteConfig], kind: str) -> bool:
    """Whether any route or subscription takes alerts of ``kind`` at all."""
    if any(kind in route.kinds for route in routes):
        return True
    return any(kind in sub.kinds for sub in repo.subscriptions(session))
