"""Joint statements, consensus and denials, in sentences written for these tests: a level given
"combined with" or as a total of a named layer is the whole's, not the layer's; goods that "face"
a rate carry it; the presidents' consensus at their meeting is their deal, on a call it is not;
an item that says no date or venue is set schedules nothing firmly; a negation of one clause
does not reach the next ("would not come, and that talks were suspended"); a spokesperson's
"no decision" denies the reports he is asked about."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength

TALKS, WHOLE, LAYER = "trade-talks", "us-tariff-china", "us-fentanyl-tariff-china"
WHEN = datetime(2026, 6, 10, 9, tzinfo=UTC)


def _values(found: list, fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact}


def test_a_level_combined_with_a_layer_is_the_wholes(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will suspend 34 points of its duties on Chinese goods and keep 15 percent; "
        "combined with the existing opioid duty, Chinese goods will pay 25 percent."
    )
    found = extractor.extract(body, WHEN, title="Joint communique")
    assert 25.0 in _values(found, WHOLE)
    assert 25.0 not in _values(found, LAYER)


def test_a_total_given_after_a_layer_is_not_the_layers(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will trim its extra duties on Chinese goods, leaving a 15 percent rate beside "
        "the existing fentanyl-related duties, which brings the combined rate to 25 percent."
    )
    found = extractor.extract(body, WHEN, title="Joint communique")
    assert 25.0 not in _values(found, LAYER)


def test_goods_that_face_a_rate_carry_it(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will suspend most of its extra duties on Chinese goods, on top of the opioid "
        "duties, so that goods from China face 25 percent."
    )
    found = extractor.extract(body, WHEN, title="Joint communique")
    assert _values(found, WHOLE) == {25.0}


def test_the_presidents_consensus_at_their_meeting_is_a_deal(extractor: ClaimExtractor) -> None:
    body = (
        "The heads of state reached consensus in Seoul. Washington will cancel its tariff on China."
    )
    found = extractor.extract(body, WHEN, title="Commerce ministry on the summit")
    assert "agreement" in _values(found, TALKS)


def test_their_consensus_on_a_call_is_not(extractor: ClaimExtractor) -> None:
    body = "The two presidents reached consensus on the phone to hold more US-China trade talks."
    found = extractor.extract(body, WHEN, title="Readout of the call")
    assert "agreement" not in _values(found, TALKS)


def test_an_item_saying_no_date_is_set_schedules_nothing_firmly(
    extractor: ClaimExtractor,
) -> None:
    body = "Both sides said they would meet again next month but set no date or venue."
    found = extractor.extract(body, WHEN, title="Talks end; next US-China round due next month")
    scheduled = [c for c in found if c.fact_id == TALKS and c.value == "scheduled"]
    assert scheduled and all(c.strength is Strength.WEAK for c in scheduled)


def test_a_negation_does_not_reach_the_next_clause(extractor: ClaimExtractor) -> None:
    body = (
        "Beijing told the US side it would not come to Geneva and that the economic and trade "
        "consultations with the US were suspended."
    )
    found = extractor.extract(body, WHEN, title="Trade update")
    stalled = [c for c in found if c.fact_id == TALKS and c.value == "stalled"]
    assert stalled and stalled[0].modality is Modality.ASSERTED


def test_talks_put_on_hold_are_stalled(extractor: ClaimExtractor) -> None:
    found = extractor.extract("", WHEN, title="Beijing puts its trade talks with the US on hold")
    assert "stalled" in _values(found, TALKS)


def test_no_decision_denies_the_reports_asked_about(extractor: ClaimExtractor) -> None:
    body = (
        "Asked about reports that the opioid tariff on China would be scrapped, the spokesman "
        "said the president had made no decision."
    )
    found = extractor.extract(body, WHEN, title="White House briefing")
    assert not [c for c in found if c.fact_id == LAYER and c.modality is Modality.ASSERTED]
