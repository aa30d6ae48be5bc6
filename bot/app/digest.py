"""The daily digest: the day's changes and every fact's value, to digest subscribers."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.alerts.card import Card, CardKind
from bot.alerts.compose import compose_digest
from bot.app.context import AppContext
from bot.app.routing import destinations_for
from bot.store import repo
from bot.store.cards import add_card, recent_cards
from bot.store.reports import fact_reports

log = logging.getLogger(__name__)


def queue_digest(ctx: AppContext) -> int:
    """Queue today's digest in the outbox (once per day, whatever the replicas)."""
    now = repo.utcnow()
    with ctx.db.session() as session:
        # the digest covers every topic, so topic-scoped digest subscriptions take it too
        destinations = destinations_for(
            session, ctx.config.routes, CardKind.DIGEST.value, ctx.topic_ids
        )
        if not destinations:
            return 0
        since = now - timedelta(days=1)
        changes = [Card.from_json(c) for c in recent_cards(session, since, [CardKind.CHANGE.value])]
        facts = [(f.label, f.value, f.baseline) for f in fact_reports(session, ctx.catalogue)]
        card = compose_digest(now.date(), changes, facts)
        return add_card(session, card, uid=None, destinations=destinations)


async def send_digest(ctx: AppContext) -> None:
    queued = await asyncio.to_thread(queue_digest, ctx)
    log.info("digest queued for %d destinations", queued)
