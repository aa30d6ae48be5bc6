"""Composing alert cards from changes: the line format, ids, and the plain-text form."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.alerts import Card, CardKind, compose_alert
from bot.alerts.compose import alert_id, change_line, compose_digest
from bot.facts.catalogue import Catalogue
from bot.facts.model import Change, ChangeStatus

WHEN = datetime(2025, 5, 12, 8, 5, tzinfo=UTC)


def _card(catalogue: Catalogue, changes: list[Change], kind: CardKind = CardKind.CHANGE) -> Card:
    return compose_alert(
        entry_key="wire\x1fa1",
        kind=kind,
        title="Tariff truce agreed",
        link="https://wire.example/a1",
        source="wire",
        published=WHEN,
        summary="Both sides cut tariffs. " * 60,
        changes=changes,
        catalogue=catalogue,
        sources_count=3,
        topics=("us-china-tariffs",),
    )


def test_change_line_names_old_new_and_baseline(catalogue: Catalogue) -> None:
    change = Change("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED, "")
    assert change_line(change, catalogue) == (
        "US tariff on most Chinese goods: 145% → 30% (baseline 145% as of 2025-05-02)"
    )


def test_a_stage_reached_again_by_the_next_round_says_so(catalogue: Catalogue) -> None:
    again = Change("trade-talks", "held", "held", ChangeStatus.CHANGED, "")
    assert change_line(again, catalogue).startswith("US-China trade talks: held again (new round)")
    confirmed = Change("trade-talks", "held", "held", ChangeStatus.CONFIRMED, "")
    assert change_line(confirmed, catalogue).startswith("US-China trade talks: held → held")


def test_effective_date_and_proposals_are_said(catalogue: Catalogue) -> None:
    later = Change(
        "us-fentanyl-tariff-china", 20.0, 10.0, ChangeStatus.CHANGED, "", date(2025, 11, 10)
    )
    assert change_line(later, catalogue).endswith("as of 2025-05-02, effective 2025-11-10)")
    threat = Change("us-tariff-china", 30.0, 100.0, ChangeStatus.PROPOSED, "")
    assert "proposed, not in force" in change_line(threat, catalogue)


def test_change_card(catalogue: Catalogue) -> None:
    changes = [
        Change("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED, ""),
        Change("china-tariff-us", 125.0, 10.0, ChangeStatus.CHANGED, ""),
        Change("trade-talks", "held", "held", ChangeStatus.CONFIRMED, ""),
    ]
    card = _card(catalogue, changes)
    assert card.title == "US tariff on most Chinese goods: 145% → 30% (+1 more)"
    assert len(card.lines) == 2  # a confirmation is not a change line
    assert card.footer == "3 sources"
    assert len(card.body) <= 602 and card.body.endswith("…")
    assert card.id == alert_id("wire\x1fa1", CardKind.CHANGE) == _card(catalogue, changes).id
    assert card.id != alert_id("wire\x1fa1", CardKind.NEWS)
    text = card.plain_text()
    assert "https://wire.example/a1" in text and "2025-05-12 08:05 UTC" in text


def test_card_survives_a_json_round_trip(catalogue: Catalogue) -> None:
    card = _card(catalogue, [Change("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED, "")])
    assert Card.from_json(card.to_json()) == card


def test_digest_lists_changes_or_says_there_were_none() -> None:
    quiet = compose_digest(date(2025, 5, 13), [], [("US tariff", 30, 145)])
    assert quiet.lines == ("No tracked fact changed in the last 24 hours.",)
    change = Card(id="al-1", kind=CardKind.CHANGE, title="Tariffs cut", link="https://w.example/1")
    busy = compose_digest(date(2025, 5, 13), [change], [])
    assert busy.lines == ("Tariffs cut https://w.example/1",) and busy.footer == "1 change alert"
