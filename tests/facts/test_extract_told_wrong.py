"""What an item says is wrong, second-hand or its own forecast is no change, in sentences written
for these tests: a sentence opening "That is wrong" denies the one before it, "reports said" is
hearsay, a desk's "our call" is a forecast; and leaders who agree to carry out what their teams
settled have a deal."""

from __future__ import annotations

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength
from tests.facts.test_extract import claims_of

A, P = Modality.ASSERTED, Modality.PROPOSED
F, W = Strength.FIRM, Strength.WEAK
US, FENT, TALKS = "us-tariff-china", "us-fentanyl-tariff-china", "trade-talks"


def test_a_sentence_called_wrong_by_the_next_claims_nothing(extractor: ClaimExtractor) -> None:
    body = (
        "Some early reports said Washington had scrapped its fentanyl tariff on China. "
        "That is wrong: the levy on Chinese goods tied to fentanyl falls to 15% from 30%."
    )
    found = claims_of(extractor, "Fentanyl duty halved, not scrapped", body)
    assert (0.0, A, F) not in found.get(FENT, set())
    assert not any(value == 0.0 for value, _, _ in found.get(FENT, set()))


def test_the_same_sentence_stands_without_the_denial(extractor: ClaimExtractor) -> None:
    body = "Washington has scrapped its fentanyl tariff on China, the White House said."
    assert (0.0, A, F) in claims_of(extractor, "Fentanyl duty ends", body).get(FENT, set())


def test_what_reports_said_is_hearsay(extractor: ClaimExtractor) -> None:
    found = claims_of(
        extractor, "Tariffs", "Reports said the US had cut its tariff on Chinese goods to 25%."
    )
    assert found.get(US) and (25.0, A, F) not in found[US]


def test_a_desks_call_is_a_forecast(extractor: ClaimExtractor) -> None:
    body = "Our call for the Oslo summit: a cut in the US fentanyl tariff on China to 15%."
    found = claims_of(extractor, "Desk note", body)
    assert {modality for _, modality, _ in found.get(FENT, set())} <= {P}


def test_leaders_agreeing_to_implement_their_teams_consensus_have_a_deal(
    extractor: ClaimExtractor,
) -> None:
    body = "The two presidents agreed to implement the consensus their trade teams reached in Oslo."
    assert ("agreement", A, F) in claims_of(extractor, "Leaders meet in Oslo", body)[TALKS]
