"""Processing one entry: analyse → compare → same story? → store → alert, in one transaction.

Order of the rules for an entry:
1. An entry already stored (same feed and id) is never processed again.
2. Its claims are compared with the current state of each fact (rows locked on PostgreSQL, so
   replicas judge one entry at a time against the same state).
3. It joins a story if ``find_story`` says so; it then records ``duplicate_of`` and raises no
   news alert; its confirmations add to the corroboration of the change they confirm.
4. A ``changed`` fact updates the current state and raises a change alert, even inside a story,
   since a new value must never be lost. Otherwise a relevant entry that starts a story raises a
   news alert where news is routed.
5. Backlog entries (first poll of a feed, older than the configured age) are stored and update
   the facts, but raise no alert.
6. The entry, the fact changes, the alert and its outbox rows are committed together.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.alerts import CardKind, compose_alert
from bot.app.routing import destinations_for
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.facts.compare import compare
from bot.facts.model import Change, ChangeStatus
from bot.feeds.entry import Entry
from bot.news.analysis import Analysis
from bot.news.cluster import StoryMember, find_story
from bot.store import repo
from bot.store.db import Database
from bot.store.models import EntryRow

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    entry: Entry
    uid: str
    analysis: Analysis
    changes: list[Change] = field(default_factory=list)
    duplicate_of: str | None = None  # the first entry's id (guid or link) in the story
    alert_ids: list[str] = field(default_factory=list)
    backlog: bool = False

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.status is ChangeStatus.CHANGED]


def _member(row: repo.RecentEntry) -> StoryMember:
    return StoryMember(
        entry_key=row.uid,
        published=row.published,
        title=row.title,
        text=row.text,
        events=frozenset((str(fact), str(value)) for fact, value in row.events or []),
        story_key=row.duplicate_of,
    )


def _events(changes: Sequence[Change]) -> list[list[str]]:
    return [
        [c.fact_id, repo.value_text(c.new)]
        for c in changes
        if c.status in (ChangeStatus.CHANGED, ChangeStatus.CONFIRMED)
    ]


class Pipeline:
    def __init__(self, db: Database, catalogue: Catalogue, config: BotConfig) -> None:
        self._db = db
        self._catalogue = catalogue
        self._config = config

    @property
    def window(self) -> timedelta:
        return self._config.schedule.story_window

    def process(self, entry: Entry, analysis: Analysis, *, backlog: bool = False) -> Outcome | None:
        """Store and judge ``entry``; ``None`` if it was already stored."""
        uid = repo.entry_uid(entry.feed, entry.entry_id)
        with self._db.session() as session:
            if repo.seen_uids(session, [uid]):
                return None
            judged = analysis.relevant or bool(analysis.claims)
            current = repo.fact_states(session, lock=judged)
            changes = compare(analysis.claims, current, self._catalogue, entry.published)
            outcome = Outcome(entry=entry, uid=uid, analysis=analysis, changes=changes)
            outcome.backlog = backlog
            story_uid: str | None = None
            if analysis.relevant:
                recent = repo.recent_relevant_entries(session, entry.published - self.window)
                members = [_member(r) for r in recent if r.published <= entry.published]
                story_uid = find_story(entry, analysis, changes, members, self.window)
                if story_uid is not None:
                    first = repo.get_entry(session, story_uid)
                    outcome.duplicate_of = first.entry_id if first else story_uid
            session.add(
                EntryRow(
                    uid=uid,
                    feed=entry.feed,
                    entry_id=entry.entry_id,
                    link=entry.link,
                    title=entry.title,
                    text=entry.text,
                    summary=analysis.summary,
                    published=entry.published,
                    seen_at=repo.utcnow(),
                    relevant=analysis.relevant,
                    topics=list(analysis.topics),
                    events=_events(changes),
                    duplicate_of=story_uid,
                    backlog=backlog,
                )
            )
            source = repo.SourceRef(feed=entry.feed, title=entry.title, link=entry.link)
            applied = repo.apply_changes(
                session, changes, uid=uid, published=entry.published, source=source
            )
            if not backlog:
                outcome.alert_ids = self._raise_alerts(session, outcome, applied, story_uid)
        return outcome

    def _raise_alerts(
        self,
        session: Session,
        outcome: Outcome,
        applied: Sequence[Change],
        story_uid: str | None,
    ) -> list[str]:
        if applied:
            kind = CardKind.CHANGE
            sources = max(repo.corroboration_of(session, c.fact_id) for c in applied)
        elif outcome.analysis.relevant and story_uid is None:
            kind, sources = CardKind.NEWS, 1
        else:
            return []
        topics = outcome.analysis.topics
        destinations = destinations_for(session, self._config.routes, kind.value, topics)
        if not destinations:
            return []
        entry = outcome.entry
        card = compose_alert(
            entry_key=outcome.uid,
            kind=kind,
            title=entry.title,
            link=entry.link,
            source=entry.feed,
            published=entry.published,
            summary=outcome.analysis.summary,
            changes=outcome.changes,
            catalogue=self._catalogue,
            sources_count=sources,
            topics=topics,
        )
        repo.add_alert(
            session,
            alert_id=card.id,
            kind=kind.value,
            uid=outcome.uid,
            card=card.to_json(),
            topics=topics,
            destinations=destinations,
        )
        return [card.id]


def entry_is_backlog(entry: Entry, *, first_poll: bool, now: datetime, max_age: timedelta) -> bool:
    return first_poll and entry.published < now - max_age
