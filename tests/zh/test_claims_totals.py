"""Totals, kept levels and what an item calls unconfirmed, in Chinese sentences written for
these tests: a total that the sentence's own levels add up to is the whole's level and its parts
are not; a layer restored on the goods named between verb and figure is a layer; the level a
sentence keeps after removing and suspending the rest moves the fact; a clause that is only the
move takes the qualifier of the clause before it; a clause opening with 非 denies; a second-hand
report the item calls unconfirmed is a rumour; a request to resume talks is no round held, and
studying it is evaluating; a round ahead "to discuss carrying out" the leaders' consensus is no
deal; a list joined by 、 before 达成共识 is the deal; a verb after an official's title is no
name; a reason clause (理由是…) is background; a share kept before the level it adds up to is no
level; a notice's own total (税委会公告…合计为25%) is the whole's level."""

from __future__ import annotations

from bot.facts.model import Claim, Modality, Relative
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims, firm

__all__ = ["analyser"]  # the module fixture, shared

CN, US, FENTANYL = "china-tariff-us", "us-tariff-china", "us-fentanyl-tariff-china"
TALKS, ENVOY = "trade-talks", "china-fentanyl-envoy"


def _asserted(found: list[Claim], fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact and c.modality is Modality.ASSERTED}


def test_a_total_its_parts_add_up_to_is_the_whole_level(analyser: RuleAnalyser) -> None:
    found = claims(
        analyser,
        "税委会发布公告",
        "税委会决定，自6月1日起恢复实施对原产于美国的进口商品15%的加征关税税率，"
        "连同现行的10%，加征关税税率合计为25%。",
    )
    assert (CN, 25.0) in firm(found)
    assert _asserted(found, CN) == {25.0}


def test_a_layer_restored_on_named_goods_is_a_layer(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "税委会：恢复对美加征15%关税", "")
    restored = [c for c in found if c.fact_id == CN]
    assert restored and all(c.relative is Relative.ADD for c in restored)


def test_the_level_kept_after_removals_moves_the_fact(analyser: RuleAnalyser) -> None:
    body = "中方相应取消50%的反制关税，对20%反制关税中的15%暂停实施，保留5%。"
    assert (CN, 5.0) in firm(claims(analyser, "中美经贸联合声明", body))


def test_a_clause_that_is_only_the_move_takes_the_qualifier_before_it(
    analyser: RuleAnalyser,
) -> None:
    body = "此次下调的是芬太尼相关关税，由30%降至15%；美国对华加征关税合计由40%降至25%。"
    found = claims(analyser, "美方调整对华关税", body)
    assert 15.0 in _asserted(found, FENTANYL)
    assert 15.0 not in _asserted(found, US)


def test_a_clause_opening_with_fei_denies(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "更正：美对华芬太尼关税降至15%，非整体关税降至15%", "")
    assert 15.0 not in _asserted(found, US)


def test_a_second_hand_report_called_unconfirmed_is_a_rumour(analyser: RuleAnalyser) -> None:
    body = "据外媒援引未具名官员报道，中美经贸磋商已经破裂。该报道未获双方证实。"
    assert _asserted(claims(analyser, "外媒称中美经贸磋商破裂", body), TALKS) == set()


def test_a_request_to_resume_talks_is_evaluated_not_held(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "商务部：中方正在评估美方提出的重启经贸磋商请求", "")
    assert _asserted(found, TALKS) == {"evaluating"}


def test_studying_a_request_for_talks_is_evaluating(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "外交部：对于美方举行新一轮经贸磋商的请求，中方正在研究", "")
    assert "evaluating" in _asserted(found, TALKS)


def test_a_round_ahead_to_discuss_the_leaders_consensus_is_no_deal(
    analyser: RuleAnalyser,
) -> None:
    body = (
        "商务部宣布，何立峰将于7月2日至4日赴伦敦，与美方举行新一轮中美经贸磋商，"
        "重点讨论落实两国元首会晤共识。"
    )
    assert _asserted(claims(analyser, "商务部发布", body), TALKS) == {"scheduled"}


def test_a_list_joined_before_consensus_reached_is_the_deal(analyser: RuleAnalyser) -> None:
    body = "中美联合新闻稿称，双方就扩大能源贸易、便利人员往来等经贸问题达成共识。"
    assert "agreement" in _asserted(claims(analyser, "中美发布联合新闻稿", body), TALKS)


def test_a_verb_after_an_officials_title_is_no_name(analyser: RuleAnalyser) -> None:
    body = "国务委员王小洪部长继续作为中方牵头人负责中美禁毒合作。"
    named = _asserted(claims(analyser, "外交部：禁毒合作牵头人没有变化", body), ENVOY)
    assert named <= {"Wang Xiaohong"}


def test_a_reason_clause_is_background(analyser: RuleAnalyser) -> None:
    body = "美方宣布自9月1日起取消芬太尼相关关税，理由是中方加强前体化学品管控取得成效。"
    found = claims(analyser, "美方取消芬太尼关税", body)
    assert _asserted(found, "china-precursor-controls") == set()


def test_a_share_kept_before_the_level_it_adds_to_is_no_level(analyser: RuleAnalyser) -> None:
    body = (
        "美方将修改对中国商品加征的关税，其中24%暂停实施，保留10%；连同此前加征的芬太尼关税15%，"
        "美对华商品加征关税降至25%。"
    )
    assert {c[1] for c in firm(claims(analyser, "联合声明发布", body)) if c[0] == US} == {25.0}


def test_a_notices_own_total_is_the_whole_level(analyser: RuleAnalyser) -> None:
    body = "自9月1日起，恢复实施对原产于美国的进口商品加征15%关税税率，对美加征关税合计为25%。"
    assert (CN, 25.0) in firm(claims(analyser, "国务院关税税则委员会公告", body))
