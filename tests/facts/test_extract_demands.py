"""Demands, deal terms and resumptions, in sentences written for these tests: a named side told
what it must do is a demand even after "the ministry said" (a rule for exporters is not); a
deal's term that Beijing "will bring more chemicals under control" neither counts, names nor
dates a listing, and is a promise; a listing that names its chemicals is not; cooperation that
"resumes" has resumed; a leaders' meeting a Chinese flash opens with is where its cut was
agreed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

WHEN = datetime(2026, 3, 17, 9, tzinfo=UTC)


def _read(found: list, fact: str) -> set[tuple[object, Modality]]:
    return {(c.value, c.modality) for c in found if c.fact_id == fact}


def test_a_named_side_told_what_it_must_do_is_a_demand(extractor: ClaimExtractor) -> None:
    body = "The ministry said Washington must still lift its sanctions on the forensic institute."
    read = _read(
        extractor.extract(body, WHEN, title="Beijing names terms"), "forensics-institute-sanctions"
    )
    assert read and all(m is not Modality.ASSERTED for _, m in read)


def test_a_rule_for_exporters_is_still_a_rule(extractor: ClaimExtractor) -> None:
    body = (
        "The commerce ministry announced that exporters must obtain licences to ship 11 "
        "precursor chemicals from China."
    )
    read = _read(extractor.extract(body, WHEN, title="Export rule"), "china-precursor-controls")
    assert ("2026-03", Modality.ASSERTED) in read


@pytest.mark.parametrize(
    ("body", "asserted"),
    [
        (
            "The ministry confirmed the deal, under which Beijing will bring more precursor "
            "chemicals under control.",
            False,
        ),
        (
            "The ministry said 2-methyl-piperidone and 4-anilino-butane will be added to China's "
            "list of controlled precursor chemicals.",
            True,
        ),
    ],
)
def test_a_deal_term_is_a_promise_a_named_listing_is_not(
    extractor: ClaimExtractor, body: str, asserted: bool
) -> None:
    read = _read(extractor.extract(body, WHEN, title="Trade update"), "china-precursor-controls")
    assert read and any(m is Modality.ASSERTED for _, m in read) is asserted


def test_cooperation_that_resumes_has_resumed(extractor: ClaimExtractor) -> None:
    title = "US and Chinese officials meet as counternarcotics cooperation resumes"
    read = _read(extractor.extract("", WHEN, title=title), "counternarcotics-cooperation")
    assert ("active", Modality.ASSERTED) in read


def test_a_flash_opening_with_the_leaders_meeting(analyser: RuleAnalyser) -> None:
    title = "快讯：中美元首首尔会晤 美方宣布取消对华10%芬太尼关税"
    read = _read(claims(analyser, title, ""), "trade-talks")
    assert ("agreement", Modality.ASSERTED) in read
