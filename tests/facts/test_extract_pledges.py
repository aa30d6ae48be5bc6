"""Steps pledged, layers named, in sentences written for these tests: a side's pledge to widen
its precursor controls is no widening (English and Chinese); an official named in apposition
as the new lead is named; "a 10 percent baseline" is the reciprocal layer, a level of the whole
only where it is all that is left."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

PRECURSORS, ENVOY, WHOLE = "china-precursor-controls", "china-fentanyl-envoy", "us-tariff-china"
WHEN = datetime(2026, 5, 12, 9, tzinfo=UTC)


def _read(found: list, fact: str) -> set[tuple[object, Modality]]:
    return {(c.value, c.modality) for c in found if c.fact_id == fact}


@pytest.mark.parametrize(
    "body",
    [
        "After the meeting, China has committed to require licences for every listed precursor.",
        "Beijing undertook at the summit to require export permits for all listed precursors.",
    ],
)
def test_a_pledge_to_widen_precursor_controls_is_no_widening(
    extractor: ClaimExtractor, body: str
) -> None:
    found = extractor.extract(body, WHEN, title="Summit fact sheet")
    assert _read(found, PRECURSORS)
    assert all(m is not Modality.ASSERTED for _, m in _read(found, PRECURSORS))


def test_precursor_controls_widened_are_widened(extractor: ClaimExtractor) -> None:
    body = "China's commerce ministry added nine precursor chemicals to its export control list."
    found = extractor.extract(body, WHEN, title="Beijing widens precursor controls")
    assert ("2026-05", Modality.ASSERTED) in _read(found, PRECURSORS)


@pytest.mark.parametrize(
    ("body", "asserted"),
    [
        ("中方承诺将对更多易制毒化学品实施出口许可管理。", False),
        ("商务部宣布，对九种易制毒化学品实施出口许可管理。", True),
    ],
)
def test_a_pledge_in_chinese_too(analyser: RuleAnalyser, body: str, asserted: bool) -> None:
    read = _read(claims(analyser, "禁毒合作", body), PRECURSORS)
    assert read and any(m is Modality.ASSERTED for _, m in read) is asserted


def test_an_official_named_in_apposition_as_the_new_lead(extractor: ClaimExtractor) -> None:
    body = (
        "The under secretary met Vice Minister Tang Yiming, newly named as Beijing's lead "
        "official for counternarcotics talks, to discuss precursor diversion."
    )
    found = extractor.extract(body, WHEN, title="Readout of a meeting on fentanyl")
    assert ("Tang Yiming", Modality.ASSERTED) in _read(found, ENVOY)


def test_a_baseline_left_alone_is_the_wholes_level(extractor: ClaimExtractor) -> None:
    body = "The move leaves a 10 percent baseline as the only emergency tariff on Chinese goods."
    found = extractor.extract(body, WHEN, title="US ends fentanyl tariff on China")
    assert {v for v, _ in _read(found, WHOLE)} == {10.0}


def test_a_baseline_kept_beside_other_layers_is_no_level_of_the_whole(
    extractor: ClaimExtractor,
) -> None:
    found = extractor.extract("", WHEN, title="US keeps 10 percent baseline on Chinese goods")
    assert _read(found, WHOLE) == set()
