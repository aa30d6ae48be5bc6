"""The daily digest: the day's changes and every fact's value, to digest subscribers."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.alerts.compose import compose_digest
from bot.app.context import AppContext
from bot.app.routing import destinations_for
from bot.store import repo
from bot.store.reports import fact_reports

log = logging.getLogger(__name__)


def queue_digest(ctx: AppContext) -> int:
    """Queue today's digest in the outbox (once per day, whatever the replicas)."""
    now = repo.utcnow()
    with ctx.db.session() as session:
        # the digest covers every topic, so topic-scoped digest subscriptions take it too
        destinations = destinations_for(session, ctx.config.routes, "digest", ctx.topic_ids)
        if not destinations:
            return 0
        alerts = repo.recent_alerts(session, now - timedelta(days=1), ["changes"])
        headlines = [(a.card.get("title", ""), a.card.get("link", "")) for a in alerts]
        facts = [(f.label, f.value, f.baseline) for f in fact_reports(session, ctx.catalogue)]
        card = compose_digest(now.date(), headlines, facts)
        return repo.add_alert(
            session,
            alert_id=card.id,
            kind="digest",
            uid=None,
            card=card.to_json(),
            topics=(),
            destinations=destinations,
        )


async def send_digest(ctx: AppContext) -> None:
    queued = await asyncio.to_thread(queue_digest, ctx)
    log.info("digest queued for %d destinations", queued)
