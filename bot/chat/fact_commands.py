"""The commands that read the tracked facts and stories: ``status``, ``latest``, ``history``.
Transport-neutral, like every handler: options come named (:func:`~bot.chat.invocation.options_of`)
and the answer is a :class:`~bot.alerts.card.Reply`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.alerts.card import Card, CardField, CardKind, Reply
from bot.chat.answers import answer
from bot.chat.chart import history_chart
from bot.chat.invocation import Invocation, options_of
from bot.chat.review_commands import decision_lines
from bot.facts.catalogue import Catalogue
from bot.facts.model import Fact
from bot.facts.zh.script import language_of
from bot.store import ledger, repo
from bot.store.reports import FactReport, fact_reports

if TYPE_CHECKING:
    from bot.chat.commands import CommandServices

MAX_LATEST = 20
LANGUAGES = {"en": "English", "zh": "Chinese"}


def find_facts(catalogue: Catalogue, query: str) -> list[Fact]:
    q = query.lower()
    exact = [f for f in catalogue.values() if f.id == q]
    if exact:
        return exact
    return [
        f
        for f in catalogue.values()
        if q in f.id or q in f.label.lower() or any(q == t or q in t for t in f.topics)
    ]


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
            named = [f"{s.get('domain') or s.get('feed')} ({LANGUAGES.get(s['language'], '?')})"
                     for s in report.sources]  # fmt: skip
            parts.append("moved by " + ", ".join(dict.fromkeys(named)))
        parts.append(f"{report.corroboration} source{'s' if report.corroboration != 1 else ''}")
    else:
        parts.append("unchanged since the baseline")
    return CardField(name=fact.label, value=" · ".join(parts), inline=False)


def cmd_status(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``query`` (a fact id or topic; default every fact), ``public``."""
    options = options_of(inv)
    query = options.text("query")
    facts = find_facts(services.catalogue, query) if query else list(services.catalogue.values())
    if not facts:
        known = ", ".join(services.catalogue)
        return answer(f"No fact or topic matches “{query}”", f"Known facts: {known}")
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
    return Reply((card,), ephemeral=not options.flag("public"))


def _positive_int(text: str, default: int, maximum: int) -> int | None:
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        return None
    return min(int(text), maximum)


def cmd_latest(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``n`` (1 to 20, default 5)."""
    count = _positive_int(options_of(inv).text("n"), 5, MAX_LATEST)
    if count is None:
        return answer("Usage: /fentanyl latest [n]", "n is a number from 1 to 20.")
    with services.db.session() as session:
        entries = repo.latest_entries(session, count)
        lines = tuple(
            f"{e.published:%Y-%m-%d} {e.title} ({e.feed}) {e.link}".strip() for e in entries
        )
    if not lines:
        return answer("No relevant stories yet.")
    return answer(f"Latest {len(lines)} stories", lines=lines)


def cmd_history(inv: Invocation, services: CommandServices) -> Reply:
    """Options: ``fact`` (an id, or words matching one fact)."""
    query = options_of(inv).text("fact")
    known = ", ".join(services.catalogue)
    if not query:
        return answer("Usage: /fentanyl history <fact>", f"Facts: {known}")
    matches = find_facts(services.catalogue, query)
    if len(matches) != 1:
        title = "No such fact" if not matches else "Which fact? Several match"
        return answer(title, f"Facts: {known}")
    fact = matches[0]
    with services.db.session() as session:
        moves = ledger.fact_history(session, fact.id)
        points = [(move.at, move.new) for move in moves]
        languages = [language_of(f"{move.title} {move.evidence}") for move in moves]
        lines = tuple(
            f"{move.at:%Y-%m-%d}: {fact.format(move.old)} → {fact.format(move.new)} "
            f"({move.title}; {LANGUAGES.get(language, language)}) {move.link}".strip()
            for move, language in zip(moves, languages, strict=True)
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
