"""The Slack destination against the local Web API stand-in: Block Kit, escaping, metadata,
429 / 5xx / permanent errors, reconciliation, and the outbox dispatcher on a real store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock, SectionBlock

from bot.alerts.card import Card, CardField, CardKind
from bot.delivery.outbox import Dispatcher
from bot.delivery.slack import (
    MAX_BLOCKS,
    SlackDestination,
    escape,
    fit,
    render_blocks,
    safe_url,
)
from bot.store import repo
from bot.store.cards import add_card
from bot.store.db import Database
from bot.store.models import OutboxRow
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack

PUBLISHED = datetime(2025, 5, 12, 8, 30, tzinfo=UTC)


def change_card(card_id: str = "al-test-1", **overrides: Any) -> Card:
    card = Card(
        id=card_id,
        kind=CardKind.CHANGE,
        title="US tariff on most goods from China: 145% → 30%",
        body="Both sides agreed in Geneva to cut tariffs for 90 days.",
        lines=(
            "US tariff on most goods from China: 145% → 30% (baseline 145% as of 2025-05-02)",
            "China's tariff on most US goods: 125% → 10% (baseline 125% as of 2025-05-02)",
        ),
        link="https://news.example/geneva?id=1&lang=en",
        source="Example Wire: Geneva deal",
        published=PUBLISHED,
        footer="3 sources",
    )
    return replace(card, **overrides)


def destination(fake: FakeSlack, **options: Any) -> SlackDestination:
    options.setdefault("min_interval", 0.0)
    options.setdefault("retry_base_delay", 0.01)
    return SlackDestination(BOT_TOKEN, fake.api_url, **options)


def parsed_blocks(blocks: list[dict[str, Any]]) -> list[Block]:
    """Parse with slack_sdk's models and run their validation (lengths, counts)."""
    models = [Block.parse(b) for b in blocks]
    for model in models:
        assert model is not None
        model.validate_json()
    return [m for m in models if m is not None]


def all_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def check_limits(blocks: list[Block]) -> None:
    assert 1 <= len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if isinstance(block, HeaderBlock):
            assert block.text is not None and len(block.text.text) <= 150
        if isinstance(block, SectionBlock):
            assert block.text is None or len(block.text.text) <= 3000
            assert len(block.fields or []) <= 10
            assert all(len(f.text) <= 2000 for f in block.fields or [])


# --- rendering ------------------------------------------------------------------------------


def test_escape_and_fit_never_cut_an_entity() -> None:
    assert escape("a & b <c>") == "a &amp; b &lt;c&gt;"
    cut = fit("<" * 100, 50)
    assert len(cut) <= 50
    assert cut.endswith("…")
    assert cut[:-1].replace("&lt;", "") == ""


def test_safe_url_refuses_other_schemes_and_quotes_brackets() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("slack://open") is None
    assert safe_url("not a url") is None
    assert safe_url("https://ex.test/a b|<c>") == "https://ex.test/a%20b%7C%3Cc%3E"


def test_a_huge_card_is_cut_to_slack_limits() -> None:
    card = change_card(
        title="T" * 400,
        body="B" * 10_000,
        lines=tuple(f"Fact {i}: {'x' * 3000}" for i in range(40)),
        fields=tuple(CardField(f"F{i}", "v" * 5000, inline=i % 2 == 0) for i in range(80)),
        footer="f" * 5000,
        source="s" * 5000,
    )
    blocks = parsed_blocks(render_blocks(card))
    check_limits(blocks)
    assert len(blocks) == MAX_BLOCKS
    assert "more not shown" in all_text([b.to_dict() for b in blocks[-3:]])
    assert blocks[-1].type == "actions"


def test_a_change_card_shows_changes_as_fields_and_a_button() -> None:
    blocks = parsed_blocks(render_blocks(change_card()))
    check_limits(blocks)
    kinds = [b.type for b in blocks]
    assert kinds == ["header", "section", "section", "context", "actions"]
    fields = blocks[1].to_dict()["fields"]
    assert fields[0]["text"].startswith("*US tariff on most goods from China*\n145% → 30%")
    button = blocks[-1].to_dict()["elements"][0]
    assert button["url"] == "https://news.example/geneva?id=1&lang=en"


# --- posting --------------------------------------------------------------------------------


async def test_an_alert_is_posted_with_valid_blocks_and_metadata(fake_slack: FakeSlack) -> None:
    dest = destination(fake_slack)
    result = await dest.send(change_card(), "C100")
    await dest.close()
    assert result.ok, result.error
    [message] = fake_slack.posted("C100")
    assert result.external_id == message["ts"]
    check_limits(parsed_blocks(message["blocks"]))
    assert message["metadata"] == {
        "event_type": "fentanyl_alert",
        "event_payload": {"alert_id": "al-test-1", "kind": "changes"},
    }
    assert "145% → 30%" in message["text"]
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.token == BOT_TOKEN


async def test_feed_text_with_mentions_and_links_arrives_inert(fake_slack: FakeSlack) -> None:
    hostile = "Tariffs <!channel> @here <@U123> <!subteam^S1> <http://evil.example|click> & more"
    card = change_card(
        kind=CardKind.NEWS,
        title=hostile,
        body=hostile,
        lines=(hostile,),
        fields=(CardField(hostile, hostile),),
        source=hostile,
        footer="@everyone " + hostile,
        link="https://news.example/<!channel>|x",
    )
    result = await destination(fake_slack).send(card, "C100")
    assert result.ok, result.error
    [message] = fake_slack.posted("C100")
    text = all_text([message["text"], message["blocks"]])
    for live in ("<!channel>", "<@U123>", "<!subteam", "<http://evil", "@here", "@everyone"):
        assert live not in text, live
    assert "&lt;!channel&gt;" in text
    assert "&lt;http://evil.example|click&gt;" in text
    assert "@\u2060here" in text
    links = [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert links[0].startswith("<https://news.example/%3C!channel%3E%7Cx|")


async def test_429_then_success_through_the_dispatcher_posts_once(
    fake_slack: FakeSlack, database: Database
) -> None:
    fake_slack.fail_next(
        "chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}
    )
    card = change_card()
    with database.session() as session:
        add_card(session, card, uid=None, destinations=["slack:C200"])
    dest = destination(fake_slack)
    dispatcher = Dispatcher(database, {"slack": dest}, owner="test")
    before = repo.utcnow()
    first = await dispatcher.run_once()
    assert first.sent == 0 and first.retried == 1
    with database.session() as session:
        row = session.query(OutboxRow).one()
        assert row.status == "pending"
        assert "rate limited" in (row.last_error or "")
        assert row.next_attempt_at >= before + timedelta(seconds=6)
        row.next_attempt_at = repo.utcnow()  # the Retry-After has passed
    second = await dispatcher.run_once()
    assert second.sent == 1
    assert len(fake_slack.posted("C200")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    with database.session() as session:
        row = session.query(OutboxRow).one()
        assert row.status == "sent"
        assert row.external_id == fake_slack.posted("C200")[0]["ts"]


async def test_a_5xx_is_retried_with_backoff(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", 503, "upstream unavailable")
    result = await destination(fake_slack).send(change_card(), "C300")
    assert result.ok, result.error
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert len(fake_slack.posted("C300")) == 1


async def test_a_lost_response_after_a_5xx_is_not_posted_twice(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", 500, "oops", after_success=True)
    result = await destination(fake_slack).send(change_card(), "C301")
    assert result.ok, result.error
    assert len(fake_slack.posted("C301")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert fake_slack.calls_to("conversations.history")
    assert result.external_id == fake_slack.posted("C301")[0]["ts"]


async def test_5xx_that_persists_is_reported_retryable(fake_slack: FakeSlack) -> None:
    for _ in range(3):
        fake_slack.fail_next("chat.postMessage", 502, "bad gateway")
    result = await destination(fake_slack, server_error_retries=2).send(change_card(), "C302")
    assert not result.ok and result.retryable
    assert result.error is not None and result.error.startswith("slack: server error 502")
    assert fake_slack.posted("C302") == []


async def test_permanent_errors_keep_the_row_pending(
    fake_slack: FakeSlack, database: Database
) -> None:
    fake_slack.channel_errors["C404"] = "channel_not_found"
    fake_slack.channel_errors["C403"] = "not_in_channel"
    card = change_card()
    dest = destination(fake_slack)
    for channel, code in (("C404", "channel_not_found"), ("C403", "not_in_channel")):
        result = await dest.send(card, channel)
        assert not result.ok and not result.retryable
        assert result.error == f"slack: {code} (channel {channel})"
    bad_token = SlackDestination("xoxb-wrong", fake_slack.api_url, min_interval=0)
    result = await bad_token.send(card, "C100")
    assert not result.ok and not result.retryable and result.error is not None
    assert result.error.startswith("slack: invalid_auth")

    with database.session() as session:
        add_card(session, card, uid=None, destinations=["slack:C404"])
    await Dispatcher(database, {"slack": dest}, owner="test").run_once()
    with database.session() as session:
        row = session.query(OutboxRow).one()
        assert row.status == "pending"
        assert row.last_error == "slack: channel_not_found (channel C404)"


async def test_already_sent_finds_the_alert_id_in_history(fake_slack: FakeSlack) -> None:
    dest = destination(fake_slack)
    posted = await dest.send(change_card("al-a"), "C500")
    await dest.send(change_card("al-b"), "C500")
    assert await dest.already_sent(change_card("al-a"), "C500") == posted.external_id
    assert await dest.already_sent(change_card("al-zzz"), "C500") is None
    call = fake_slack.calls_to("conversations.history")[0]
    assert str(call.params["include_all_metadata"]) in {"1", "true"}
    fake_slack.channel_errors["C501"] = "not_in_channel"
    assert await dest.already_sent(change_card("al-a"), "C501") is None


async def test_a_row_left_sending_is_reconciled_not_resent(
    fake_slack: FakeSlack, database: Database
) -> None:
    card = change_card("al-crash")
    dest = destination(fake_slack)
    await dest.send(card, "C600")  # posted, then the worker "crashed" before marking it sent
    with database.session() as session:
        add_card(session, card, uid=None, destinations=["slack:C600"])
        row = session.query(OutboxRow).one()
        row.status = "sending"
        row.lease_owner = "dead-replica"
        row.lease_until = repo.utcnow() - timedelta(minutes=1)
    stats = await Dispatcher(database, {"slack": dest}, owner="test").run_once()
    assert stats.reconciled == 1 and stats.sent == 0
    assert len(fake_slack.posted("C600")) == 1


async def test_messages_to_one_channel_are_paced(fake_slack: FakeSlack) -> None:
    dest = destination(fake_slack, min_interval=0.5)
    for i in range(3):
        assert (await dest.send(change_card(f"al-p{i}"), "C700")).ok
    times = [t for method, t in fake_slack.call_times if method == "chat.postMessage"]
    gaps = [b - a for a, b in pairwise(times)]
    assert len(gaps) == 2
    assert all(gap >= 0.45 for gap in gaps), gaps
