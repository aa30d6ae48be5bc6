"""Weekdays and successors in Chinese, in sentences written for these tests: a visit from this
week's Friday (本周五起) with talks during it is still ahead (scheduled, not held), and next
week's day is ahead too; a bare weekday already past names no date; an official who no longer
holds the post (不再担任) is no confirmation of him, and the successor named after 由 is; the salts
that may exist (可能存在的盐类) are what a listing covers, no hedge; the commerce ministry's talks
(商务部) are the trade talks."""

from __future__ import annotations

from datetime import date

from bot.facts.dates import Direction
from bot.facts.model import Modality
from bot.facts.zh.text import time_refs
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import WHEN, analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

WEDNESDAY = date(2026, 6, 10)


def _asserted(found: list, fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact and c.modality is Modality.ASSERTED}


def test_this_weeks_friday_is_ahead() -> None:
    (ref,) = time_refs("副总理本周五起访问挪威", WEDNESDAY)
    assert (ref.when, ref.direction) == (date(2026, 6, 12), Direction.FUTURE)


def test_next_weeks_monday_is_ahead() -> None:
    (ref,) = time_refs("双方将于下周一发布联合声明", WEDNESDAY)
    assert (ref.when, ref.direction) == (date(2026, 6, 15), Direction.FUTURE)


def test_a_bare_weekday_already_past_names_no_date() -> None:
    assert time_refs("双方周一发布了联合声明", WEDNESDAY) == []


def test_a_visit_from_this_friday_with_talks_is_scheduled(analyser: RuleAnalyser) -> None:
    assert WHEN.date() == WEDNESDAY
    body = "外交部证实，副总理何立峰本周五起访问挪威，并与美国财长举行经贸会谈。"
    assert _asserted(claims(analyser, "何立峰将访问挪威", body), "trade-talks") == {"scheduled"}


def test_the_successor_named_after_you_is_the_new_lead(analyser: RuleAnalyser) -> None:
    body = "据公安部消息，王小洪不再担任中美禁毒合作中方牵头人，由公安部副部长钱立群接任。"
    found = claims(analyser, "中美禁毒合作中方牵头人调整", body)
    assert _asserted(found, "china-fentanyl-envoy") == {"Qian Liqun"}


def test_salts_that_may_exist_are_what_a_listing_covers(analyser: RuleAnalyser) -> None:
    body = (
        "经国务院批准，国家禁毒委员会办公室宣布，将4种芬太尼前体及其可能存在的盐类增列为"
        "易制毒化学品，自2026年7月1日起施行。"
    )
    found = claims(analyser, "国家禁毒委：4种芬太尼前体列入易制毒化学品目录", body)
    assert _asserted(found, "china-precursor-controls") == {"2026-06"}


def test_the_commerce_ministrys_talks_are_the_trade_talks(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "商务部新闻发言人：中方正在评估美方重启磋商的请求", "")
    assert _asserted(found, "trade-talks") == {"evaluating"}
