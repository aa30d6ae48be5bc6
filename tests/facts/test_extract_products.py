"""What listed chemicals are used to make is the product, not what is listed, in sentences
written for these tests (English and Chinese): chemicals "used to make nitazenes" added to the
precursor list expand it; the nitazene class itself put under control does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

PRECURSORS = "china-precursor-controls"
WHEN = datetime(2026, 3, 3, 15, tzinfo=UTC)


def _months(extractor: ClaimExtractor, body: str) -> set[object]:
    found = extractor.extract(body, WHEN, title="Drug controls")
    return {c.value for c in found if c.fact_id == PRECURSORS}


def test_chemicals_used_to_make_an_opioid_class_expand_the_precursor_list(
    extractor: ClaimExtractor,
) -> None:
    body = "China will add four chemicals used to make nitazenes to its precursor control list."
    assert _months(extractor, body) == {"2026-03"}


def test_the_opioid_class_itself_is_no_precursor_expansion(extractor: ClaimExtractor) -> None:
    body = "China will add the whole nitazene class to its list of controlled substances."
    assert _months(extractor, body) == set()


@pytest.mark.parametrize(
    ("body", "expanded"),
    [
        (
            "公安部公告，将四种可用于合成尼秦类物质的化学品增列入易制毒化学品目录，自4月1日起施行。",
            True,
        ),
        ("国家禁毒委公告，将尼秦类物质整类列入管制目录，自4月1日起施行。", False),
    ],
)
def test_in_chinese_too(analyser: RuleAnalyser, body: str, expanded: bool) -> None:
    found = claims(analyser, "公安部公告", body)
    assert any(c.fact_id == PRECURSORS for c in found) is expanded
