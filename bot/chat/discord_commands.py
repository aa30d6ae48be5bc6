"""The Discord slash commands as the API describes them (upload: :mod:`bot.chat.discord_sync`).

:func:`command_definitions` builds the API's JSON from the catalogue and the topics, so adding a
fact or topic in ``seeds/``/``config/`` changes them (and the next start re-syncs them). Their
options are named as the shared handlers read them (:mod:`bot.chat.invocation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.chat.invocation import KINDS
from bot.facts.catalogue import Catalogue

STRING, INTEGER, BOOLEAN, SUB_COMMAND, SUB_COMMAND_GROUP = 3, 4, 5, 1, 2
MAX_CHOICES = 25


def _choices(values: Sequence[str]) -> dict[str, Any]:
    if not values or len(values) > MAX_CHOICES:
        return {}
    return {"choices": [{"name": v, "value": v} for v in values]}


def _option(kind: int, name: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "description": description, "required": False, **extra}


def _subcommand(name: str, description: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"type": SUB_COMMAND, "name": name, "description": description, "options": list(options)}


def command_definitions(catalogue: Catalogue, topics: Sequence[str]) -> list[dict[str, Any]]:
    """The two slash commands as Discord's API describes them (choices from the catalogue and
    the topic list, so adding a fact or topic in ``seeds/``/``config/`` re-syncs them)."""
    facts = list(catalogue)
    query = _option(STRING, "query", "A fact id or a topic (default: every fact)", max_length=100)
    public = _option(BOOLEAN, "public", "Show the answer to the whole channel")
    return [
        {
            "type": 1,
            "name": "fentanyl-status",
            "description": "Tracked US–China trade and fentanyl facts: now, baseline, last change",
            "options": [query, public],
        },
        {
            "type": 1,
            "name": "fentanyl",
            "description": "US–China trade and fentanyl alerts",
            "options": [
                _subcommand(
                    "latest",
                    "The latest relevant stories",
                    _option(INTEGER, "n", "How many (1-20)", min_value=1, max_value=20),
                ),
                _subcommand(
                    "history",
                    "Every change of one fact, with a chart",
                    {**_option(STRING, "fact", "The fact", **_choices(facts)), "required": True},
                ),
                _subcommand(
                    "subscribe",
                    "Send alerts to this channel",
                    _option(STRING, "kind", "Which alerts (default: changes)", **_choices(KINDS)),
                    _option(STRING, "topic", "Only this topic", **_choices(topics)),
                ),
                _subcommand(
                    "unsubscribe",
                    "Stop alerts to this channel",
                    _option(STRING, "topic", "Only this topic", **_choices(topics)),
                ),
                _subcommand("feeds", "Each feed's health"),
                _subcommand(
                    "add-feed",
                    "Watch one more feed (reviewers only)",
                    {**_option(STRING, "name", "A short name", max_length=64), "required": True},
                    {**_option(STRING, "url", "The feed's URL", max_length=2000), "required": True},
                ),
                _subcommand(
                    "remove-feed",
                    "Stop watching a feed added from chat (reviewers only)",
                    {**_option(STRING, "name", "The feed's name", max_length=64), "required": True},
                ),
                _subcommand(
                    "set",
                    "Set a tracked fact (reviewers only)",
                    {**_option(STRING, "fact", "The fact", **_choices(facts)), "required": True},
                    {
                        **_option(
                            STRING,
                            "value",
                            "Its value now: 30%, frozen, 2025-06...",
                            max_length=100,
                        ),
                        "required": True,
                    },
                    _option(STRING, "source", "A link to the source", max_length=1000),
                ),
                _subcommand("help", "The commands"),
            ],
        },
    ]
