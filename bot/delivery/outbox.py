"""The dispatcher: delivers outbox rows with backoff, exactly once per alert and destination.

Order of a delivery: claim due rows with a lease (``pending`` ones, and ``sending`` ones whose
lease expired because a replica died mid-send) → for a row found in ``sending``, or one whose
earlier attempt failed (a failure may hide a message that did arrive), ask the destination
whether the message already exists (Slack: the alert id in message metadata; Discord: the
nonce) and mark it sent if so; if the destination cannot tell, leave the row in ``sending`` and
ask again later, never resend blind → mark ``sending`` and commit, only while this dispatcher
still holds the lease → send → mark ``sent``, or back to ``pending`` with exponential backoff, or
``failed`` after ``max_attempts``. A destination that is not configured keeps its rows pending
(never dropped) and says so in the log once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update

from bot.alerts.card import Card
from bot.delivery.base import Destination, SendResult
from bot.store.db import Database
from bot.store.models import OutboxRow
from bot.store.repo import claim_outbox, utcnow

log = logging.getLogger(__name__)


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    reconciled: int = 0
    errors: list[str] = field(default_factory=list)


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter, capped at an hour; a service's Retry-After wins."""
    if retry_after is not None:
        return max(0.0, retry_after)
    base = min(3600.0, 2.0 ** min(attempts, 12))
    return base * random.uniform(0.75, 1.25)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        destinations: Mapping[str, Destination],
        *,
        owner: str,
        max_attempts: int = 8,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 50,
    ) -> None:
        self._db = db
        self._destinations = destinations
        self._owner = owner
        self._max_attempts = max_attempts
        self._lease = lease
        self._batch = batch
        self._missing_warned: set[str] = set()
        self._lock = asyncio.Lock()

    async def run_once(self) -> DispatchStats:
        """Deliver every row that is due now (one pass over the due rows)."""
        stats = DispatchStats()
        async with self._lock:
            while True:
                claimed = await asyncio.to_thread(self._claim)
                if not claimed:
                    break
                progressed = False
                for row_id, destination, status, attempts, card in claimed:
                    done = await self._deliver(row_id, destination, status, attempts, card, stats)
                    progressed = progressed or done
                if not progressed:
                    break
        return stats

    def _claim(self) -> list[tuple[int, str, str, int, Card]]:
        with self._db.session() as session:
            rows = claim_outbox(
                session, owner=self._owner, now=utcnow(), lease=self._lease, limit=self._batch
            )
            return [
                (row.id, row.destination, row.status, row.attempts, Card.from_json(alert.card))
                for row, alert in rows
            ]

    def _destination(self, name: str) -> tuple[Destination | None, str]:
        kind, _, channel = name.partition(":")
        return self._destinations.get(kind), channel

    async def _deliver(
        self, row_id: int, name: str, status: str, attempts: int, card: Card, stats: DispatchStats
    ) -> bool:
        destination, channel = self._destination(name)
        if destination is None:
            if name not in self._missing_warned:
                log.warning("%s: destination not configured; its alerts stay pending", name)
                self._missing_warned.add(name)
            await asyncio.to_thread(self._postpone, row_id, 300.0, "destination not configured")
            return False
        if status == "sending" or attempts > 0:
            try:
                existing = await destination.already_sent(card, channel)
            except Exception as exc:
                error = f"{name}: cannot tell whether {card.id} arrived: {exc}"
                log.warning("%s; asking again later", error)
                delay = backoff_seconds(attempts + 1)
                await asyncio.to_thread(self._recheck_later, row_id, delay, error)
                stats.errors.append(error)
                return True
            if existing is not None:
                await asyncio.to_thread(self._mark_sent, row_id, existing)
                stats.reconciled += 1
                return True
        if not await asyncio.to_thread(self._mark_sending, row_id):
            log.info("%s to %s: lease taken over by another replica; not sending", card.id, name)
            return True
        result = await self._send(destination, card, channel, name)
        if result.ok:
            await asyncio.to_thread(self._mark_sent, row_id, result.external_id)
            stats.sent += 1
            return True
        error = result.error or f"{name}: unknown error"
        stats.errors.append(error)
        log.warning("delivery of %s to %s failed: %s", card.id, name, error)
        if result.retryable and attempts + 1 < self._max_attempts:
            delay = backoff_seconds(attempts + 1, result.retry_after)
            await asyncio.to_thread(self._postpone, row_id, delay, error, count=True)
            stats.retried += 1
        elif result.retryable:
            await asyncio.to_thread(self._mark_failed, row_id, error)
            stats.failed += 1
        else:
            # a permanent problem (no access, unknown channel, bad token): keep the row pending
            # for an operator to fix, and try again rarely
            await asyncio.to_thread(self._postpone, row_id, 900.0, error, count=True)
            stats.retried += 1
        return True

    async def _send(
        self, destination: Destination, card: Card, channel: str, name: str
    ) -> SendResult:
        try:
            return await destination.send(card, channel)
        except Exception as exc:  # a destination bug must not stop the dispatcher
            log.exception("%s: send raised", name)
            return SendResult(ok=False, error=f"{name}: {type(exc).__name__}: {exc}")

    def _update(self, row_id: int, **values: object) -> None:
        with self._db.session() as session:
            row = session.get(OutboxRow, row_id)
            if row is None or row.lease_owner != self._owner:
                return
            for key, value in values.items():
                setattr(row, key, value)

    def _mark_sending(self, row_id: int) -> bool:
        """Whether the row is now ``sending`` under this dispatcher's lease (a conditional
        update: a replica that took the row over after this lease expired keeps it)."""
        with self._db.session() as session:
            result = session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == row_id,
                    OutboxRow.lease_owner == self._owner,
                    OutboxRow.status.in_(("pending", "sending")),
                )
                .values(status="sending", lease_until=utcnow() + self._lease)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def _recheck_later(self, row_id: int, delay: float, error: str) -> None:
        """Keep the row ``sending`` (so it is reconciled, not resent) under a lease held by
        nobody, which expires after ``delay``."""
        self._update(
            row_id,
            status="sending",
            last_error=error[:2000],
            lease_owner=None,
            lease_until=utcnow() + timedelta(seconds=delay),
        )

    def _mark_sent(self, row_id: int, external_id: str | None) -> None:
        self._update(
            row_id,
            status="sent",
            external_id=external_id,
            sent_at=utcnow(),
            lease_owner=None,
            lease_until=None,
            last_error=None,
        )

    def _postpone(self, row_id: int, delay: float, error: str, *, count: bool = False) -> None:
        with self._db.session() as session:
            row = session.get(OutboxRow, row_id)
            if row is None or row.lease_owner != self._owner:
                return
            row.status = "pending"
            row.attempts = row.attempts + (1 if count else 0)
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
            row.last_error = error[:2000]
            row.lease_owner = None
            row.lease_until = None

    def _mark_failed(self, row_id: int, error: str) -> None:
        self._update(
            row_id,
            status="failed",
            attempts=self._max_attempts,
            last_error=error[:2000],
            lease_owner=None,
            lease_until=None,
        )
