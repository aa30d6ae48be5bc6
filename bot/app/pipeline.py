"""Judging entries: analysed → judged → same story? → stored → alert, a batch per transaction.

Entries are judged one after another in the order given (the worker gives them in published
order), a batch of them in one transaction: each entry sees the fact states, ledger rows, story
members and alerts the earlier entries of its batch wrote, so a batch ends as judging its
entries one by one would. An entry whose judgement raises sends its batch back to be judged
one entry per transaction, so that only that entry is left out; a database error rolls the
whole batch back (nothing of it is stored: it is judged again at the next poll).

Order of the rules for an entry:
1. An entry already stored (same feed and id) is never processed again.
2. Its source is named by its link's domain and tiered by the config's ``sources``.
3. Its claims are judged (``bot/facts/compare.py``) against the state and history of each fact
   (rows locked on PostgreSQL, so replicas judge one entry at a time against the same state) and
   against the claims on record within the story window from other domains, copies of this
   entry's text left out: ``changed``, ``corrected``, ``reported``, ``confirmed``, ``proposed``.
4. It joins a story if the story index finds one (``bot/news/story_index.py``: what
   ``find_story`` says, without scanning the window; shared claims or near-duplicate words,
   never a rumour with the report it echoes); it then records ``duplicate_of``.
5. Facts move on ``changed`` and ``corrected``; a part's move updates its whole's implied level;
   reports of other values for a moved fact are superseded.
6. Alerts (``bot/app/alerting.py``): one per story; a story's later changes, corroborations and
   corrections follow up its first alert instead of raising their own.
7. Backlog entries (first poll of a feed, older than the configured age) are stored and update
   the facts, but raise no alert.
8. The entry, its claims in the evidence ledger, the fact changes, the alert and its outbox rows
   are committed together, with the rest of its batch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.app.alerting import AlertPlanner, Raised
from bot.app.stories import StoryWindow
from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.facts.compare import Judgement, compare
from bot.facts.evidence import EvidencePolicy, Report, Source, SourceBook, Tier
from bot.facts.layers import implied_values
from bot.facts.model import Change, ChangeStatus
from bot.facts.values import value_key
from bot.feeds.entry import Entry
from bot.news.analysis import Analysis
from bot.news.cluster import is_copy, stages_of
from bot.store import ledger, repo
from bot.store.db import Database, StoreError, Unit
from bot.store.stories import judge_one_batch_at_a_time

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


class StoredRecord:
    """The claims on record for one entry's judgement, read from the store fact by fact and
    only when a claim needs support: other domains, within the window, not copies of it."""

    def __init__(self, session: Unit, entry: Entry, source: Source, window: timedelta) -> None:
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


@dataclass(frozen=True, slots=True)
class Item:
    """An entry to judge, with its analysis; ``backlog``: stored and judged, no alert."""

    entry: Entry
    analysis: Analysis
    backlog: bool = False


@dataclass(frozen=True, slots=True)
class Failed:
    """An entry whose judgement raised: nothing of it was stored (it is judged again when its
    feed is polled again)."""

    error: BaseException


Judged = Outcome | Failed | None  # None: the entry was already stored


class Pipeline:
    def __init__(self, db: Database, catalogue: Catalogue, config: BotConfig) -> None:
        self._db = db
        self._catalogue = catalogue
        self._config = config
        self._sources = SourceBook(config.sources.tiers())
        self._policy = evidence_policy(config)
        self._alerts = AlertPlanner(catalogue, config)
        schedule = config.schedule
        self._stories = StoryWindow(
            schedule.story_window,
            schedule.story_claims_window,
            stages=stages_of(catalogue.values()),
        )

    def warm_up(self) -> None:
        """Read the story window now (start-up), not in the first batch."""
        with self._db.unit() as session:
            self._stories.load(session, repo.utcnow())

    @property
    def window(self) -> timedelta:
        return self._config.schedule.story_window

    def process(self, entry: Entry, analysis: Analysis, *, backlog: bool = False) -> Outcome | None:
        """Store and judge ``entry``; ``None`` if it was already stored. An error raises."""
        judged = self._batch([Item(entry, analysis, backlog)])[0]
        if isinstance(judged, Failed):
            raise judged.error
        return judged

    def process_batch(self, items: Sequence[Item]) -> list[Judged]:
        """Judge ``items`` in their order in one transaction, with the outcome of judging them
        one by one: each sees what the earlier ones stored. An entry whose judgement raises
        (a bug, not the database) sends the batch back to be judged one entry per
        transaction, so that only that entry is left out; a database error raises."""
        try:
            return self._batch(items)
        except StoreError:
            raise
        except Exception:
            if len(items) == 1:
                raise
        log.warning("a batch of %d entries failed; judging them one by one", len(items))
        judged: list[Judged] = []
        for item in items:
            try:
                judged += self._batch([item])
            except StoreError:
                raise
            except Exception as exc:
                judged.append(Failed(exc))
        return judged

    def _batch(self, items: Sequence[Item]) -> list[Judged]:
        uids = [repo.entry_uid(i.entry.feed, i.entry.entry_id) for i in items]
        judged: list[Judged] = [None] * len(items)
        try:
            with self._db.unit() as session:
                repo.read_subscriptions_once(session)
                rows = repo.EntryRows(session)
                judge_one_batch_at_a_time(session)
                seen = repo.seen_uids(session, uids)
                fresh = []
                for index, (item, uid) in enumerate(zip(items, uids, strict=True)):
                    if uid not in seen:
                        seen.add(uid)
                        fresh.append((index, item, uid))
                if not fresh:
                    return judged
                self._stories.begin(session, min(item.entry.published for _, item, _ in fresh))
                claims = any(item.analysis.claims for _, item, _ in fresh)
                states = ledger.lock_fact_states(session) if claims else ledger.LockedStates({})
                for index, item, uid in fresh:
                    judged[index] = self._judge(session, rows, item, uid, states)
                rows.flush()
        except BaseException:
            self._stories.rollback()
            raise
        self._stories.commit()
        return judged

    def _judge(
        self,
        session: Unit,
        rows: repo.EntryRows,
        item: Item,
        uid: str,
        locked: ledger.LockedStates,
    ) -> Outcome:
        entry, analysis, backlog = item.entry, item.analysis, item.backlog
        source = self._sources.source_of(entry.link, entry.feed)
        states = locked.now() if analysis.claims else {}
        how = Judgement(
            published=entry.published,
            source=source,
            record=StoredRecord(session, entry, source, self.window),
            policy=self._policy,
        )
        changes = compare(analysis.claims, states, self._catalogue, how) if states else []
        outcome = Outcome(entry=entry, uid=uid, analysis=analysis, changes=changes, backlog=backlog)
        outcome.source = source
        story_uid = self._story(session, outcome)
        events = _events(changes)
        rows.add(
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
            events=events,
            duplicate_of=story_uid,
            backlog=backlog,
        )
        if analysis.relevant:
            self._stories.add(entry, uid, events, story_uid)
        ref = ledger.SourceRef(feed=entry.feed, title=entry.title, link=entry.link, source=source)
        if changes:
            ledger.apply_changes(
                session,
                changes,
                uid=uid,
                published=entry.published,
                source=ref,
                implied=implied_values(changes, states, self._catalogue, entry.published),
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

    def _story(self, session: Unit, outcome: Outcome) -> str | None:
        if not outcome.analysis.relevant:
            return None
        story_uid = self._stories.find(outcome.entry, outcome.changes)
        if story_uid is not None:
            entry_id = self._stories.entry_id(story_uid)
            if entry_id is None:
                first = repo.get_entry(session, story_uid)
                entry_id = first.entry_id if first else story_uid
            outcome.duplicate_of = entry_id
        return story_uid

    def _raise(self, session: Unit, outcome: Outcome, story_uid: str | None) -> Raised:
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
