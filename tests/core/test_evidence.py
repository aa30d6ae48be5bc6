"""Evidence before a fact moves, through the whole per-entry pipeline on a real store.

Each scenario feeds entries (our own words, on made-up domains) through :class:`Pipeline` with
the real analyser and checks what the facts, the evidence ledger and the alerts became: a lone
weak report waits, a second independent source moves the fact and follows up the same alert,
copies and same-domain items do not corroborate, a wrong value is corrected with an alert that
names the alert it corrects, and an old story retold moves nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app.pipeline import Item, Outcome, Pipeline
from bot.config import BotConfig, RouteConfig
from bot.config.settings import SourcesConfig
from bot.facts.catalogue import Catalogue
from bot.feeds.entry import Entry
from bot.news.analysis import Analyser, build_analyser
from bot.store import ledger
from bot.store.db import Database
from bot.store.models import AlertRow, ClaimRow

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 7, 1, 9, tzinfo=UTC)
US = "us-tariff-china"


@pytest.fixture(scope="module")
def analyser(catalogue: Catalogue) -> Analyser:
    return build_analyser(catalogue, ROOT / "config" / "topics.yaml")


@pytest.fixture
def pipeline(store_db: Database, catalogue: Catalogue) -> Pipeline:
    routes = [RouteConfig(to="console", kinds=["changes", "reports", "news"])]
    config = BotConfig(routes=routes, sources=SourcesConfig(official=["ustr.example"]))
    return Pipeline(store_db, catalogue, config)


def item(domain: str, key: str, title: str, body: str = "", hours: float = 0) -> Entry:
    return Entry(
        feed=domain,
        entry_id=key,
        link=f"https://{domain}/news/{key}",
        title=title,
        published=T0 + timedelta(hours=hours),
        text=body,
    )


def run(pipeline: Pipeline, analyser: Analyser, entry: Entry) -> Outcome:
    outcome = pipeline.process(entry, analyser.analyse(entry))
    assert outcome is not None
    return outcome


def statuses(outcome: Outcome) -> dict[str, tuple[object, str]]:
    return {c.fact_id: (c.new, c.status.value) for c in outcome.changes}


def value(db: Database, fact: str) -> object:
    with db.session() as session:
        return ledger.fact_states(session)[fact].value


def test_a_lone_weak_report_waits_and_a_second_source_moves_the_fact(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    first = run(
        pipeline, analyser, item("alpha.example", "a1", "US duties on Chinese goods cut to 40%")
    )
    assert statuses(first)[US] == (40.0, "reported")
    assert first.new_alert and first.alert_kind == "reports"
    assert value(store_db, US) == 145
    # the same claim from the same domain is no corroboration
    again = run(
        pipeline, analyser, item("alpha.example", "a2", "Tariffs on China lowered to 40%", hours=1)
    )
    assert statuses(again)[US] == (40.0, "reported")
    assert value(store_db, US) == 145
    # another domain, other words, within the window: the fact moves and the first alert
    # is followed up instead of a new one being raised
    second = run(
        pipeline, analyser, item("beta.example", "b1", "Levies on Chinese imports now 40%", hours=3)
    )
    assert statuses(second)[US] == (40.0, "changed")
    assert not second.new_alert
    assert second.update_of == "a1"
    assert value(store_db, US) == 40
    with store_db.session() as session:
        rows = {r.entry_uid: r.status for r in session.scalars(select(ClaimRow))}
        follow_up = session.scalars(
            select(AlertRow).where(AlertRow.id == second.alert_ids[0])
        ).one()
        parent = session.get(AlertRow, follow_up.parent_id)
        assert parent is not None
        assert "unconfirmed" not in parent.card["footer"]  # the revised parent card
        assert parent.card["kind"] == "changes"  # the report is a confirmed change now
    assert sorted(rows.values()).count("corroborated") >= 1


def test_a_copy_on_another_domain_is_one_source(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    words = "Washington trims its levy on Chinese goods to 35% in a surprise move"
    run(pipeline, analyser, item("alpha.example", "c1", words))
    copy = run(pipeline, analyser, item("syndicate.example", "c2", words, hours=1))
    assert statuses(copy)[US] == (35.0, "reported")
    assert value(store_db, US) == 145


def test_a_firm_claim_from_an_outlet_moves_the_fact_alone(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    firm = item(
        "daily.example",
        "d1",
        "US lowers China tariffs",
        "The White House said it lowered the tariff on Chinese imports to 30 percent from 145 "
        "percent on Monday.",
    )
    outcome = run(pipeline, analyser, firm)
    assert statuses(outcome)[US] == (30.0, "changed")
    assert outcome.new_alert and outcome.alert_kind == "changes"
    assert value(store_db, US) == 30


def test_a_wrong_value_is_corrected_with_an_alert_naming_the_one_it_corrects(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    wrong = item(
        "daily.example",
        "w1",
        "US cuts tariffs",
        "The administration cut the tariff on Chinese goods to 75 percent from 145 percent on "
        "Friday, officials said.",
    )
    assert statuses(run(pipeline, analyser, wrong))[US] == (75.0, "changed")
    right = (
        "The tariff on imports from China was lowered to 30 percent from 145 percent, the "
        "trade representative's office said."
    )
    one = run(pipeline, analyser, item("wire.example", "r1", "Rate confirmed", right, hours=2))
    assert statuses(one)[US] == (30.0, "reported")  # one source contradicting: not yet
    official = run(
        pipeline, analyser, item("ustr.example", "r2", "Statement on tariffs", right, hours=3)
    )
    assert statuses(official)[US] == (30.0, "corrected")
    assert official.update_of == "w1"
    assert value(store_db, US) == 30
    with store_db.session() as session:
        correction = session.scalars(
            select(AlertRow).where(AlertRow.parent_id.is_not(None), AlertRow.kind == "changes")
        ).one()
        assert correction.card["broadcast"] is True
        assert correction.card["title"].startswith("Correction:")
        assert correction.card["lines"][0].startswith("Corrects the alert: US tariff on most")


def test_an_old_transition_retold_moves_nothing(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    cut = item(
        "daily.example",
        "o1",
        "Tariff cut",
        "The US cut the tariff on Chinese goods to 30 percent from 145 percent on Monday, the "
        "White House said.",
    )
    run(pipeline, analyser, cut)
    stale = item(
        "other.example",
        "o2",
        "Washington raises tariff",
        "The US raised its tariff on Chinese goods to 145 percent from 125 percent on Thursday.",
        hours=24 * 40,
    )
    assert US not in statuses(run(pipeline, analyser, stale))
    assert value(store_db, US) == 30


def test_a_part_implies_its_whole(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    run(
        pipeline,
        analyser,
        item(
            "daily.example",
            "i1",
            "Fentanyl levy cut",
            "The White House said it lowered the fentanyl tariff on Chinese goods to 10 percent "
            "from 20 percent.",
        ),
    )
    with store_db.session() as session:
        assert ledger.fact_states(session)[US].implied == 135.0
    level = item(
        "other.example",
        "i2",
        "What importers pay",
        "Most goods from China now face a combined 135 percent in tariffs.",
        hours=5,
    )
    assert statuses(run(pipeline, analyser, level))[US] == (135.0, "changed")


def test_a_batch_is_judged_as_its_entries_one_by_one(
    pipeline: Pipeline, analyser: Analyser, store_db: Database
) -> None:
    """One transaction for several entries (a sweep's batch) ends as judging them one after
    another: the later entries see the reports and the story the earlier ones stored."""
    entries = [
        item("alpha.example", "e1", "US duties on Chinese goods cut to 40%"),
        item("alpha.example", "e2", "Tariffs on China lowered to 40%", hours=1),
        item("beta.example", "e3", "Levies on Chinese imports now 40%", hours=3),
    ]
    judged = pipeline.process_batch([Item(e, analyser.analyse(e)) for e in entries])
    first, again, second = (o for o in judged if isinstance(o, Outcome))
    assert [statuses(o)[US] for o in (first, again, second)] == [
        (40.0, "reported"),
        (40.0, "reported"),
        (40.0, "changed"),
    ]
    assert first.new_alert and not second.new_alert and second.update_of == "e1"
    assert value(store_db, US) == 40
    # judged again (a feed read twice), the batch stores nothing more
    assert pipeline.process_batch([Item(e, analyser.analyse(e)) for e in entries]) == [None] * 3
