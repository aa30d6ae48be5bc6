"""A round that is over, a session that ran, a round held in a third country, and the level a
change of one layer leaves the whole at ("leaving only the 10% reciprocal duty", "leaving the
emergency duties at 15%"), in sentences written for these tests."""

from __future__ import annotations

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength
from tests.facts.test_extract import claims_of

A, F = Modality.ASSERTED, Strength.FIRM
US, TALKS = "us-tariff-china", "trade-talks"


def _talks(extractor: ClaimExtractor, title: str, body: str) -> set[object]:
    return {value for value, modality, _ in claims_of(extractor, title, body).get(TALKS, set())
            if modality is A}  # fmt: skip


def test_trade_negotiations_that_are_over_were_held(extractor: ClaimExtractor) -> None:
    body = "Three days of US-China trade negotiations in Oslo are over, officials said."
    assert "held" in _talks(extractor, "Oslo round", body)


def test_a_session_that_ran_for_hours_was_held(extractor: ClaimExtractor) -> None:
    body = "The opening session of the US-China trade talks ran for five hours on Monday."
    assert "held" in _talks(extractor, "Oslo round", body)


def test_a_third_country_as_the_venue_is_no_other_side(extractor: ClaimExtractor) -> None:
    body = "Two days of trade talks in Thailand ended on Sunday, Bessent and He Lifeng said."
    assert "held" in _talks(extractor, "Bangkok round", body)


def test_a_third_country_as_the_other_side_still_excludes(extractor: ClaimExtractor) -> None:
    body = "Two days of trade talks with Thailand ended on Sunday, Bessent said."
    assert "held" not in _talks(extractor, "Bangkok round", body)


def test_the_layer_a_removal_leaves_is_the_whole_level(extractor: ClaimExtractor) -> None:
    body = (
        "The White House said it will scrap the 10% fentanyl levy on Chinese goods from June 1, "
        "leaving only the 10% reciprocal duty on most imports."
    )
    assert (10.0, A, F) in claims_of(extractor, "Fentanyl levy to go", body).get(US, set())


def test_a_layer_named_alone_is_no_firm_whole(extractor: ClaimExtractor) -> None:
    body = "Importers still pay the 10% reciprocal duty on most goods from China."
    assert (10.0, A, F) not in claims_of(extractor, "Port volumes", body).get(US, set())


def test_the_level_a_cut_of_a_layer_leaves_the_whole_at_is_firm(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Washington cut the fentanyl levy on Chinese goods to 5% from 15%, leaving the combined "
        "emergency duties at 15 percent."
    )
    assert (15.0, A, F) in claims_of(extractor, "Levy cut", body).get(US, set())


def test_a_level_left_by_talks_that_ended_is_no_firm_change(extractor: ClaimExtractor) -> None:
    body = "Trade talks ended without a deal, leaving the emergency duties on Chinese goods at 25%."
    assert (25.0, A, F) not in claims_of(extractor, "No deal", body).get(US, set())


def test_a_joint_statement_expected_on_a_day_ahead_is_no_deal(extractor: ClaimExtractor) -> None:
    title = "Oslo round wraps up; joint statement expected Thursday"
    body = "US and Chinese negotiators finished two days of trade talks in Oslo."
    found = _talks(extractor, title, body)
    assert "agreement" not in found and "held" in found
