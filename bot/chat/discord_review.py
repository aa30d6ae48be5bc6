"""The reviewers' buttons on Discord: message components (Confirm, Dismiss, Wrong value) and the
Wrong value modal, for HTTP interactions and the gateway alike (``bot/chat/discord_app.py``
hands both interaction types here).

The order for a button (``custom_id`` ``review:confirm|dismiss|wrong:...``, see
``bot/review/actions.py``), each answer only the clicker sees:

1. a button the bot did not make is refused;
2. a clicker who is not a reviewer (a role in ``review.discord_roles``, or Manage Server) is
   refused, and nothing changes;
3. Wrong value answers with the modal at once (callback type 9);
4. Confirm and Dismiss are decided in a thread: the adapter defers at once (type 5, ephemeral,
   well within Discord's 3 seconds) and replaces the deferral with the outcome.

A modal submission is checked before anything is stored: a form the bot did not open, a value of
the wrong kind ("banana%"), a value or link over its length, a link that is not http(s) are
answered at once with an ephemeral message naming the problem. Then the reviewer is checked
again (a submission can be forged as easily as a click) and the correction is made like a
button's decision. The decided alert's message is edited by the outbox (``bot/review/work.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.alerts.card import Reply
from bot.chat.commands import CommandServices
from bot.chat.discord_invocation import manages_server, mapping, user_name
from bot.chat.review_clicks import decide, form_problem, review_reply
from bot.delivery.discord_render import message_parameters
from bot.review.actions import ActionRef, Verb, parse_action
from bot.review.decide import Reviewer
from bot.review.values import MAX_SOURCE_CHARS, MAX_VALUE_CHARS, Refused, expected, find_fact

MESSAGE_COMPONENT = 3
MODAL_SUBMIT = 5
REVIEW_TYPES = frozenset({MESSAGE_COMPONENT, MODAL_SUBMIT})
CHANNEL_MESSAGE = 4
MODAL = 9
EPHEMERAL = 64
TEXT_INPUT, SHORT = 4, 1
MODAL_TITLE_MAX = 45
NOT_A_REVIEWER = (
    "Only reviewers may confirm, dismiss or correct what the bot reported; nothing changed. "
    "Reviewers hold a role named under `review.discord_roles` in the bot's config, or may "
    "manage the server."
)


@dataclass(frozen=True)
class ReviewAnswer:
    """Either a callback ``body`` to send now, or ``work`` to run in a thread (the adapter
    defers first and sends the reply it returns in place of the deferral)."""

    body: dict[str, Any] | None = None
    work: Callable[[], Reply] | None = None


def _ephemeral(text: str) -> ReviewAnswer:
    params = message_parameters(review_reply(text).cards, ephemeral=True)
    return ReviewAnswer(body={"type": CHANNEL_MESSAGE, "data": dict(params.payload or {})})


def _asker(interaction: Mapping[str, Any]) -> tuple[Reviewer, frozenset[str], bool]:
    member = mapping(interaction.get("member"))
    user = mapping(member.get("user")) or mapping(interaction.get("user"))
    roles = member.get("roles")
    return (
        Reviewer("discord", str(user.get("id") or ""), user_name(user)),
        frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset(),
        manages_server(member),
    )


def _typed(data: Mapping[str, Any]) -> dict[str, str]:
    """The modal's text inputs by ``custom_id`` (malformed parts count as absent)."""
    typed: dict[str, str] = {}
    rows = data.get("components")
    for row in rows if isinstance(rows, list) else []:
        inner = mapping(row).get("components")
        for field in inner if isinstance(inner, list) else []:
            item = mapping(field)
            value = item.get("value")
            if isinstance(value, str):
                typed[str(item.get("custom_id", ""))] = value
    return typed


def wrong_value_modal(ref: ActionRef, label: str, hint: str) -> dict[str, Any]:
    title = f"Correct {label}"
    if len(title) > MODAL_TITLE_MAX:
        title = title[: MODAL_TITLE_MAX - 1] + "…"

    def text_input(custom_id: str, name: str, limit: int, required: bool) -> dict[str, Any]:
        field = {
            "type": TEXT_INPUT,
            "custom_id": custom_id,
            "style": SHORT,
            "label": name,
            "max_length": limit,
            "required": required,
        }
        if custom_id == "value":
            field["placeholder"] = hint[:100]
        return {"type": 1, "components": [field]}

    return {
        "type": MODAL,
        "data": {
            "custom_id": ref.id,
            "title": title,
            "components": [
                text_input("value", "Right value", MAX_VALUE_CHARS, True),
                text_input("source", "Source link (optional)", MAX_SOURCE_CHARS, False),
            ],
        },
    }


class DiscordReview:
    """Answers component and modal-submit interactions (see the module doc)."""

    def __init__(self, services: CommandServices) -> None:
        self.services = services

    def answer(self, interaction: Mapping[str, Any]) -> ReviewAnswer:
        """What to answer now (no I/O: everything needed is in the interaction)."""
        data = mapping(interaction.get("data"))
        ref = parse_action(data.get("custom_id"))
        submitted = interaction.get("type") == MODAL_SUBMIT
        if ref is None or (submitted and ref.verb is not Verb.WRONG):
            what = "form" if submitted else "button"
            return _ephemeral(f"This {what} is not one the bot made; nothing changed.")
        typed = _typed(data) if submitted else {}
        value, source = typed.get("value", ""), typed.get("source", "")
        problem = form_problem(self.services.catalogue, ref, value, source) if submitted else None
        if problem is not None:
            return _ephemeral(f"{problem[1]} Nothing changed.")
        who, roles, manager = _asker(interaction)
        if not who.user_id or not self.services.reviewers.allow(
            "discord", who.user_id, roles, manager
        ):
            return _ephemeral(NOT_A_REVIEWER)
        decisions = self.services.decisions
        if decisions is None:
            return _ephemeral("Decisions are not available here.")
        if ref.verb is Verb.WRONG and not submitted:
            try:
                fact = find_fact(self.services.catalogue, ref.fact_id)
            except Refused as refused:
                return _ephemeral(refused.message)
            return ReviewAnswer(body=wrong_value_modal(ref, fact.label, expected(fact)))

        def work() -> Reply:
            return review_reply(decide(decisions, ref, who, value, source).message)

        return ReviewAnswer(work=work)
