"""The reviewers' buttons as each destination renders them, and their ids: shown only on the
services that have reviewers, never on answers, within each service's limits; ids the bot did not
make are refused before anything is read."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.alerts.card import Card, CardAction, CardKind
from bot.config.settings import ReviewConfig
from bot.delivery.discord_render import components_for, message_parameters
from bot.delivery.slack_render import render_blocks
from bot.review.actions import (
    Verb,
    action_id,
    parse_action,
    review_actions,
    services_with_reviewers,
)

ALERT = "al-0123456789abcdef01234567"


def card(actions: tuple[CardAction, ...], kind: CardKind = CardKind.REPORT) -> Card:
    return Card(id=ALERT, kind=kind, title="Unconfirmed: x", link="https://a.example/1",
                actions=actions)  # fmt: skip


def slack_buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for block in blocks:
        assert Block.parse(block) is not None
    return [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]


def test_ids_round_trip_and_anything_else_is_refused() -> None:
    wrong = action_id(Verb.WRONG, ALERT, "us-tariff-china")
    assert parse_action(wrong) is not None and parse_action(wrong).fact_id == "us-tariff-china"  # type: ignore[union-attr]
    for forged in (
        None,
        42,
        "",
        "review:confirm",
        f"review:promote:{ALERT}",
        f"review:confirm:{ALERT}:us-tariff-china",  # confirm names no fact
        f"review:wrong:{ALERT}",  # wrong names one
        "review:confirm:al x",
        f"review:wrong:{ALERT}:../../etc",
        "open-link-al-1",
        "review:confirm:" + "a" * 300,
    ):
        assert parse_action(forged) is None, forged


def test_buttons_appear_only_where_reviewers_are() -> None:
    assert services_with_reviewers(ReviewConfig()) == ()
    assert services_with_reviewers(ReviewConfig(slack_user_groups=["S1"])) == ("slack",)
    assert services_with_reviewers(ReviewConfig(discord_roles=["1"])) == ("discord",)
    assert review_actions(ALERT, pending=True, moved=[], services=()) == ()
    slack_only = review_actions(ALERT, pending=True, moved=[], services=("slack",))

    blocks = render_blocks(card(slack_only))
    buttons = slack_buttons(blocks)
    assert [(b["text"]["text"], b.get("style")) for b in buttons] == [
        ("Confirm", "primary"),
        ("Dismiss", "danger"),
        ("Read the article", None),
    ]
    assert buttons[0]["action_id"] == f"review:confirm:{ALERT}"
    assert components_for(card(slack_only)) == []  # Discord has no reviewers here


def test_discord_buttons_are_components_and_an_edit_without_them_removes_them() -> None:
    moved = [("us-tariff-china", "US tariff"), ("china-tariff-us", "China's tariff")]
    actions = review_actions(ALERT, pending=False, moved=moved, services=("discord",))
    [row] = components_for(card(actions, CardKind.CHANGE))
    assert [(b["label"], b["style"]) for b in row["components"]] == [
        ("Wrong: US tariff", 2),
        ("Wrong: China's tariff", 2),
    ]
    too_long = CardAction("review:wrong:" + ALERT + ":" + "x" * 90, "Wrong value")
    assert components_for(card((too_long,))) == []  # over Discord's 100-character custom_id
    params = message_parameters([card(())], components=components_for(card(())))
    assert params.payload is not None and params.payload["components"] == []


def test_answers_never_carry_buttons() -> None:
    actions = review_actions(ALERT, pending=True, moved=[], services=("slack", "discord"))
    answer = Card(id="answer", kind=CardKind.ANSWER, title="Review", actions=actions)
    assert not any(
        str(b.get("action_id", "")).startswith("review:")
        for b in slack_buttons(render_blocks(answer))
    )
    assert components_for(answer) == []
