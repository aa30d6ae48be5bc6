"""What the reviewers' buttons and Wrong value form do, whatever the service: the checks of a
submitted form, the decision a click asks for, and the answer card. The Slack and Discord
adapters (:mod:`bot.chat.slack_review`, :mod:`bot.chat.discord_review`) add only their transport:
how a click arrives, who clicked, how the form opens and how the answer goes back."""

from __future__ import annotations

from bot.alerts.card import Card, Reply
from bot.chat.answers import answer_card
from bot.facts.catalogue import Catalogue
from bot.review.actions import ActionRef, Verb
from bot.review.decide import Decisions, Outcome, Reviewer
from bot.review.values import Refused, check_source, find_fact, parse_value

__all__ = ["Refused", "decide", "form_problem", "review_card", "review_reply"]


def review_card(text: str) -> Card:
    return answer_card("Review", text)


def review_reply(text: str) -> Reply:
    return Reply((review_card(text),))


def form_problem(
    catalogue: Catalogue, ref: ActionRef, value: str, source: str | None
) -> tuple[str, str] | None:
    """The first problem of a submitted Wrong value form, as ``(field, message)`` with field
    ``value`` (not a value of the fact, or too long) or ``source`` (not an http(s) link, or too
    long); ``None`` when the form may be decided."""
    try:
        parse_value(find_fact(catalogue, ref.fact_id), value)
    except Refused as refused:
        return "value", refused.message
    try:
        check_source(source)
    except Refused as refused:
        return "source", refused.message
    return None


def decide(
    decisions: Decisions, ref: ActionRef, who: Reviewer, value: str = "", source: str = ""
) -> Outcome:
    """The decision a click (Confirm, Dismiss) or a submitted Wrong value form asks for (it
    uses the database: run it in a thread)."""
    if ref.verb is Verb.WRONG:
        return decisions.correct(ref.alert_id, ref.fact_id, value, source, who)
    if ref.verb is Verb.CONFIRM:
        return decisions.confirm(ref.alert_id, who)
    return decisions.dismiss(ref.alert_id, who)
