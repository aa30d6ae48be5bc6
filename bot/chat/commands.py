"""Command handlers shared by every chat service; they know nothing of Slack or Discord.

An adapter turns a slash command into an :class:`Invocation` (``/fentanyl-status X`` →
``status X``; ``/fentanyl latest 5`` → ``latest 5``) and converts the :class:`Reply` at its edge.
A bad subcommand or argument gets a helpful answer, never an exception.

Changing what the bot watches (``add-feed``, ``remove-feed``) and setting a fact (``set``, see
``bot/chat/review_commands.py``) are for :class:`Reviewers` only (the config's ``review``:
Slack users and user groups, Discord roles; Discord members with Manage Server too); anyone else
gets an answer only they see. A feed URL must be public: it is
resolved when added, and refused unless every address is a public internet address.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from bot.alerts.card import Card, CardField, CardKind, Reply
from bot.chat.chart import history_chart
from bot.chat.review import PRIVILEGED, Reviewers
from bot.chat.review_commands import cmd_set, decision_lines, refused
from bot.facts.catalogue import Catalogue
from bot.facts.model import Fact
from bot.facts.zh.script import language_of
from bot.review.decide import Decisions
from bot.store import ledger, repo
from bot.store.db import Database
from bot.store.reports import FactReport, FeedReport, fact_reports, feed_reports

log = logging.getLogger(__name__)
KINDS = ("changes", "news", "digest")
MAX_LATEST = 20

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


@dataclass(frozen=True)
class Invocation:
    command: str
    args: tuple[str, ...] = ()
    destination: str = ""  # e.g. "slack:C123" or "discord:456": where subscriptions point
    user: str = ""
    groups: frozenset[str] = frozenset()  # the asker's Slack user groups or Discord roles
    manager: bool = False  # Discord: the asker may manage the server
    name: str = ""  # the asker's name as the chat service shows it (decisions say who)


FeedUrlCheck = Callable[[str], "str | None"]  # why a URL may not be added, or None


@dataclass
class CommandServices:
    db: Database
    catalogue: Catalogue
    topics: tuple[str, ...] = field(default_factory=tuple)
    reviewers: Reviewers = field(default_factory=Reviewers)
    feed_url_problem: FeedUrlCheck | None = None
    decisions: Decisions | None = None  # the reviewers' decisions (``set``)


def parse_command(
    name: str,
    text: str,
    *,
    destination: str = "",
    user: str = "",
    groups: frozenset[str] = frozenset(),
    manager: bool = False,
    user_name: str = "",
) -> Invocation:
    """``name`` is the slash command without its slash (``fentanyl-status`` or ``fentanyl``)."""
    words = tuple(text.split())
    base = name.lstrip("/").lower()
    asked = Invocation("help", (), destination, user, groups, manager, user_name)
    if base.startswith("fentanyl-") and base != "fentanyl-":
        return replace(asked, command=base.removeprefix("fentanyl-"), args=words)
    if not words:
        return asked
    return replace(asked, command=words[0].lower(), args=words[1:])


def _answer(title: str, body: str = "", *, lines: tuple[str, ...] = ()) -> Card:
    return Card(id="answer", kind=CardKind.ANSWER, title=title, body=body, lines=lines)


def _find_facts(catalogue: Catalogue, query: str) -> list[Fact]:
    q = query.lower()
    exact = [f for f in catalogue.values() if f.id == q]
    if exact:
        return exact
    return [
        f
        for f in catalogue.values()
        if q in f.id or q in f.label.lower() or any(q == t or q in t for t in f.topics)
    ]


_LANGUAGES = {"en": "English", "zh": "Chinese"}


def _status_field(report: FactReport, fact: Fact) -> CardField:
    value = fact.format(report.value)
    baseline = fact.format(report.baseline)
    parts = [f"{value} (baseline {baseline} as of {report.baseline_as_of})"]
    if report.last_change:
        change = report.last_change
        parts.append(
            f"changed {change['at'][:10]} from {fact.format(change['old'])}: "
            f"{change['title']} {change['link']}".strip()
        )
        if report.effective:
            parts.append(f"effective {report.effective}")
        if report.sources:
            named = [f"{s.get('domain') or s.get('feed')} ({_LANGUAGES.get(s['language'], '?')})"
                     for s in report.sources]  # fmt: skip
            parts.append("moved by " + ", ".join(dict.fromkeys(named)))
        parts.append(f"{report.corroboration} source{'s' if report.corroboration != 1 else ''}")
    else:
        parts.append("unchanged since the baseline")
    return CardField(name=fact.label, value=" · ".join(parts), inline=False)


def cmd_status(inv: Invocation, services: CommandServices) -> Reply:
    public = "public" in inv.args
    query = " ".join(a for a in inv.args if a != "public").strip()
    facts = _find_facts(services.catalogue, query) if query else list(services.catalogue.values())
    if not facts:
        known = ", ".join(services.catalogue)
        return Reply((_answer(f"No fact or topic matches “{query}”", f"Known facts: {known}"),))
    with services.db.session() as session:
        reports = {r.id: r for r in fact_reports(session, services.catalogue)}
    fields = tuple(_status_field(reports[f.id], f) for f in facts)
    card = Card(
        id="status",
        kind=CardKind.ANSWER,
        title=f"Tracked facts ({len(fields)})",
        fields=fields,
        footer="Baselines: " + services.catalogue[facts[0].id].citation,
    )
    return Reply((card,), ephemeral=not public)


def _positive_int(text: str, default: int, maximum: int) -> int | None:
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        return None
    return min(int(text), maximum)


def cmd_latest(inv: Invocation, services: CommandServices) -> Reply:
    count = _positive_int(inv.args[0] if inv.args else "", 5, MAX_LATEST)
    if count is None:
        return Reply((_answer("Usage: /fentanyl latest [n]", "n is a number from 1 to 20."),))
    with services.db.session() as session:
        rows = repo.latest_entries(session, count)
        lines = tuple(f"{r.published:%Y-%m-%d} {r.title} ({r.feed}) {r.link}".strip() for r in rows)
    if not lines:
        return Reply((_answer("No relevant stories yet."),))
    return Reply((_answer(f"Latest {len(lines)} stories", lines=lines),))


def cmd_history(inv: Invocation, services: CommandServices) -> Reply:
    if not inv.args:
        known = ", ".join(services.catalogue)
        return Reply((_answer("Usage: /fentanyl history <fact>", f"Facts: {known}"),))
    matches = _find_facts(services.catalogue, " ".join(inv.args))
    if len(matches) != 1:
        known = ", ".join(services.catalogue)
        title = "No such fact" if not matches else "Which fact? Several match"
        return Reply((_answer(title, f"Facts: {known}"),))
    fact = matches[0]
    with services.db.session() as session:
        rows = ledger.fact_history(session, fact.id)
        points = [(row.at, row.new) for row in rows]
        languages = [language_of(f"{row.title} {row.evidence}") for row in rows]
        lines = tuple(
            f"{row.at:%Y-%m-%d}: {fact.format(row.old)} → {fact.format(row.new)} "
            f"({row.title}; {_LANGUAGES.get(language, language)}) {row.link}".strip()
            for row, language in zip(rows, languages, strict=True)
        )
        decided = decision_lines(session, fact)
    card = Card(
        id=f"history-{fact.id}",
        kind=CardKind.ANSWER,
        title=f"History of {fact.label}",
        body=f"Baseline {fact.format(fact.baseline)} as of {fact.as_of.isoformat()}."
        + ("" if lines else " No change since."),
        lines=lines + decided,
        image_png=history_chart(fact, points, languages),
        image_name=f"{fact.id}.png",
    )
    return Reply((card,))


def _split_subscription(args: tuple[str, ...], topics: tuple[str, ...]) -> tuple[list[str], str]:
    kinds = [a.lower() for a in args if a.lower() in KINDS]
    rest = [a for a in args if a.lower() not in KINDS]
    return kinds, (rest[0].lower() if rest else "")


def cmd_subscribe(inv: Invocation, services: CommandServices) -> Reply:
    if not inv.destination:
        return Reply((_answer("Subscriptions need a channel; run this in one."),))
    kinds, topic = _split_subscription(inv.args, services.topics)
    if topic and services.topics and topic not in services.topics:
        return Reply(
            (
                _answer(
                    f"Unknown topic “{topic}”",
                    "Topics: " + ", ".join(services.topics) + ". Kinds: " + ", ".join(KINDS),
                ),
            )
        )
    kinds = kinds or ["changes"]
    with services.db.session() as session:
        row = repo.subscribe(session, inv.destination, kinds, topic, inv.user)
        saved = ", ".join(row.kinds)
    scope = f" on {topic}" if topic else ""
    return Reply(
        (_answer(f"Subscribed: this channel gets {saved}{scope} alerts."),), ephemeral=False
    )


def cmd_unsubscribe(inv: Invocation, services: CommandServices) -> Reply:
    if not inv.destination:
        return Reply((_answer("Subscriptions need a channel; run this in one."),))
    topic = inv.args[0].lower() if inv.args else None
    with services.db.session() as session:
        removed = repo.unsubscribe(session, inv.destination, topic)
    if not removed:
        return Reply((_answer("This channel had no such subscription."),))
    return Reply((_answer(f"Unsubscribed ({removed} subscription{'s' if removed > 1 else ''})."),))


def _feed_line(report: FeedReport) -> str:
    if report.healthy:
        return f"ok {report.name}: last success {(report.last_success_at or 'never')[:16]}"
    since = (report.failing_since or "")[:16]
    return (
        f"FAILING {report.name}: {report.consecutive_failures} failures since {since}, "
        f"{report.last_error}"
    )


def cmd_feeds(inv: Invocation, services: CommandServices) -> Reply:
    with services.db.session() as session:
        reports = feed_reports(session)
    if not reports:
        return Reply((_answer("No feeds are configured."),))
    failing = [r for r in reports if not r.healthy]
    lines = tuple(_feed_line(r) for r in sorted(reports, key=lambda r: (r.healthy, r.name)))
    return Reply((_answer(f"{len(reports)} feeds, {len(failing)} failing", lines=lines[:40]),))


_FEED_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def cmd_add_feed(inv: Invocation, services: CommandServices) -> Reply:
    usage = "Usage: /fentanyl add-feed <name> <url> (name: lower-case letters, digits, - . _)"
    if len(inv.args) != 2 or not _FEED_NAME.match(inv.args[0].lower()):
        return Reply((_answer(usage),))
    name, url = inv.args[0].lower(), inv.args[1].strip("<>").split("|", 1)[0]
    parsed = urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return Reply((_answer("Only http:// and https:// feed URLs can be added."),))
    problem = services.feed_url_problem(url) if services.feed_url_problem else None
    if problem is not None:
        return Reply((_answer("This feed URL cannot be added", f"{problem}."),))
    with services.db.session() as session:
        row = repo.add_chat_feed(session, name, url)
    if row is None:
        return Reply((_answer(f"A feed named {name} exists already."),))
    return Reply(
        (_answer(f"Added feed {name}; it is polled within a minute. See /fentanyl feeds."),),
        ephemeral=False,
    )


def cmd_remove_feed(inv: Invocation, services: CommandServices) -> Reply:
    if len(inv.args) != 1:
        return Reply((_answer("Usage: /fentanyl remove-feed <name>"),))
    with services.db.session() as session:
        removed = repo.remove_chat_feed(session, inv.args[0].lower())
    if not removed:
        return Reply((_answer("No feed of that name was added from chat."),))
    return Reply((_answer(f"Removed feed {inv.args[0].lower()}."),), ephemeral=False)


def cmd_help(inv: Invocation, services: CommandServices) -> Reply:
    lines = tuple(f"{usage}: {what}" for usage, what in HELP)
    return Reply((_answer("Commands", lines=lines),))


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
        return Reply(
            (
                _answer(
                    f"Unknown command “{inv.command}”",
                    "Try: " + ", ".join(HANDLERS),
                ),
            )
        )
    try:
        return handler(inv, services)
    except Exception:
        log.exception("command %s %s failed", inv.command, inv.args)
        return Reply((_answer("Sorry, that command failed; the error was logged."),))
