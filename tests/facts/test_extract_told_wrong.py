"""What an item says is wrong, second-hand or its own forecast is no change, in sentences written
for these tests: a sentence opening "That is wrong" denies the one before it, "reports said" is
hearsay, a desk's "our call" is a forecast; and leaders who agree to carry out what their teams
settled have a deal."""

from __future__ import annotations

from datetime import UTC, datetime

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


def test_talks_a_minister_calls_a_bit_stalled_have_not_stalled(extractor: ClaimExtractor) -> None:
    """A minister's "a bit stalled" is a view of talks that go on, not a breakdown decided."""
    body = "Treasury officials said US-China trade talks were 'a bit stalled' but would go on."
    assert "stalled" not in {
        v for v, _, _ in claims_of(extractor, "Oslo round", body).get(TALKS, set())
    }
    broke = "Treasury officials said US-China trade talks had stalled and would not resume."
    assert ("stalled", A, F) in claims_of(extractor, "Oslo round", broke)[TALKS]


def test_talks_that_stalled_have(extractor: ClaimExtractor) -> None:
    body = (
        "Trade talks between the US and China stalled on Friday after Beijing refused new demands."
    )
    assert ("stalled", A, F) in claims_of(extractor, "Talks stalled", body)[TALKS]


def test_a_step_said_likely_is_not_taken(extractor: ClaimExtractor) -> None:
    found = claims_of(
        extractor,
        "Oslo round ends",
        "Officials said extending the US-China tariff pause was likely.",
    )
    assert ("agreement", A, F) not in found.get(TALKS, set())


def test_what_a_joint_statement_sets_is_a_deal(extractor: ClaimExtractor) -> None:
    body = (
        "Under a joint statement issued in Oslo, Washington will lower its duties on Chinese goods "
        "to 25 percent from 60 percent."
    )
    assert ("agreement", A, F) in claims_of(extractor, "Oslo outcome", body)[TALKS]


def test_a_look_back_recounts_moves_it_does_not_tell_them_late(extractor: ClaimExtractor) -> None:
    body = (
        "The fentanyl levy on Chinese goods went from 15 percent to 25 percent in March and back "
        "to 15 percent in November."
    )
    when = datetime(2027, 3, 1, tzinfo=UTC)
    looked_back = extractor.extract(body, when, title="The fentanyl tariff, in retrospect")
    assert [c.previous for c in looked_back if c.fact_id == FENT] == [None]
    told = extractor.extract(body, when, title="The fentanyl tariff")
    assert [c.previous for c in told if c.fact_id == FENT] == [15.0]


def test_stopping_short_of_calling_talks_off_is_not_calling_them_off(
    extractor: ClaimExtractor,
) -> None:
    body = "He saw no reason to meet Xi, though he stopped short of cancelling the trade talks."
    assert TALKS not in claims_of(extractor, "Trump threatens China", body)


def test_reports_called_inaccurate_in_the_headline_claim_nothing(
    extractor: ClaimExtractor,
) -> None:
    title = "Reports that China will cut tariffs on US goods to zero are inaccurate"
    assert claims_of(extractor, title) == {}


def test_sides_that_agreed_to_a_deal_or_to_pause_controls_have_a_deal(
    extractor: ClaimExtractor,
) -> None:
    said = "Trump said the two sides had agreed to a one-year deal on rare earths and tariffs."
    assert ("agreement", A, F) in claims_of(extractor, "Oslo summit", said)[TALKS]
    paused = "After the US-China trade talks, China agreed to pause its new export controls."
    assert ("agreement", A, F) in claims_of(extractor, "Oslo summit", paused)[TALKS]


def test_talks_that_end_without_a_breakthrough_or_with_a_plan_were_held(
    extractor: ClaimExtractor,
) -> None:
    title = "US-China talks in Oslo end with plan to seek truce extension"
    body = "Two days of US-China trade talks in Oslo ended without an announced breakthrough."
    assert claims_of(extractor, title, body)[TALKS] == {("held", A, F)}


def test_a_tariff_cut_told_after_the_leaders_met_is_their_deal(extractor: ClaimExtractor) -> None:
    body = (
        "President Trump said he was lowering the fentanyl tariff on Chinese goods to 15 percent "
        "from 25 percent after meeting Xi Jinping in Oslo."
    )
    assert ("agreement", A, F) in claims_of(extractor, "Oslo summit", body)[TALKS]


def test_a_raise_after_a_meeting_or_a_cut_only_proposed_is_no_deal(
    extractor: ClaimExtractor,
) -> None:
    raised = (
        "Trump said he was raising the tariff on Chinese goods to 60% after meeting Xi in Oslo."
    )
    assert TALKS not in claims_of(extractor, "Oslo summit", raised)
    mulled = "Trump said he could lower the fentanyl tariff on China to 15% after meeting Xi."
    assert ("agreement", A, F) not in claims_of(extractor, "Oslo summit", mulled).get(TALKS, set())


def test_a_correction_note_further_down_retells_its_error(extractor: ClaimExtractor) -> None:
    body = (
        "09:10 ET - Markets are calm. Officials met importers in the morning. "
        "Correction: an earlier post on this blog said US tariffs on China had been raised to "
        "65 percent; the rate on most goods is unchanged."
    )
    assert US not in claims_of(extractor, "Live: tariff day", body)


def test_sides_claiming_progress_after_a_round_do_not_hedge_its_end(
    extractor: ClaimExtractor,
) -> None:
    title = "US-China talks in Oslo end with both sides claiming progress"
    assert ("held", A, F) in claims_of(extractor, title, "The round lasted two days.")[TALKS]


def test_talks_that_adjourn_for_the_day_are_held(extractor: ClaimExtractor) -> None:
    body = "17:45 - US-China trade talks adjourn for the day and will resume Tuesday."
    assert ("held", A, F) in claims_of(extractor, "Live: Oslo talks", body)[TALKS]


def test_what_a_joint_statement_says_will_be_is_a_change(extractor: ClaimExtractor) -> None:
    body = "The US tariff on most Chinese goods will be 25 percent."
    when = datetime(2026, 6, 1, tzinfo=UTC)
    stated = extractor.extract(body, when, title="Joint statement on the US-China meeting in Oslo")
    assert [(c.value, c.event) for c in stated if c.fact_id == US] == [(25.0, True)]
    told = extractor.extract(body, when, title="Oslo")
    assert [(c.value, c.event) for c in told if c.fact_id == US] == [(25.0, False)]


def test_talks_that_run_late_are_held(extractor: ClaimExtractor) -> None:
    title = "US-China trade talks in Oslo run late, to resume Tuesday"
    assert ("held", A, F) in claims_of(extractor, title, "The teams met for six hours.")[TALKS]
