"""The reviewers' buttons on Slack: Block Kit ``block_actions`` and the Wrong value modal's
``view_submission``, in HTTP mode (``POST /slack/events``, signature checked first) and in
Socket Mode alike (they are listeners of the same bolt app).

The order for a button (``review:confirm|dismiss|wrong:...``, see ``bot/review/actions.py``):

1. acknowledge at once (an empty 200, well within Slack's 3 seconds);
2. a button id the bot did not make is refused (an answer only the clicker sees);
3. a clicker who is not a reviewer (``review.slack_users``, or a member of one of
   ``review.slack_user_groups``, asked of Slack) is refused the same way, and nothing changes;
4. Wrong value opens the modal (``views.open`` with the click's ``trigger_id``, which Slack
   honours for 3 seconds); Confirm and Dismiss run the decision in a thread (it uses the
   database) and the outcome goes back through the click's ``response_url``, ephemeral.

The modal's submission is checked before it is acknowledged: a form the bot did not open, a
value of the wrong kind ("banana%"), a value or link over its length, a link that is not
http(s) are answered in the modal itself, under the field (only the reviewer sees it), and
nothing is stored. A valid form closes; the reviewer is checked again (a submission can be
forged as easily as a click), the correction is made, and its outcome is posted with
``chat.postEphemeral`` to the reviewer in the alert's channel. The decided alert's message is
edited by the outbox (see ``bot/review/work.py``), not here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.commands import CommandServices
from bot.chat.review_clicks import decide, form_problem, review_card
from bot.chat.slack_commands import Ack, respond_card
from bot.delivery.slack_api import error_code
from bot.delivery.slack_render import escape, fallback_text, render_blocks
from bot.facts.model import Fact
from bot.redact import remember_secret
from bot.review.actions import ActionRef, Verb, parse_action
from bot.review.decide import Reviewer
from bot.review.values import MAX_SOURCE_CHARS, MAX_VALUE_CHARS, Refused, expected, find_fact

log = logging.getLogger(__name__)
WRONG_VALUE_VIEW = "review:wrong-value"
MAX_ERROR = 300
MemberOf = Callable[[AsyncWebClient, str, frozenset[str]], Awaitable[frozenset[str]]]
NOT_A_REVIEWER = (
    "Only reviewers may confirm, dismiss or correct what the bot reported; nothing changed. "
    "Reviewers are named under `review` in the bot's config (Slack users or user groups)."
)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _reviewer(body: Mapping[str, Any]) -> Reviewer:
    user = _mapping(body.get("user"))
    name = str(user.get("username") or user.get("name") or "")
    return Reviewer("slack", str(user.get("id") or ""), name)


def _channel(body: Mapping[str, Any]) -> str:
    channel = _mapping(body.get("channel")).get("id") or _mapping(body.get("container")).get(
        "channel_id"
    )
    return str(channel or "")


def wrong_value_view(ref: ActionRef, fact: Fact, channel: str) -> dict[str, Any]:
    """The modal asking for the right value of ``fact`` and an optional source link."""
    return {
        "type": "modal",
        "callback_id": WRONG_VALUE_VIEW,
        "private_metadata": json.dumps({"action": ref.id, "channel": channel}),
        "title": {"type": "plain_text", "text": "Wrong value"},
        "submit": {"type": "plain_text", "text": "Correct"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*{escape(fact.label)}*: give the right value "
                    f"({escape(expected(fact))}).",
                },
            },
            {
                "type": "input",
                "block_id": "value",
                "label": {"type": "plain_text", "text": "Right value"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "max_length": MAX_VALUE_CHARS,
                },
            },
            {
                "type": "input",
                "block_id": "source",
                "optional": True,
                "label": {"type": "plain_text", "text": "Source link (optional)"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "source",
                    "max_length": MAX_SOURCE_CHARS,
                },
            },
        ],
    }


def _typed(values: Mapping[str, Any], block: str) -> str:
    """What the reviewer typed in ``block`` of the modal (``""`` when empty or malformed)."""
    typed = _mapping(_mapping(values.get(block)).get(block)).get("value")
    return typed if isinstance(typed, str) else ""


class SlackReview:
    """The listeners of the reviewers' buttons and modal (see the module doc)."""

    def __init__(self, services: CommandServices, member_of: MemberOf) -> None:
        self.services = services
        self.member_of = member_of

    def install(self, app: AsyncApp) -> None:
        app.action(re.compile(r"^review:"))(self.on_button)
        app.view(WRONG_VALUE_VIEW)(self.on_wrong_value)

    async def _allowed(self, client: AsyncWebClient, user: str) -> bool:
        reviewers = self.services.reviewers
        if not user:
            return False
        if reviewers.allow("slack", user, frozenset(), False):
            return True
        wanted = reviewers.slack_user_groups
        groups = await self.member_of(client, user, wanted) if wanted else frozenset()
        return reviewers.allow("slack", user, groups, False)

    async def on_button(
        self, ack: Ack, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        remember_secret(str(body.get("response_url") or ""))  # never shown in a log line
        actions = body.get("actions")
        first = _mapping(actions[0]) if isinstance(actions, list) and actions else {}
        ref = parse_action(first.get("action_id"))
        who = _reviewer(body)
        if ref is None:
            await self._tell(body, respond, client, "This button is not one the bot made.")
            return
        if not await self._allowed(client, who.user_id):
            log.info("slack: %s on %s refused: not a reviewer", ref.verb, ref.alert_id)
            await self._tell(body, respond, client, NOT_A_REVIEWER)
            return
        decisions = self.services.decisions
        if decisions is None:
            await self._tell(body, respond, client, "Decisions are not available here.")
            return
        if ref.verb is Verb.WRONG:
            await self._open_form(body, respond, client, ref)
            return
        outcome = await asyncio.to_thread(decide, decisions, ref, who)
        log.info("slack: %s of %s by %s: %s", ref.verb, ref.alert_id, who.account, outcome.problem)
        await self._tell(body, respond, client, outcome.message)

    async def _open_form(
        self, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, ref: ActionRef
    ) -> None:
        try:
            fact = find_fact(self.services.catalogue, ref.fact_id)
        except Refused as refused:
            await self._tell(body, respond, client, refused.message)
            return
        view = wrong_value_view(ref, fact, _channel(body))
        try:
            await client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)
        except SlackApiError as exc:
            log.warning("slack: the Wrong value form did not open: %s", error_code(exc))
            text = f"The form could not be opened ({error_code(exc)}); click Wrong value again."
            await self._tell(body, respond, client, text)

    async def on_wrong_value(
        self, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        try:
            meta = json.loads(str(view.get("private_metadata") or "{}"))
        except ValueError:
            meta = {}
        meta = _mapping(meta)
        ref = parse_action(meta.get("action"))
        if ref is None or ref.verb is not Verb.WRONG:
            await self._errors(ack, "value", "This form is not one the bot opened.")
            return
        values = _mapping(_mapping(view.get("state")).get("values"))
        typed, source = _typed(values, "value"), _typed(values, "source")
        problem = form_problem(self.services.catalogue, ref, typed, source)
        if problem is not None:
            await self._errors(ack, *problem)
            return
        await ack()
        channel, who = str(meta.get("channel") or ""), _reviewer(body)
        decisions = self.services.decisions
        if decisions is None or not await self._allowed(client, who.user_id):
            await self._ephemeral(client, channel, who.user_id, NOT_A_REVIEWER)
            return
        outcome = await asyncio.to_thread(decide, decisions, ref, who, typed, source)
        log.info("slack: correction of %s by %s: %s", ref.alert_id, who.account, outcome.problem)
        await self._ephemeral(client, channel, who.user_id, outcome.message)

    @staticmethod
    async def _errors(ack: Ack, block: str, message: str) -> None:
        text = message if len(message) <= MAX_ERROR else message[: MAX_ERROR - 1] + "…"
        await ack(response_action="errors", errors={block: text})

    async def _tell(
        self, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient, text: str
    ) -> None:
        """An answer only the clicker sees: through the click's ``response_url``, else
        ``chat.postEphemeral`` in its channel."""
        try:
            if body.get("response_url"):
                await respond_card(respond, review_card(text))
                return
        except Exception as exc:
            log.warning("slack: answer to a button not delivered: %s", type(exc).__name__)
        await self._ephemeral(client, _channel(body), _reviewer(body).user_id, text)

    @staticmethod
    async def _ephemeral(client: AsyncWebClient, channel: str, user: str, text: str) -> None:
        if not channel or not user:
            log.info("slack: no channel to answer %s in: %s", user or "someone", text)
            return
        card = review_card(text)
        try:
            await client.chat_postEphemeral(
                channel=channel, user=user, text=fallback_text(card), blocks=render_blocks(card)
            )
        except SlackApiError as exc:
            log.warning("slack: answer to %s not delivered: %s", user, error_code(exc))
        except Exception as exc:
            log.warning("slack: answer to %s not delivered: %s", user, type(exc).__name__)
