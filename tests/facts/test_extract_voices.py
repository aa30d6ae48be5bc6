"""Claims from voices the first rules missed: live blogs of a summit, denials said after the
claim, a desk's call, a correction retelling the error, Entity List rules, orders titled in
sentence case, hand-overs. Every sentence written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality, Strength
from bot.facts.text import normalise_figures
from tests.facts.test_extract import claims_of

A, P = Modality.ASSERTED, Modality.PROPOSED
F, W = Strength.FIRM, Strength.WEAK
US, FENT, TALKS = "us-tariff-china", "us-fentanyl-tariff-china", "trade-talks"
CN = "china-tariff-us"
ENVOY, SANCTIONS = "china-fentanyl-envoy", "forensics-institute-sanctions"
COOPERATION = "counternarcotics-cooperation"

VOICES = [
    # the two presidents' meeting is a round of the talks, however it is told
    ("LIVE Hanoi: Xi meets Trump at the Opera House", "", {TALKS: {("held", A, F)}}),
    (
        "Summit day",
        "After the welcome ceremony, the two presidents and their teams began formal talks.",
        {TALKS: {("held", A, F)}},
    ),
    (
        "Live: fourth US-China round under way in Oslo",
        "Bessent and He Lifeng arrived at the venue at nine.",
        {TALKS: {("held", A, F)}},
    ),
    ("Preparations for talks under way, Oslo hosts say", "", {TALKS: None}),
    ("Xi will meet Trump in Hanoi next month, Beijing says", "", {TALKS: {("scheduled", A, F)}}),
    # a deal the leaders sign off on
    (
        "Trump and Xi sign off on a package of farm purchases and tariff relief",
        "",
        {TALKS: {("agreement", A, F)}},
    ),
    # a denial said after what it denies
    (
        "Ministry: reports of a halt to drug cooperation with the US 'baseless'",
        "The spokesperson said cooperation with the United States on fentanyl continues.",
        {COOPERATION: None},
    ),
    # a desk's call is a forecast
    (
        "Economists see US duty on Chinese goods rising to 40% by year-end",
        "",
        {US: {(40.0, P, W)}},
    ),
    (
        "Desk note",
        "Some of our clients expect Washington to halve the 20 percent fentanyl tariff on China.",
        {FENT: {(20.0, P, W)}} | {US: None},
    ),
    # a correction retells the error it corrects: no claim of it
    (
        "Correction: fentanyl levy",
        "An article published on March 3 said the US had removed its fentanyl tariff on Chinese "
        "goods. It had not.",
        {FENT: None},
    ),
    # the institute named among the entities an Entity List rule adds
    (
        "Commerce adds 9 entities in China to the Entity List",
        "Three are added for surveillance work: the Institute of Forensic Science of the Ministry "
        "of Public Security and two of its laboratories.",
        {SANCTIONS: {("sanctioned", A, F)}},
    ),
    (
        "US puts Chinese police forensic lab back on trade blacklist",
        "",
        {SANCTIONS: {("sanctioned", A, F)}},
    ),
    (
        "Forensic science institute hosts a DNA conference in Beijing",
        "Scientists from 20 countries attended the event organised by the institute.",
        {SANCTIONS: None},
    ),
    # an order titled in sentence case speaks of the duty its title names
    (
        "Executive order: Modifying duties addressing the synthetic opioid supply chain in the PRC",
        "The additional ad valorem duty on products of the PRC is reduced from 15 percent to 5 "
        "percent, effective June 2.",
        {FENT: {(5.0, A, F)}, US: None},
    ),
    # a hand-over named is decided
    (
        "New lead for drug talks",
        "Vice Minister Zhou Lan will lead China's side in the fentanyl talks, taking over from "
        "Minister Wang Xiaohong.",
        {ENVOY: {("Zhou Lan", A, F)}},
    ),
    # the tariff "imposed over the drug" is the fentanyl duty
    (
        "Tariff relief",
        "The White House said it was cutting the tariff it imposed on Chinese goods over the drug "
        "to 5 percent from 15 percent.",
        {FENT: {(5.0, A, F)}, US: None},
    ),
    # a call is no round of talks
    ("Xi holds phone talks with Trump", "The two presidents spoke for an hour.", {TALKS: None}),
    # "the 10-percent tariff": a unit joined by a hyphen is a figure; cancelling it is relative
    (
        "Statement",
        "The ministry said the US would cancel the 5-percent so-called fentanyl tariff on Chinese "
        "goods.",
        {FENT: {(-5.0, A, F)}},
    ),
    # a correction notice's sentence retelling the error claims nothing
    (
        "Correction: fentanyl levy figure",
        "An item in Tuesday's market wrap said the US had removed its fentanyl tariff on Chinese "
        "goods. We regret the error.",
        {FENT: None},
    ),
    # the tariff truce continued, in the order's own title; a push to extend it is not yet that
    (
        "Continuing the Suspension of Heightened Reciprocal Tariffs on the People's Republic of "
        "China",
        "After talks between the United States and China, the suspension of the heightened "
        "reciprocal tariff is continued until June 1, 2028.",
        {TALKS: {("agreement", A, F)}},
    ),
    (
        "US-China talks in Oslo end with a push to extend the tariff pause",
        "",
        {TALKS: {("held", A, F)}},
    ),
    # both parties named as one ("US and Chinese teams") in an item on trade
    (
        "Live: US and Chinese teams begin talks in Oslo",
        "Bessent and He Lifeng went in at nine.",
        {TALKS: {("held", A, F)}},
    ),
    # a live headline takes its trade context from the lead sentence under it
    (
        "LIVE: Oslo round begins at the city hall",
        "Cars carrying Bessent and He Lifeng pulled up at nine and the teams are now inside.",
        {TALKS: {("held", A, F)}},
    ),
    (
        "LIVE: US and Chinese negotiators sit down at the Oslo city hall",
        "",
        {TALKS: {("held", A, F)}},
    ),
    (
        "He Lifeng to lead delegation to Norway for China-US consultations",
        "",
        {TALKS: {("scheduled", A, F)}},
    ),
    # another country's own deal is not the talks' deal
    (
        "Aluminium duties rise for most suppliers",
        "Norway was spared for now while it finalises its own arrangement with Washington on "
        "Chinese-made parts.",
        {TALKS: None},
    ),
    # leaders agreeing to end a duty close a deal; a fentanyl tariff is a trade measure
    (
        "Trump and Xi agree to end the fentanyl tariff in a Hanoi deal",
        "The White House said the last 5 percent fentanyl duty on Chinese goods goes on June 1.",
        {TALKS: {("agreement", A, F)}},
    ),
    # more ways a live blog tells a round begun; a state visit ahead is a summit ahead
    (
        "Live: Oslo talks get under way at the city hall",
        "The US and Chinese teams began their sixth round shortly after ten.",
        {TALKS: {("held", A, F)}},
    ),
    (
        "Foreign Ministry confirms",
        "President Trump will pay a state visit to China from June 3 to 5, a spokesperson said.",
        {TALKS: {("scheduled", A, F)}},
    ),
    # a deal reached, told in the passive; a summit that yields a package
    (
        "Hanoi summit",
        "Trump said a one-year deal on rare earths had been reached with Xi.",
        {TALKS: {("agreement", A, F)}},
    ),
    ("Hanoi summit yields trade package for Trump and Xi", "", {TALKS: {("agreement", A, F)}}),
    # a working group on drugs meeting is no round of trade talks
    (
        "US and China agree to reconvene their drug working group",
        "The bilateral working group will meet this month, the State Department said.",
        {TALKS: None},
    ),
    # a rule announced with "must" is a rule, not a wish
    (
        "China requires licences for precursor exports to North America",
        "The commerce ministry announced that, from today, exporters must obtain a licence before "
        "shipping 9 listed precursor chemicals to the United States.",
        {"china-precursor-controls": {("2025-06", A, F)}},
    ),
    # a hand-over "as the lead" keeps its clause
    (
        "Drug talks",
        "The ministry said Vice Minister Zhou Lan will take over as the Chinese lead for fentanyl "
        "talks with the United States.",
        {ENVOY: {("Zhou Lan", A, F)}},
    ),
    # a truce mentioned is no deal made; a round that runs into the evening is held
    (
        "Bessent and He Lifeng to meet in Oslo next week as truce deadline looms",
        "",
        {TALKS: {("scheduled", A, F)}},
    ),
    ("The week in trade: the Geneva truce holds, but the mood sours", "", {TALKS: None}),
    ("LIVE: US-China talks in Oslo run into the evening", "", {TALKS: {("held", A, F)}}),
    ("US and China extend tariff truce by 90 days", "", {TALKS: {("agreement", A, F)}}),
    # what a president would love is a wish
    (
        "Trump says he'd 'love' China to cut its tariffs on US goods to zero",
        "",
        {CN: {(0.0, P, W)}},
    ),
]


@pytest.mark.parametrize(("title", "body", "expected"), VOICES)
def test_voices(extractor: ClaimExtractor, title: str, body: str, expected: dict) -> None:
    found = claims_of(extractor, title, body)
    for fact_id, want in expected.items():
        assert found.get(fact_id) == want, (fact_id, found)


def test_a_level_keeps_the_way_its_verb_moves_it(extractor: ClaimExtractor) -> None:
    """The verb nearest before a level says which way it moves it ("cuts ... to 60%": down),
    for the comparison with the value in force."""
    when = datetime(2025, 11, 1, tzinfo=UTC)
    cut = extractor.extract("", when, title="Trump cuts China tariffs to 60% after the summit")
    raised = extractor.extract("", when, title="Beijing raises tariffs on US goods to 40%")
    said = extractor.extract("", when, title="US tariff on Chinese goods stands at 40%")
    assert [c.direction for c in cut if c.fact_id == "us-tariff-china"] == [-1]
    assert [c.direction for c in raised] == [1]
    assert [c.direction for c in said] == [0]


def test_a_hyphenated_unit_is_a_figure() -> None:
    assert normalise_figures("the 10-percent duty and a 5-percentage-point cut") == (
        "the 10 percent duty and a 5 percentage point cut"
    )
