"""Whose tariff a phrase names, in sentences written for these tests: a part only one side
imposes (the US fentanyl duty) stays that side's even where the other side acts on it."""

from __future__ import annotations

from bot.facts.extract import ClaimExtractor
from tests.facts.test_extract import claims_of

CN, FENT = "china-tariff-us", "us-fentanyl-tariff-china"


def test_the_other_side_acting_on_a_us_only_part_leaves_it_the_us_part(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "China said it will license exports of three precursors from July, a step observers "
        "see as a bid to bargain away the 20 percent US fentanyl tariff, which stays in force."
    )
    found = claims_of(extractor, "Precursor licences", body)
    assert CN not in found
    assert 20.0 in {value for value, _, _ in found.get(FENT, set())}


def test_the_other_side_acting_on_a_plain_tariff_still_takes_it_as_target(
    extractor: ClaimExtractor,
) -> None:
    body = "Beijing said it would cut the 15 percent US tariff it charges on soybeans to 5 percent."
    assert FENT not in claims_of(extractor, "Soybeans", body)
