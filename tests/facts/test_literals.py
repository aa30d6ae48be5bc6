"""The literals' screen before a search never refuses a text its pattern matches."""

from __future__ import annotations

import re

from bot.facts.extract import ClaimExtractor
from bot.facts.literals import Screen, fold, required

TEXTS = [
    "Treasury Secretary Scott Bessent and Vice Premier He Lifeng will meet in Geneva on Saturday.",
    "The US lowered its tariff on Chinese goods to 30 percent from 145 percent, effective May 14.",
    "China said it would suspend counternarcotics cooperation with the United States.",
    "Beijing named Vice Minister of Public Security Chen Ping as its lead official on fentanyl.",
    "China added four fentanyl precursors to its list of controlled chemicals.",
    "Reports that Beijing lifted its class-wide ban on fentanyl analogues are false, it said.",
    "The de minimis exemption for small parcels from China ends on Friday.",
    "Talks in London were postponed; no date was given.",
    "US-CHINA TALKS: NEGOTIATORS MEET AGAIN NEXT WEEK",
    "Tarıff talks ſet for Geneva, İstanbul next",  # letters IGNORECASE folds but lower() keeps
]


def test_required_literals_follow_the_syntax() -> None:
    pattern = re.compile(r"\b(?:will|would)\s+(?:\w+\s+)?(?:meet|sit down)\b", re.IGNORECASE)
    assert set(required(pattern)) == {frozenset({"will", "would"}), frozenset({"meet", "sit down"})}
    assert required(re.compile(r"(?:abc)?\d+")) == ()  # nothing is needed
    assert required(re.compile(r"x(?:a|\w)y")) == (frozenset({"x"}), frozenset({"y"}))


def test_a_screen_admits_every_text_its_pattern_matches(extractor: ClaimExtractor) -> None:
    screens = [*extractor.lexicon.screens.values()]
    screens += [screen for rule in extractor.patterns.rules for _, screen in rule.patterns]
    assert sum(bool(s.tests) for s in screens) > len(screens) // 2
    for screen in screens:
        for text in TEXTS:
            for part in (text, text.upper(), text.lower()):
                if screen.pattern.search(part):
                    assert screen.may_match(part), (screen.pattern.pattern[:80], part)


def test_a_text_with_a_letter_lower_does_not_fold_is_not_screened() -> None:
    screen = Screen.of(re.compile(r"\btariff\b", re.IGNORECASE))
    assert fold("TARIFF") == "tariff"
    assert fold("TARİFF") is None and screen.search("TARİFF")
    assert not screen.may_match("a duty on goods")


def test_a_screen_takes_positions_as_its_pattern_does() -> None:
    screen = Screen.of(re.compile(r"tariff", re.IGNORECASE))
    assert screen.match("a tariff", 2) is not None and screen.match("a tariff") is None
    assert [m.start() for m in screen.finditer("tariff tariff", 1)] == [7]
