"""Issue 12, exactly once for story threads: ``kill -9`` of ``python -m bot run`` between a
follow-up's reply and its parent's edit, then a restart (``run --once``): each channel holds
exactly one reply in the parent's thread, the parent's message shows its revised card, and
every outbox row is sent. On SQLite and PostgreSQL, against the Slack and Discord stand-ins.

The story is stored as the pipeline stores it: a first alert, then (in one transaction) a
follow-up with its outbox rows and the parent's revised card, for two channels. The worker
posts the parents, then the follow-ups, and is killed at the first follow-up, in one of three
places:

- ``reply-recorded``: the reply arrived, the worker dies before recording it (the row is
  ``sending``; the restart must find the reply in the thread, not post it again);
- ``edit-arriving``: the reply is recorded (``editing``), the worker dies as the parent's edit
  arrives and before it is applied (the restart edits);
- ``edit-done``: the edit was applied, the worker dies before marking the row sent (the
  restart edits again: harmless, an edit is idempotent).
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Callable, Iterator

import pytest

from bot.store.db import Database
from bot.store.models import OutboxRow
from tests.discord.fake_discord import TOKEN as DISCORD_TOKEN
from tests.discord.fake_discord import Recorded
from tests.threads import PARENT_ID, first_alert, follow_up, revised, store_alert, store_follow_up

from .harness import Deployment, kill, wait_for
from .servers import DiscordStandIn, PostTrigger

INSTANCE = "replica-a"
CHILD_ID = "al-story-2"
SLACK_CHANNELS = ("C0ALERTS", "C0TRADE")
DISCORD_CHANNELS = ("700000000000000101", "700000000000000102")
KILL_TIMEOUT = 30.0
Stop = Callable[[], None]
# mode: (the call the kill waits for: the first reply or the first edit; before it is applied?;
# the state that leaves the follow-up's row in)
SLACK_MODES = {
    "reply-recorded": ("chat.postMessage", False, "sending"),
    "edit-arriving": ("chat.update", True, "editing"),
    "edit-done": ("chat.update", False, "editing"),
}
DISCORD_MODES = {
    "reply-recorded": ("POST", False, "sending"),
    "edit-arriving": ("PATCH", True, "editing"),
}


def _store_story(url: str, destinations: list[str]) -> None:
    db = Database(url)
    try:
        db.migrate()
        store_alert(db, first_alert(), destinations)
        store_follow_up(db, follow_up(CHILD_ID), revised(first_alert()), destinations)
    finally:
        db.dispose()


def _rows(url: str) -> dict[tuple[str, str], str]:
    db = Database(url)
    try:
        with db.session() as session:
            return {(r.alert_id, r.destination): r.status for r in session.query(OutboxRow)}
    finally:
        db.dispose()


def _child_states(url: str) -> set[str]:
    return {status for (alert, _), status in _rows(url).items() if alert == CHILD_ID}


def _start_and_wait_for_the_kill(deployment: Deployment, arm: Callable[[Stop], None]) -> None:
    """Start the worker; ``arm(stop)`` sets the stand-in's trigger; wait until it fired."""
    deployment.write_config()
    holder: list[subprocess.Popen[bytes]] = []

    def stop() -> None:
        kill(holder[0])

    arm(stop)
    holder.append(deployment.start(INSTANCE))
    died = wait_for(lambda: holder[0].poll() is not None, KILL_TIMEOUT)
    kill(holder[0])
    assert died, "the worker was not killed at the planned moment"


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(SLACK_MODES))
def test_slack_a_kill_between_reply_and_edit_leaves_one_reply_and_the_edit_done(
    deployment: Deployment, mode: str
) -> None:
    method, before, left = SLACK_MODES[mode]
    slack = deployment.slack
    destinations = [f"slack:{c}" for c in SLACK_CHANNELS]
    _store_story(deployment.database_url, destinations)

    def arm(stop: Stop) -> None:
        replies_only = method == "chat.postMessage"  # a reply, not a parent's post
        slack.trigger = PostTrigger(
            nth=1, before=before, kill=stop, method=method, replies_only=replies_only
        )

    _start_and_wait_for_the_kill(deployment, arm)
    slack.trigger = None
    assert left in _child_states(deployment.database_url)
    replies_before = slack.calls["conversations.replies"]

    deployment.run_once(INSTANCE)

    for channel in SLACK_CHANNELS:
        [parent] = slack.top_level(channel)
        assert parent.alert_id == PARENT_ID
        [reply] = slack.thread(channel, parent.ts)
        assert reply.alert_id == CHILD_ID and not reply.broadcast
        updates = slack.updates_of(channel, parent.ts)
        assert updates and "3 sources" in updates[-1].text
        assert "3 sources" in parent.text and "unconfirmed" not in parent.text.splitlines()[0]
        assert 1 <= len(updates) <= (2 if mode == "edit-done" else 1)
    assert set(_rows(deployment.database_url).values()) == {"sent"}
    if mode == "reply-recorded":
        assert slack.calls["conversations.replies"] > replies_before  # looked up, not resent


@pytest.fixture
def discord_stand_in() -> Iterator[DiscordStandIn]:
    server = DiscordStandIn().start()
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(DISCORD_MODES))
def test_discord_a_kill_between_reply_and_edit_leaves_one_reply_and_the_edit_done(
    deployment: Deployment, discord_stand_in: DiscordStandIn, mode: str
) -> None:
    method, before, left = DISCORD_MODES[mode]
    fake = discord_stand_in.fake
    deployment.extra_env = {
        "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
        "DISCORD_API_URL": discord_stand_in.api_url,
        # HTTP interactions (no gateway client in the worker); the server is off (port 0)
        "DISCORD_PUBLIC_KEY": secrets.token_hex(32),
        "DISCORD_APPLICATION_ID": "800000000000000001",
    }
    destinations = [f"discord:{c}" for c in DISCORD_CHANNELS]
    _store_story(deployment.database_url, destinations)

    def arm(stop: Stop) -> None:
        def hook(phase: str, request: Recorded) -> bool:
            if request.method != method or "/channels/" not in request.path:
                return False
            if method == "POST" and not (request.json or {}).get("message_reference"):
                return False  # a parent's post, not a reply
            if phase != ("before" if before else "after"):
                return False
            fake.hook = None
            stop()
            return True

        fake.hook = hook

    _start_and_wait_for_the_kill(deployment, arm)
    assert left in _child_states(deployment.database_url)

    deployment.run_once(INSTANCE)

    for channel in DISCORD_CHANNELS:
        messages = fake.messages[channel]
        parents = [m for m in messages if "message_reference" not in m]
        assert len(parents) == 1 and PARENT_ID in parents[0]["embeds"][0]["footer"]["text"]
        [reply] = fake.replies_to(channel, parents[0]["id"])
        assert CHILD_ID in reply["embeds"][0]["footer"]["text"]
        assert len(messages) == 2
        assert parents[0]["embeds"][0]["footer"]["text"].startswith("3 sources")
        edits = [e for e in fake.edits if f"/channels/{channel}/" in e.path]
        assert len(edits) == 1
    assert set(_rows(deployment.database_url).values()) == {"sent"}
