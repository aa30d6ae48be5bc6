"""Evidence before a fact moves, through the whole per-entry pipeline on a real store.

Each scenario feeds entries (our own words, on made-up domains) through :class:`Pipeline` with
the real analyser and checks what the facts, the evidence ledger and the alerts became: a lone
weak report waits, a second independent source moves the fact and follows up the same alert,
copies and same-domain items do not corroborate, a wrong value is corrected with an alert that
names the alert it corrects, and an old story retold moves nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app.pipeline import Item, Outcome
from bot.config import BotConfig, RouteConfig
from bot.config.settings import SourcesConfig
from bot.facts.catalogue import Catalogue
from bot.news.analysis import Analyser
from bot.store import ledger
from bot.store.db import Database
from bot.store.models import AlertRow, ClaimRow
from tests.stories import US, Story, make_story, news_entry


@pytest.fixture
def story(store_db: Database, catalogue: Catalogue, analyser: Analyser) -> Story:
    routes = [RouteConfig(to="console", kinds=["changes", "reports", "news"])]
    config = BotConfig(routes=routes, sources=SourcesConfig(official=["ustr.example"]))
    return make_story(store_db, catalogue, analyser, config)


def statuses(outcome: Outcome) -> dict[str, tuple[object, str]]:
    return {c.fact_id: (c.new, c.status.value) for c in outcome.changes}


def test_a_lone_weak_report_waits_and_a_second_source_moves_the_fact(story: Story) -> None:
    first = story.judge(
        "alpha.example", "a1", "Washington to trim its levy on Chinese goods to 40%"
    )
    assert statuses(first)[US] == (40.0, "reported")
    assert first.new_alert and first.alert_kind == "reports"
    assert story.value() == 145
    # the same claim from the same domain is no corroboration
    again = story.judge(
        "alpha.example", "a2", "Washington to lower its tariffs on China to 40%", hours=1
    )
    assert statuses(again)[US] == (40.0, "reported")
    assert story.value() == 145
    # another domain, other words, within the window: the fact moves and the first alert
    # is followed up instead of a new one being raised
    second = story.judge("beta.example", "b1", "Levies on Chinese imports now 40%", hours=3)
    assert statuses(second)[US] == (40.0, "changed")
    assert not second.new_alert
    assert second.update_of == "a1"
    assert story.value() == 40
    with story.db.session() as session:
        rows = {r.entry_uid: r.status for r in session.scalars(select(ClaimRow))}
        follow_up = session.scalars(
            select(AlertRow).where(AlertRow.id == second.alert_ids[0])
        ).one()
        parent = session.get(AlertRow, follow_up.parent_id)
        assert parent is not None
        assert "unconfirmed" not in parent.card["footer"]  # the revised parent card
        assert parent.card["kind"] == "changes"  # the report is a confirmed change now
    assert sorted(rows.values()).count("corroborated") >= 1


def test_a_copy_on_another_domain_is_one_source(story: Story) -> None:
    words = "Washington to trim its levy on Chinese goods to 35% in a surprise move"
    story.judge("alpha.example", "c1", words)
    copy = story.judge("syndicate.example", "c2", words, hours=1)
    assert statuses(copy)[US] == (35.0, "reported")
    assert story.value() == 145


def test_a_firm_claim_from_an_outlet_moves_the_fact_alone(story: Story) -> None:
    firm = news_entry(
        "daily.example",
        "d1",
        "US lowers China tariffs",
        "The White House said it lowered the tariff on Chinese imports to 30 percent from 145 "
        "percent on Monday.",
    )
    outcome = story.process(firm)
    assert statuses(outcome)[US] == (30.0, "changed")
    assert outcome.new_alert and outcome.alert_kind == "changes"
    assert story.value() == 30


def test_a_wrong_value_is_corrected_with_an_alert_naming_the_one_it_corrects(story: Story) -> None:
    wrong = news_entry(
        "daily.example",
        "w1",
        "US cuts tariffs",
        "The administration cut the tariff on Chinese goods to 75 percent from 145 percent on "
        "Friday, officials said.",
    )
    assert statuses(story.process(wrong))[US] == (75.0, "changed")
    right = (
        "The tariff on imports from China was lowered to 30 percent from 145 percent, the "
        "trade representative's office said."
    )
    one = story.judge("wire.example", "r1", "Rate confirmed", right, hours=2)
    assert statuses(one)[US] == (30.0, "reported")  # one source contradicting: not yet
    official = story.judge("ustr.example", "r2", "Statement on tariffs", right, hours=3)
    assert statuses(official)[US] == (30.0, "corrected")
    assert official.update_of == "w1"
    assert story.value() == 30
    with story.db.session() as session:
        correction = session.scalars(
            select(AlertRow).where(AlertRow.parent_id.is_not(None), AlertRow.kind == "changes")
        ).one()
        assert correction.card["broadcast"] is True
        assert correction.card["title"].startswith("Correction:")
        assert correction.card["lines"][0].startswith("Corrects the alert: US tariff on most")


def test_an_old_transition_retold_moves_nothing(story: Story) -> None:
    cut = news_entry(
        "daily.example",
        "o1",
        "Tariff cut",
        "The US cut the tariff on Chinese goods to 30 percent from 145 percent on Monday, the "
        "White House said.",
    )
    story.process(cut)
    stale = news_entry(
        "other.example",
        "o2",
        "Washington raises tariff",
        "The US raised its tariff on Chinese goods to 145 percent from 125 percent on Thursday.",
        hours=24 * 40,
    )
    assert US not in statuses(story.process(stale))
    assert story.value() == 30


def test_a_part_implies_its_whole(story: Story) -> None:
    story.process(
        news_entry(
            "daily.example",
            "i1",
            "Fentanyl levy cut",
            "The White House said it lowered the fentanyl tariff on Chinese goods to 10 percent "
            "from 20 percent.",
        ),
    )
    with story.db.session() as session:
        assert ledger.fact_states(session)[US].implied == 135.0
    level = news_entry(
        "other.example",
        "i2",
        "What importers pay",
        "Most goods from China now face a combined 135 percent in tariffs.",
        hours=5,
    )
    assert statuses(story.process(level))[US] == (135.0, "changed")


def test_a_batch_is_judged_as_its_entries_one_by_one(story: Story) -> None:
    """One transaction for several entries (a sweep's batch) ends as judging them one after
    another: the later entries see the reports and the story the earlier ones stored."""
    entries = [
        news_entry("alpha.example", "e1", "Washington to trim its levy on Chinese goods to 40%"),
        news_entry(
            "alpha.example", "e2", "Washington to lower its tariffs on China to 40%", hours=1
        ),
        news_entry("beta.example", "e3", "Levies on Chinese imports now 40%", hours=3),
    ]
    judged = story.pipeline.process_batch([Item(e, story.analyser.analyse(e)) for e in entries])
    first, again, second = (o for o in judged if isinstance(o, Outcome))
    assert [statuses(o)[US] for o in (first, again, second)] == [
        (40.0, "reported"),
        (40.0, "reported"),
        (40.0, "changed"),
    ]
    assert first.new_alert and not second.new_alert and second.update_of == "e1"
    assert story.value() == 40
    # judged again (a feed read twice), the batch stores nothing more
    twice = story.pipeline.process_batch([Item(e, story.analyser.analyse(e)) for e in entries])
    assert twice == [None] * 3
