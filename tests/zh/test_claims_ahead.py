"""Chinese items on what lies ahead and what is suspended, in sentences written for these tests:
talks whose own words set them ahead (会谈将于下周举行) are scheduled, not held, while a decision
to extend (同意将…展期) is no time ahead; a rate stopped for a stated span (停止实施60天) is
suspended, not the rate in force."""

from __future__ import annotations

from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims, firm

__all__ = ["analyser"]  # the module fixture, shared

CHINA_US, TALKS = "china-tariff-us", "trade-talks"


def states(found: list) -> set[object]:
    return {c.value for c in found if c.fact_id == TALKS and c.modality.value == "asserted"}


def test_talks_set_ahead_in_their_own_words_are_scheduled(analyser: RuleAnalyser) -> None:
    body = "商务部表示，美方对华关税维持不变，中美奥斯陆经贸会谈将于周末举行。"
    assert states(claims(analyser, "快讯｜奥斯陆会谈周末举行", body)) == {"scheduled"}


def test_a_rate_stopped_for_a_span_is_suspended(analyser: RuleAnalyser) -> None:
    body = (
        "国务院关税税则委员会公告：自2026年6月12日起，对原产于美国的进口商品加征关税税率由"
        "30%调整为12%，18%的税率停止实施60天。"
    )
    found = claims(analyser, "税委会公告", body)
    assert (CHINA_US, 12.0) in firm(found)
    assert not any(c.fact_id == CHINA_US and c.value == 18.0 for c in found)


def test_measures_awaiting_domestic_procedures_are_only_proposed(analyser: RuleAnalyser) -> None:
    body = (
        "根据联合声明，美方同意取消剩余15%的芬太尼相关关税，中方同意恢复中美禁毒合作。"
        "双方将在各自完成国内程序后实施上述措施。"
    )
    found = claims(analyser, "中美发表奥斯陆联合声明", body)
    assert firm(found) == {(TALKS, "agreement")}


def test_a_drafted_listing_is_only_proposed(analyser: RuleAnalyser) -> None:
    body = (
        "公安部起草了将三种芬太尼类前体化学品增列入易制毒化学品品种目录的调整方案，"
        "即日起向社会征求意见。"
    )
    found = claims(analyser, "公安部拟新增列管三种前体化学品", body)
    assert not any(
        c.fact_id == "china-precursor-controls" and c.modality.value == "asserted" for c in found
    )


def test_leaders_confirming_their_teams_consensus_make_the_deal(analyser: RuleAnalyser) -> None:
    body = "两国元首在奥斯陆举行会晤。双方确认奥斯陆磋商共识，同意加强农业合作。"
    assert (TALKS, "agreement") in firm(claims(analyser, "中美元首在奥斯陆会晤", body))


def test_a_consensus_still_to_be_confirmed_is_no_deal(analyser: RuleAnalyser) -> None:
    body = "中美经贸团队在奥斯陆结束磋商，双方共识将待两国元首确认。"
    assert (TALKS, "agreement") not in firm(claims(analyser, "奥斯陆磋商结束", body))


def test_talks_that_may_stop_have_not_stopped(analyser: RuleAnalyser) -> None:
    title = "消息：中美经贸磋商或暂停，元首会晤存变数"
    found = claims(analyser, title, "据知情人士透露，原定下月的经贸磋商可能推迟。")
    assert (TALKS, "stalled") not in firm(found)


def test_a_reason_cited_with_wei_you_is_background(analyser: RuleAnalyser) -> None:
    body = (
        "白宫发布行政令，以中方扩大前体化学品管控为由，"
        "自6月20日起取消对中国商品剩余的芬太尼相关关税。"
    )
    found = claims(analyser, "白宫取消芬太尼关税", body)
    assert not any(
        c.fact_id == "china-precursor-controls" and c.modality.value == "asserted" for c in found
    )


def test_a_sum_with_the_old_duties_is_no_level(analyser: RuleAnalyser) -> None:
    body = "白宫官员解释，65%是把对等关税、芬太尼关税与第一任期起征的旧关税相加得出。"
    found = claims(analyser, "特朗普：美方对华征收65%关税", body)
    assert not any(c.fact_id == "us-tariff-china" and c.value == 65.0 for c in found)


def test_a_rate_named_before_its_removal_is_removed(analyser: RuleAnalyser) -> None:
    body = "根据奥斯陆峰会共识，美国以芬太尼为由对中国商品加征的10%关税将于7月1日起取消。"
    found = claims(analyser, "美国对华芬太尼关税7月起取消", body)
    values = {c.value for c in found if c.fact_id == "us-fentanyl-tariff-china"}
    assert 10.0 not in values and values


def test_a_rate_whose_removal_is_denied_is_no_removal(analyser: RuleAnalyser) -> None:
    body = "商务部表示，美方对中国商品加征的10%芬太尼关税并未取消。"
    found = claims(analyser, "商务部答记者问", body)
    assert not any(c.fact_id == "us-fentanyl-tariff-china" and c.value == -10.0 for c in found)


def test_a_removal_beside_another_layers_suspension_stands(analyser: RuleAnalyser) -> None:
    title = "商务部：美方将取消10%芬太尼关税 继续暂停24%对等关税一年"
    found = claims(analyser, title, "商务部新闻发言人答记者问。美方将取消对华加征的10%芬太尼关税。")
    assert any(c.fact_id == "us-fentanyl-tariff-china" and c.value == -10.0 for c in found)


def test_a_name_with_its_romanisation_in_brackets_is_read(analyser: RuleAnalyser) -> None:
    body = (
        "国务院新闻办公室宣布，公安部副部长周明远（Zhou Mingyuan）接替王小洪，"
        "出任中美禁毒合作中方牵头人。"
    )
    found = claims(analyser, "周明远任中美禁毒合作中方牵头人", body)
    envoy = [c for c in found if c.fact_id == "china-fentanyl-envoy" and c.value == "Zhou Mingyuan"]
    assert envoy and "（Zhou Mingyuan）" in envoy[0].evidence  # quoted as published
