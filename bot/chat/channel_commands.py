"""The commands about a channel and what the bot watches: ``subscribe``, ``unsubscribe``,
``feeds``, ``add-feed`` and ``remove-feed`` (the last two for reviewers only; the check is made
before a handler runs, see :func:`bot.chat.commands.handle`). Transport-neutral: options come
named (:func:`~bot.chat.invocation.options_of`).

A feed URL must be public: it is resolved when added, and refused unless every address is a
public internet address (``CommandServices.feed_url_problem``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.alerts.card import Reply
from bot.chat.answers import answer
from bot.chat.invocation import KINDS, Invocation, link_text, options_of
from bot.store import repo
from bot.store.reports import FeedReport, feed_reports

if TYPE_CHECKING:
    from bot.chat.commands import CommandServices

NEEDS_A_CHANNEL = "Subscriptions need a channel; run this in one."
FEED_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_FEED_LINES = 40


def cmd_subscribe(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``kind`` (one or more of :data:`KINDS`; default ``changes``), ``topic``."""
    if not inv.destination:
        return answer(NEEDS_A_CHANNEL)
    options = options_of(inv)
    kinds = [kind.lower() for kind in options.texts("kind")]
    topic = options.text("topic").lower()
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or (topic and services.topics and topic not in services.topics):
        what = f"kind “{unknown[0]}”" if unknown else f"topic “{topic}”"
        known = "Topics: " + ", ".join(services.topics) + ". Kinds: " + ", ".join(KINDS)
        return answer(f"Unknown {what}", known)
    with services.db.unit() as session:
        subscribed = repo.subscribe(session, inv.destination, kinds or ["changes"], topic, inv.user)
    saved = ", ".join(subscribed.kinds)
    scope = f" on {topic}" if topic else ""
    return answer(f"Subscribed: this channel gets {saved}{scope} alerts.", ephemeral=False)


def cmd_unsubscribe(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``topic`` (default: every subscription of the channel)."""
    if not inv.destination:
        return answer(NEEDS_A_CHANNEL)
    topic = options_of(inv).text("topic").lower() or None
    with services.db.unit() as session:
        removed = repo.unsubscribe(session, inv.destination, topic)
    if not removed:
        return answer("This channel had no such subscription.")
    return answer(f"Unsubscribed ({removed} subscription{'s' if removed > 1 else ''}).")


def _feed_line(report: FeedReport) -> str:
    if report.healthy:
        return f"ok {report.name}: last success {(report.last_success_at or 'never')[:16]}"
    since = (report.failing_since or "")[:16]
    return (
        f"FAILING {report.name}: {report.consecutive_failures} failures since {since}, "
        f"{report.last_error}"
    )


def cmd_feeds(inv: Invocation, services: CommandServices) -> Reply:
    with services.db.unit() as session:
        reports = feed_reports(session)
    if not reports:
        return answer("No feeds are configured.")
    failing = [r for r in reports if not r.healthy]
    lines = tuple(_feed_line(r) for r in sorted(reports, key=lambda r: (r.healthy, r.name)))
    return answer(f"{len(reports)} feeds, {len(failing)} failing", lines=lines[:MAX_FEED_LINES])


def cmd_add_feed(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``name`` (lower-case letters, digits, ``-._``), ``url`` (public http(s))."""
    usage = "Usage: /fentanyl add-feed <name> <url> (name: lower-case letters, digits, - . _)"
    options = options_of(inv)
    name, url = options.text("name").lower(), options.text("url")
    if not url or not FEED_NAME.match(name):
        return answer(usage)
    url = link_text(url)
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return answer("Only http:// and https:// feed URLs can be added.")
    problem = services.feed_url_problem(url) if services.feed_url_problem else None
    if problem is not None:
        return answer("This feed URL cannot be added", f"{problem}.")
    with services.db.unit() as session:
        added = repo.add_chat_feed(session, name, url)
    if added is None:
        return answer(f"A feed named {name} exists already.")
    return answer(
        f"Added feed {name}; it is polled within a minute. See /fentanyl feeds.", ephemeral=False
    )


def cmd_remove_feed(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``name``."""
    name = options_of(inv).text("name").lower()
    if not name:
        return answer("Usage: /fentanyl remove-feed <name>")
    with services.db.unit() as session:
        removed = repo.remove_chat_feed(session, name)
    if not removed:
        return answer("No feed of that name was added from chat.")
    return answer(f"Removed feed {name}.", ephemeral=False)
