"""Which alert an entry raises, or which alert it follows up: one alert per story.

The rules, in order:

1. The kind: ``changes`` when the entry changes or corrects a fact, else ``reports`` when it
   reports a change awaiting corroboration, else ``news`` when it is relevant and not an
   opinion piece; else nothing.
2. Its parent, the alert it follows up instead of raising its own: for a correction, the alert of
   the change it corrects; for a change that corroborates earlier reports, the first report's
   alert; else the first alert of the entry's story.
3. With a parent, the entry's card is a follow-up (``parent_id``): it goes to the destinations
   that take its kind (``news`` follow-ups only where the parent went), and the parent's stored
   card is revised (title, update line, the story's source count) so its message is edited.
   Without one, a ``news`` entry of a story that raised no alert stays quiet, and anything else
   raises a new alert. A retelling that neither changes, reports nor confirms a fact adds no
   follow-up: it is counted in the story's sources at the next one.
4. Reviewers (``bot/review``): before 1, a report of a (fact, value) a reviewer dismissed within
   the same story is left out, so it neither raises nor follows up an alert (a change that
   moves a fact is never left out). A new change or report alert carries the reviewers'
   buttons, and a follow-up that moves a fact turns its parent's Confirm and Dismiss into Wrong
   value (``bot/review/actions.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.alerts import Card, CardKind, compose_alert
from bot.alerts.compose import MOVED, revise_parent
from bot.app.routing import destinations_for
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.facts.evidence import host_of
from bot.facts.model import Change, ChangeStatus
from bot.feeds.entry import Entry
from bot.review.actions import after_follow_up, services_with_reviewers, with_actions
from bot.store import ledger
from bot.store.cards import add_card, revise_card
from bot.store.db import Unit
from bot.store.decisions import dismissed_in_story


@dataclass(frozen=True, slots=True)
class Raised:
    """What an entry did in chat: the alert that now carries it, and how."""

    alert_id: str | None = None  # its own new alert, or the parent it followed up
    kind: str | None = None  # the kind of the card it stored (a follow-up's own kind)
    new_alert: bool = False
    follow_up_id: str | None = None
    update_of: str | None = None  # the entry id of the parent alert's entry


def alert_kind(changes: Sequence[Change], relevant: bool, opinion: bool) -> CardKind | None:
    if any(c.status in MOVED for c in changes):
        return CardKind.CHANGE
    if any(c.status is ChangeStatus.REPORTED for c in changes):
        return CardKind.REPORT
    return CardKind.NEWS if relevant and not opinion else None


def _corrected_title(parent: ledger.AlertRef | None, changes: Sequence[Change]) -> str:
    """The corrected alert's title and time, for a correction's card."""
    if parent is None or not any(c.status is ChangeStatus.CORRECTED for c in changes):
        return ""
    card = Card.from_json(parent.card)
    when = f" ({card.published:%Y-%m-%d %H:%M UTC})" if card.published else ""
    return f"{card.title}{when}"


class AlertPlanner:
    def __init__(self, catalogue: Catalogue, config: BotConfig) -> None:
        self._catalogue = catalogue
        self._config = config
        self._services = services_with_reviewers(config.review)

    def raise_for(
        self,
        session: Unit,
        *,
        entry: Entry,
        uid: str,
        summary: str,
        topics: Sequence[str],
        relevant: bool,
        opinion: bool,
        changes: Sequence[Change],
        story_uid: str | None,
    ) -> Raised:
        dismissed = dismissed_in_story(session, story_uid if changes else None)
        changes = [c for c in changes if not dismissed.covers(c)]  # rule 4
        kind = alert_kind(changes, relevant, opinion)
        if kind is None:
            return Raised()
        corroborates = any(c.status is ChangeStatus.CONFIRMED for c in changes)
        if kind is CardKind.NEWS and story_uid is not None and not corroborates:
            return Raised()  # a retelling that adds nothing: counted in the story, not posted
        parent = self._parent(session, changes, story_uid)
        sources = self._sources(session, changes, story_uid, entry)
        card = compose_alert(
            entry_key=uid,
            kind=kind,
            title=entry.title,
            link=entry.link,
            source=self._config.source_name(entry.feed),
            published=entry.published,
            summary=summary,
            changes=changes,
            catalogue=self._catalogue,
            sources_count=sources,
            topics=topics,
            parent_id=parent.id if parent else "",
            corrects=_corrected_title(parent, changes),
        )
        if parent is None:
            if kind is CardKind.NEWS and story_uid is not None:
                return Raised()
            destinations = destinations_for(session, self._config.routes, kind.value, topics)
            if not destinations:
                return Raised()
            card = with_actions(card, changes, self._catalogue, self._services)
            add_card(session, card, uid=uid, destinations=destinations)
            return Raised(alert_id=card.id, kind=kind.value, new_alert=True)
        return self._follow_up(session, card, parent, uid, topics, changes, sources)

    def _parent(
        self, session: Unit, changes: Sequence[Change], story_uid: str | None
    ) -> ledger.AlertRef | None:
        for change in changes:
            if change.status is ChangeStatus.CORRECTED and change.corrects:
                found = ledger.top_alert_of_entry(session, change.corrects)
                if found is not None:
                    return found
        for change in changes:
            for key in change.supports:
                found = ledger.top_alert_of_entry(session, key)
                if found is not None:
                    return found
        return ledger.story_alert(session, story_uid) if story_uid else None

    @staticmethod
    def _sources(
        session: Unit, changes: Sequence[Change], story_uid: str | None, entry: Entry
    ) -> int:
        """Independent sources behind what the alert says: the story's distinct hosts, or
        the corroboration of its change when that is more."""
        links = ledger.story_sources(session, story_uid) if story_uid else []
        hosts = {host_of(link) for link in links} | {host_of(entry.link) or entry.feed}
        claimed = [c.sources for c in changes if c.status is not ChangeStatus.PROPOSED]
        return max([len(hosts - {""}) or 1, *claimed])

    def _follow_up(
        self,
        session: Unit,
        card: Card,
        parent: ledger.AlertRef,
        uid: str,
        topics: Sequence[str],
        changes: Sequence[Change],
        sources: int,
    ) -> Raised:
        parent_destinations = ledger.alert_destinations(session, parent.id)
        if card.kind is CardKind.NEWS:
            destinations = parent_destinations
        else:
            destinations = destinations_for(session, self._config.routes, card.kind.value, topics)
        if destinations:
            add_card(session, card, uid=uid, destinations=destinations, parent_id=parent.id)
            revised = revise_parent(
                Card.from_json(parent.card),
                follow_up=card,
                changes=changes,
                catalogue=self._catalogue,
                sources_count=sources,
            )
            revised = after_follow_up(revised, changes, self._catalogue, self._services)
            revise_card(session, revised)
        return Raised(
            alert_id=parent.id,
            kind=card.kind.value if destinations else None,
            follow_up_id=card.id if destinations else None,
            update_of=parent.entry_id,
        )
