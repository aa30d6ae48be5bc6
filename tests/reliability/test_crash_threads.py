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
  arrives and before it is applied (the restart edits; another channel's edit, in flight as the
  worker died, may land too, so that channel sees the same edit twice);
- ``edit-done``: the edit was applied, the worker dies before marking the row sent (the
  restart edits again: harmless, an edit is idempotent).
"""

from __future__ import annotations

import pytest

from bot.store.db import Database
from tests.threads import (
    CHILD_ID,
    PARENT_ID,
    first_alert,
    store_alert,
    store_follow_up_of_first,
)

from .harness import Deployment, outbox_rows
from .servers import DiscordStandIn

INSTANCE = "replica-a"
KILL_TIMEOUT = 120.0  # the wait ends when the worker dies; a loaded machine starts it slowly
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


def _store_story(deployment: Deployment, destinations: list[str]) -> None:
    """The story stored for ``destinations``, and the worker's config written."""
    deployment.write_config()
    db = Database(deployment.database_url)
    try:
        db.migrate()
        store_alert(db, first_alert(), destinations)
        store_follow_up_of_first(db, destinations)
    finally:
        db.dispose()


def _child_states(url: str) -> set[str]:
    return {status for (alert, _), status in outbox_rows(url).items() if alert == CHILD_ID}


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(SLACK_MODES))
def test_slack_a_kill_between_reply_and_edit_leaves_one_reply_and_the_edit_done(
    deployment: Deployment, mode: str
) -> None:
    method, before, left = SLACK_MODES[mode]
    slack = deployment.slack
    _store_story(deployment, deployment.destinations)
    deployment.kill_at_slack_call(INSTANCE, method, before, KILL_TIMEOUT)
    assert left in _child_states(deployment.database_url)
    replies_before = slack.calls["conversations.replies"]

    deployment.run_once(INSTANCE)

    for channel in deployment.channels:
        [parent] = slack.top_level(channel)
        assert parent.alert_id == PARENT_ID
        [reply] = slack.thread(channel, parent.ts)
        assert reply.alert_id == CHILD_ID and not reply.broadcast
        updates = slack.updates_of(channel, parent.ts)
        assert updates and "3 sources" in updates[-1].text
        assert "3 sources" in parent.text and "unconfirmed" not in parent.text.splitlines()[0]
        # an edit is idempotent: one in flight as the worker died may land, and the restart
        # edits again to the same card
        assert 1 <= len(updates) <= 2 and len({u.text for u in updates}) == 1
    assert set(outbox_rows(deployment.database_url).values()) == {"sent"}
    if mode == "reply-recorded":
        assert slack.calls["conversations.replies"] > replies_before  # looked up, not resent


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(DISCORD_MODES))
def test_discord_a_kill_between_reply_and_edit_leaves_one_reply_and_the_edit_done(
    deployment: Deployment, discord_stand_in: DiscordStandIn, mode: str
) -> None:
    method, before, left = DISCORD_MODES[mode]
    fake = discord_stand_in.fake
    deployment.extra_env = discord_stand_in.worker_env()
    _store_story(deployment, discord_stand_in.destinations)
    deployment.start_and_await_kill(
        INSTANCE, lambda stop: discord_stand_in.kill_at(method, before, stop), KILL_TIMEOUT
    )
    assert left in _child_states(deployment.database_url)

    deployment.run_once(INSTANCE)

    for channel in discord_stand_in.CHANNELS:
        messages = fake.messages[channel]
        parents = [m for m in messages if "message_reference" not in m]
        assert len(parents) == 1 and PARENT_ID in parents[0]["embeds"][0]["footer"]["text"]
        [reply] = fake.replies_to(channel, parents[0]["id"])
        assert CHILD_ID in reply["embeds"][0]["footer"]["text"]
        assert len(messages) == 2
        assert parents[0]["embeds"][0]["footer"]["text"].startswith("3 sources")
        edits = [e for e in fake.edits if f"/channels/{channel}/" in e.path]
        assert len(edits) == 1
    assert set(outbox_rows(deployment.database_url).values()) == {"sent"}
