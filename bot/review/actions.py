"""The reviewers' buttons on an alert: their ids, and which buttons an alert carries.

An action id reads ``review:<verb>:<alert id>`` or ``review:wrong:<alert id>:<fact id>``:

- ``confirm`` and ``dismiss`` act on every report of the alert still awaiting review;
- ``wrong`` ("Wrong value") opens a form to give the right value of one fact the alert
  announced a change of.

Which buttons, in order: a ``reports`` alert with reports awaiting review carries Confirm and
Dismiss; an alert that moved facts carries one Wrong value per fact it moved (at most
:data:`MAX_WRONG_BUTTONS`); a dismissed report carries none. Buttons are shown only on the chat
services that have reviewers in the config's ``review`` (Slack users or user groups, Discord
roles); with none configured an alert carries no button at all.

Ids are parsed strictly (:func:`parse_action`): a button the bot did not make is refused
before anything is read from the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.alerts.card import Card, CardAction, CardKind
from bot.config.settings import ReviewConfig
from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, ChangeStatus

PREFIX = "review"
MAX_WRONG_BUTTONS = 3
MAX_LABEL = 80  # Discord's button label limit (Slack allows 75 characters of text: cut there)
_ALERT = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_FACT = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class Verb(StrEnum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class ActionRef:
    """What a pressed button (or a submitted form) names."""

    verb: Verb
    alert_id: str
    fact_id: str = ""

    @property
    def id(self) -> str:
        return action_id(self.verb, self.alert_id, self.fact_id)


def action_id(verb: Verb, alert_id: str, fact_id: str = "") -> str:
    parts = [PREFIX, verb.value, alert_id]
    if fact_id:
        parts.append(fact_id)
    return ":".join(parts)


def parse_action(raw: object) -> ActionRef | None:
    """The button an id names, or ``None`` when it is not one of ours (forged or mangled)."""
    if not isinstance(raw, str) or len(raw) > 200:
        return None
    parts = raw.split(":")
    if len(parts) not in (3, 4) or parts[0] != PREFIX:
        return None
    try:
        verb = Verb(parts[1])
    except ValueError:
        return None
    alert = parts[2]
    fact = parts[3] if len(parts) == 4 else ""
    if not _ALERT.match(alert) or (fact and not _FACT.match(fact)):
        return None
    if (verb is Verb.WRONG) != bool(fact):
        return None
    return ActionRef(verb, alert, fact)


def services_with_reviewers(review: ReviewConfig) -> tuple[str, ...]:
    """The chat services whose alerts show buttons: those where the config names reviewers."""
    services = []
    if review.slack_users or review.slack_user_groups:
        services.append("slack")
    if review.discord_roles:
        services.append("discord")
    return tuple(services)


def review_actions(
    alert_id: str,
    *,
    pending: bool,
    moved: Sequence[tuple[str, str]],
    services: Sequence[str],
) -> tuple[CardAction, ...]:
    """The buttons of an alert: Confirm and Dismiss while it has reports ``pending`` review,
    one Wrong value per ``moved`` fact (``(fact id, label)``, in order); none without
    ``services``."""
    if not services:
        return ()
    shown = tuple(services)
    actions: list[CardAction] = []
    if pending:
        actions.append(CardAction(action_id(Verb.CONFIRM, alert_id), "Confirm", "primary", shown))
        actions.append(CardAction(action_id(Verb.DISMISS, alert_id), "Dismiss", "danger", shown))
    facts = list(dict.fromkeys(moved))[:MAX_WRONG_BUTTONS]
    for fact_id, label in facts:
        text = "Wrong value" if len(facts) == 1 else f"Wrong: {label}"
        action = action_id(Verb.WRONG, alert_id, fact_id)
        actions.append(CardAction(action, _label(text), "default", shown))
    return tuple(actions)


def moved_facts(actions: Iterable[CardAction]) -> list[str]:
    """The facts an alert's Wrong value buttons name, in order."""
    found = [parse_action(action.id) for action in actions]
    return [ref.fact_id for ref in found if ref is not None and ref.verb is Verb.WRONG]


def _label(text: str) -> str:
    return text if len(text) <= 75 else text[:74].rstrip() + "…"


def _moved(changes: Iterable[Change], catalogue: Catalogue) -> list[tuple[str, str]]:
    moving = (ChangeStatus.CHANGED, ChangeStatus.CORRECTED)
    return [(c.fact_id, catalogue[c.fact_id].label) for c in changes if c.status in moving]


def with_actions(
    card: Card, changes: Sequence[Change], catalogue: Catalogue, services: Sequence[str]
) -> Card:
    """A new top-level change or report alert with its buttons (see the module doc)."""
    if card.kind not in (CardKind.CHANGE, CardKind.REPORT) or card.parent_id:
        return card
    pending = any(c.status is ChangeStatus.REPORTED for c in changes)
    moved = _moved(changes, catalogue)
    actions = review_actions(card.id, pending=pending, moved=moved, services=services)
    return replace(card, actions=actions)


def after_follow_up(
    parent: Card, changes: Sequence[Change], catalogue: Catalogue, services: Sequence[str]
) -> Card:
    """The buttons of an alert a story's later entry followed up: once the follow-up moved a
    fact, the report is settled (Confirm and Dismiss go) and each moved fact takes a Wrong
    value button."""
    moved = _moved(changes, catalogue)
    if not moved or not services:
        return parent
    before = [(f, catalogue[f].label) for f in moved_facts(parent.actions) if f in catalogue]
    actions = review_actions(parent.id, pending=False, moved=before + moved, services=services)
    return replace(parent, actions=actions)
