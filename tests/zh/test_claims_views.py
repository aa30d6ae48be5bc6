"""Views and formulas in Chinese, in sentences written for these tests: a scholar's view that a
deal is hard to reach is no deal; a president's "looks right" about a rate is no rate; 经研究
(after study, decided) is the formula of a decision, not a proposal."""

from __future__ import annotations

from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared


def _asserted(found: list, fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact and c.modality is Modality.ASSERTED}


def test_a_scholars_view_is_no_deal(analyser: RuleAnalyser) -> None:
    body = "有专家认为，双方短期内难以全面达成协议。"
    assert _asserted(claims(analyser, "中美经贸会谈前瞻", body), "trade-talks") == set()


def test_a_rate_that_looks_right_is_no_rate(analyser: RuleAnalyser) -> None:
    body = "特朗普表示，对中国商品征收70%关税看上去合适。"
    assert _asserted(claims(analyser, "特朗普谈对华关税", body), "us-tariff-china") == set()


def test_after_study_is_a_decision(analyser: RuleAnalyser) -> None:
    body = "经研究，由公安部副部长唐一鸣接替王小洪担任中美禁毒合作中方牵头人。"
    found = claims(analyser, "国家禁毒委通报", body)
    assert "Tang Yiming" in _asserted(found, "china-fentanyl-envoy")
