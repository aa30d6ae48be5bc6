"""Wiring of the reviewers' decisions: the :class:`~bot.review.decide.Decisions` of a store and
config, new alerts (a set with no alert to follow up) routed by the config's routes and the chat
subscriptions, buttons shown on the services that have reviewers. The command line is in
``bot/app/review_cli.py``."""

from __future__ import annotations

from collections.abc import Sequence

from bot.app.routing import destinations_for
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.review.actions import services_with_reviewers
from bot.review.decide import Decisions
from bot.store.db import Database, Unit


def decisions_for(db: Database, catalogue: Catalogue, config: BotConfig) -> Decisions:
    routes = list(config.routes)

    def route(session: Unit, kind: str, topics: Sequence[str]) -> set[str]:
        return destinations_for(session, routes, kind, topics)

    return Decisions(db, catalogue, route=route, services=services_with_reviewers(config.review))
