"""How far a word reaches, in sentences written for these tests: a month naming the round a
headline calls off is that round's date, not the claim's; a government that "corrects its
mistakes" writes no correction notice; a verb between a figure and a tariff noun makes the
noun its object ("cutting the opioid layer to 10 percent lifts the tariff ... to 20 percent");
an inclusion of other duties voids only the figures it speaks of; a market's odds in a title
make the piece a forecast."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality

TALKS, WHOLE, LAYER = "trade-talks", "us-tariff-china", "us-fentanyl-tariff-china"


def _read(found: list, fact: str) -> set[tuple[object, Modality]]:
    return {(c.value, c.modality) for c in found if c.fact_id == fact}


def test_a_month_naming_the_round_ahead_is_not_the_claims_time(extractor: ClaimExtractor) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    found = extractor.extract(
        "", when, title="Beijing scraps September trade round, leaving talks with US on ice"
    )
    assert ("stalled", Modality.ASSERTED) in _read(found, TALKS)


def test_a_month_naming_a_past_measure_still_dates_it(extractor: ClaimExtractor) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    found = extractor.extract("", when, title="The March tariff hike to 60% on Chinese goods hurt")
    assert all(m is not Modality.ASSERTED for _, m in _read(found, WHOLE))


def test_a_government_correcting_its_mistakes_is_no_correction_notice(
    extractor: ClaimExtractor,
) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    body = "The ministry said the consultations are suspended until Washington corrects its errors."
    found = extractor.extract(body, when, title="Beijing suspends trade consultations with US")
    assert found and not any(c.correction for c in found)


def test_an_outlet_correcting_its_story_still_is(extractor: ClaimExtractor) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    body = "This corrects an earlier story that put the US tariff on Chinese goods at 25 percent."
    found = extractor.extract(body, when, title="US tariff on Chinese goods stays at 30 percent")
    assert found and all(c.correction for c in found)


def test_a_figure_before_a_verb_is_not_bound_to_its_object(extractor: ClaimExtractor) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    body = (
        "Trimming the opioid layer to 10 percent lifts the total tariff on Chinese goods to "
        "20 percent."
    )
    found = extractor.extract(body, when, title="Brokers' note")
    assert {v for v, _ in _read(found, WHOLE)} == {20.0}
    assert {v for v, _ in _read(found, LAYER)} == {10.0}


def test_an_inclusion_of_other_duties_voids_only_its_own_figures(
    extractor: ClaimExtractor,
) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    body = (
        "The president said he is lowering the fentanyl tariff on China to 5 percent from 10 "
        "percent, and gave the total as 40 percent - a sum that includes older Section 301 "
        "duties; the emergency tariffs on most Chinese goods drop to 15 percent."
    )
    found = extractor.extract(body, when, title="Tariff cut after summit")
    assert {v for v, _ in _read(found, LAYER)} == {5.0}
    assert {v for v, _ in _read(found, WHOLE)} == {15.0}


def test_a_markets_odds_in_the_title_make_a_forecast_piece(extractor: ClaimExtractor) -> None:
    when = datetime(2026, 8, 20, 9, tzinfo=UTC)
    body = (
        "Contracts on Washington cutting the tariff on Chinese goods to 15 percent rose to "
        "64 cents."
    )
    found = extractor.extract(body, when, title="Traders put 64% odds on a US tariff cut")
    assert found and all(c.modality is not Modality.ASSERTED for c in found)
