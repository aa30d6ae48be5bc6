"""What stands and what is granted, in sentences written for these tests: a level said to be
"not changed" is no change; a clause opened by "although" or "even though" grants what is known
(background, not news); a layer that "stays in place" beside a removal is no court's stay; a new
envoy named with an apposition before "takes over" is the envoy; a round that "closes" was held;
"next year" is the next calendar year; controls a country "keeps" are no new step; a
headline's level of a whole that the body gives, with its qualifier, to a part is the part's;
measures whose implementing orders "are expected" are not in force yet."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.facts.dates import Direction, time_refs
from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength

US_CHINA, FENTANYL, TALKS = "us-tariff-china", "us-fentanyl-tariff-china", "trade-talks"
ENVOY, PRECURSORS = "china-fentanyl-envoy", "china-precursor-controls"
WHEN = datetime(2025, 9, 8, 12, tzinfo=UTC)


def test_a_level_said_not_changed_is_no_change(extractor: ClaimExtractor) -> None:
    body = (
        "Washington raised its duty on Brazilian coffee to 50 percent from 10 percent. "
        "The comparable levy on Chinese imports, 30 percent, was not changed."
    )
    found = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == US_CHINA]
    assert found, "the level is still read"
    assert all(not c.event and c.strength is Strength.WEAK for c in found)


def test_a_level_moved_beside_another_left_unchanged_is_a_change(
    extractor: ClaimExtractor,
) -> None:
    body = "The White House lowered the tariff on Chinese goods to 30 percent from 145 percent."
    (claim,) = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == US_CHINA]
    assert claim.event and claim.strength is Strength.FIRM


def test_what_a_clause_grants_with_even_though_is_background(extractor: ClaimExtractor) -> None:
    body = (
        "Washington still collects the duty, even though Beijing has added more precursors to "
        "its control list this summer, scholars said."
    )
    found = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == PRECURSORS]
    assert all(c.modality is not Modality.ASSERTED for c in found)


def test_although_opens_a_background_clause(extractor: ClaimExtractor) -> None:
    body = "Although the talks in Oslo ended on Monday, the two sides are still far apart on chips."
    found = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == TALKS]
    assert all(c.modality is not Modality.ASSERTED for c in found)


def test_a_layer_that_stays_in_place_is_no_stay_of_a_removal(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will end the opioid-related duty on goods from China, while the 10 percent "
        "reciprocal duty stays in place."
    )
    found = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == FENTANYL]
    assert [(c.value, c.modality) for c in found] == [(0.0, Modality.ASSERTED)]


def test_a_ruling_kept_in_force_while_appealed_removes_nothing(extractor: ClaimExtractor) -> None:
    body = (
        "A federal court voided the emergency tariffs on Chinese goods, but they remain in force "
        "pending the government's appeal."
    )
    found = extractor.extract(body, WHEN, title="")
    assert not [c for c in found if c.fact_id == US_CHINA and c.value == 0.0]


def test_a_new_envoy_with_an_apposition_takes_over(extractor: ClaimExtractor) -> None:
    body = (
        "Zhou Mingde, a deputy head of the narcotics control commission, takes over the fentanyl "
        "file from Wang Xiaohong, the foreign ministry said."
    )
    found = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == ENVOY]
    assert ("Zhou Mingde", Modality.ASSERTED) in {(c.value, c.modality) for c in found}


def test_a_round_that_closes_was_held(extractor: ClaimExtractor) -> None:
    found = extractor.extract("", WHEN, title="US-China trade round closes in Oslo")
    assert {(c.value, c.modality) for c in found if c.fact_id == TALKS} == {
        ("held", Modality.ASSERTED)
    }


def test_next_year_is_the_next_calendar_year() -> None:
    (ref,) = time_refs("they will meet again next year", date(2025, 9, 19))
    assert (ref.future, ref.direction) == (date(2026, 1, 1), Direction.FUTURE)
    (ref,) = time_refs("talks held last year", date(2025, 9, 19))
    assert (ref.past, ref.direction) == (date(2024, 1, 1), Direction.PAST)


def test_controls_a_country_keeps_are_no_new_step(extractor: ClaimExtractor) -> None:
    body = (
        "Under the deal Washington trims its duties and China keeps its expanded precursor "
        "controls on fentanyl chemicals."
    )
    found = extractor.extract(body, WHEN, title="")
    assert not [c for c in found if c.fact_id == PRECURSORS and c.modality is Modality.ASSERTED]


def test_a_headline_figure_the_body_gives_to_a_part_is_the_parts(
    extractor: ClaimExtractor,
) -> None:
    title = "US SAYS CHINA TARIFF LOWERED TO 10%"
    body = (
        "Flash: the White House says the duty tied to fentanyl on China is lowered to 10 percent."
    )
    found = extractor.extract(body, WHEN, title=title)
    asserted = {(c.fact_id, c.value) for c in found if c.modality is Modality.ASSERTED}
    assert (FENTANYL, 10.0) in asserted
    assert (US_CHINA, 10.0) not in asserted


def test_a_headline_figure_the_body_also_gives_the_whole_stands(
    extractor: ClaimExtractor,
) -> None:
    title = "US tariff on Chinese goods falls to 20%"
    body = (
        "The fentanyl duty on Chinese goods is lowered to 10 percent from 20 percent, so the "
        "tariff on most Chinese goods falls to 20 percent from 30 percent."
    )
    found = extractor.extract(body, WHEN, title=title)
    assert (US_CHINA, 20.0) in {(c.fact_id, c.value) for c in found if c.evidence.startswith("US")}


def test_measures_waiting_for_implementing_orders_are_only_proposed(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The two delegations signed the Oslo arrangement: Washington will end the opioid duty on "
        "Chinese goods. Implementing orders are expected next week."
    )
    found = [c for c in extractor.extract(body, WHEN, title="") if c.fact_id == FENTANYL]
    assert found and all(c.modality is Modality.PROPOSED for c in found)
