"""Story threads on Discord, through the dispatcher and the real destination against the REST
stand-in: a follow-up is one reply (``message_reference``) to its parent's message and one
``PATCH`` of the parent to its revised card; it waits for an unsent parent; it stands alone
where the parent is not; a crash or a failed edit never repeats the reply."""

from __future__ import annotations

from typing import Any

from bot.delivery.base import FollowUp
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.store.db import Database
from bot.store.models import OutboxRow
from tests.discord.conftest import CHANNEL, connected
from tests.discord.fake_discord import PREFIX, FakeDiscord
from tests.threads import (
    PARENT_ID,
    first_alert,
    follow_up,
    left_sending,
    make_due,
    row,
    store_alert,
    store_follow_up_of_first,
)

OTHER = "700000000000000002"
DEST = f"discord:{CHANNEL}"


async def dispatch(database: Database, fake: FakeDiscord) -> DispatchStats:
    async with connected(fake) as destination:
        return await Dispatcher(database, {"discord": destination}, owner="test").run_once()


def footer_of(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


def assert_replied_and_edited_once(fake: FakeDiscord, database: Database, parent_id: str) -> None:
    """The follow-up went out once: one reply to the parent, one edit, its row sent."""
    assert len(fake.replies_to(CHANNEL, parent_id)) == 1
    assert len(fake.edits) == 1
    assert row(database, "al-story-2", DEST).status == "sent"


async def posted_parent(database: Database, fake: FakeDiscord) -> str:
    store_alert(database, first_alert(), [DEST])
    await dispatch(database, fake)
    [parent] = fake.messages[CHANNEL]
    return str(parent["id"])


async def test_a_follow_up_is_one_reply_to_the_parent_and_one_edit_of_it(
    fake_discord: FakeDiscord, database: Database
) -> None:
    parent_id = await posted_parent(database, fake_discord)
    assert footer_of(fake_discord.messages[CHANNEL][0]).startswith("unconfirmed, 1 source")
    store_follow_up_of_first(database, [DEST])

    stats = await dispatch(database, fake_discord)

    assert (stats.sent, stats.edited) == (1, 1)
    [reply] = fake_discord.replies_to(CHANNEL, parent_id)
    assert reply["type"] == 19 and "al-story-2" in footer_of(reply)
    [post] = fake_discord.posts(CHANNEL)[-1:]
    assert post.json["message_reference"] == {
        "type": 0,
        "message_id": parent_id,
        "channel_id": CHANNEL,
        "fail_if_not_exists": False,
    }
    assert post.json["allowed_mentions"]["parse"] == []  # a reply pings nobody either
    [edit] = fake_discord.edits
    assert edit.path == f"{PREFIX}/channels/{CHANNEL}/messages/{parent_id}"
    [embed] = edit.json["embeds"]
    assert embed["footer"]["text"] == f"3 sources · {PARENT_ID}"
    assert "unconfirmed" not in embed["title"]
    assert "nonce" not in edit.json
    parent = fake_discord.message(CHANNEL, parent_id)
    assert parent is not None and footer_of(parent).startswith("3 sources")
    child = row(database, "al-story-2", DEST)
    assert (child.status, child.external_id, child.thread_id) == ("sent", reply["id"], parent_id)
    order = [r.method for r in fake_discord.requests if "/messages" in r.path and r.method != "GET"]
    assert order[-2:] == ["POST", "PATCH"]


async def test_a_follow_up_waits_for_its_parent_and_then_replies(
    fake_discord: FakeDiscord, database: Database
) -> None:
    fake_discord.plan(CHANNEL, [403])  # Missing Access until an operator fixes it
    store_alert(database, first_alert(), [DEST])
    store_follow_up_of_first(database, [DEST])

    stats = await dispatch(database, fake_discord)

    assert stats.waiting == 1 and stats.sent == 0
    assert fake_discord.messages.get(CHANNEL, []) == []
    waiting = row(database, "al-story-2", DEST)
    assert (waiting.status, waiting.attempts) == ("pending", 0)

    make_due(database)
    stats = await dispatch(database, fake_discord)

    assert stats.sent == 2
    assert row(database, "al-story-2", DEST).attempts == 0
    parent = fake_discord.messages[CHANNEL][0]
    assert "al-story-2" in footer_of(fake_discord.replies_to(CHANNEL, parent["id"])[0])
    assert footer_of(parent).startswith("3 sources")


async def test_where_the_parent_has_no_message_the_follow_up_stands_alone(
    fake_discord: FakeDiscord, database: Database
) -> None:
    store_alert(database, first_alert(), [DEST])
    await dispatch(database, fake_discord)
    store_follow_up_of_first(database, [DEST, f"discord:{OTHER}"])

    await dispatch(database, fake_discord)

    [alone] = fake_discord.messages[OTHER]
    assert alone["type"] == 0 and "message_reference" not in alone
    [post] = fake_discord.posts(OTHER)
    assert "message_reference" not in post.json
    assert [e.path.rsplit("/", 3)[-3] for e in fake_discord.edits] == [CHANNEL]
    assert row(database, "al-story-2", f"discord:{OTHER}").thread_id is None


async def test_a_correction_is_a_reply_everybody_in_the_channel_sees(
    fake_discord: FakeDiscord, database: Database
) -> None:
    parent_id = await posted_parent(database, fake_discord)
    correction = follow_up("al-story-fix", title="Correction: the US tariff is 30%", broadcast=True)
    store_follow_up_of_first(database, [DEST], correction)

    await dispatch(database, fake_discord)

    # a reply is an ordinary channel message (it shows the parent above it): nothing more needed
    listed = [m["id"] for m in fake_discord.messages[CHANNEL]]
    [reply] = fake_discord.replies_to(CHANNEL, parent_id)
    assert reply["id"] in listed and len(listed) == 2


async def test_a_reply_left_sending_by_a_crash_is_found_then_the_edit_is_made(
    fake_discord: FakeDiscord, database: Database
) -> None:
    parent_id = await posted_parent(database, fake_discord)
    child = store_follow_up_of_first(database, [DEST])
    # the reply arrived, then the worker died before recording it
    async with connected(fake_discord) as destination:
        await destination.send(child, CHANNEL, FollowUp(first_alert(), message_id=parent_id))
    for message in fake_discord.messages[CHANNEL]:
        message["nonce"] = None  # long enough ago that Discord forgot it; the footer stays
    left_sending(database, "al-story-2", DEST)

    stats = await dispatch(database, fake_discord)

    assert (stats.reconciled, stats.sent, stats.edited) == (1, 0, 1)
    assert len(fake_discord.posts(CHANNEL)) == 2  # the parent, the reply: no second reply
    assert_replied_and_edited_once(fake_discord, database, parent_id)


async def test_a_failed_edit_is_retried_without_repeating_the_reply(
    fake_discord: FakeDiscord, database: Database
) -> None:
    parent_id = await posted_parent(database, fake_discord)
    store_follow_up_of_first(database, [DEST])
    fake_discord.retry_after = 120.0  # longer than the bot waits in place: handed back
    fake_discord.plan_edits(CHANNEL, [429])

    stats = await dispatch(database, fake_discord)

    assert (stats.sent, stats.edited) == (1, 0)
    editing = row(database, "al-story-2", DEST)
    assert (editing.status, editing.attempts) == ("editing", 1)
    assert "rate limited" in (editing.last_error or "")

    make_due(database)
    stats = await dispatch(database, fake_discord)

    assert stats.edited == 1
    assert_replied_and_edited_once(fake_discord, database, parent_id)


async def test_an_edit_of_a_deleted_parent_is_given_up_and_the_reply_stands_alone(
    fake_discord: FakeDiscord, database: Database
) -> None:
    parent_id = await posted_parent(database, fake_discord)
    fake_discord.delete(CHANNEL, parent_id)
    store_follow_up_of_first(database, [DEST])

    stats = await dispatch(database, fake_discord)

    assert (stats.sent, stats.edited) == (1, 0)
    [alone] = fake_discord.messages[CHANNEL]
    assert alone["type"] == 0 and "message_reference" not in alone
    done = row(database, "al-story-2", DEST)
    assert (done.status, done.thread_id) == ("sent", None)
    assert done.last_error == "not edited: discord: unknown message (code 10008, HTTP 404)"
    [patch] = fake_discord.matching("PATCH", f"/channels/{CHANNEL}/messages/")
    assert patch.path.endswith(f"/messages/{parent_id}") and patch.json["embeds"]


async def test_another_authors_message_is_never_edited(
    fake_discord: FakeDiscord, database: Database
) -> None:
    foreign = fake_discord.add_foreign_message(CHANNEL, "hello")
    store_alert(database, first_alert(), [DEST])
    with database.session() as session:  # a row that (wrongly) points at someone else's message
        parent_row = session.query(OutboxRow).filter_by(alert_id=PARENT_ID).one()
        parent_row.status, parent_row.external_id = "sent", foreign
    store_follow_up_of_first(database, [DEST])

    await dispatch(database, fake_discord)

    assert fake_discord.edits == []
    done = row(database, "al-story-2", DEST)
    assert done.status == "sent"
    assert "cannot edit a message authored by another user" in (done.last_error or "")
