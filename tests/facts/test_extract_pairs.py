"""Who the other side is, what a headline's weekday means and what a word merely resembles, in
sentences written for these tests: a party joined to another country or its capital ("Washington
and Jakarta") makes no US-China deal; a headline's present tense with the coming weekday nearer
than the last is a meeting ahead; "signalled" is not "signed"; talks that "would discuss
extending" a truce or its "deadline" extend nothing; of an entry's levels, one moved from no
stated value comes before one moved from a value not in force."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.catalogue import Catalogue
from bot.facts.extract import ClaimExtractor
from bot.facts.model import ChangeStatus, Modality, Strength
from tests.facts.test_compare import claim, judged
from tests.facts.test_extract import claims_of

TALKS, US, FENT = "trade-talks", "us-tariff-china", "us-fentanyl-tariff-china"
A = Modality.ASSERTED
FRIDAY = datetime(2025, 6, 6, 9, tzinfo=UTC)
TUESDAY = datetime(2025, 6, 3, 9, tzinfo=UTC)


def asserted(found: dict, fact: str = TALKS) -> set[object]:
    return {value for value, modality, _ in found.get(fact, set()) if modality is A}


def test_a_party_joined_to_another_capital_makes_no_us_china_deal(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Washington and Jakarta announced a trade pact on Tuesday that sets a 19 percent duty. "
        "Economists said a clause on rerouted goods was aimed at Chinese exporters."
    )
    assert asserted(claims_of(extractor, "Indonesia pact sets 19% rate", body)) == set()


def test_the_party_joined_to_china_still_makes_the_deal(extractor: ClaimExtractor) -> None:
    body = "Washington and Beijing announced a trade pact in Oslo on Tuesday."
    assert asserted(claims_of(extractor, "Oslo pact", body)) == {"agreement"}


def test_a_capital_alone_is_still_a_venue(extractor: ClaimExtractor) -> None:
    found = claims_of(extractor, "LIVE Jakarta: Xi and Trump sign a trade deal", "")
    assert asserted(found) == {"agreement"}


def test_a_headline_weekday_nearer_ahead_is_a_meeting_ahead(extractor: ClaimExtractor) -> None:
    title = "US and Chinese trade envoys meet in Oslo on Monday"
    assert asserted(claims_of(extractor, title, when=FRIDAY)) == {"scheduled"}
    assert asserted(claims_of(extractor, title, when=TUESDAY)) == {"held"}


def test_signalled_is_not_signed(extractor: ClaimExtractor) -> None:
    body = "Both governments have signalled they want the tariff truce extended past November."
    assert asserted(claims_of(extractor, "Truce talk", body)) == set()


def test_talks_that_would_discuss_extending_a_truce_extend_nothing(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The US trade envoy said he would meet his Chinese counterpart in Oslo on May 3 and 4, "
        "saying the sides would discuss extending the May 12 truce deadline."
    )
    assert asserted(claims_of(extractor, "Envoy to meet Chinese team", body)) == {"scheduled"}


def test_a_level_moved_from_no_stated_value_beats_another_measures_move(
    catalogue: Catalogue,
) -> None:
    other_measure = claim(US, 47.0, previous=57.0)  # "the overall rate falls to 47% from 57%"
    stated = [other_measure, other_measure, claim(US, 20.0)]
    assert judged(catalogue, stated, us_tariff_china=30.0) == [
        (US, 30.0, 20.0, ChangeStatus.CHANGED)
    ]


def test_negotiators_back_at_the_table_hold_the_round(extractor: ClaimExtractor) -> None:
    title = "Live: US and Chinese trade envoys return to the table in Oslo"
    assert asserted(claims_of(extractor, title)) == {"held"}
    body = "The US and Chinese trade delegations began meeting in Oslo this morning."
    assert asserted(claims_of(extractor, "Oslo round", body)) == {"held"}


def test_a_planned_round_that_will_not_go_ahead_is_stalled(extractor: ClaimExtractor) -> None:
    body = (
        "China's commerce ministry said next month's planned round of trade talks with the US "
        "in Oslo will not go ahead."
    )
    assert asserted(claims_of(extractor, "Oslo round off", body)) == {"stalled"}


def test_a_joint_statement_released_and_a_move_under_the_agreement_are_the_deal(
    extractor: ClaimExtractor,
) -> None:
    released = (
        "A joint statement released in Oslo says the US will cut its tariff on Chinese goods."
    )
    assert "agreement" in asserted(claims_of(extractor, "Oslo statement", released))
    under = "Under the agreement announced on Monday, the US will cut tariffs on Chinese goods."
    assert "agreement" in asserted(claims_of(extractor, "Oslo accord", under))


def test_a_working_group_reconvened_is_cooperation_restored(extractor: ClaimExtractor) -> None:
    body = "China's public security ministry has reconvened the counternarcotics working group."
    found = claims_of(extractor, "Drug channel reopens", body)
    assert asserted(found, "counternarcotics-cooperation") == {"active"}


def test_leaders_who_agree_somewhere_to_drop_a_duty_make_the_deal(
    extractor: ClaimExtractor,
) -> None:
    found = claims_of(extractor, "Trump and Xi agree in Oslo to drop the fentanyl tariff")
    assert asserted(found) == {"agreement"}
    assert asserted(found, FENT) == {0.0}


def test_a_duty_that_will_end_is_zero_and_the_layer_left_is_the_whole(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The remaining fentanyl levy will end on June 1, leaving the 10 percent reciprocal duty "
        "as the only emergency tariff on Chinese goods."
    )
    found = claims_of(extractor, "Fentanyl levy to go", body)
    assert asserted(found, FENT) == {0.0}
    assert asserted(found, US) == {10.0}


def test_what_the_sentence_s_subject_acted_on_first_is_its_figure_s_too(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The trade representative found Beijing's push into legacy chips unfair but set the new "
        "duty at 0 percent for now, with a rise due in 2027."
    )
    found = claims_of(extractor, "Chip probe closes", body)
    assert US not in found and FENT not in found


def test_a_designation_with_a_long_title_names_the_envoy(extractor: ClaimExtractor) -> None:
    body = (
        "The State Council has designated Vice Minister of Public Security Lu Hanwen as China's "
        "chief official for counternarcotics cooperation with the United States."
    )
    found = claims_of(extractor, "New drug envoy", body)
    assert asserted(found, "china-fentanyl-envoy") == {"Lu Hanwen"}


def test_a_year_in_review_recounts(extractor: ClaimExtractor) -> None:
    body = (
        "This year US tariffs on Chinese goods climbed to 60 percent and then fell to 25 percent."
    )
    found = claims_of(extractor, "2026 in review: from 60% to 25%", body)
    assert asserted(found, US) == set()


def test_unnamed_public_security_ministries_are_china_s(extractor: ClaimExtractor) -> None:
    body = (
        "The commerce and public security ministries said exports of nine precursor chemicals "
        "to the United States will need a licence from next month."
    )
    found = claims_of(extractor, "Export licences for nine chemicals", body)
    assert asserted(found, "china-precursor-controls") == {"2025-06"}


def test_chemicals_listed_as_controlled_precursors_widen_the_controls(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "China's Ministry of Public Security will list 3-anilinopiperidine and its salts as "
        "controlled precursor chemicals from next month."
    )
    found = claims_of(extractor, "Two more precursors", body)
    assert asserted(found, "china-precursor-controls") == {"2025-06"}


def test_the_month_of_a_list_widened_is_not_the_new_listing_s(extractor: ClaimExtractor) -> None:
    body = (
        "China's commerce ministry said five more precursor chemicals will need an export "
        "licence from May 1, widening the list issued in January."
    )
    found = claims_of(extractor, "Licence list grows", body, when=datetime(2026, 3, 4, tzinfo=UTC))
    assert asserted(found, "china-precursor-controls") == {"2026-03"}


def test_a_second_statement_keeps_its_own_hedges(extractor: ClaimExtractor) -> None:
    body = (
        "The Treasury Secretary said he will meet his Chinese counterpart in Oslo next Monday, "
        "and that he expects to discuss tariffs and soybean purchases."
    )
    assert asserted(claims_of(extractor, "Oslo meeting", body)) == {"scheduled"}


def test_meetings_of_a_drug_working_group_suspended_are_no_trade_talks_stalled(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "China is suspending meetings of the bilateral counternarcotics working group with the "
        "US over new trade sanctions, the ministry said."
    )
    assert asserted(claims_of(extractor, "Drug channel frozen", body)) == set()


def test_talks_that_stretch_past_hours_or_a_session_that_opens_are_held(
    extractor: ClaimExtractor,
) -> None:
    body = "The US and Chinese trade delegations are still inside the villa."
    assert asserted(claims_of(extractor, "Live: Oslo talks stretch past nine hours", body)) == {
        "held"
    }
    lead = "Bessent and He Lifeng arrived at the Oslo venue this morning."
    assert asserted(claims_of(extractor, "Live: Oslo session opens", lead)) == {"held"}


def test_a_rule_that_applies_now_is_no_wish(extractor: ClaimExtractor) -> None:
    body = (
        "China's commerce ministry said exporters must now obtain licences to ship nine "
        "precursor chemicals to the United States."
    )
    found = claims_of(extractor, "Licences for nine chemicals", body)
    assert asserted(found, "china-precursor-controls") == {"2025-06"}
    demand = "Beijing says Washington must cut tariffs on Chinese goods to 10 percent."
    assert asserted(claims_of(extractor, "Demand", demand), US) == set()


def test_a_reason_s_promise_is_not_the_claim_s(extractor: ClaimExtractor) -> None:
    body = (
        "The president said he would lower the fentanyl duty on Chinese goods to 5 percent "
        "because Beijing had promised to curb precursor exports."
    )
    assert asserted(claims_of(extractor, "Fentanyl duty", body), FENT) == {5.0}


def test_a_numbered_round_is_a_trade_round(extractor: ClaimExtractor) -> None:
    body = "The US and Chinese delegations began the fifth round of talks in Oslo this morning."
    assert asserted(claims_of(extractor, "Live: Oslo", body)) == {"held"}


def test_a_part_named_by_its_law_in_an_entry_naming_no_target_is_no_whole(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The 48 is a sum: it stacks the 10 percent reciprocal duty and the 15 percent fentanyl "
        "duty imposed under emergency powers on top of older duties."
    )
    assert US not in claims_of(extractor, "Where the 48 comes from", body)


def test_a_flash_or_a_speaker_s_line_that_names_who_will_sit_down_is_ahead(
    extractor: ClaimExtractor,
) -> None:
    title = "FLASH - Bessent to sit down with China's He Lifeng in Oslo this weekend"
    assert asserted(claims_of(extractor, title)) == {"scheduled"}
    body = "Trump: Bessent and Greer to meet the Chinese team in Oslo on Monday, June 9."
    assert asserted(claims_of(extractor, "Trump on Oslo", body)) == {"scheduled"}


def test_the_reciprocal_rate_left_alone_is_the_whole(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will lift the remaining fentanyl-related duty on Chinese goods from May 1, "
        "leaving only the 10 percent reciprocal rate under emergency law."
    )
    assert asserted(claims_of(extractor, "Fentanyl duty to go", body), US) == {10.0}


def test_a_synthetic_opioid_duty_is_the_fentanyl_part(extractor: ClaimExtractor) -> None:
    body = "The order lowers the synthetic-opioid duty on goods from China to 5 percent."
    found = claims_of(extractor, "Order signed", body)
    assert asserted(found, FENT) == {5.0} and US not in found


def test_a_participial_opening_names_what_the_tariff_is_on(extractor: ClaimExtractor) -> None:
    body = (
        "Concluding its Section 301 probe of Chinese legacy semiconductors, USTR imposed a tariff "
        "that starts at 0 percent and rises in 2027."
    )
    found = claims_of(extractor, "Chip probe ends", body)
    assert US not in found and "china-tariff-us" not in found


def test_entities_added_to_the_entity_list_are_no_precursor_control(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The Commerce Department added nine Chinese entities to the Entity List, citing "
        "precursor exports that continued through licensed channels."
    )
    found = claims_of(extractor, "Commerce adds entities to the Entity List", body)
    assert "china-precursor-controls" not in found


def test_a_joint_statement_still_to_come_is_no_deal(extractor: ClaimExtractor) -> None:
    body = (
        "Two days of US-China trade talks in Oslo ended on Sunday. Details are to come in a "
        "joint statement on Monday, leaving exporters guessing how far tariffs will fall."
    )
    assert "agreement" not in asserted(claims_of(extractor, "Oslo round closes", body))


def test_the_china_fentanyl_duty_is_the_duty_on_china(extractor: ClaimExtractor) -> None:
    body = "Once the order is published, the China fentanyl duty falls to 0 percent from June 1."
    found = claims_of(extractor, "What changes in June", body)
    assert asserted(found, FENT) == {0.0} and "china-tariff-us" not in found


def test_a_prior_without_its_unit_after_a_level_is_its_prior(extractor: ClaimExtractor) -> None:
    body = "The president put the overall rate on Chinese goods at 52 percent, down from 62."
    found = extractor.extract(body, datetime(2025, 11, 1, tzinfo=UTC), title="Overall rate")
    assert {(c.value, c.previous) for c in found if c.fact_id == US} == {(52.0, 62.0)}


def test_a_live_headline_is_framed_by_its_whole_item(extractor: ClaimExtractor) -> None:
    body = (
        "The two delegations entered the venue just before 1pm. Bessent is expected to press "
        "Beijing on soybean purchases and tariffs."
    )
    assert asserted(claims_of(extractor, "Oslo, day one: talks open at the palace", body)) == {
        "held"
    }


def test_teams_that_began_their_first_session_hold_the_round(extractor: ClaimExtractor) -> None:
    body = "The American and Chinese trade teams began their first session shortly after 1pm."
    assert asserted(claims_of(extractor, "Oslo live", body)) == {"held"}


def test_goods_that_remain_subject_to_the_reciprocal_layer_give_the_whole(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The President signed an order terminating the additional duty imposed on products of "
        "China over synthetic opioids. Goods from China remain subject to the 10 percent "
        "reciprocal tariff."
    )
    found = claims_of(extractor, "Fentanyl duty ends", body)
    assert {value for value, _, _ in found.get(US, set())} == {10.0}


def test_a_flash_whose_body_repeats_its_title_is_its_headline_alone(
    extractor: ClaimExtractor,
) -> None:
    title = "FLASH: US scraps fentanyl tariff on China"
    assert claims_of(extractor, title, title + ".") == claims_of(extractor, title, "")
    assert claims_of(extractor, title, "")[FENT] == {(0.0, A, Strength.FIRM)}


def test_a_gross_rate_of_which_a_share_is_suspended_is_not_in_force(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The United States will modify the additional duty on articles of China to 44 percent, "
        "of which 34 percentage points are suspended for 90 days."
    )
    assert 44.0 not in asserted(claims_of(extractor, "Joint statement in Oslo", body), US)
