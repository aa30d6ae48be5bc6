"""Consensus and pledges in Chinese, in sentences written for these tests: the presidents'
consensus at their meeting, measures taken under it, and the results of a round confirmed are
the deal (on a call they are not); a line wrapped after a figure's % joins its phrase; a side's
pledge (承诺把…移出) is no step taken, the pledge kept (兑现…的承诺) is."""

from __future__ import annotations

import pytest

from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

TALKS, SANCTIONS = "trade-talks", "forensics-institute-sanctions"


def _asserted(found: list, fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact and c.modality is Modality.ASSERTED}


@pytest.mark.parametrize(
    ("body", "deal"),
    [
        (
            "发言人表示，两国元首在首尔会晤中就经贸问题达成重要共识。美方将取消对华芬太尼关税。",
            True,
        ),
        ("两国元首就经贸问题达成重要共识，中美双方确认了新加坡磋商形成的成果。", True),
        ("根据两国元首首尔会晤共识，美方将取消10%的所谓芬太尼关税，中方将相应调整反制措施。", True),
        ("中美两国元首通话，就下一步经贸磋商达成重要共识。", False),
    ],
)
def test_the_presidents_consensus(analyser: RuleAnalyser, body: str, deal: bool) -> None:
    assert ("agreement" in _asserted(claims(analyser, "商务部答记者问", body), TALKS)) is deal


def test_a_line_wrapped_after_a_figure_joins_its_phrase(analyser: RuleAnalyser) -> None:
    body = "美方将取消针对中国商品加征的10%\n所谓“芬太尼关税”。"
    found = claims(analyser, "商务部答记者问", body)
    assert any(c.fact_id == "us-fentanyl-tariff-china" for c in found)


@pytest.mark.parametrize(
    ("body", "lifted"),
    [
        ("美方承诺尽快把公安部物证鉴定中心移出实体清单。", False),
        ("美国商务部即日起将公安部物证鉴定中心从实体清单中删除，兑现峰会上的承诺。", True),
    ],
)
def test_a_pledge_is_no_step_and_a_pledge_kept_is(
    analyser: RuleAnalyser, body: str, lifted: bool
) -> None:
    found = claims(analyser, "美方将物证鉴定中心移出实体清单", body)
    assert ("lifted" in _asserted(found, SANCTIONS)) is lifted
