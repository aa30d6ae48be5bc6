"""A deal that still awaits approval, a source's word, a third country's goods and the month a
listing was announced, in sentences written for these tests: a framework the teams take to
their leaders for approval is a round held, not a deal; teams confirming the details of their
framework close it; a headline's person the body gives only on a source's word is proposed;
"goods transshipped from China" and "the US-Chile deal" are not the tariff on China; a meeting
"held at the request" of one side is no round held; a listing taking effect is the month it was
announced."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.facts.awaiting import awaiting_rules
from bot.facts.catalogue import Catalogue
from bot.facts.dates import announced_month
from bot.facts.extract import ClaimExtractor
from bot.facts.hints import Hints, check_hints
from bot.facts.lexicon import Lexicon
from bot.facts.model import Modality, Strength
from tests.facts.test_extract import claims_of

A, P = Modality.ASSERTED, Modality.PROPOSED
F, W = Strength.FIRM, Strength.WEAK
US, TALKS, ENVOY, PRECURSORS = (
    "us-tariff-china",
    "trade-talks",
    "china-fentanyl-envoy",
    "china-precursor-controls",
)


def states(found: dict[str, set[tuple[object, Modality, Strength]]]) -> set[object]:
    return {value for value, modality, _ in found.get(TALKS, set()) if modality is A}


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "US and China agree a framework in Oslo",
            "The US and Chinese delegations agreed a framework on export licences on Tuesday. "
            "Both teams will take it back to the two presidents for approval.",
        ),
        (
            "Oslo round ends with a framework, pending sign-off by the leaders",
            "The US and China reached a framework on farm purchases, the trade envoys said.",
        ),
        (
            "Oslo trade talks wrap up",
            "Negotiators for the US and China reached a framework on chips that Trump and Xi will "
            "discuss next week.",
        ),
    ],
)
def test_a_framework_still_awaiting_the_leaders_approval_is_a_round_held(
    extractor: ClaimExtractor, title: str, body: str
) -> None:
    assert states(claims_of(extractor, title, body)) == {"held"}


def test_without_the_approval_the_same_framework_is_the_deal(extractor: ClaimExtractor) -> None:
    body = "The US and Chinese delegations agreed a framework on export licences on Tuesday."
    assert "agreement" in states(claims_of(extractor, "US and China agree a framework", body))


def test_teams_confirming_the_details_of_their_framework_close_the_deal(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The commerce ministry said the US and China had confirmed the details of the Oslo "
        "framework."
    )
    assert states(claims_of(extractor, "Framework details settled", body)) == {"agreement"}


def test_a_headline_person_the_body_gives_on_a_sources_word_is_proposed(
    extractor: ClaimExtractor,
) -> None:
    found = claims_of(
        extractor,
        "Wang Yi to lead China's side in fentanyl talks with US",
        "Foreign Minister Wang Yi will lead the Chinese side in the next fentanyl talks with the "
        "United States, people familiar with the plan said.",
    )
    assert found.get(ENVOY) and {m for _, m, _ in found[ENVOY]} == {P}


@pytest.mark.parametrize(
    "title",
    [
        "US-Chile deal sets 15% tariff, 35% on goods transshipped from China",
        "US sets 35% duty on goods rerouted through Thailand from China",
    ],
)
def test_a_third_countrys_deal_and_goods_sent_through_it_are_not_the_tariff_on_china(
    extractor: ClaimExtractor, title: str
) -> None:
    assert US not in claims_of(extractor, title)


def test_goods_shipped_from_china_still_are(extractor: ClaimExtractor) -> None:
    body = "The US raised its tariff on goods shipped from China to 40%, the White House said."
    found = claims_of(extractor, "Tariff rise", body)
    assert (40.0, A, F) in found.get(US, set())


def test_a_meeting_held_at_one_sides_request_is_no_round_held(extractor: ClaimExtractor) -> None:
    body = (
        "China's vice premier will travel to Oslo from June 14 to 16 to meet the US Treasury "
        "Secretary for trade talks. The ministry said the meeting was held at Washington's request."
    )
    assert states(claims_of(extractor, "Vice premier to meet US side in Oslo", body)) == {
        "scheduled"
    }


def test_a_trip_whose_dates_hold_an_abbreviation_is_a_round_ahead(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The Chinese vice premier will travel to Norway from Jun. 14 to 16 to hold economic and "
        "trade consultations with the US side in Oslo, the commerce ministry said."
    )
    assert states(claims_of(extractor, "Vice premier to visit Norway", body)) == {"scheduled"}


def test_a_listing_taking_effect_is_the_month_it_was_announced(extractor: ClaimExtractor) -> None:
    body = (
        "The listing, announced in May by China's public security ministry, takes effect on "
        "Tuesday, adding three fentanyl precursor chemicals to the controlled list."
    )
    found = claims_of(extractor, "Chinese controls on precursors take effect", body)
    assert {value for value, _, _ in found.get(PRECURSORS, set())} == {"2025-05"}


@pytest.mark.parametrize(
    ("text", "published", "month"),
    [
        ("Under the March notice, the controls start today.", date(2025, 6, 2), "2025-03"),
        ("The rules were announced in November and apply now.", date(2026, 1, 5), "2025-11"),
        ("根据公安部2024年12月发布的公告，该管制今起施行。", date(2025, 2, 1), "2024-12"),
        ("根据5月公布的公告，自今日起施行。", date(2025, 6, 1), "2025-05"),
        ("The controls take effect today.", date(2025, 6, 2), "2025-06"),
    ],
)
def test_the_month_a_measure_was_announced(text: str, published: date, month: str) -> None:
    assert announced_month(text, published) == month


def test_awaiting_hints_are_checked(catalogue: Catalogue) -> None:
    hints = Hints.model_validate({"awaiting": {"states": {"agreement": "signed"}, "markers": "x"}})
    with pytest.raises(ValueError, match="'signed' is not one of"):
        check_hints("state", ["held", "agreement"], hints)
    with pytest.raises(ValueError, match="only state facts"):
        check_hints("percent", [], hints)
    with pytest.raises(ValueError, match="unknown vocabulary 'no_such_words'"):
        awaiting_rules(_with_markers(catalogue, "no_such_words"), Lexicon.build({"x": ["y"]}))


def _with_markers(catalogue: Catalogue, markers: str) -> Catalogue:
    talks = catalogue[TALKS]
    awaiting = talks.hints.awaiting
    assert awaiting is not None
    hints = talks.hints.model_copy(
        update={"awaiting": awaiting.model_copy(update={"markers": markers})}
    )
    return Catalogue([replace(talks, hints=hints)])


def test_talks_begun_earlier_and_named_in_passing_are_no_round_held(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The Treasury Secretary will travel to Oslo from June 14 to 16 for meetings with the "
        "Chinese vice premier, continuing the trade discussions begun in Lisbon."
    )
    assert states(claims_of(extractor, "Treasury chief to visit Oslo", body)) == {"scheduled"}
    body = "The US and Chinese trade discussions have begun in Oslo, officials said."
    assert states(claims_of(extractor, "Oslo round opens", body)) == {"held"}


def test_a_total_that_counts_its_own_layer_is_the_whole(extractor: ClaimExtractor) -> None:
    body = (
        "With the 20 percent fentanyl tariff, the cumulative rate on most Chinese goods falls to "
        "35 percent from 145 percent, the statement said."
    )
    assert (35.0, A, F) in claims_of(extractor, "Joint statement", body).get(US, set())


@pytest.mark.parametrize(
    "body",
    [
        "China's vice premier said the two days of economic and trade talks with the US side had "
        "been candid and constructive.",
        "The US and Chinese trade talks resume at the Oslo city hall on Tuesday morning.",
    ],
)
def test_talks_described_or_resumed_are_held(extractor: ClaimExtractor, body: str) -> None:
    assert states(claims_of(extractor, "Oslo round", body)) == {"held"}


def test_a_meeting_whose_place_is_still_to_be_determined_is_not_set(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Trump wrote that the US and Chinese teams would meet shortly, at a location to be "
        "determined."
    )
    found = claims_of(extractor, "Xi and Trump speak at US request", body)
    assert {(value, strength) for value, _, strength in found.get(TALKS, set())} == {
        ("scheduled", W)
    }


def test_a_truce_extended_until_a_month_ahead_is_in_force_now(extractor: ClaimExtractor) -> None:
    body = (
        "The suspension of the higher reciprocal duty on goods of China is extended until 12:01 "
        "a.m. on November 10, the order says."
    )
    found = claims_of(extractor, "Executive Order on China tariffs", body)
    assert ("agreement", A, F) in found.get(TALKS, set())


@pytest.mark.parametrize(
    "body",
    [
        "US and Chinese negotiators reached a basic framework consensus on chips in Oslo.",
        "The Oslo trade talks between the US and China produced a framework for the two "
        "presidents to discuss next week.",
    ],
)
def test_a_basic_framework_or_one_left_to_the_presidents_is_a_round_held(
    extractor: ClaimExtractor, body: str
) -> None:
    assert states(claims_of(extractor, "Oslo round ends", body)) == {"held"}


def test_comments_about_a_move_are_no_move(extractor: ClaimExtractor) -> None:
    body = "The president's comments about dropping the fentanyl tariff on China led to no order."
    found = claims_of(extractor, "Weekly roundup", body)
    assert all(m is not A for _, m, _ in found.get("us-fentanyl-tariff-china", set()))


def test_an_order_titled_for_the_opioid_duty_speaks_of_it(extractor: ClaimExtractor) -> None:
    body = (
        "The additional ad valorem rate of duty imposed on articles of China under Executive "
        "Order 14195 is reduced from 20 percent to 15 percent."
    )
    found = claims_of(
        extractor,
        "Executive Order modifying duties addressing the synthetic opioid supply chain",
        body,
    )
    assert (15.0, A, F) in found.get("us-fentanyl-tariff-china", set())
    assert US not in found


def test_a_lead_put_in_charge_is_named(extractor: ClaimExtractor) -> None:
    body = "China put Vice Minister of Public Security Li Ming in charge of its fentanyl talks."
    assert ("Li Ming", A, F) in claims_of(extractor, "Fentanyl talks", body).get(ENVOY, set())


def test_a_joint_statement_still_to_be_released_is_no_deal(extractor: ClaimExtractor) -> None:
    body = (
        "US and Chinese trade talks in Oslo ended on Sunday. Details will be released in a joint "
        "statement on Monday."
    )
    assert states(claims_of(extractor, "Oslo talks end", body)) == {"held"}


def test_a_recommendation_is_no_move(extractor: ClaimExtractor) -> None:
    body = (
        "A staff memo recommends that Commerce put China's Institute of Forensic Science back on "
        "the Entity List."
    )
    found = claims_of(extractor, "Memo on the forensic institute", body)
    assert all(m is not A for _, m, _ in found.get("forensics-institute-sanctions", set()))


@pytest.mark.parametrize(
    "title",
    [
        "Letters set 25%-40% tariffs for 12 countries from Sept. 1; China not included",
        "US sets 30% tariff on all imports excluding China from Sept. 1",
    ],
)
def test_rates_for_other_countries_setting_china_aside_are_not_chinas(
    extractor: ClaimExtractor, title: str
) -> None:
    assert US not in claims_of(extractor, title, "The White House posted the letters on Monday.")


@pytest.mark.parametrize(
    ("title", "body", "state"),
    [
        (
            "Oslo round set for Monday",
            "The next US-China round is set for Oslo on Monday.",
            "scheduled",
        ),
        (
            "Live: Oslo talks",
            "The US and Chinese delegations sit down at the Oslo city hall for their trade talks.",
            "held",
        ),
        (
            "Live: Oslo",
            "US and Chinese trade negotiators gather at the Oslo city hall this morning.",
            "held",
        ),
        (
            "Leaders meet",
            "Xi and Trump greeted each other in Oslo and went straight into trade talks.",
            "held",
        ),
        (
            "Truce pushed out",
            "Trump signed an order keeping the higher reciprocal rate on Chinese goods suspended "
            "for another 90 days.",
            "agreement",
        ),
        ("US and China agree framework on chips", "", "agreement"),
    ],
)
def test_other_words_for_the_steps_of_a_round(
    extractor: ClaimExtractor, title: str, body: str, state: str
) -> None:
    assert state in states(claims_of(extractor, title, body))


def test_the_emergency_layers_together_are_the_whole(extractor: ClaimExtractor) -> None:
    body = (
        "Trump lowered the fentanyl levy on Chinese goods from 20 percent to 15 percent. That "
        "brings the IEEPA layers together to 25 percent."
    )
    found = claims_of(extractor, "Tariff cut", body).get(US, set())
    assert {(value, modality) for value, modality, _ in found} == {(25.0, A)}


def test_a_guest_column_only_proposes(extractor: ClaimExtractor) -> None:
    assert extractor.is_opinion("Guest column: Put the forensic institute back on the list", "")


@pytest.mark.parametrize(
    ("title", "body", "state"),
    [
        (
            "Commerce chief says US and China have signed their Oslo understanding",
            "",
            "agreement",
        ),
        ("Oslo talks yield framework for Trump and Xi", "", "held"),
        (
            "Oslo round ends",
            "Two days of US-China trade talks ended on Tuesday in the city where the truce was "
            "struck ten months ago.",
            "held",
        ),
    ],
)
def test_an_understanding_signed_a_framework_for_the_leaders_and_a_relative_clause_past(
    extractor: ClaimExtractor, title: str, body: str, state: str
) -> None:
    assert states(claims_of(extractor, title, body)) == {state}


@pytest.mark.parametrize(
    ("title", "body", "state"),
    [
        (
            "Live: Oslo",
            "The US and Chinese trade teams took their seats; talks started about ten minutes ago.",
            "held",
        ),
        (
            "Live: Oslo",
            "The first session of the US-China trade talks ends after five hours in Oslo.",
            "held",
        ),
        (
            "Fact sheet: suspension of higher tariffs on China extended to August 12",
            "The White House published the fact sheet on Monday.",
            "agreement",
        ),
        (
            "Order on China tariffs",
            "The White House order keeps the additional 24 percentage points of reciprocal duty on "
            "Chinese goods suspended for a further 90 days.",
            "agreement",
        ),
    ],
)
def test_more_steps_of_a_round(
    extractor: ClaimExtractor, title: str, body: str, state: str
) -> None:
    assert state in states(claims_of(extractor, title, body))


def test_a_second_session_pencilled_in_is_no_new_round(extractor: ClaimExtractor) -> None:
    body = (
        "Day one of the US-China trade talks in Oslo is done. A second session is pencilled in "
        "for Sunday morning."
    )
    assert "scheduled" not in states(claims_of(extractor, "Live: Oslo", body))


def test_a_piece_titled_a_forecast_only_proposes(extractor: ClaimExtractor) -> None:
    body = (
        "Escalation case: the extra duty takes effect, lifting the US rate on China to 90 percent."
    )
    found = claims_of(extractor, "China strategy: three scenarios for the autumn", body)
    assert found.get(US) and {m for _, m, _ in found[US]} == {P}
    # a title that asserts a move of its own is news, whatever forecast words it carries
    news = claims_of(
        extractor,
        "Week ahead: US cuts tariff on Chinese goods to 30%",
        "The White House cut the tariff on Chinese goods to 30 percent on Monday.",
    )
    assert (30.0, A, F) in news.get(US, set())
