"""Command handlers shared by every chat service; they know nothing of any service.

An adapter turns a slash command into an :class:`~bot.chat.invocation.Invocation` (typed words,
or named options as the service gave them) and converts the :class:`Reply` at its edge. A bad
subcommand or argument gets a helpful answer, never an exception.

The handlers: ``status``, ``latest``, ``history`` (:mod:`bot.chat.fact_commands`);
``subscribe``, ``unsubscribe``, ``feeds``, ``add-feed``, ``remove-feed``
(:mod:`bot.chat.channel_commands`); ``set`` (:mod:`bot.chat.review_commands`); ``help`` here.
Changing what the bot watches (``add-feed``, ``remove-feed``) and setting a fact (``set``) are
for :class:`Reviewers` only (the config's ``review``); anyone else gets an answer only they see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.alerts.card import Reply
from bot.chat.answers import answer
from bot.chat.channel_commands import (
    cmd_add_feed,
    cmd_feeds,
    cmd_remove_feed,
    cmd_subscribe,
    cmd_unsubscribe,
)
from bot.chat.fact_commands import cmd_history, cmd_latest, cmd_status
from bot.chat.invocation import KINDS, Invocation, parse_command
from bot.chat.review import PRIVILEGED, Reviewers
from bot.chat.review_commands import cmd_set, refused
from bot.facts.catalogue import Catalogue
from bot.review.decide import Decisions
from bot.store.db import Database

__all__ = [
    "HANDLERS",
    "KINDS",
    "CommandServices",
    "Invocation",
    "Reviewers",
    "handle",
    "parse_command",
]

log = logging.getLogger(__name__)

HELP = (
    (
        "/fentanyl-status [fact or topic] [public]",
        "each tracked fact: value now, baseline, last change",
    ),
    ("/fentanyl latest [n]", "the n latest relevant stories (default 5)"),
    ("/fentanyl history <fact>", "every change of one fact, with a chart"),
    ("/fentanyl subscribe [changes|news|digest] [topic]", "send those alerts to this channel"),
    ("/fentanyl unsubscribe [topic]", "stop alerts to this channel"),
    ("/fentanyl feeds", "each feed's health"),
    ("/fentanyl add-feed <name> <url>", "watch one more feed (http or https)"),
    ("/fentanyl remove-feed <name>", "stop watching a feed added from chat"),
    ("/fentanyl set <fact> <value> [source]", "set a tracked fact (reviewers only)"),
    ("/fentanyl help", "this list"),
)

FeedUrlCheck = Callable[[str], "str | None"]  # why a URL may not be added, or None


@dataclass
class CommandServices:
    db: Database
    catalogue: Catalogue
    topics: tuple[str, ...] = field(default_factory=tuple)
    reviewers: Reviewers = field(default_factory=Reviewers)
    feed_url_problem: FeedUrlCheck | None = None
    decisions: Decisions | None = None  # the reviewers' decisions (``set``)


def cmd_help(inv: Invocation, services: CommandServices) -> Reply:
    return answer("Commands", lines=tuple(f"{usage}: {what}" for usage, what in HELP))


HANDLERS: dict[str, Callable[[Invocation, CommandServices], Reply]] = {
    "status": cmd_status,
    "latest": cmd_latest,
    "history": cmd_history,
    "subscribe": cmd_subscribe,
    "unsubscribe": cmd_unsubscribe,
    "feeds": cmd_feeds,
    "add-feed": cmd_add_feed,
    "remove-feed": cmd_remove_feed,
    "set": cmd_set,
    "help": cmd_help,
}


def handle(inv: Invocation, services: CommandServices) -> Reply:
    """The answer to ``inv``: the handler's, or a refusal (only the asker sees it) when the
    command is privileged and the asker not a reviewer."""
    asker = (inv.destination.partition(":")[0], inv.user, inv.groups, inv.manager)
    if inv.command in PRIVILEGED and not services.reviewers.allow(*asker):
        log.info("%s by %s in %s refused: not a reviewer", inv.command, inv.user, inv.destination)
        return refused(inv.command)
    handler = HANDLERS.get(inv.command)
    if handler is None:
        return answer(f"Unknown command “{inv.command}”", "Try: " + ", ".join(HANDLERS))
    try:
        return handler(inv, services)
    except Exception:
        log.exception("command %s %s %s failed", inv.command, inv.args, dict(inv.options))
        return answer("Sorry, that command failed; the error was logged.")
