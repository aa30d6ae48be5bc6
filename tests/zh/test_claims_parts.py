"""Chinese sentences that name a level beside its parts, in sentences written for these tests:
a 连同…， phrase inside a sentence whose past is the part's, a share said with 其中, a removal
told beside a suspension (no level can be worked out, unless the suspension only goes on), a
headline cut by a space after a figure, a total of a layer and a qualified part; then the steps
of the talks: a cleft saying why a round is held, a stage the item says has not come, leaders
agreeing to carry out their teams' consensus, a step still awaiting approval."""

from __future__ import annotations

import pytest

from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims, firm

__all__ = ["analyser"]  # the module fixture, shared

US, CHINA, FENT, TALKS = (
    "us-tariff-china",
    "china-tariff-us",
    "us-fentanyl-tariff-china",
    "trade-talks",
)


def values(found: list, fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact}


def test_a_with_phrase_inside_the_sentence_keeps_its_past_to_itself(
    analyser: RuleAnalyser,
) -> None:
    body = "根据双方声明，美方对部分商品维持原税率， 连同此前加征的15%，美方对华加征关税降至25%。"
    assert (US, 25.0) in firm(claims(analyser, "商务部答记者问", body))


def test_a_share_of_the_duties_is_no_level_and_a_removal_beside_a_suspension_none(
    analyser: RuleAnalyser,
) -> None:
    body = "美方取消加征的60%关税，对其中20%暂停执行一年、保留5%，美方对华加征关税降至25%。"
    assert values(claims(analyser, "双方发布声明", body), US) == {25.0}


def test_a_removal_told_beside_a_suspension_leaves_no_level(analyser: RuleAnalyser) -> None:
    body = "发言人表示，中方相应取消对美加征的60%反制关税；中方也相应暂停20%的反制关税。"
    assert values(claims(analyser, "商务部答记者问", body), CHINA) == set()


def test_a_suspension_that_goes_on_leaves_the_removal_standing(analyser: RuleAnalyser) -> None:
    body = "中方将对美加征关税税率相应下调15个百分点；20%的反制关税继续暂停一年。"
    assert values(claims(analyser, "商务部答记者问", body), CHINA) == {-15.0}


def test_a_space_after_a_figure_cuts_a_headline(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "快讯：美方将芬太尼关税降至5% 对华加征关税合计降至15%", "")
    assert values(found, FENT) == {5.0}
    assert values(found, US) == {15.0}


def test_a_total_of_a_layer_and_a_qualified_part_is_the_whole(analyser: RuleAnalyser) -> None:
    body = "按紧急经济权力法口径，美方对华加征的对等关税与芬太尼关税合计将由25%降至15%。"
    found = claims(analyser, "白宫说明", body)
    assert values(found, US) == {15.0}
    assert values(found, FENT) == set()


def test_a_cleft_saying_why_a_round_is_held_is_no_round_held(analyser: RuleAnalyser) -> None:
    body = "发言人说，此次中美经贸磋商是应美方多次请求举行的。"
    assert values(claims(analyser, "商务部：中美奥斯陆经贸磋商安排", body), TALKS) == set()


def test_a_stage_the_item_says_has_not_come_is_not_claimed(analyser: RuleAnalyser) -> None:
    body = "双方同意推动关税暂停期再延长60天。美方代表表示，目前尚未达成任何协议。"
    assert firm(claims(analyser, "中美奥斯陆经贸会谈结束", body)) == {(TALKS, "held")}


def test_leaders_agreeing_to_carry_out_their_teams_consensus_is_a_deal(
    analyser: RuleAnalyser,
) -> None:
    body = "中美两国元首同意落实双方经贸团队在奥斯陆达成的共识。"
    assert (TALKS, "agreement") in firm(claims(analyser, "新华社电", body))


def test_a_step_awaiting_approval_is_not_taken(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "中美奥斯陆经贸会谈结束 双方同意延长关税暂停期 尚待美国总统批准", "")
    assert (TALKS, "agreement") not in firm(found)


def test_a_total_said_to_count_other_duties_is_no_level(analyser: RuleAnalyser) -> None:
    body = (
        "特朗普称美国对中国商品合共征收65%关税。"
        "白宫官员解释，65%是把今年的35%与早前的301等既有关税加总而得，并非新的加税。"
    )
    assert values(claims(analyser, "特朗普称美方关税合计65%", body), US) == set()


def test_a_composite_rate_that_includes_other_duties_is_no_level(analyser: RuleAnalyser) -> None:
    body = "特朗普称对华综合税率由约60%降至约50%，该口径包含301等原有关税。"
    assert not values(claims(analyser, "晨报", body), US) & {50.0, 60.0}


def test_a_total_without_the_counting_note_is_a_weak_total(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "特朗普称美方关税合计65%", "特朗普称美国对中国商品合共征收65%关税。")
    assert values(found, US) == {65.0}
    assert (US, 65.0) not in firm(found)


def test_a_counted_in_phrase_keeps_its_past_and_a_suspended_layer_stops_a_removal(
    analyser: RuleAnalyser,
) -> None:
    body = (
        "美方取消加征的80%关税， 对30%的“对等关税”暂停实施20%，保留10%。"
        "计入此前以芬太尼为由加征的15%，美方对大多数中国商品的加征关税降至25%。"
    )
    found = claims(analyser, "联合声明", body)
    assert (US, 25.0) in firm(found)
    assert values(found, US) == {25.0}


def test_points_of_a_duty_removed_are_a_move_in_points(analyser: RuleAnalyser) -> None:
    found = claims(
        analyser, "商务部答记者问", "发言人介绍，美方将取消5个百分点的所谓“芬太尼关税”。"
    )
    assert values(found, FENT) == {-5.0}


def test_a_meeting_this_weekend_is_still_ahead(analyser: RuleAnalyser) -> None:
    body = "中方确认，何立峰本周末在奥斯陆与美国财政部长贝森特举行经贸会谈。"
    assert values(claims(analyser, "快讯", body), TALKS) == {"scheduled"}


def test_a_preliminary_consensus_is_a_round_held_not_yet_the_deal(analyser: RuleAnalyser) -> None:
    body = "中美经贸团队在奥斯陆结束两天磋商，李成钢表示，双方就延长暂停期等问题形成初步共识。"
    found = firm(claims(analyser, "中美奥斯陆经贸磋商结束", body))
    assert (TALKS, "held") in found
    assert (TALKS, "agreement") not in found


def test_a_tariff_cut_told_after_the_leaders_met_is_their_deal(analyser: RuleAnalyser) -> None:
    body = "中美元首在奥斯陆会晤后，美方宣布将以芬太尼为由对华加征的关税由20%降至15%。"
    assert (TALKS, "agreement") in firm(claims(analyser, "新华社快讯", body))


@pytest.mark.parametrize(
    "title",
    [
        "快讯｜中美元首奥斯陆会谈后，美方宣布对华加征关税降至15%",
        "快讯：中美元首奥斯陆会晤后，美方对华加征的关税仅余15%",
    ],
)
def test_a_level_lowered_without_its_prior_after_the_leaders_met_is_their_deal(
    analyser: RuleAnalyser, title: str
) -> None:
    """No "由20%" to say which way: the verb before the level (降至, 仅余) says it went down."""
    assert (TALKS, "agreement") in firm(claims(analyser, title, ""))


def test_a_level_raised_after_a_meeting_is_no_deal(analyser: RuleAnalyser) -> None:
    title = "快讯｜中美奥斯陆会谈后，美方宣布对华加征关税上调至45%"
    assert (TALKS, "agreement") not in firm(claims(analyser, title, ""))


def test_a_third_countrys_goods_bound_for_the_us_are_not_chinas(analyser: RuleAnalyser) -> None:
    body = "美方对瑞士商品的45%对等关税即将生效，中国商品不在此列。"
    assert values(claims(analyser, "快讯：瑞士输美商品面临45%关税", body), US) == set()


def test_the_gross_rate_a_suspension_splits_is_no_level(analyser: RuleAnalyser) -> None:
    body = "双方同意：美方修改对中国商品加征的40%从价关税，其中30%在初始90天内暂停实施，保留10%。"
    assert 40.0 not in values(claims(analyser, "联合声明", body), US)


def test_a_cut_announced_after_the_meeting_is_its_deal_and_its_own_clause_decides(
    analyser: RuleAnalyser,
) -> None:
    after = (
        "中美元首在奥斯陆举行会晤。特朗普会后宣布，美方将以芬太尼为由对华加征的关税由25%下调至15%。"
    )
    assert (TALKS, "agreement") in firm(claims(analyser, "新华社快讯", after))
    own = "特朗普表示，美方将把对华芬太尼关税由25%降至15%；双方还就扩大农产品贸易达成一致。"
    assert (TALKS, "agreement") in firm(claims(analyser, "新华社快讯", own))


def test_a_basic_or_first_consensus_is_a_round_held(analyser: RuleAnalyser) -> None:
    for body in (
        "李成钢表示，中美就解决各自关切初步达成共识。",
        "双方形成基本共识，将提交两国元首。",
    ):
        found = firm(claims(analyser, "中美奥斯陆经贸磋商结束", body))
        assert (TALKS, "agreement") not in found, body


def test_terms_confirmed_ahead_are_a_deal_made(analyser: RuleAnalyser) -> None:
    body = (
        "白宫发布情况说明确认，美方将对华芬太尼关税下调5个百分点，"
        "同时将对等关税暂停期延长至2027年6月1日。"
    )
    assert (TALKS, "agreement") in firm(claims(analyser, "白宫情况说明", body))


def test_a_level_a_verb_brings_the_rate_to_stands_beside_a_suspension(
    analyser: RuleAnalyser,
) -> None:
    body = "中方相应将对美加征关税由125%降至15%，同样暂停20%为期90天。"
    assert (CHINA, 15.0) in firm(claims(analyser, "联合声明发布", body))


def test_the_reciprocal_and_fentanyl_duties_together_are_the_whole(analyser: RuleAnalyser) -> None:
    body = "美国对华加征的对等与芬太尼关税合计由25%降至15%。"
    found = claims(analyser, "白宫说明", body)
    assert values(found, US) == {15.0}
    assert values(found, FENT) == set()


def test_agreeing_to_push_for_an_extension_is_no_extension_yet(analyser: RuleAnalyser) -> None:
    body = "李成钢表示，双方同意继续推动美方已暂停的24%对等关税及中方反制措施如期展期90天。"
    assert (TALKS, "agreement") not in firm(claims(analyser, "中美奥斯陆经贸会谈结束", body))
