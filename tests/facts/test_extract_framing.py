"""How the parts of an item frame each other, and what a step needs to count: a news agency's
label is no speaker's, a speaker's label frames only the headline, a body that hedges a figure
hedges the headline's, a meeting ahead needs a place or a time, a deal sought is no deal made,
the duty a phrase names by law is the US tariff, what a clause names before a figure bound
through it is the figure's, and words reported after "said after the talks that" are no
background. Every sentence written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Relative, Strength
from tests.facts.test_extract import claims_of

A, P = Modality.ASSERTED, Modality.PROPOSED
F, W = Strength.FIRM, Strength.WEAK
US, TALKS = "us-tariff-china", "trade-talks"
ENVOY, SANCTIONS = "china-fentanyl-envoy", "forensics-institute-sanctions"

ITEMS = [
    # a news agency as the label reports the news; it is nobody's quoted words (the headline's
    # "to lead" lies ahead, as without the label; the body's "the ministry said" decides it)
    (
        "CGTN: Vice Minister Gao Ming to lead China's drug-control talks with the US",
        "Vice Minister Gao Ming will take over as China's lead official for fentanyl talks with "
        "the United States, the ministry said.",
        {ENVOY: {("Gao Ming", A, W), ("Gao Ming", A, F)}},
    ),
    # a speaker's label makes the headline his words, not the body's own report
    (
        "Trump: our team will meet China's in Oslo on Tuesday",
        "The president wrote that Treasury Secretary Bessent will meet Chinese negotiators in Oslo "
        "on Tuesday, June 16.",
        {TALKS: {("scheduled", P, W), ("scheduled", A, F)}},
    ),
    # a meeting ahead with neither place nor time is not yet set
    (
        "Trade teams",
        "The US and Chinese trade teams will meet again at a venue to be decided, the White House "
        "said.",
        {TALKS: {("scheduled", A, W)}},
    ),
    # "by agreement" says how the meeting was set: no deal
    (
        "Beijing announces Oslo round",
        "The commerce ministry announced that, by agreement between the two sides, Vice Premier He "
        "Lifeng will lead a delegation to Norway on June 20 to hold trade talks.",
        {TALKS: {("scheduled", A, F)}},
    ),
    # talks begun, the sides back at the table: held
    ("Live: Bessent and He Lifeng back at the table in Oslo", "", {TALKS: {("held", A, F)}}),
    (
        "Live: US-China trade round in Oslo",
        "09:40 - The talks have begun at the government guesthouse.",
        {TALKS: {("held", A, F)}},
    ),
    # a deal sought is no deal made; a preliminary consensus, which goes to the leaders, is a
    # round held, not yet the deal
    (
        "US team heads for Oslo",
        "Greer will meet Chinese officials in Oslo on Monday with respect to a trade deal.",
        {TALKS: {("scheduled", A, F)}},
    ),
    (
        "Oslo round ends in consensus",
        "Chinese negotiator Li Chenggang said the two sides reached a preliminary consensus on "
        "export controls and tariffs.",
        {TALKS: {("held", A, F)}},
    ),
    # a threat with its condition in the body is a threat in the headline too
    (
        "Trump says US will put 80% tariff on China from July 1",
        "Trump said the US would impose the 80 percent tariff on Chinese goods from July 1, "
        "depending on what Beijing does about rare earths.",
        {US: {(80.0, P, W)}},
    ),
    # "add a 50% tariff" is a layer on the rate in force, not the level
    ("Trump adds a 50% tariff on Chinese goods from August 1", "", {US: {(50.0, A, W)}}),
    # the duties the phrase names by their law are the US tariff on most goods
    (
        "After the summit",
        "He said the overall rate on China falls to 37 percent; lawyers noted that the "
        "emergency-law duties on most goods fall to 15 percent.",
        {US: {(37.0, A, W), (15.0, A, F)}},
    ),
    # an institute with a long name removed from the Entity List
    (
        "Federal Register: Removal of Certain Entities from the Entity List",
        "This rule removes the Institute of Forensic Science of the Ministry of Public Security of "
        "China from the Entity List, effective on publication.",
        {SANCTIONS: {("lifted", A, F)}},
    ),
    # what the clause before a loosely bound figure names is the figure's too
    (
        "USTR",
        "The USTR concluded its Section 301 investigation of China's legacy semiconductors with a "
        "tariff that starts at 0 percent.",
        {US: None},
    ),
    # "said after the talks that ...": the background ends where the words reported begin
    (
        "Framework agreed",
        "Li Chenggang said after two days of talks in Oslo that the two sides have agreed in "
        "principle on a framework for the Geneva consensus.",
        {TALKS: {("agreement", A, F)}},
    ),
    # a correction's retelling of the flash it corrects claims nothing
    (
        "CORRECTION: China tariff item",
        "Correcting an earlier flash that said China would cut its tariffs on US goods to zero.",
        {"china-tariff-us": None},
    ),
    # a trip ahead to meet the other side; "says A to meet B" in a headline
    (
        "Trade talks",
        "Chinese Vice Premier He Lifeng will travel to Norway June 9-12 and meet US Treasury "
        "Secretary Scott Bessent in Oslo, the foreign ministry says.",
        {TALKS: {("scheduled", A, F)}},
    ),
    (
        "FLASH: China says He Lifeng to meet Bessent in Oslo June 9-12",
        "",
        {TALKS: {("scheduled", A, F)}},
    ),
    # the two parties named in full are the pair
    (
        "Fact Sheet: Oslo",
        "The United States and China reached an agreement in Oslo.",
        {TALKS: {("agreement", A, F)}},
    ),
]


@pytest.mark.parametrize(("title", "body", "expected"), ITEMS)
def test_framing(extractor: ClaimExtractor, title: str, body: str, expected: dict) -> None:
    found = claims_of(extractor, title, body)
    for fact_id, want in expected.items():
        assert found.get(fact_id) == want, (fact_id, found)


def test_an_added_rate_is_a_layer(extractor: ClaimExtractor) -> None:
    title = "Trump adds a 50% tariff on Chinese goods from August 1"
    claims = extractor.extract("", datetime(2025, 7, 1, tzinfo=UTC), title=title)
    assert [c.relative for c in claims if c.fact_id == US] == [Relative.ADD]
