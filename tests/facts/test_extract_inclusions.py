"""A level after an inclusion and a headline's label, in sentences written for these tests:
"combined duties including the N percent fentanyl tariff to M percent" gives the whole's level
M, not the fentanyl part's; a headline labelled with an institution ("MOFCOM: ...") is that
institution's statement, not a speaker's words."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength

WHOLE, PART = "us-tariff-china", "us-fentanyl-tariff-china"
WHEN = datetime(2026, 7, 2, 9, tzinfo=UTC)


def _firm(extractor: ClaimExtractor, body: str) -> set[tuple[str, object]]:
    found = extractor.extract(body, WHEN, title="Joint statement on the Oslo trade meeting")
    return {
        (c.fact_id, c.value)
        for c in found
        if c.modality is Modality.ASSERTED and c.strength is Strength.FIRM
    }


def test_a_combined_level_after_an_included_part_is_the_whole(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will keep a 10 percent reciprocal tariff and suspend the rest, taking combined "
        "duties on Chinese goods including the 15 percent fentanyl tariff to 25 percent from 60 "
        "percent."
    )
    found = _firm(extractor, body)
    assert (WHOLE, 25.0) in found
    assert (PART, 25.0) not in found


def test_an_institution_as_the_headline_label_states_its_position(
    extractor: ClaimExtractor,
) -> None:
    title = "MOFCOM: Beijing assessing Washington's request for a fresh round of trade talks"
    found = extractor.extract("", WHEN, title=title)
    talks = {(c.value, c.modality) for c in found if c.fact_id == "trade-talks"}
    assert talks == {("evaluating", Modality.ASSERTED)}
