"""What a reviewer's decision does to the facts, the evidence ledger, the audit trail and the
alerts, through the real pipeline and the decision service, on SQLite and PostgreSQL; and the
clear answers that change nothing (second click, stale, moved, wrong kind of value)."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.facts.catalogue import Catalogue
from bot.news.analysis import Analyser
from bot.review.decide import Outcome, Problem, Reviewer
from bot.store import decisions as stored
from bot.store import ledger
from bot.store.db import Database
from bot.store.models import ClaimRow, DecisionRow, FactHistoryRow, OutboxRow
from tests.stories import US, Story, make_story

from .conftest import DISCORD, SLACK, review_config

ALICE = Reviewer("slack", "U0REVIEWER", "alice")
BOB = Reviewer("discord", "500000000000000009", "bob")


def claims(db: Database) -> list[tuple[str, str, str | None]]:
    with db.session() as session:
        rows = session.scalars(select(ClaimRow).where(ClaimRow.fact_id == US).order_by(ClaimRow.id))
        return [(r.value_key, r.status, r.decided_by) for r in rows]


def audit(db: Database) -> list[DecisionRow]:
    with db.session() as session:
        rows = list(session.scalars(select(DecisionRow).order_by(DecisionRow.id)))
        for row in rows:
            session.expunge(row)
        return rows


def outbox_of(db: Database, alert_id: str) -> set[str]:
    with db.session() as session:
        return set(
            session.scalars(select(OutboxRow.destination).where(OutboxRow.alert_id == alert_id))
        )


def labels(card: dict[str, object]) -> list[str]:
    actions = card.get("actions") or []
    assert isinstance(actions, list)
    return [a["label"] for a in actions]


def test_a_report_alert_carries_confirm_and_dismiss_only_where_reviewers_are(
    story: Story, store_db: Database, catalogue: Catalogue, analyser: Analyser
) -> None:
    card = story.card(story.report())
    assert labels(card) == ["Confirm", "Dismiss"]
    assert all(a["services"] == ["slack", "discord"] for a in card["actions"])
    nobody = make_story(store_db, catalogue, analyser, review_config(slack_users=[]))
    card = nobody.card(nobody.report("a9", value=41))
    assert labels(card) == []  # no reviewers configured: no buttons


def test_confirm_moves_the_fact_as_corroboration_would_and_is_recorded(story: Story) -> None:
    alert = story.report()
    outcome = story.decisions.confirm(alert, ALICE)

    assert outcome.ok, outcome.message
    assert "Confirmed by @alice" in outcome.message and "145% → 40%" in outcome.message
    assert story.value() == 40
    assert claims(story.db) == [("40", "changed", "@alice (slack:U0REVIEWER)")]
    [decision] = audit(story.db)
    assert (decision.action, decision.value, decision.replaced) == ("confirm", 40, 145)
    assert (decision.decided_by, decision.decider, decision.alert_id) == (
        "@alice",
        "slack:U0REVIEWER",
        alert,
    )
    with story.db.session() as session:
        [moved] = ledger.fact_history(session, US)
        assert (moved.old, moved.new, moved.status) == (145, 40, "changed")
    card = story.card(alert)
    assert str(card["title"]).startswith("US tariff on most Chinese goods: 145% → 40%")
    assert str(card["footer"]).startswith("Confirmed by @alice ")
    assert "reported, not yet confirmed" not in " ".join(card["lines"])
    assert labels(card) == ["Wrong value"]
    [reply] = story.follow_ups(alert)
    assert reply.id == outcome.follow_up_id == decision.follow_up_id
    assert reply.card["title"].startswith("Confirmed by @alice: ")
    assert outbox_of(story.db, reply.id) == {SLACK, DISCORD}  # where the alert went


def test_a_second_click_and_a_stale_button_change_nothing(story: Story) -> None:
    alert = story.report()
    assert story.decisions.confirm(alert, ALICE).ok
    again = story.decisions.confirm(alert, BOB)
    assert again.problem is Problem.ALREADY_DECIDED
    assert again.message.startswith("Already confirmed by @alice on ")
    late = story.decisions.dismiss(alert, BOB)
    assert late.problem is Problem.ALREADY_DECIDED
    assert story.value() == 40 and len(audit(story.db)) == 1
    assert len(story.follow_ups(alert)) == 1


def test_dismiss_keeps_the_fact_and_the_same_claim_of_the_story_no_longer_alerts(
    story: Story,
) -> None:
    alert = story.report()
    outcome = story.decisions.dismiss(alert, BOB)
    assert outcome.ok, outcome.message
    assert "marked wrong" in outcome.message and "stays 145%" in outcome.message
    assert story.value() == 145
    assert claims(story.db) == [("40", "dismissed", "@bob (discord:500000000000000009)")]
    card = story.card(alert)
    assert str(card["title"]).startswith("Dismissed: ") and labels(card) == []
    assert str(card["footer"]).startswith("Dismissed by @bob ")
    [decision] = audit(story.db)
    assert (decision.action, decision.value, decision.replaced) == ("dismiss", 40, None)

    # the same claim again, from the same outlet's retelling in the same story: no alert,
    # no follow-up, not pending review
    again = story.judge(
        "alpha.example", "a2", "Washington to lower its tariffs on China to 40%", hours=1
    )
    assert again.duplicate_of == "a1"
    assert not again.new_alert and not again.alert_ids
    assert claims(story.db)[-1][:2] == ("40", "dismissed")
    assert story.decisions.pending() == []
    assert len(story.follow_ups(alert)) == 1  # the dismissal's own


def test_a_report_settled_by_a_second_source_is_stale(story: Story) -> None:
    alert = story.report()
    second = story.judge("beta.example", "b1", "Levies on Chinese imports now 40%", hours=3)
    assert second.update_of == "a1" and story.value() == 40
    assert labels(story.card(alert)) == ["Wrong value"]  # the report is settled
    outcome = story.decisions.confirm(alert, ALICE)
    assert outcome.problem is Problem.STALE
    assert "second source" in outcome.message
    assert story.decisions.dismiss(alert, ALICE).problem is Problem.STALE
    assert audit(story.db) == []


def test_a_report_whose_fact_has_since_moved_changes_nothing(story: Story) -> None:
    alert = story.report()
    story.change(value=30, hours=2)  # another value moves the fact: the report is superseded
    outcome = story.decisions.confirm(alert, ALICE)
    assert outcome.problem is Problem.MOVED
    assert "has moved to 30%" in outcome.message and "nothing changed" in outcome.message
    assert story.value() == 30 and audit(story.db) == []


def test_unknown_alerts_claims_and_facts_are_named(story: Story) -> None:
    assert story.decisions.confirm("al-000000000000000000000000", ALICE).problem is (
        Problem.NOT_FOUND
    )
    assert story.decisions.dismiss("#99999", ALICE).message == "No claim #99999 is on record."
    alert = story.change()
    assert story.decisions.confirm(alert, ALICE).problem is Problem.NOTHING_TO_DECIDE
    outcome = story.decisions.correct(alert, "us-tariff-mars", "30", None, ALICE)
    assert outcome.problem is Problem.UNKNOWN_FACT
    assert "us-tariff-mars" in outcome.message and US in outcome.message


def test_wrong_value_checks_the_value_and_the_source_before_anything(story: Story) -> None:
    alert = story.change()
    banana = story.decisions.correct(alert, US, "banana%", None, ALICE)
    assert banana.problem is Problem.BAD_VALUE
    assert "“banana%” is not a value for US tariff on most Chinese goods" in banana.message
    assert "percentage" in banana.message
    huge = story.decisions.correct(alert, US, "9" * 500, None, ALICE)
    assert huge.problem is Problem.BAD_VALUE and "500 characters, at most 100" in huge.message
    ftp = story.decisions.correct(alert, US, "125", "ftp://files.example/x", ALICE)
    assert ftp.problem is Problem.BAD_SOURCE and "http(s)" in ftp.message
    same = story.decisions.correct(alert, US, "30%", None, ALICE)
    assert same.problem is Problem.UNCHANGED
    assert story.value() == 30 and audit(story.db) == []


def test_wrong_value_corrects_the_fact_with_a_broadcast_follow_up(story: Story) -> None:
    alert = story.change()
    outcome = story.decisions.correct(alert, US, "125", "https://ustr.example/notice", ALICE)
    assert outcome.ok, outcome.message
    assert story.value() == 125
    [decision] = audit(story.db)
    assert (decision.action, decision.value, decision.replaced, decision.source) == (
        "correct",
        125,
        30,
        "https://ustr.example/notice",
    )
    assert claims(story.db) == [("30", "dismissed", "@alice (slack:U0REVIEWER)")]
    with story.db.session() as session:
        last = session.scalars(select(FactHistoryRow).order_by(FactHistoryRow.id.desc())).first()
        assert last is not None and (last.old, last.new, last.status) == (30, 125, "corrected")
    card = story.card(alert)
    assert card["title"] == "Corrected: US tariff on most Chinese goods is 125%"
    assert labels(card) == ["Wrong value"]
    [reply] = story.follow_ups(alert)
    assert reply.card["broadcast"] is True
    # the alert still shows the fact's value: it may be corrected again from it
    assert story.decisions.correct(alert, US, "120", None, BOB).ok
    assert story.value() == 120


def test_wrong_value_after_the_fact_moved_on_is_refused(story: Story) -> None:
    alert = story.change(value=30)
    later = story.judge(
        "other.example",
        "o1",
        "Washington trims tariff again",
        "The White House said it lowered the tariff on Chinese imports to 20 percent from 30 "
        "percent on Tuesday.",
        hours=24 * 5,
    )
    assert later.new_alert and story.value() == 20
    refused = story.decisions.correct(alert, US, "10", None, ALICE)
    assert refused.problem is Problem.MOVED
    assert "moved to 20%" in refused.message and "/fentanyl set us-tariff-china 10%" in (
        refused.message
    )
    assert story.value() == 20 and audit(story.db) == []


def test_set_follows_up_the_alert_that_announced_the_value(story: Story) -> None:
    alert = story.change(value=30)
    outcome = story.decisions.set(US, "55", "https://ustr.example/n", BOB)
    assert outcome.ok, outcome.message
    [reply] = story.follow_ups(alert)
    assert reply.id == outcome.follow_up_id and reply.card["broadcast"] is True
    assert story.card(alert)["title"] == "Corrected: US tariff on most Chinese goods is 55%"
    # the alert shows 55 now, so its Wrong value corrects 55
    assert story.decisions.correct(alert, US, "125", None, ALICE).ok
    assert story.value() == 125
    # an entry older than the reviewer's decision cannot move the fact back
    story.judge(
        "wire.example",
        "w9",
        "Tariff at 30%",
        "The White House said it lowered the tariff on Chinese imports to 30 percent from 145 "
        "percent on Monday.",
        hours=1,
    )
    assert story.value() == 125


def test_set_with_no_alert_raises_a_change_alert_routed_like_any_other(story: Story) -> None:
    outcome = story.decisions.set("counternarcotics-cooperation", "frozen", None, BOB)
    assert outcome.ok, outcome.message
    assert story.value("counternarcotics-cooperation") == "frozen"
    assert outcome.follow_up_id is not None
    card = story.card(outcome.follow_up_id)
    assert str(card["title"]).startswith("Set by @bob: ")
    assert str(card["title"]).endswith("counternarcotics cooperation: active → frozen")
    assert labels(card) == ["Wrong value"]
    assert outbox_of(story.db, outcome.follow_up_id) == {SLACK, DISCORD}
    [decision] = audit(story.db)
    assert decision.alert_id == outcome.follow_up_id and decision.replaced == "active"
    bad = story.decisions.set("counternarcotics-cooperation", "paused", None, BOB)
    assert bad.problem is Problem.BAD_VALUE and "one of active, frozen" in bad.message
    again = story.decisions.set("counternarcotics-cooperation", "frozen", None, BOB)
    assert again.problem is Problem.UNCHANGED
    # the new alert's Wrong value button works like any other
    assert story.decisions.correct(outcome.follow_up_id, "counternarcotics-cooperation",
                                   "active", None, ALICE).ok  # fmt: skip


def test_pending_lists_reports_awaiting_review(story: Story) -> None:
    alert = story.report()
    [pending] = story.decisions.pending()
    assert (pending.fact, pending.old, pending.value, pending.alert) == (US, 145, 40, alert)
    assert pending.domain == "alpha.example" and pending.to_json()["id"] == pending.id
    assert story.decisions.confirm(f"#{pending.id}", ALICE).ok
    assert story.decisions.pending() == []


def test_two_reviewers_deciding_at_once_one_wins(story: Story) -> None:
    alert = story.report()
    results: list[Outcome] = []
    start = threading.Barrier(2)

    def decide(who: Reviewer, confirm: bool) -> None:
        start.wait()
        method = story.decisions.confirm if confirm else story.decisions.dismiss
        results.append(method(alert, who))

    threads = [
        threading.Thread(target=decide, args=(ALICE, True)),
        threading.Thread(target=decide, args=(BOB, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.ok for r in results) == [False, True]
    [lost] = [r for r in results if not r.ok]
    assert lost.problem is Problem.ALREADY_DECIDED
    assert len(audit(story.db)) == 1 and len(story.follow_ups(alert)) == 1
    with story.db.session() as session:
        assert stored.pending_claims(session) == []
