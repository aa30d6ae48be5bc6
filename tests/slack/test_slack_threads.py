"""Story threads on Slack, through the dispatcher and the real destination against the Web API
stand-in: a follow-up is one reply in its parent's thread and one ``chat.update`` of the parent
to its revised card; it waits for an unsent parent; it stands alone where the parent is not;
a correction is broadcast; crashes and failed edits never repeat the reply."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.delivery.base import FollowUp
from bot.delivery.outbox import Dispatcher, DispatchStats
from bot.delivery.slack import SlackDestination
from bot.store import repo
from bot.store.db import Database
from bot.store.models import OutboxRow
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.threads import (
    PARENT_ID,
    first_alert,
    follow_up,
    left_sending,
    make_due,
    revised,
    row,
    store_alert,
    store_follow_up,
    store_follow_up_of_first,
)

CHANNEL = "C0STORY"


def destination(fake: FakeSlack) -> SlackDestination:
    return SlackDestination(BOT_TOKEN, fake.api_url, min_interval=0.0, retry_base_delay=0.01)


async def dispatch(database: Database, fake: FakeSlack) -> DispatchStats:
    dest = destination(fake)
    try:
        return await Dispatcher(database, {"slack": dest}, owner="test").run_once()
    finally:
        await dest.close()


def alert_id_of(message: dict[str, Any]) -> str:
    return str(((message.get("metadata") or {}).get("event_payload") or {}).get("alert_id"))


def text_of(message: dict[str, Any]) -> str:
    return json.dumps([message.get("text"), message.get("blocks")], ensure_ascii=False)


async def posted_parent(database: Database, fake: FakeSlack, channel: str = CHANNEL) -> str:
    store_alert(database, first_alert(), [f"slack:{channel}"])
    await dispatch(database, fake)
    [parent] = fake.top_level(channel)
    return str(parent["ts"])


async def test_a_follow_up_is_one_reply_in_the_thread_and_one_edit_of_the_parent(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    assert "unconfirmed, 1 source" in text_of(fake_slack.message(CHANNEL, parent_ts) or {})
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])

    stats = await dispatch(database, fake_slack)

    assert (stats.sent, stats.edited) == (1, 1)
    assert [alert_id_of(m) for m in fake_slack.top_level(CHANNEL)] == [PARENT_ID]
    [reply] = fake_slack.thread(CHANNEL, parent_ts)
    assert alert_id_of(reply) == "al-story-2"
    assert "subtype" not in reply  # not broadcast: only a correction is
    [update] = fake_slack.updates
    assert update["ts"] == parent_ts and update["channel"] == CHANNEL
    assert "3 sources" in text_of(update) and "unconfirmed" not in text_of(update)
    assert alert_id_of(update) == PARENT_ID  # the metadata still finds the parent
    posts = fake_slack.calls_to("chat.postMessage")
    assert posts[-1].params["thread_ts"] == parent_ts
    child = row(database, "al-story-2", f"slack:{CHANNEL}")
    assert (child.status, child.external_id, child.thread_id) == ("sent", reply["ts"], parent_ts)
    assert child.attempts == 0 and child.last_error is None
    # the order: the reply first, then the edit
    methods = [
        c.method for c in fake_slack.calls if c.method in ("chat.postMessage", "chat.update")
    ]
    assert methods[-2:] == ["chat.postMessage", "chat.update"]
    # nothing more to do
    again = await dispatch(database, fake_slack)
    assert (again.sent, again.edited) == (0, 0)


async def test_a_follow_up_waits_for_its_parent_and_then_replies(
    fake_slack: FakeSlack, database: Database
) -> None:
    fake_slack.fail_next(
        "chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}
    )
    store_alert(database, first_alert(), [f"slack:{CHANNEL}"])
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])

    stats = await dispatch(database, fake_slack)

    assert stats.waiting == 1 and stats.sent == 0
    assert fake_slack.posted(CHANNEL) == []
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the parent's, refused
    waiting = row(database, "al-story-2", f"slack:{CHANNEL}")
    assert (waiting.status, waiting.attempts) == ("pending", 0)  # not a failed attempt
    assert waiting.last_error == f"waiting for {PARENT_ID} to be posted in slack:{CHANNEL}"

    make_due(database)
    stats = await dispatch(database, fake_slack)

    assert (stats.sent, stats.edited) == (2, 1)
    [parent] = fake_slack.top_level(CHANNEL)
    assert [alert_id_of(m) for m in fake_slack.thread(CHANNEL, parent["ts"])] == ["al-story-2"]
    assert "3 sources" in text_of(parent)  # posted with, or edited to, the revised card
    assert row(database, "al-story-2", f"slack:{CHANNEL}").attempts == 0


async def test_a_follow_up_waits_while_another_replica_is_sending_the_parent(
    fake_slack: FakeSlack, database: Database
) -> None:
    store_alert(database, first_alert(), [f"slack:{CHANNEL}"])
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])
    left_sending(database, PARENT_ID, f"slack:{CHANNEL}")
    with database.session() as session:  # ... whose lease is still live
        parent_row = session.query(OutboxRow).filter_by(alert_id=PARENT_ID).one()
        parent_row.lease_until = repo.utcnow() + timedelta(hours=1)

    stats = await dispatch(database, fake_slack)

    assert stats.waiting == 1
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_where_the_parent_has_no_message_the_follow_up_stands_alone(
    fake_slack: FakeSlack, database: Database
) -> None:
    # the parent went to C0STORY only (C0OTHER did not take its kind) and failed in C0DEAD
    store_alert(database, first_alert(), [f"slack:{CHANNEL}", "slack:C0DEAD"])
    await dispatch(database, fake_slack)
    with database.session() as session:
        dead = session.query(OutboxRow).filter_by(destination="slack:C0DEAD").one()
        dead.status, dead.external_id = "failed", None
    fake_slack.delete("C0DEAD", fake_slack.top_level("C0DEAD")[0]["ts"])
    destinations = [f"slack:{CHANNEL}", "slack:C0OTHER", "slack:C0DEAD"]
    store_follow_up_of_first(database, destinations)

    stats = await dispatch(database, fake_slack)

    assert stats.sent == 3 and stats.edited == 1
    for channel in ("C0OTHER", "C0DEAD"):
        [alone] = fake_slack.posted(channel)
        assert alert_id_of(alone) == "al-story-2" and "thread_ts" not in alone
        standalone = row(database, "al-story-2", f"slack:{channel}")
        assert (standalone.status, standalone.thread_id) == ("sent", None)
    assert [u["channel"] for u in fake_slack.updates] == [CHANNEL]


async def test_a_correction_is_broadcast_to_the_channel(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    correction = follow_up(
        "al-story-fix", title="Correction: US tariff on most Chinese goods is 30%", broadcast=True
    )
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"], correction)

    await dispatch(database, fake_slack)

    call = fake_slack.calls_to("chat.postMessage")[-1]
    assert call.params["thread_ts"] == parent_ts
    assert call.params["reply_broadcast"] in (True, "true", "1")
    [reply] = fake_slack.thread(CHANNEL, parent_ts)
    assert reply["subtype"] == "thread_broadcast"
    assert [alert_id_of(m) for m in fake_slack.top_level(CHANNEL)] == [PARENT_ID, "al-story-fix"]


async def test_a_reply_left_sending_by_a_crash_is_found_in_the_thread_then_the_edit_is_made(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    child = store_follow_up_of_first(database, [f"slack:{CHANNEL}"])
    # the reply arrived, then the worker died before recording it
    dest = destination(fake_slack)
    await dest.send(child, CHANNEL, FollowUp(parent=first_alert(), message_id=parent_ts))
    await dest.close()
    left_sending(database, "al-story-2", f"slack:{CHANNEL}")
    posts_before = len(fake_slack.calls_to("chat.postMessage"))

    stats = await dispatch(database, fake_slack)

    assert (stats.reconciled, stats.sent, stats.edited) == (1, 0, 1)
    assert len(fake_slack.calls_to("chat.postMessage")) == posts_before
    [lookup] = fake_slack.calls_to("conversations.replies")
    assert lookup.params["ts"] == parent_ts
    assert str(lookup.params["include_all_metadata"]).lower() in ("1", "true")
    assert len(fake_slack.thread(CHANNEL, parent_ts)) == 1
    [update] = fake_slack.updates
    assert "3 sources" in text_of(update)
    assert row(database, "al-story-2", f"slack:{CHANNEL}").status == "sent"


async def test_a_failed_edit_is_retried_without_repeating_the_reply(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])
    fake_slack.fail_next("chat.update", 503, "upstream unavailable")

    stats = await dispatch(database, fake_slack)

    assert (stats.sent, stats.edited, stats.retried) == (1, 0, 1)
    editing = row(database, "al-story-2", f"slack:{CHANNEL}")
    assert editing.status == "editing" and editing.attempts == 1
    assert editing.external_id == fake_slack.thread(CHANNEL, parent_ts)[0]["ts"]
    assert "server error 503" in (editing.last_error or "")
    assert fake_slack.updates == []

    make_due(database)
    stats = await dispatch(database, fake_slack)

    assert (stats.sent, stats.edited) == (0, 1)
    assert len(fake_slack.thread(CHANNEL, parent_ts)) == 1
    assert len(fake_slack.updates) == 1
    done = row(database, "al-story-2", f"slack:{CHANNEL}")
    assert (done.status, done.last_error) == ("sent", None)
    assert fake_slack.calls_to("conversations.replies") == []  # an edit needs no look-up


async def test_a_parent_that_cannot_be_edited_leaves_the_reply_standing(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    fake_slack.closed_for_edits.add(parent_ts)
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])

    stats = await dispatch(database, fake_slack)

    assert (stats.sent, stats.edited) == (1, 0)
    assert len(fake_slack.thread(CHANNEL, parent_ts)) == 1
    done = row(database, "al-story-2", f"slack:{CHANNEL}")
    assert done.status == "sent"
    assert done.last_error == f"not edited: slack: edit_window_closed (channel {CHANNEL})"


async def test_a_deleted_parent_gets_a_standalone_follow_up(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    fake_slack.delete(CHANNEL, parent_ts)
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])

    await dispatch(database, fake_slack)

    [alone] = fake_slack.top_level(CHANNEL)
    assert alert_id_of(alone) == "al-story-2" and "thread_ts" not in alone
    threaded, plain = fake_slack.calls_to("chat.postMessage")[-2:]
    assert threaded.params["thread_ts"] == parent_ts and "thread_ts" not in plain.params
    done = row(database, "al-story-2", f"slack:{CHANNEL}")
    assert done.status == "sent" and done.thread_id is None
    assert done.last_error == f"not edited: slack: message_not_found (channel {CHANNEL})"


async def test_each_follow_up_of_a_story_leaves_the_parent_at_its_newest_card(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    store_follow_up(
        database,
        follow_up("al-story-2"),
        revised(first_alert(), footer="2 sources"),
        [f"slack:{CHANNEL}"],
    )
    store_follow_up(
        database,
        follow_up("al-story-3", title="A third outlet confirms the 30% US tariff"),
        revised(first_alert(), footer="3 sources"),
        [f"slack:{CHANNEL}"],
    )

    await dispatch(database, fake_slack)

    replies = fake_slack.thread(CHANNEL, parent_ts)
    assert [alert_id_of(m) for m in replies] == ["al-story-2", "al-story-3"]
    assert all(u["ts"] == parent_ts for u in fake_slack.updates)
    assert "3 sources" in text_of(fake_slack.message(CHANNEL, parent_ts) or {})


async def test_a_follow_up_of_a_follow_up_stays_in_the_first_thread(
    fake_slack: FakeSlack, database: Database
) -> None:
    parent_ts = await posted_parent(database, fake_slack)
    store_follow_up_of_first(database, [f"slack:{CHANNEL}"])
    await dispatch(database, fake_slack)
    second = follow_up("al-story-2")
    store_follow_up(
        database,
        follow_up("al-story-3", parent="al-story-2"),
        revised(second, footer="4 sources"),
        [f"slack:{CHANNEL}"],
    )

    await dispatch(database, fake_slack)

    replies = fake_slack.thread(CHANNEL, parent_ts)
    assert [alert_id_of(m) for m in replies] == ["al-story-2", "al-story-3"]
    assert fake_slack.updates[-1]["ts"] == replies[0]["ts"]  # its own parent, a reply
    assert "4 sources" in text_of(fake_slack.updates[-1])


async def test_a_follow_up_left_sending_is_looked_up_even_while_its_parent_waits(
    fake_slack: FakeSlack, database: Database
) -> None:
    store_alert(database, first_alert(), [f"slack:{CHANNEL}"])
    with database.session() as session:  # the parent's delivery had failed ...
        session.query(OutboxRow).filter_by(alert_id=PARENT_ID).update({"status": "failed"})
    child = store_follow_up_of_first(database, [f"slack:{CHANNEL}"])
    dest = destination(fake_slack)  # ... so the follow-up went out standalone, then a crash
    await dest.send(child, CHANNEL, FollowUp(parent=first_alert()))
    await dest.close()
    left_sending(database, "al-story-2", f"slack:{CHANNEL}")
    with database.session() as session:  # an operator retries the parent; Slack is busy
        session.query(OutboxRow).filter_by(alert_id=PARENT_ID).update({"status": "pending"})
    fake_slack.fail_next(
        "chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}
    )

    stats = await dispatch(database, fake_slack)

    assert stats.reconciled == 1 and stats.waiting == 0
    assert [alert_id_of(m) for m in fake_slack.posted(CHANNEL)] == ["al-story-2"]
    assert row(database, "al-story-2", f"slack:{CHANNEL}").status == "sent"
