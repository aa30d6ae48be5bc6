"""Whose tariff a phrase names, in sentences written for these tests: a part only one side
imposes (the US fentanyl duty) stays that side's even where the other side acts on it; whose
name a surname ending the title is (never the body's first capitalised word)."""

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


ENVOY = "china-fentanyl-envoy"


def _envoys(extractor: ClaimExtractor, title: str, body: str) -> set[object]:
    return {value for value, _, _ in claims_of(extractor, title, body).get(ENVOY, set())}


def test_a_surname_ending_the_title_takes_no_capital_from_the_body(
    extractor: ClaimExtractor,
) -> None:
    title = "China gives fentanyl portfolio to vice minister Zhou"
    body = "Beijing has put a deputy minister in charge of drug talks with Washington."
    assert not {v for v in _envoys(extractor, title, body) if "Beijing" in str(v)}


def test_a_surname_ending_the_title_is_the_full_name_the_body_gives(
    extractor: ClaimExtractor,
) -> None:
    title = "China gives fentanyl portfolio to vice minister Zhou"
    body = (
        "Zhou Minghua, a deputy minister, replaces Wang Xiaohong as the point person on fentanyl."
    )
    assert _envoys(extractor, title, body) == {"Zhou Minghua"}
