"""The transport-neutral command handlers, on a real store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.app.routing import destinations_for
from bot.chat.commands import CommandServices, Invocation, handle, parse_command
from bot.config import RouteConfig
from bot.facts.model import Change, ChangeStatus
from bot.store import ledger, repo
from bot.store.db import Database

from .conftest import REVIEWER


@pytest.mark.parametrize(
    ("name", "text", "command", "args"),
    [
        ("/fentanyl-status", "", "status", ()),
        ("fentanyl-status", "tariff public", "status", ("tariff", "public")),
        ("/fentanyl", "latest 3", "latest", ("3",)),
        ("/fentanyl", "", "help", ()),
        ("/fentanyl", "HISTORY us-tariff-china", "history", ("us-tariff-china",)),
    ],
)
def test_parse_command(name: str, text: str, command: str, args: tuple[str, ...]) -> None:
    inv = parse_command(name, text, destination="slack:C1", user="U1")
    assert (inv.command, inv.args, inv.destination) == (command, args, "slack:C1")


def test_status_lists_all_ten_facts_with_baselines(services: CommandServices) -> None:
    reply = handle(Invocation("status"), services)
    (card,) = reply.cards
    assert reply.ephemeral
    assert len(card.fields) == 10
    text = reply.text
    assert "US tariff on most Chinese goods" in text and "145%" in text
    assert "Wang Xiaohong" in text and "evaluating" in text


def test_status_filters_and_can_be_public(services: CommandServices) -> None:
    reply = handle(Invocation("status", ("tariff", "public")), services)
    assert not reply.ephemeral
    assert 1 <= len(reply.cards[0].fields) < 10
    nothing = handle(Invocation("status", ("weather",)), services)
    assert "No fact or topic matches" in nothing.text


def test_status_after_a_change_shows_when_and_why(services: CommandServices, db: Database) -> None:
    change = Change("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED, "cut to 30 percent")
    with db.session() as session:
        ledger.apply_changes(
            session,
            [change],
            uid="u1",
            published=datetime(2025, 5, 12, 8, tzinfo=UTC),
            source=ledger.SourceRef("wire", "Tariffs cut to 30%", "https://wire.example/a"),
        )
    text = handle(Invocation("status", ("us-tariff-china",)), services).text
    assert "30%" in text and "changed 2025-05-12 from 145%" in text
    assert "https://wire.example/a" in text
    history = handle(Invocation("history", ("us-tariff-china",)), services)
    card = history.cards[0]
    assert card.image_png is not None and card.image_png.startswith(b"\x89PNG")
    assert "145% → 30%" in history.text


def test_subscribe_routes_alerts_to_the_channel_then_unsubscribe(
    services: CommandServices, db: Database
) -> None:
    routes = [RouteConfig(to="console", kinds=["changes"])]
    reply = handle(Invocation("subscribe", ("news", "fentanyl"), "discord:42", "u"), services)
    assert "news" in reply.text and not reply.ephemeral
    with db.session() as session:
        assert destinations_for(session, routes, "news", ["fentanyl"]) == {"discord:42"}
        assert destinations_for(session, routes, "news", ["us-china-tariffs"]) == set()
        assert destinations_for(session, routes, "changes", ["x"]) == {"console"}
    handle(Invocation("unsubscribe", (), "discord:42", "u"), services)
    with db.session() as session:
        assert destinations_for(session, routes, "news", ["fentanyl"]) == set()


@pytest.mark.parametrize(
    ("inv", "expected"),
    [
        (Invocation("frobnicate"), "Unknown command"),
        (Invocation("latest", ("many",)), "Usage: /fentanyl latest"),
        (Invocation("history"), "Usage: /fentanyl history"),
        (Invocation("history", ("nonsense",)), "No such fact"),
        (Invocation("subscribe", ("changes",)), "need a channel"),
        (Invocation("subscribe", ("weather",), "slack:C1"), "Unknown topic"),
        (Invocation("add-feed", ("x", "file:///etc/passwd"), "slack:C1", REVIEWER), "Only http"),
        (
            Invocation("add-feed", ("Bad Name!", "https://a.example/f"), "slack:C1", REVIEWER),
            "Usage",
        ),
        (Invocation("remove-feed", ("config-feed",), "slack:C1", REVIEWER), "No feed of that name"),
    ],
)
def test_bad_input_gets_a_helpful_answer(
    services: CommandServices, inv: Invocation, expected: str
) -> None:
    assert expected in handle(inv, services).text


def test_add_feed_from_chat_is_marked_untrusted(services: CommandServices, db: Database) -> None:
    add = Invocation("add-feed", ("mofcom", "https://mofcom.example/rss"), "slack:C1", REVIEWER)
    reply = handle(add, services)
    assert "Added feed mofcom" in reply.text
    with db.session() as session:
        feed = repo.get_feed(session, "mofcom")
        assert feed is not None and feed.origin == "chat"
    assert (
        "exists already"
        in handle(replace(add, args=("mofcom", "https://x.example/rss")), services).text
    )
    assert "feeds, 0 failing" in handle(Invocation("feeds"), services).text


def test_help_and_latest_on_an_empty_store(services: CommandServices) -> None:
    assert "/fentanyl-status" in handle(Invocation("help"), services).text
    assert "No relevant stories yet" in handle(Invocation("latest"), services).text
