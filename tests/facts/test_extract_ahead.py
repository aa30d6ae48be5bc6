"""What lies ahead and what is a layer, in sentences written for these tests: a later day of the
entry's own month is a date ahead (a meeting "on June 27" told on the 10th opens the next round,
not the last one retold), the 29th to the 31st of a month are those days; a trip or a visit
"for talks" is a meeting ahead; a headline that drops its article before "N% additional tariff"
still names a layer on top of what is in force."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.facts.dates import Direction, time_refs
from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Relative

CHINA_US, TALKS = "china-tariff-us", "trade-talks"
TENTH = datetime(2025, 6, 10, 12, tzinfo=UTC)


def modalities(
    extractor: ClaimExtractor, body: str, fact_id: str, title: str = ""
) -> set[Modality]:
    return {c.modality for c in extractor.extract(body, TENTH, title=title) if c.fact_id == fact_id}


def test_a_later_day_of_this_month_can_lie_ahead() -> None:
    (ref,) = time_refs("the envoys will confer in Oslo on June 27", date(2025, 6, 10))
    assert ref.direction is Direction.EITHER
    assert ref.future == date(2025, 6, 27)


def test_an_earlier_day_of_this_month_is_this_month() -> None:
    (ref,) = time_refs("the envoys conferred in Oslo on June 3", date(2025, 6, 10))
    assert ref.direction is Direction.NOW


def test_the_last_days_of_a_month_are_kept() -> None:
    (ref,) = time_refs("from July 31", date(2025, 6, 10))
    assert ref.future == date(2025, 7, 31)
    (ref,) = time_refs("from February 30", date(2025, 1, 10))
    assert ref.future == date(2025, 2, 28)


def test_a_meeting_later_this_month_has_its_date(extractor: ClaimExtractor) -> None:
    body = "US and Chinese trade chiefs will meet in Oslo on June 27, the ministry announced."
    (claim,) = [
        c
        for c in extractor.extract(body, TENTH, title="Trade chiefs to confer")
        if c.fact_id == TALKS
    ]
    assert (claim.value, claim.modality, claim.effective) == (
        "scheduled",
        Modality.ASSERTED,
        date(2025, 6, 27),
    )


def test_a_visit_for_talks_is_a_meeting_ahead(extractor: ClaimExtractor) -> None:
    body = "President Trump will visit Beijing on July 8 for talks with Xi Jinping on trade."
    claims = extractor.extract(body, TENTH, title="")
    found = {(c.value, c.modality) for c in claims if c.fact_id == TALKS}
    assert found == {("scheduled", Modality.ASSERTED)}


def test_a_headline_layer_without_its_article_adds_to_the_rate(
    extractor: ClaimExtractor,
) -> None:
    title = "Beijing reimposes 15% additional tariff on American goods"
    (claim,) = [c for c in extractor.extract("", TENTH, title=title) if c.fact_id == CHINA_US]
    assert (claim.value, claim.relative) == (15.0, Relative.ADD)


def test_measures_awaiting_domestic_procedures_are_only_proposed(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Under the joint statement issued in Oslo, Washington will cut the tariff on Chinese "
        "goods to 15 percent. The measures take effect once both sides complete their domestic "
        "procedures."
    )
    claims = extractor.extract(body, TENTH, title="Oslo joint statement released")
    assert {(c.fact_id, c.modality) for c in claims if c.value == 15.0} == {
        ("us-tariff-china", Modality.PROPOSED)
    }
    assert ("agreement", Modality.ASSERTED) in {(c.value, c.modality) for c in claims}


def test_a_reason_cited_after_a_decision_is_background(extractor: ClaimExtractor) -> None:
    body = (
        "The White House ended the fentanyl duty on Chinese goods on Monday, citing Beijing's "
        "expanded precursor chemical controls."
    )
    claims = extractor.extract(body, TENTH, title="")
    precursor = [c for c in claims if c.fact_id == "china-precursor-controls"]
    assert all(c.modality is not Modality.ASSERTED for c in precursor)


def test_details_due_in_a_joint_statement_are_no_deal_yet(extractor: ClaimExtractor) -> None:
    body = (
        "Two days of US-China trade negotiations in Oslo ended on Sunday, with Bessent "
        "describing real progress and China's vice premier saying the sides had reached "
        "important consensus. Details are due in a joint statement on Monday."
    )
    sunday = datetime(2025, 6, 8, 19, tzinfo=UTC)
    title = "Oslo round ends with both sides claiming 'real progress'"
    claims = extractor.extract(body, sunday, title=title)
    assert {c.value for c in claims if c.fact_id == TALKS} == {"held"}


def test_a_headline_lead_names_the_duty_and_each_listed_party_its_own_rate(
    extractor: ClaimExtractor,
) -> None:
    title = "Washington and Beijing trim duties: US to 35%, China to 15%"
    claims = extractor.extract("The cuts follow two days of talks in Oslo.", TENTH, title=title)
    found = {(c.fact_id, c.value) for c in claims if isinstance(c.value, float)}
    assert found == {("us-tariff-china", 35.0), (CHINA_US, 15.0)}


def test_a_part_named_with_its_law_ending_leaves_the_whole(extractor: ClaimExtractor) -> None:
    title = "Broker note: fentanyl IEEPA duty on China ends for entries from July 1"
    claims = extractor.extract("", TENTH, title=title)
    assert {(c.fact_id, c.value) for c in claims} == {("us-fentanyl-tariff-china", 0.0)}


def test_a_push_to_restore_is_a_proposal(extractor: ClaimExtractor) -> None:
    title = "Senate hearing: a bipartisan push to restore de minimis for parcels from China"
    claims = extractor.extract("No bill has been scheduled for a vote.", TENTH, title=title)
    assert all(c.modality is not Modality.ASSERTED for c in claims)


def test_a_truce_extended_to_a_later_month_is_a_deal_now(extractor: ClaimExtractor) -> None:
    title = "Trump extends China tariff truce by 60 days to September 12"
    claims = extractor.extract("", datetime(2025, 7, 10, 22, tzinfo=UTC), title=title)
    found = {(c.value, c.modality) for c in claims if c.fact_id == TALKS}
    assert found == {("agreement", Modality.ASSERTED)}


def test_a_lapsed_truce_restored_is_a_deal(extractor: ClaimExtractor) -> None:
    title = "US and China restore tariff truce after Oslo talks"
    claims = extractor.extract("", TENTH, title=title)
    assert ("agreement", Modality.ASSERTED) in {(c.value, c.modality) for c in claims}


def test_a_risk_that_a_state_changes_is_a_forecast(extractor: ClaimExtractor) -> None:
    title = "Strategist note: risk that Beijing suspends drug cooperation with the US is rising"
    claims = extractor.extract("", TENTH, title=title)
    assert all(c.modality is not Modality.ASSERTED for c in claims)


def test_a_negation_in_an_aside_on_another_duty_is_its_own(extractor: ClaimExtractor) -> None:
    body = (
        "Together with the 20 percent fentanyl duty, which is not changed, US emergency tariffs "
        "on Chinese goods fall to 35 percent."
    )
    claims = extractor.extract(body, TENTH, title="Oslo joint statement")
    assert ("us-tariff-china", 35.0) in {(c.fact_id, c.value) for c in claims}


def test_a_rate_with_points_of_it_suspended_is_the_gross_rate(extractor: ClaimExtractor) -> None:
    body = (
        "The United States will cut the additional duty on Chinese articles to 44 percent and "
        "suspend 34 points of it for 90 days."
    )
    claims = extractor.extract(body, TENTH, title="Oslo joint statement")
    assert 44.0 not in {c.value for c in claims if c.fact_id == "us-tariff-china"}


def test_a_duty_imposed_in_an_earlier_month_is_not_a_date_ahead(
    extractor: ClaimExtractor,
) -> None:
    body = "The US will cut the additional duty imposed in March on Chinese goods to 15 percent."
    claims = extractor.extract(body, TENTH, title="")
    found = {(c.modality, c.effective) for c in claims if c.fact_id == "us-tariff-china"}
    assert found == {(Modality.ASSERTED, None)}


def test_exporters_that_must_obtain_licences_are_under_a_rule(extractor: ClaimExtractor) -> None:
    body = (
        "Exporters of nine chemicals used to make fentanyl must obtain licences to ship them to "
        "the United States under rules that take effect on Monday, the ministry said."
    )
    title = "China requires licences for nine fentanyl precursors"
    claims = extractor.extract(body, TENTH, title=title)
    found = {c.modality for c in claims if c.fact_id == "china-precursor-controls"}
    assert found == {Modality.ASSERTED}


def test_a_listing_they_said_they_would_make_with_its_rules_taking_effect_is_decided(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Three Chinese ministries said they would put two more piperidine compounds on the list "
        "of controlled precursor chemicals, with the new rules taking effect next month."
    )
    precursors = "china-precursor-controls"
    assert modalities(extractor, body, precursors) == {Modality.ASSERTED}
    undecided = body.replace(", with the new rules taking effect next month", "")
    assert modalities(extractor, undecided, precursors) == {Modality.PROPOSED}


def test_the_treasury_sanctioning_the_institute_by_name(extractor: ClaimExtractor) -> None:
    claims = extractor.extract("", TENTH, title="Treasury sanctions Chinese forensic institute")
    found = {(c.value, c.modality) for c in claims if c.fact_id == "forensics-institute-sanctions"}
    assert found == {("sanctioned", Modality.ASSERTED)}
    lifted = extractor.extract("", TENTH, title="Treasury lifts sanctions on forensic institute")
    assert {c.value for c in lifted if c.fact_id == "forensics-institute-sanctions"} == {"lifted"}


def test_a_step_that_waits_for_the_other_side_is_conditional(extractor: ClaimExtractor) -> None:
    body = (
        "The United States said it would end the remaining fentanyl duty on Chinese goods once "
        "Beijing completes a joint review of precursor enforcement."
    )
    title = "Joint statement after Oslo summit"
    fentanyl = modalities(extractor, body, "us-fentanyl-tariff-china", title)
    assert fentanyl == {Modality.PROPOSED}


def test_a_speaker_setting_a_meeting_for_a_date_sets_it(extractor: ClaimExtractor) -> None:
    title = "TRUMP: BESSENT AND GREER WILL MEET CHINESE OFFICIALS IN OSLO ON FRIDAY, JUNE 13"
    found = {(c.value, c.modality) for c in extractor.extract("", TENTH, title=title)}
    assert found == {("scheduled", Modality.ASSERTED)}
    undated = "Trump: Bessent and Greer will meet Chinese officials soon"
    modalities = {c.modality for c in extractor.extract("", TENTH, title=undated)}
    assert Modality.ASSERTED not in modalities
