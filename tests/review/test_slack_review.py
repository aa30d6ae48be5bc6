"""Reviewers on Slack, end to end against the Web API stand-in: a report alert posted with its
buttons; signed ``block_actions`` and ``view_submission`` requests to ``POST /slack/events`` (and
over Socket Mode); the ephemeral answers, the refusals, the recorded decisions, and the alert's
thread reply and edit delivered by the outbox."""

from __future__ import annotations

import copy
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.chat.commands import CommandServices
from bot.chat.slack_app import open_socket_mode
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.delivery.slack import SlackDestination
from bot.facts.catalogue import Catalogue
from bot.store.models import DecisionRow
from tests.serving import timed_post
from tests.slack.conftest import command_body, events_endpoint, signed_headers
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.stories import US, Story

from .conftest import services_for

CHANNEL = "C0REVIEW"
ALICE = {"id": "U0REVIEWER", "username": "alice", "name": "alice", "team_id": "T1"}
MALLORY = {"id": "U0OTHER", "username": "mallory", "name": "mallory", "team_id": "T1"}


@dataclass
class Bot:
    url: str
    fake: FakeSlack
    story: Story

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, str, float]:
        return await timed_post(self.url, body, headers)

    async def send(self, payload: dict[str, Any]) -> tuple[int, str, float]:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, signed_headers(body))

    async def deliver(self) -> DispatchStats:
        slack = SlackDestination(BOT_TOKEN, self.fake.api_url, min_interval=0.0)
        try:
            return await Dispatcher(self.story.db, {"slack": slack}, owner="t").run_once()
        finally:
            await slack.close()


@pytest.fixture
async def bot(fake_slack: FakeSlack, chat_story: Story, catalogue: Catalogue) -> AsyncIterator[Bot]:
    async with events_endpoint(services_for(chat_story, catalogue), fake_slack) as url:
        yield Bot(url, fake_slack, chat_story)


async def posted_report(bot: Bot) -> tuple[str, dict[str, Any]]:
    """A report alert judged by the pipeline and posted to the channel; (alert id, message)."""
    alert = bot.story.report()
    await bot.deliver()
    [message] = bot.fake.top_level(CHANNEL)
    assert message["metadata"]["event_payload"]["alert_id"] == alert
    return alert, copy.deepcopy(message)  # as the clicker's client shows it (edits come later)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by label."""
    found = {}
    for block in message.get("blocks") or []:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found[element["text"]["text"]] = element
    return found


def click(
    message: dict[str, Any], label: str, name: str, user: dict[str, str] = ALICE
) -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` presses ``label``."""
    button = buttons(message)[label]
    return {
        "type": "block_actions",
        "user": user,
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": f"trigger-{name}",
        "team": {"id": "T1", "domain": "example"},
        "channel": {"id": CHANNEL, "name": "review"},
        "message": message,
        "response_url": f"{RESPOND}/{name}",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b1",
                "value": button.get("value", ""),
                "text": button["text"],
                "action_ts": str(time.time()),
            }
        ],
    }


RESPOND = "http://respond.invalid"  # replaced per test by the stand-in's response_url base


@pytest.fixture(autouse=True)
def _respond_base(fake_slack: FakeSlack) -> None:
    global RESPOND
    RESPOND = fake_slack.base + "/respond"


def answer_text(fake: FakeSlack, name: str) -> str:
    [answer] = fake.responses_to(name)
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    return json.dumps([answer.get("text"), answer.get("blocks")], ensure_ascii=False)


def decisions(bot: Bot) -> list[tuple[str, str]]:
    with bot.story.db.session() as session:
        return [(d.action, d.decider) for d in session.scalars(select(DecisionRow))]


async def test_confirm_from_the_alert_is_answered_recorded_and_edited_in_place(bot: Bot) -> None:
    alert, message = await posted_report(bot)
    assert list(buttons(message)) == ["Confirm", "Dismiss", "Read the article"]

    status, text, elapsed = await bot.send(click(message, "Confirm", "c1"))

    assert (status, text) == (200, "") and elapsed < 3.0
    await bot.fake.wait_for(lambda: bot.fake.responses_to("c1"))
    assert "Confirmed by @alice" in answer_text(bot.fake, "c1")
    assert bot.story.value() == 40
    assert decisions(bot) == [("confirm", "slack:U0REVIEWER")]

    stats = await bot.deliver()
    assert stats.sent == 1 and stats.edited == 1
    [parent] = bot.fake.top_level(CHANNEL)
    [reply] = bot.fake.thread(CHANNEL, parent["ts"])
    assert "Confirmed by @alice" in reply["text"]
    [update] = bot.fake.updates
    assert update["ts"] == message["ts"]
    shown = json.dumps(update["blocks"], ensure_ascii=False)
    assert "Confirmed by @alice" in shown and "145% → 40%" in shown
    assert list(buttons(update)) == ["Wrong value", "Read the article"]
    assert update["metadata"]["event_payload"]["alert_id"] == alert


async def test_a_second_click_on_the_old_message_is_told_and_changes_nothing(bot: Bot) -> None:
    _, message = await posted_report(bot)
    await bot.send(click(message, "Confirm", "first"))
    await bot.fake.wait_for(lambda: bot.fake.responses_to("first"))
    await bot.deliver()
    updates = len(bot.fake.updates)

    await bot.send(click(message, "Dismiss", "second"))  # the message as it was before the edit
    await bot.fake.wait_for(lambda: bot.fake.responses_to("second"))

    assert "Already confirmed by @alice" in answer_text(bot.fake, "second")
    assert decisions(bot) == [("confirm", "slack:U0REVIEWER")] and bot.story.value() == 40
    assert (await bot.deliver()).sent == 0 and len(bot.fake.updates) == updates


async def test_who_is_not_a_reviewer_is_refused_and_a_user_group_member_is_not(bot: Bot) -> None:
    _, message = await posted_report(bot)
    await bot.send(click(message, "Dismiss", "mallory", MALLORY))
    await bot.fake.wait_for(lambda: bot.fake.responses_to("mallory"))
    assert "Only reviewers may" in answer_text(bot.fake, "mallory")
    assert decisions(bot) == [] and bot.story.value() == 145

    bot.fake.user_groups["S0REVIEWERS"] = ["U0OTHER"]
    await bot.send(click(message, "Dismiss", "member", MALLORY))
    await bot.fake.wait_for(lambda: bot.fake.responses_to("member"))
    assert "Dismissed by @mallory" in answer_text(bot.fake, "member")
    assert decisions(bot) == [("dismiss", "slack:U0OTHER")] and bot.story.value() == 145


async def test_forged_and_replayed_actions_get_401_and_change_nothing(bot: Bot) -> None:
    _, message = await posted_report(bot)
    body = urlencode({"payload": json.dumps(click(message, "Confirm", "forged"))}).encode()
    forged = signed_headers(body, secret="not-the-signing-secret")
    assert (await bot.post(body, forged))[0] == 401
    replayed = signed_headers(body, timestamp=int(time.time()) - 10 * 60)
    assert (await bot.post(body, replayed))[0] == 401
    tampered = body.replace(b"review%3Aconfirm", b"review%3Adismiss")
    assert (await bot.post(tampered, signed_headers(body)))[0] == 401
    assert decisions(bot) == [] and bot.fake.responses == []


async def test_an_unknown_alert_or_a_made_up_button_is_named(bot: Bot) -> None:
    _, message = await posted_report(bot)
    payload = click(message, "Confirm", "unknown")
    payload["actions"][0]["action_id"] = "review:confirm:al-000000000000000000000000"
    await bot.send(payload)
    made_up = click(message, "Confirm", "made-up")
    made_up["actions"][0]["action_id"] = "review:promote:al-000000000000000000000000"
    await bot.send(made_up)
    await bot.fake.wait_for(lambda: bot.fake.responses_to("unknown"))
    await bot.fake.wait_for(lambda: bot.fake.responses_to("made-up"))
    assert "No alert al-000000000000000000000000 is on record" in answer_text(bot.fake, "unknown")
    assert "not one the bot made" in answer_text(bot.fake, "made-up")
    assert decisions(bot) == []


def submission(
    view: dict[str, Any], value: str | None, source: str | None = None
) -> dict[str, Any]:
    """The ``view_submission`` Slack sends when the modal ``view`` is submitted."""
    return {
        "type": "view_submission",
        "team": {"id": "T1", "domain": "example"},
        "user": ALICE,
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "trigger_id": "trigger-submit",
        "view": {
            **view,
            "id": "V0001",
            "state": {
                "values": {
                    "value": {"value": {"type": "plain_text_input", "value": value}},
                    "source": {"source": {"type": "plain_text_input", "value": source}},
                }
            },
        },
        "response_urls": [],
    }


async def test_wrong_value_opens_a_form_whose_bad_input_is_named_and_good_input_corrects(
    bot: Bot,
) -> None:
    alert = bot.story.change()  # a firm change alert: it carries Wrong value
    await bot.deliver()
    [message] = bot.fake.top_level(CHANNEL)
    assert list(buttons(message)) == ["Wrong value", "Read the article"]

    bot.fake.expired_triggers.add("trigger-late")  # Slack honours a trigger for 3 seconds
    await bot.send(click(message, "Wrong value", "late"))
    await bot.fake.wait_for(lambda: bot.fake.responses_to("late"))
    assert "could not be opened (expired_trigger_id)" in answer_text(bot.fake, "late")

    await bot.send(click(message, "Wrong value", "wrong"))
    await bot.fake.wait_for(lambda: bot.fake.views)
    [opened] = bot.fake.views
    assert opened["trigger_id"] == "trigger-wrong"
    view = opened["view"]
    assert "US tariff on most Chinese goods" in json.dumps(view, ensure_ascii=False)

    for typed, source, field, words in (
        ("banana%", None, "value", "“banana%” is not a value for US tariff on most Chinese goods"),
        ("9" * 500, None, "value", "500 characters, at most 100"),
        ("125", "javascript:alert(1)", "source", "must be an http(s) link"),
    ):
        status, text, _ = await bot.send(submission(view, typed, source))
        assert status == 200
        answer = json.loads(text)
        assert answer["response_action"] == "errors", answer
        assert words in answer["errors"][field]
    forged = {**view, "private_metadata": json.dumps({"action": "review:wrong:al-x"})}
    status, text, _ = await bot.send(submission(forged, "125"))
    assert "not one the bot opened" in json.loads(text)["errors"]["value"]
    assert decisions(bot) == [] and bot.story.value() == 30

    status, text, _ = await bot.send(submission(view, "125", "https://ustr.example/n"))
    assert (status, text) == (200, "")
    await bot.fake.wait_for(lambda: bot.fake.ephemerals)
    [told] = bot.fake.ephemerals
    assert (told["channel"], told["user"]) == (CHANNEL, "U0REVIEWER")
    assert "Corrected by @alice" in told["text"]
    assert bot.story.value() == 125 and decisions(bot) == [("correct", "slack:U0REVIEWER")]

    await bot.deliver()
    [reply] = bot.fake.thread(CHANNEL, message["ts"])
    assert reply.get("subtype") == "thread_broadcast"  # a correction shows in the channel
    [update] = bot.fake.updates
    assert "Corrected: US tariff on most Chinese goods is 125%" in update["text"]
    assert alert in json.dumps(update["metadata"])


async def test_the_click_is_acknowledged_at_once_and_decided_after(bot: Bot) -> None:
    """While another writer holds the database, the click still gets its 200 at once; the
    decision is made when the database is free again."""
    _, message = await posted_report(bot)
    url = bot.story.db.engine.url.database
    assert url is not None
    blocker = sqlite3.connect(url, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        status, text, elapsed = await bot.send(click(message, "Confirm", "slow"))
        assert (status, text) == (200, "") and elapsed < 3.0
        assert bot.fake.responses_to("slow") == []  # nothing decided while the lock is held
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    await bot.fake.wait_for(lambda: bot.fake.responses_to("slow"), timeout=30)
    assert "Confirmed by @alice" in answer_text(bot.fake, "slow")
    assert decisions(bot) == [("confirm", "slack:U0REVIEWER")]


async def test_socket_mode_takes_the_same_buttons(
    fake_slack: FakeSlack, chat_story: Story, catalogue: Catalogue
) -> None:
    services: CommandServices = services_for(chat_story, catalogue)
    bot = Bot("", fake_slack, chat_story)
    _, message = await posted_report(bot)
    connection = open_socket_mode(
        services, bot_token=BOT_TOKEN, app_token=APP_TOKEN, api_url=fake_slack.api_url
    )
    try:
        await fake_slack.wait_for(fake_slack.socket_connected.is_set, timeout=20)
        await fake_slack.send_socket_envelope(
            {
                "envelope_id": "env-click",
                "type": "interactive",
                "accepts_response_payload": False,
                "payload": click(message, "Confirm", "socket"),
            }
        )
        await fake_slack.wait_for(lambda: fake_slack.responses_to("socket"), timeout=20)
        assert fake_slack.socket_acks[0]["envelope_id"] == "env-click"
    finally:
        await connection.close()
    assert "Confirmed by @alice" in answer_text(fake_slack, "socket")
    assert chat_story.value(US) == 40


async def test_fentanyl_set_from_slack_says_who_set_it(bot: Bot) -> None:
    body = command_body(bot.fake, "/fentanyl", f"set {US} 35%", channel=CHANNEL, name="set")
    body = body.replace(b"user_id=U42", b"user_id=U0REVIEWER")  # a reviewer (user_name=analyst)
    status, text, _ = await bot.post(body, signed_headers(body))
    assert (status, text) == (200, "")
    await bot.fake.wait_for(lambda: bot.fake.responses_to("set"))
    [answer] = bot.fake.responses_to("set")
    assert answer["response_type"] == "in_channel"
    assert "Set by @analyst" in answer["text"] and "is now 35%" in answer["text"]
    assert decisions(bot) == [("set", "slack:U0REVIEWER")] and bot.story.value() == 35
