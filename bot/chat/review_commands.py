"""The reviewers' side of the shared command handlers: ``/fentanyl set <fact> <value> [source]``
(reviewers only: :data:`~bot.chat.review.PRIVILEGED`) and the decisions shown by
``/fentanyl history``. Transport-neutral, like every handler: an adapter passes who asks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.alerts.card import Reply
from bot.chat.answers import answer
from bot.chat.invocation import Invocation, options_of
from bot.facts.model import Fact
from bot.review.decide import Reviewer
from bot.store import decisions as stored
from bot.store.db import Unit

if TYPE_CHECKING:
    from bot.chat.commands import CommandServices

SET_USAGE = "Usage: /fentanyl set <fact> <value> [source link]"
HISTORY_DECISIONS = 10


def reviewer_of(inv: Invocation) -> Reviewer:
    service = inv.destination.partition(":")[0] or "chat"
    return Reviewer(service, inv.user, inv.name)


def cmd_set(inv: Invocation, services: CommandServices) -> Reply:
    """Set a fact. Options: ``fact``, ``value``, ``source`` (an optional http(s) link; typed,
    the last word when it is one); the answer is the decision's outcome (what changed, or why
    nothing did)."""
    options = options_of(inv)
    fact, value = options.text("fact"), options.text("value")
    if not fact or not value:
        known = ", ".join(services.catalogue)
        return answer(SET_USAGE, f"Facts: {known}")
    if services.decisions is None:
        return answer("Decisions are not available here.")
    outcome = services.decisions.set(fact, value, options.text("source"), reviewer_of(inv))
    title = "Done" if outcome.ok else "Nothing changed"
    return answer(title, outcome.message, ephemeral=not outcome.ok)


_VERBS = {"confirm": "confirmed", "dismiss": "dismissed", "correct": "corrected", "set": "set"}


def decision_lines(session: Unit, fact: Fact) -> tuple[str, ...]:
    """The reviewers' latest decisions on ``fact``, oldest first, one line each: when, what, who,
    the value and what it replaced."""
    rows = stored.decisions(session, fact_id=fact.id, limit=HISTORY_DECISIONS)
    lines = []
    for row in reversed(rows):
        verb = _VERBS.get(row.action, row.action)
        when = row.decided_at.strftime("%Y-%m-%d %H:%M UTC")
        if row.action == "dismiss":
            what = f"a report of {fact.format(row.value)} marked wrong"
        else:
            what = f"{fact.format(row.replaced)} → {fact.format(row.value)}"
        source = f" ({row.source})" if row.source else ""
        lines.append(f"{when}: {verb} by {row.decided_by}: {what}{source}")
    return tuple(lines)


_PRIVILEGE = {"add-feed": "add feeds", "remove-feed": "remove feeds", "set": "set facts"}


def refused(command: str) -> Reply:
    """The answer to a privileged command from someone who is not a reviewer."""
    return answer(
        f"Only reviewers may {_PRIVILEGE.get(command, command)}",
        "Reviewers are named under `review` in the bot's config "
        "(Slack users or user groups, Discord roles; Discord server managers may too).",
    )
