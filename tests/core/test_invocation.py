"""Typed words (Slack) and named options (Discord) reach the transport-neutral handlers alike:
the same command gets the same answer either way, and named options are passed as given, never
joined into text and split again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.chat.commands import CommandServices, handle, parse_command
from bot.chat.discord_invocation import invocation_from
from bot.chat.invocation import Value, options_of

from .conftest import REVIEWER as USER
from .conftest import REVIEWER_ROLE

CHANNEL = "42"
TYPES = {bool: 5, int: 4, str: 3}


def discord(command: str, sub: str = "", /, **options: Value) -> dict[str, Any]:
    """An application-command interaction as Discord sends it, from a reviewer in a server."""
    values = [{"type": TYPES[type(v)], "name": k, "value": v} for k, v in options.items()]
    data = {"name": command, "options": [{"type": 1, "name": sub, "options": values}]}
    if not sub:
        data["options"] = values
    member = {"user": {"id": USER, "username": "rev"}, "roles": [REVIEWER_ROLE], "permissions": "0"}
    return {"type": 2, "channel_id": CHANNEL, "member": member, "data": data}


def typed(name: str, text: str) -> Any:
    return parse_command(name, text, destination=f"slack:{CHANNEL}", user=USER, user_name="rev")


@pytest.mark.parametrize(
    ("name", "text", "interaction"),
    [
        ("fentanyl-status", "", discord("fentanyl-status")),
        (
            "fentanyl-status",
            "tariff public",
            discord("fentanyl-status", query="tariff", public=True),
        ),
        ("fentanyl-status", "trade talks", discord("fentanyl-status", query="trade talks")),
        ("fentanyl", "latest 3", discord("fentanyl", "latest", n=3)),
        ("fentanyl", "latest 0", discord("fentanyl", "latest", n=0)),
        ("fentanyl", "history trade-talks", discord("fentanyl", "history", fact="trade-talks")),
        ("fentanyl", "history nonsense", discord("fentanyl", "history", fact="nonsense")),
        ("fentanyl", "subscribe weather", discord("fentanyl", "subscribe", topic="weather")),
        ("fentanyl", "remove-feed nothing", discord("fentanyl", "remove-feed", name="nothing")),
        (
            "fentanyl",
            "set trade-talks banana%",
            discord("fentanyl", "set", fact="trade-talks", value="banana%"),
        ),
        ("fentanyl", "help", discord("fentanyl", "help")),
    ],
)
def test_typed_and_named_commands_get_the_same_answer(
    services: CommandServices, name: str, text: str, interaction: dict[str, Any]
) -> None:
    by_words = handle(typed(name, text), services)
    by_options = handle(invocation_from(interaction), services)
    assert by_words.text == by_options.text
    assert by_words.ephemeral == by_options.ephemeral


def test_subscriptions_made_either_way_say_the_same(services: CommandServices) -> None:
    first = handle(typed("fentanyl", "subscribe news fentanyl"), services)
    named = discord("fentanyl", "subscribe", kind="news", topic="fentanyl")
    again = handle(invocation_from(named), services)
    assert first.text == again.text == "Subscribed: this channel gets news on fentanyl alerts."


def test_named_options_are_never_joined_and_split(services: CommandServices) -> None:
    # a query that is a word of the typed grammar stays a query (of the facts about Public
    # Security), answered to the asker alone
    query = handle(invocation_from(discord("fentanyl-status", query="public")), services)
    assert query.ephemeral and "Tracked facts (1)" in query.text
    assert "Ministry of Public Security" in query.text
    flag = handle(typed("fentanyl-status", "public"), services)
    assert not flag.ephemeral and "Tracked facts (10)" in flag.text
    # a value of several words, and its source, arrive as given
    source = "https://mps.example/n"
    named = discord("fentanyl", "set", fact="china-fentanyl-envoy", value="Li  Wei", source=source)
    expected = {"fact": "china-fentanyl-envoy", "value": "Li  Wei", "source": source}
    assert options_of(invocation_from(named)).values == expected
    words = typed("fentanyl", f"set china-fentanyl-envoy Li Wei <{source}>")
    assert options_of(words).values == {**expected, "value": "Li Wei", "source": f"<{source}>"}


def test_a_feed_added_with_a_named_url_is_the_url(services: CommandServices) -> None:
    url = "https://mofcom.example/rss?topic=trade&lang=en"
    reply = handle(
        invocation_from(discord("fentanyl", "add-feed", name="mofcom", url=url)), services
    )
    assert reply.text.startswith("Added feed mofcom")
    listing = handle(typed("fentanyl", "feeds"), services)
    assert "mofcom" in listing.text
