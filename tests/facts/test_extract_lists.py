"""Lists and denials, in sentences written for these tests: an institute the Treasury puts on
its Specially Designated Nationals list is sanctioned, and that list is no expansion of China's
precursor controls, even when the reason given names precursors; reports that a sentence goes
on to call wrong, past the claim's own clause, claim nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality

SANCTIONS, PRECURSORS = "forensics-institute-sanctions", "china-precursor-controls"
WHEN = datetime(2026, 3, 3, 15, tzinfo=UTC)


def test_the_treasury_designating_the_institute_sanctions_it(extractor: ClaimExtractor) -> None:
    title = "Treasury designates Chinese police ministry's Institute of Forensic Science"
    body = (
        "The Treasury placed the institute on the Specially Designated Nationals list again, "
        "saying it had done too little to stop precursor shipments to cartels."
    )
    claims = extractor.extract(body, WHEN, title=title)
    assert {(c.value, c.modality) for c in claims if c.fact_id == SANCTIONS} == {
        ("sanctioned", Modality.ASSERTED)
    }
    assert not [c for c in claims if c.fact_id == PRECURSORS]


def test_china_adding_chemicals_to_its_list_still_expands_its_controls(
    extractor: ClaimExtractor,
) -> None:
    body = "China's narcotics commission added three fentanyl precursors to its control list."
    claims = extractor.extract(body, WHEN, title="")
    assert {c.value for c in claims if c.fact_id == PRECURSORS} == {"2026-03"}


def test_reports_the_sentence_calls_wrong_past_their_own_clause_claim_nothing(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Reports that Washington cut its fentanyl duty on Chinese goods to zero after the phone "
        "call are wrong, a White House official said."
    )
    assert not extractor.extract(body, WHEN, title="")
    told = "Washington cut its fentanyl duty on Chinese goods to zero after the phone call."
    assert {c.value for c in extractor.extract(told, WHEN, title="")} == {0.0}
