"""The dispatcher: delivers outbox rows with backoff, exactly once per alert and destination.

Order of a delivery (the row states are described in ``bot/store/outbox.py``):

1. Claim due rows with a lease: ``pending`` and ``editing`` ones whose time has come, and
   ``sending`` ones whose lease expired because a replica died mid-send. A destination that is
   not configured keeps its rows where they are (never dropped) and says so in the log once.
2. An ``editing`` row (a follow-up whose reply is posted) only owes its parent's edit: go to 6.
3. A follow-up (its alert has ``parent_id``) looks at its parent's row in the same destination.
   Parent row ``pending`` or ``sending``: the follow-up waits (stays ``pending``, is tried again
   soon, not counted as an attempt), so a reply never comes before its parent; a follow-up
   row found in ``sending`` is first looked up as in 4. Parent posted: the follow-up goes under
   the parent's message. No parent row there, or it ``failed``: it is posted standalone.
4. A row found in ``sending``, or whose earlier attempt failed (a failure may hide a message
   that did arrive), is looked up in the channel (Slack: the alert id in message metadata, in
   the parent's thread and the channel; Discord: the nonce and embed footer) and taken as
   posted if found; if the destination cannot tell, the row stays ``sending`` and is asked
   about again later, never resent blind.
5. Mark ``sending`` and commit, only while this dispatcher still holds the lease → send →
   top-level post: ``sent``; a reply under the parent's message: ``editing`` with the reply's
   id recorded (committed before the edit, so the reply is never posted twice) → 6. A failure
   goes back to ``pending`` with exponential backoff, or ``failed`` after ``max_attempts``.
6. Edit the parent's message to the parent's *current* stored card, read after the reply;
   then read the card again and edit again if a later follow-up revised it meanwhile (so the
   last edit to land shows the newest card). Done: ``sent``. The message is gone or can no
   longer be edited: ``sent`` with a note. Any other failure: stays ``editing``, retried with
   backoff (an edit is idempotent; the reply exists, so the row never becomes ``failed``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from bot import metrics
from bot.alerts.card import Card
from bot.delivery.base import Destination, FollowUp, SendResult
from bot.retry import Backoff
from bot.store import outbox as rows
from bot.store.db import Database
from bot.store.repo import utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

PERMANENT_RETRY_SECONDS = 900.0  # no access, unknown channel, bad token: until an operator acts
UNCONFIGURED_RETRY_SECONDS = 300.0
WAIT_MIN_SECONDS = 1.0  # a follow-up waiting for its parent's message is looked at again
WAIT_MAX_SECONDS = 60.0  # ... at the parent's next attempt, within these bounds
EDIT_ROUNDS = 3


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    reconciled: int = 0
    waiting: int = 0  # follow-ups waiting for their parent's message
    edited: int = 0  # parents' messages brought up to date after a follow-up
    errors: list[str] = field(default_factory=list)


# a failed attempt waits 2 s, 4 s, 8 s ... up to an hour, ±25 %; a service's Retry-After wins
RETRY = Backoff(first=2.0, cap=3600.0, jitter=(0.75, 1.25), retry_after="wins")


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
                claimed = await self._store(
                    rows.claim,
                    owner=self._owner,
                    now=utcnow(),
                    lease=self._lease,
                    limit=self._batch,
                )
                if not claimed:
                    break
                progressed = False
                for row in claimed:
                    progressed = await self._deliver(row, stats) or progressed
                if not progressed:
                    break
        return stats

    async def _store(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(session, *args, **kwargs)`` in one transaction, off the event loop."""

        def run() -> T:
            with self._db.unit() as session:
                return fn(session, *args, **kwargs)

        return await asyncio.to_thread(run)

    def _destination(self, name: str) -> tuple[Destination | None, str]:
        kind, _, channel = name.partition(":")
        return self._destinations.get(kind), channel

    async def _deliver(self, row: rows.Claimed, stats: DispatchStats) -> bool:
        """One row, in the order of the module doc; whether anything moved."""
        destination, channel = self._destination(row.destination)
        if destination is None:
            if row.destination not in self._missing_warned:
                log.warning(
                    "%s: destination not configured; its alerts stay pending", row.destination
                )
                self._missing_warned.add(row.destination)
            await self._postpone(row, UNCONFIGURED_RETRY_SECONDS, "destination not configured")
            return False
        card = Card.from_json(row.card)
        if row.status == "editing":
            await self._edit_parent(row, destination, channel, stats)
            return True
        parent = None
        if row.parent_id:
            parent = await self._store(rows.parent_post, row.parent_id, row.destination)
        # a row left `sending` is looked up even while its parent waits (its message may be out)
        if parent is not None and parent.waiting and row.status != "sending":
            await self._wait_for_parent(row, parent, stats)
            return True
        follow_up = _follow_up(parent)
        if row.status == "sending" or row.attempts > 0:
            try:
                existing = await _already_sent(destination, card, channel, follow_up)
            except Exception as exc:
                error = f"{row.destination}: cannot tell whether {card.id} arrived: {exc}"
                log.warning("%s; asking again later", error)
                delay = RETRY.delay(row.attempts + 1)
                await self._store(rows.recheck_later, row.id, self._owner, delay, error)
                stats.errors.append(error)
                return True
            if existing is not None:
                stats.reconciled += 1
                thread = follow_up.root if follow_up else None
                await self._posted(row, destination, channel, follow_up, existing, thread, stats)
                return True
        if parent is not None and parent.waiting:
            await self._wait_for_parent(row, parent, stats)
            return True
        if not await self._store(rows.mark_sending, row.id, self._owner, self._lease):
            log.info("%s to %s: lease taken over by another replica", card.id, row.destination)
            return True
        result = await self._send(destination, card, channel, row.destination, follow_up)
        if result.ok:
            stats.sent += 1
            await self._posted(
                row, destination, channel, follow_up, result.external_id, result.thread_id, stats
            )
            return True
        await self._failed(row, card, result, stats)
        return True

    async def _wait_for_parent(
        self, row: rows.Claimed, parent: rows.ParentPost, stats: DispatchStats
    ) -> None:
        delay = WAIT_MIN_SECONDS * 2
        if parent.status == "pending" and parent.next_attempt_at is not None:
            delay = (parent.next_attempt_at - utcnow()).total_seconds() + WAIT_MIN_SECONDS
        delay = min(max(delay, WAIT_MIN_SECONDS), WAIT_MAX_SECONDS)
        note = f"waiting for {row.parent_id} to be posted in {row.destination}"
        log.debug("%s: %s", row.alert_id, note)
        await self._postpone(row, delay, note)
        stats.waiting += 1

    async def _posted(
        self,
        row: rows.Claimed,
        destination: Destination,
        channel: str,
        follow_up: FollowUp | None,
        message_id: str | None,
        thread_id: str | None,
        stats: DispatchStats,
    ) -> None:
        """The row's message exists: done, or (a reply under the parent's message) record it
        and bring the parent's message up to date."""
        if follow_up is None or follow_up.message_id is None:
            await self._store(
                rows.mark_sent, row.id, self._owner, external_id=message_id, thread_id=thread_id
            )
            return
        recorded = await self._store(
            rows.mark_editing,
            row.id,
            self._owner,
            external_id=message_id,
            thread_id=thread_id,
            lease=self._lease,
        )
        if recorded:
            await self._edit_parent(row, destination, channel, stats)

    async def _edit_parent(
        self, row: rows.Claimed, destination: Destination, channel: str, stats: DispatchStats
    ) -> None:
        parent_id = row.parent_id or ""
        for _ in range(EDIT_ROUNDS):
            parent = await self._store(rows.parent_post, parent_id, row.destination)
            if parent is None or parent.message_id is None:
                note = f"{row.destination}: no message of {parent_id or 'a parent'} to edit"
                await self._store(rows.mark_sent, row.id, self._owner, note=note)
                return
            result = await self._edit(destination, parent.card, channel, parent.message_id)
            if not result.ok:
                await self._edit_failed(row, result, stats)
                return
            again = await self._store(rows.parent_post, parent_id, row.destination)
            if again is None or again.card == parent.card:
                break
        stats.edited += 1
        await self._store(rows.mark_sent, row.id, self._owner)

    async def _edit(
        self, destination: Destination, card: dict[str, Any], channel: str, message_id: str
    ) -> SendResult:
        try:
            return await destination.edit(Card.from_json(card), channel, message_id)
        except Exception as exc:  # a destination bug must not stop the dispatcher
            log.exception("%s: edit raised", destination.kind)
            return SendResult(ok=False, error=f"{destination.kind}: {type(exc).__name__}: {exc}")

    async def _edit_failed(
        self, row: rows.Claimed, result: SendResult, stats: DispatchStats
    ) -> None:
        error = result.error or f"{row.destination}: edit failed"
        if result.final:
            log.warning("%s: %s; the follow-up stands without it", row.parent_id, error)
            await self._store(rows.mark_sent, row.id, self._owner, note=f"not edited: {error}")
            return
        stats.errors.append(error)
        stats.retried += 1
        log.warning("edit of %s in %s failed: %s", row.parent_id, row.destination, error)
        delay = PERMANENT_RETRY_SECONDS
        if result.retryable:
            delay = RETRY.delay(row.attempts + 1, result.retry_after)
        await self._store(rows.postpone, row.id, self._owner, delay, error, count=True)

    async def _send(
        self,
        destination: Destination,
        card: Card,
        channel: str,
        name: str,
        follow_up: FollowUp | None,
    ) -> SendResult:
        """One attempt, timed into ``bot_delivery_seconds``; a failure counts in
        ``bot_delivery_failures`` (both by destination kind)."""
        started = time.monotonic()
        try:
            if follow_up is None:
                result = await destination.send(card, channel)
            else:
                result = await destination.send(card, channel, follow_up)
        except Exception as exc:  # a destination bug must not stop the dispatcher
            log.exception("%s: send raised", name)
            result = SendResult(ok=False, error=f"{name}: {type(exc).__name__}: {exc}")
        metrics.DELIVERY_SECONDS.labels(destination.kind).observe(time.monotonic() - started)
        if not result.ok:
            metrics.DELIVERY_FAILURES.labels(destination.kind).inc()
        return result

    async def _failed(
        self, row: rows.Claimed, card: Card, result: SendResult, stats: DispatchStats
    ) -> None:
        error = result.error or f"{row.destination}: unknown error"
        stats.errors.append(error)
        context = {"alert": card.id, "destination": row.destination}
        log.warning(
            "delivery of %s to %s failed: %s", card.id, row.destination, error, extra=context
        )
        if result.retryable and row.attempts + 1 < self._max_attempts:
            delay = RETRY.delay(row.attempts + 1, result.retry_after)
            await self._store(rows.postpone, row.id, self._owner, delay, error, count=True)
            stats.retried += 1
        elif result.retryable:
            await self._store(rows.mark_failed, row.id, self._owner, error, self._max_attempts)
            stats.failed += 1
        else:
            # a permanent problem (no access, unknown channel, bad token): keep the row pending
            # for an operator to fix, and try again rarely
            await self._store(
                rows.postpone, row.id, self._owner, PERMANENT_RETRY_SECONDS, error, count=True
            )
            stats.retried += 1

    async def _postpone(self, row: rows.Claimed, delay: float, note: str) -> None:
        await self._store(rows.postpone, row.id, self._owner, delay, note)


def _follow_up(parent: rows.ParentPost | None) -> FollowUp | None:
    """The follow-up's place: under the parent's message when it is posted, else standalone
    (no row for the parent in this destination, or its row failed)."""
    if parent is None:
        return None
    parent_card = Card.from_json(parent.card)
    if not parent.posted:
        return FollowUp(parent=parent_card)
    return FollowUp(parent=parent_card, message_id=parent.message_id, thread_id=parent.thread_id)


async def _already_sent(
    destination: Destination, card: Card, channel: str, follow_up: FollowUp | None
) -> str | None:
    if follow_up is None:
        return await destination.already_sent(card, channel)
    return await destination.already_sent(card, channel, follow_up)
