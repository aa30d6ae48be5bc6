"""Headlines and asides, in sentences written for these tests: an all-capitals flash reads as a
headline in ordinary case (small words and the verb after "to" in lower case, names and acronyms
kept), so that a meeting a speaker's label announces ("TRUMP: X, Y TO MEET ...") lies ahead; a
"with"-phrase that leaves another duty untouched does not make the level beside it a standing
one."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.headcase import decapitalise
from bot.facts.model import Modality

US_CHINA, TALKS = "us-tariff-china", "trade-talks"
TUESDAY = datetime(2025, 6, 10, 9, tzinfo=UTC)


def test_an_all_capitals_flash_reads_in_headline_case() -> None:
    flash = "WHITE HOUSE: GREER TO MEET CHINA'S TRADE CZAR IN OSLO ON FRIDAY, TARIFFS TO FALL"
    assert decapitalise(flash) == (
        "White House: Greer to meet China's Trade Czar in Oslo on Friday, Tariffs to fall"
    )
    assert decapitalise("US AND EU TO TALK IN MAY - USTR") == "US and EU to talk in May - USTR"
    assert decapitalise("Ordinary headline To Stay") == "Ordinary headline To Stay"


def test_a_meeting_a_speakers_label_announces_lies_ahead(extractor: ClaimExtractor) -> None:
    for title in (
        "TRUMP: BESSENT, GREER TO MEET CHINESE NEGOTIATORS IN OSLO ON FRIDAY JUNE 13",
        "Trump: Bessent, Greer to meet Chinese negotiators in Oslo on Friday June 13",
    ):
        found = [c for c in extractor.extract("", TUESDAY, title=title) if c.fact_id == TALKS]
        assert [(c.value, c.modality, c.effective) for c in found] == [
            ("scheduled", Modality.ASSERTED, date(2025, 6, 13))
        ], title


def test_a_vice_premier_to_visit_for_talks_in_capitals(extractor: ClaimExtractor) -> None:
    title = "HE LIFENG TO VISIT NORWAY JUNE 14-16 FOR TRADE TALKS WITH US - MINISTRY"
    found = [c for c in extractor.extract("", TUESDAY, title=title) if c.fact_id == TALKS]
    assert {(c.value, c.modality) for c in found} == {("scheduled", Modality.ASSERTED)}


def test_a_level_beside_a_duty_left_untouched_is_a_move(extractor: ClaimExtractor) -> None:
    body = (
        "With the 10 percent reciprocal duty untouched, the combined emergency tariff on Chinese "
        "imports will drop to 25 percent."
    )
    found = [c for c in extractor.extract(body, TUESDAY, title="") if c.fact_id == US_CHINA]
    assert [(c.value, c.event) for c in found] == [(25.0, True)]
    standing = "The combined emergency tariff on Chinese imports, 25 percent, was left untouched."
    found = [c for c in extractor.extract(standing, TUESDAY, title="") if c.fact_id == US_CHINA]
    assert found and not any(c.event for c in found)
