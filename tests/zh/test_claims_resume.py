"""Talks resumed and claims denied in Chinese, in sentences written for these tests: talks
resumed (恢复经贸磋商) are held, or scheduled where a date ahead is given; agreeing to resume them
(同意恢复磋商) holds none yet; a quoted claim called untrue after its closing quote
(所谓“…”不符合事实) is denied."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser

__all__ = ["analyser"]  # the module fixture, shared

WHEN = datetime(2026, 3, 13, 4, tzinfo=UTC)


def _talks(analyser: RuleAnalyser, title: str, body: str = "") -> set[object]:
    found = analyser.extractor.extract(body, WHEN, title=title)
    return {
        c.value for c in found if c.fact_id == "trade-talks" and c.modality is Modality.ASSERTED
    }


def test_talks_resumed_on_a_date_ahead_are_scheduled(analyser: RuleAnalyser) -> None:
    assert _talks(analyser, "中美確認3月24日至25日在曼谷恢復經貿磋商") == {"scheduled"}


def test_talks_resumed_are_held(analyser: RuleAnalyser) -> None:
    assert _talks(analyser, "中美今天在曼谷恢复经贸磋商") == {"held"}


def test_agreeing_to_resume_talks_holds_none(analyser: RuleAnalyser) -> None:
    body = "发言人说，美方已表示将调整相关做法，中方因此同意恢复中美经贸磋商。"
    assert "held" not in _talks(analyser, "商务部新闻发言人答记者问", body)


def test_a_quoted_claim_called_untrue_is_denied(analyser: RuleAnalyser) -> None:
    assert _talks(analyser, "商务部：所谓“中方中止中美经贸磋商”与事实不符") == set()
