"""Processing one entry: analyse → judge → same story? → store → alert, in one transaction.

Order of the rules for an entry:
1. An entry already stored (same feed and id) is never processed again.
2. Its source is named by its link's domain and tiered by the config's ``sources``.
3. Its claims are judged (``bot/facts/compare.py``) against the state and history of each fact
   (rows locked on PostgreSQL, so replicas judge one entry at a time against the same state) and
   against the claims on record within the story window from other domains, copies of this
   entry's text left out: ``changed``, ``corrected``, ``reported``, ``confirmed``, ``proposed``.
4. It joins a story if ``find_story`` says so (shared claims or near-duplicate words, never a
   rumour with the report it echoes); it then records ``duplicate_of``.
5. Facts move on ``changed`` and ``corrected``; a part's move updates its whole's implied level;
   reports of other values for a moved fact are superseded.
6. Alerts (``bot/app/alerting.py``): one per story; a story's later changes, corroborations and
   corrections follow up its first alert instead of raising their own.
7. Backlog entries (first poll of a feed, older than the configured age) are stored and update
   the facts, but raise no alert.
8. The entry, its claims in the evidence ledger, the fact changes, the alert and its outbox rows
   are committed together.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.app.alerting import AlertPlanner, Raised
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.facts.compare import Judgement, compare, implied_values
from bot.facts.evidence import EvidencePolicy, Report, Source, SourceBook, Tier
from bot.facts.model import Change, ChangeStatus
from bot.facts.values import value_key
from bot.feeds.entry import Entry
from bot.news.analysis import Analysis
from bot.news.cluster import StoryMember, find_story, is_copy, stored_events
from bot.store import ledger, repo
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
    alert_ids: list[str] = field(default_factory=list)  # alerts stored: new or follow-up
    new_alert: bool = False  # it raised a new alert (not a follow-up)
    alert_kind: str | None = None  # the kind of the card it stored, if any
    update_of: str | None = None  # the entry id whose alert it follows up
    backlog: bool = False
    source: Source | None = None

    @property
    def changed(self) -> list[Change]:
        return [
            c for c in self.changes if c.status in (ChangeStatus.CHANGED, ChangeStatus.CORRECTED)
        ]


def _member(row: repo.RecentEntry) -> StoryMember:
    return StoryMember(
        entry_key=row.uid,
        published=row.published,
        title=row.title,
        text=row.text,
        events=stored_events(row.events or []),
        story_key=row.duplicate_of,
    )


def _events(changes: Sequence[Change]) -> list[list[str]]:
    return [
        [c.fact_id, value_key(c.new), c.status.value]
        for c in changes
        if c.status is not ChangeStatus.NOTED
    ]


def evidence_policy(config: BotConfig) -> EvidencePolicy:
    return EvidencePolicy(
        alone=frozenset(Tier(t) for t in config.evidence.alone),
        sources_needed=config.evidence.sources_needed,
        window=config.schedule.story_window,
    )


class StoryMembers:
    """The recent relevant entries a new entry may join, kept in memory between entries: a
    stored entry never changes, so only the uids of the window are read each time, and the rows
    of the ones not seen yet (such as those another replica stored)."""

    def __init__(self, size: int = 20_000) -> None:
        self._known: OrderedDict[str, StoryMember] = OrderedDict()
        self._size = size

    def within(self, session: Session, since: datetime, until: datetime) -> list[StoryMember]:
        window = [(uid, at) for uid, at in repo.recent_relevant_uids(session, since) if at <= until]
        missing = [uid for uid, _ in window if uid not in self._known]
        for row in repo.entries_for_story_check(session, missing):
            self._known[row.uid] = _member(row)
        while len(self._known) > self._size:
            self._known.popitem(last=False)
        return [self._known[uid] for uid, _ in window if uid in self._known]


class StoredRecord:
    """The claims on record for one entry's judgement, read from the store fact by fact and
    only when a claim needs support: other domains, within the window, not copies of it."""

    def __init__(self, session: Session, entry: Entry, source: Source, window: timedelta) -> None:
        self._session = session
        self._entry = entry
        self._source = source
        self._window = window
        self._cache: dict[str, list[Report]] = {}

    def reports(self, fact_id: str) -> list[Report]:
        if fact_id not in self._cache:
            entry = self._entry
            on_record = ledger.reports_within(
                self._session, [fact_id], entry.published - self._window, entry.published
            )
            text = entry.full_text
            self._cache[fact_id] = [
                r.report
                for r in on_record
                if r.report.domain != self._source.domain and not is_copy(text, r.text)
            ]
        return self._cache[fact_id]


class Pipeline:
    def __init__(self, db: Database, catalogue: Catalogue, config: BotConfig) -> None:
        self._db = db
        self._catalogue = catalogue
        self._config = config
        self._sources = SourceBook(config.sources.tiers())
        self._policy = evidence_policy(config)
        self._alerts = AlertPlanner(catalogue, config)
        self._members = StoryMembers()

    @property
    def window(self) -> timedelta:
        return self._config.schedule.story_window

    def process(self, entry: Entry, analysis: Analysis, *, backlog: bool = False) -> Outcome | None:
        """Store and judge ``entry``; ``None`` if it was already stored."""
        uid = repo.entry_uid(entry.feed, entry.entry_id)
        with self._db.session() as session:
            if repo.seen_uids(session, [uid]):
                return None
            source = self._sources.source_of(entry.link, entry.feed)
            states = ledger.fact_states(session, lock=True) if analysis.claims else {}
            how = Judgement(
                published=entry.published,
                source=source,
                record=StoredRecord(session, entry, source, self.window),
                policy=self._policy,
            )
            changes = compare(analysis.claims, states, self._catalogue, how) if states else []
            outcome = Outcome(
                entry=entry, uid=uid, analysis=analysis, changes=changes, backlog=backlog
            )
            outcome.source = source
            story_uid = self._story(session, outcome)
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
            ref = ledger.SourceRef(
                feed=entry.feed, title=entry.title, link=entry.link, source=source
            )
            ledger.apply_changes(
                session,
                changes,
                uid=uid,
                published=entry.published,
                source=ref,
                implied=implied_values(changes, states, self._catalogue),
            )
            ledger.pending_reports_superseded(session, changes)
            raised = Raised() if backlog else self._raise(session, outcome, story_uid)
            ledger.record_claims(
                session,
                changes,
                uid=uid,
                story_uid=story_uid,
                alert_id=raised.alert_id,
                published=entry.published,
                source=ref,
            )
        outcome.alert_ids = [a for a in (raised.follow_up_id,) if a] + (
            [raised.alert_id] if raised.new_alert and raised.alert_id else []
        )
        outcome.new_alert = raised.new_alert
        outcome.alert_kind = raised.kind
        outcome.update_of = raised.update_of
        return outcome

    def _story(self, session: Session, outcome: Outcome) -> str | None:
        if not outcome.analysis.relevant:
            return None
        entry = outcome.entry
        claims_window = self._config.schedule.story_claims_window
        reach = max(self.window, claims_window)
        members = self._members.within(session, entry.published - reach, entry.published)
        story_uid = find_story(
            entry, outcome.analysis, outcome.changes, members, self.window, claims_window
        )
        if story_uid is not None:
            first = repo.get_entry(session, story_uid)
            outcome.duplicate_of = first.entry_id if first else story_uid
        return story_uid

    def _raise(self, session: Session, outcome: Outcome, story_uid: str | None) -> Raised:
        return self._alerts.raise_for(
            session,
            entry=outcome.entry,
            uid=outcome.uid,
            summary=outcome.analysis.summary,
            topics=outcome.analysis.topics,
            relevant=outcome.analysis.relevant,
            opinion=outcome.analysis.opinion,
            changes=outcome.changes,
            story_uid=story_uid,
        )


def entry_is_backlog(entry: Entry, *, first_poll: bool, now: datetime, max_age: timedelta) -> bool:
    return first_poll and entry.published < now - max_age
