"""What a reviewer's decision does, whatever it came from (a button, a form, ``/fentanyl set``,
``python -m bot review``): :class:`Decisions`.

- **confirm** an alert's reports (or one claim): the fact moves as corroboration would move it
  (the confirmed claim ``changed``, the other reports of that value ``corroborated``, reports
  of other values ``superseded``);
- **dismiss** them: the claims become ``dismissed`` (no longer pending, never corroboration),
  the fact stays, and a report of the same value within the same story raises no alert again;
- **correct** the value an alert announced ("Wrong value"), or **set** a fact: the fact is
  corrected to the reviewer's value, as of now (an entry published before the decision cannot
  move it back), and the claims behind the wrong value become ``dismissed``.

Each decision is one transaction: the fact's state locked, the move in ``fact_history``, the
claims, one ``decisions`` row per fact (who, when, the value, what it replaced), the decided
alert's revised card and the follow-up that carries the decision to chat (a reply in the
alert's thread plus an edit of its message, delivered exactly once by the outbox). A set with
no alert to follow up raises a new change alert, routed like any other.

Nothing changes when the decision cannot be made, and the :class:`Outcome` says why: the alert
or claim does not exist, a reviewer already decided (a second click), the report was settled
otherwise (a second source), the fact has moved since the alert, the value is of the wrong
kind. Of two reviewers deciding at once, one wins; the other is told what the first did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.facts.catalogue import Catalogue
from bot.facts.values import plain_value
from bot.review.corrections import correct_alert, set_fact
from bot.review.reports import confirm_reports, dismiss_reports
from bot.review.values import Problem, Refused
from bot.review.work import Decided, Raced, Reviewer, Router, Work
from bot.store import decisions as stored
from bot.store.db import Database

__all__ = ["Decisions", "Outcome", "PendingReport", "Problem", "Reviewer"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a decision did (``problem`` is ``None``) or why it did nothing; ``message`` says
    it in a sentence or two."""

    message: str
    problem: Problem | None = None
    decision_ids: tuple[int, ...] = ()
    follow_up_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class PendingReport:
    """A report awaiting review, as ``python -m bot review`` lists it."""

    id: int
    fact: str
    label: str
    old: Any
    value: Any
    published: str
    domain: str
    tier: str
    title: str
    link: str
    alert: str | None

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


class Decisions:
    """The reviewers' decisions on one store. ``route(session, kind, topics)`` names the
    destinations of a new alert (a set with no alert to follow up); ``services`` are the chat
    services whose alerts show buttons."""

    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        *,
        route: Router | None = None,
        services: Sequence[str] = (),
    ) -> None:
        self._db = db
        self._catalogue = catalogue
        self._route = route
        self._services = tuple(services)

    def confirm(self, target: str, who: Reviewer) -> Outcome:
        """Confirm the reports of alert ``target`` (an alert id), or claim ``target`` (its
        number)."""
        return self._run(who, lambda work: confirm_reports(work, target))

    def dismiss(self, target: str, who: Reviewer) -> Outcome:
        return self._run(who, lambda work: dismiss_reports(work, target))

    def correct(
        self, alert_id: str, fact: str, value: str, source: str | None, who: Reviewer
    ) -> Outcome:
        """ "Wrong value" on alert ``alert_id``: ``fact`` is ``value`` (``source``: a link)."""
        return self._run(who, lambda work: correct_alert(work, alert_id, fact, value, source))

    def set(self, fact: str, value: str, source: str | None, who: Reviewer) -> Outcome:
        return self._run(who, lambda work: set_fact(work, fact, value, source))

    def _run(self, who: Reviewer, decide: Callable[[Work], Decided]) -> Outcome:
        for _ in range(2):  # a lost race is explained by the second look
            try:
                with self._db.unit() as session:
                    done = decide(Work(session, self._catalogue, who, self._route, self._services))
                return Outcome(done.message, None, tuple(done.decision_ids), done.follow_up_id)
            except Refused as refused:
                return Outcome(refused.message, refused.problem)
            except Raced:
                continue
        return Outcome("Another decision was being made; try again.", Problem.ALREADY_DECIDED)

    def pending(self, limit: int = 200) -> list[PendingReport]:
        """Reports awaiting review, oldest first."""
        with self._db.unit() as session:
            rows = stored.pending_claims(session, limit)
            return [self._pending(row) for row in rows]

    def _pending(self, row: Any) -> PendingReport:
        fact = self._catalogue.get(row.fact_id)
        kind = fact.kind.value if fact else ""
        return PendingReport(
            id=row.id,
            fact=row.fact_id,
            label=fact.label if fact else row.fact_id,
            old=plain_value(row.old, kind),
            value=plain_value(row.value, kind),
            published=row.published.isoformat(),
            domain=row.domain,
            tier=row.tier,
            title=row.title,
            link=row.link,
            alert=row.alert_id,
        )
