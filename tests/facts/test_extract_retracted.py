"""What a withdrawn story said, and a headline whose body names only unnamed sources, change
nothing, in sentences written for these tests: an outlet retracting its report retells the
report's claim (a correction notice of its own kind), and a headline that shortens a rumour
about a state ("Beijing said to halt ...") is only as firm as the body that carries it."""

from __future__ import annotations

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality
from tests.facts.test_extract import claims_of

A = Modality.ASSERTED
COOP, US = "counternarcotics-cooperation", "us-tariff-china"


def test_a_retraction_notice_claims_nothing_of_what_it_withdraws(
    extractor: ClaimExtractor,
) -> None:
    title = "Harbor Post retracts story on Beijing freezing joint drug enforcement with the US"
    body = (
        "The Harbor Post has retracted its Tuesday report that China would freeze its "
        "counternarcotics cooperation with Washington. The report relied on a single source."
    )
    assert COOP not in claims_of(extractor, title, body)


def test_a_withdrawn_figure_is_no_claim_but_the_level_stated_beside_it_is(
    extractor: ClaimExtractor,
) -> None:
    title = "Wire withdraws an article saying the US cut its tariff on Chinese goods to 12%"
    body = "The tariff on most goods from China stays at 20 percent, the Commerce Department said."
    values = {value for value, _, _ in claims_of(extractor, title, body).get(US, set())}
    assert 12.0 not in values and 20.0 in values


def test_the_same_news_without_the_retraction_is_a_claim(extractor: ClaimExtractor) -> None:
    body = "China froze its counternarcotics cooperation with Washington, the ministry said."
    found = claims_of(extractor, "Beijing freezes joint drug enforcement with the US", body)
    assert ("frozen", A) in {(value, modality) for value, modality, _ in found.get(COOP, set())}


def test_a_headline_over_a_rumour_of_a_state_is_not_asserted(extractor: ClaimExtractor) -> None:
    title = "Beijing said to halt anti-narcotics cooperation with Washington"
    body = (
        "China has told American officials it will suspend counternarcotics cooperation, "
        "according to two people briefed on the decision."
    )
    found = claims_of(extractor, title, body)
    assert found.get(COOP) and all(modality is not A for _, modality, _ in found[COOP])
