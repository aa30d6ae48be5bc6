"""One decision in progress: its transaction, who decides and when, and how it reaches chat.

A decision reaches chat the way a story's later report does: the decided alert's stored card is
revised, and a follow-up alert (``parent_id``: the decided alert) is stored with one outbox row
per destination of the decided alert, in the same transaction. The dispatcher then posts the
follow-up in the alert's thread and edits the alert's message to its revised card, exactly once
through crashes (see ``bot/delivery/outbox.py``). The buttons of the revised card are worked
out again from the ledger: Confirm and Dismiss while reports await review, Wrong value for each
fact the alert moved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.alerts.card import Card, CardAction
from bot.facts.catalogue import Catalogue
from bot.facts.model import Fact
from bot.review.actions import review_actions
from bot.review.cards import follow_up_id
from bot.store import decisions as stored
from bot.store import ledger
from bot.store.cards import add_card, revise_card
from bot.store.db import Unit
from bot.store.repo import utcnow

# (session, alert kind, topics) → the destinations that take such an alert
Router = Callable[[Unit, str, Sequence[str]], set[str]]
MAX_NAME = 80
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
ANNOUNCING = ("confirm", "correct", "set")  # decisions after which an alert shows a value


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Who decides: ``service`` (``slack``, ``discord``, ``cli``), the account id there, and the
    name to show (``@alice``)."""

    service: str
    user_id: str
    name: str = ""

    @property
    def shown(self) -> str:
        name = _UNPRINTABLE.sub("", self.name or self.user_id).strip() or "someone"
        return "@" + name.lstrip("@")[:MAX_NAME]

    @property
    def account(self) -> str:
        return f"{self.service}:{self.user_id}"

    @property
    def signature(self) -> str:
        """What the ledger's ``decided_by`` keeps: ``@alice (slack:U0123)``."""
        return f"{self.shown} ({self.account})"


class Raced(Exception):
    """Another decision changed the claims between reading and deciding: look again."""


@dataclass
class Decided:
    """What a decision did: a sentence for the reviewer, its decision rows, its follow-up."""

    message: str
    decision_ids: list[int] = field(default_factory=list)
    follow_up_id: str | None = None


@dataclass
class Work:
    session: Unit
    catalogue: Catalogue
    who: Reviewer
    route: Router | None = None
    services: tuple[str, ...] = ()
    at: datetime = field(default_factory=utcnow)

    def fact(self, fact_id: str) -> Fact | None:
        return self.catalogue.get(fact_id)

    def actions(self, alert_id: str) -> tuple[CardAction, ...]:
        """The alert's buttons as the ledger now stands."""
        claims = stored.claims_of_alert(self.session, alert_id)
        pending = any(claim.status == stored.PENDING for claim in claims)
        moved = [c.fact_id for c in claims if c.status in stored.ANNOUNCED]
        moved += [
            d.fact_id
            for d in reversed(stored.decisions(self.session, alert_id=alert_id))
            if d.action in ANNOUNCING
        ]
        facts = [self.catalogue[f] for f in dict.fromkeys(moved) if f in self.catalogue]
        return review_actions(
            alert_id,
            pending=pending,
            moved=[(fact.id, fact.label) for fact in facts],
            services=self.services,
        )

    def follow_up(self, parent: ledger.AlertRef, revised: Card, card: Card) -> str | None:
        """Revise ``parent``'s card and store ``card`` as its follow-up where ``parent`` went;
        the follow-up's id, or ``None`` when the parent went nowhere."""
        revise_card(self.session, revised)
        destinations = ledger.alert_destinations(self.session, parent.id)
        if not destinations:
            return None
        add_card(self.session, card, uid=None, destinations=destinations, parent_id=parent.id)
        return card.id

    def new_alert(self, card: Card, uid: str, topics: Sequence[str]) -> str | None:
        """Store ``card`` as a new change alert routed like any other; its id, or ``None``
        when no route takes it."""
        destinations = self.route(self.session, card.kind.value, topics) if self.route else set()
        if not destinations:
            return None
        add_card(self.session, card, uid=uid, destinations=destinations)
        return card.id

    def record(
        self,
        *,
        action: str,
        fact_id: str,
        alert_id: str | None,
        claim_ids: Sequence[int],
        value: object,
        replaced: object,
        claims_status: str | None,
        source: str = "",
    ) -> int:
        return stored.add_decision(
            self.session,
            action=action,
            fact_id=fact_id,
            alert_id=alert_id,
            claim_ids=claim_ids,
            value=value,
            replaced=replaced,
            claims_status=claims_status,
            decided_by=self.who.shown,
            decider=self.who.account,
            decided_at=self.at,
            source=source,
        )

    @staticmethod
    def follow_up_id(decision_ids: Sequence[int]) -> str:
        return follow_up_id(decision_ids[0])
