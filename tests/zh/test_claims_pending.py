"""Chinese items on a deal still awaiting approval and on what a figure is, in sentences written
for these tests: a framework the teams take to their leaders (报批, 审批程序, 向领导人报告) is a
round held; teams confirming its details close the deal; 将就…进行磋商 and a trip followed by
whom it meets (，与美方…) lie ahead; the amount a removal names after the duty takes points off
and does not end it; a probability (机率) is no level; a meeting told as a success before a cut
is that meeting's deal."""

from __future__ import annotations

import pytest

from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims, firm

__all__ = ["analyser"]  # the module fixture, shared

US, FENT, TALKS = "us-tariff-china", "us-fentanyl-tariff-china", "trade-talks"


def asserted_states(found: list) -> set[object]:
    return {c.value for c in found if c.fact_id == TALKS and c.modality.value == "asserted"}


@pytest.mark.parametrize(
    "body",
    [
        "中美经贸会谈在奥斯陆结束，双方原则上就出口许可问题达成框架，将带回各自领导人报批。",
        "中美奥斯陆经贸会谈结束。双方就农产品贸易达成框架， 下一步将各自履行国内审批程序。",
        "中美经贸会谈在奥斯陆结束，双方就芯片问题达成框架，将各自向领导人报告。",
        "中美经贸会谈在奥斯陆结束，双方原则上就航运问题的框架达成一致，将各自报请领导人批准。",
    ],
)
def test_a_framework_awaiting_the_leaders_is_a_round_held(
    analyser: RuleAnalyser, body: str
) -> None:
    assert asserted_states(claims(analyser, "中美奥斯陆会谈结束", body)) == {"held"}


def test_the_same_framework_without_approval_pending_is_the_deal(analyser: RuleAnalyser) -> None:
    body = "中美经贸会谈在奥斯陆结束，双方就出口许可问题达成框架协议。"
    assert "agreement" in asserted_states(claims(analyser, "中美奥斯陆会谈结束", body))


def test_teams_confirming_the_details_of_their_framework_close_the_deal(
    analyser: RuleAnalyser,
) -> None:
    body = "答：中美双方团队进一步确认了奥斯陆框架的细节，中方将依法审批相关出口申请。"
    title = "商务部新闻发言人就中美经贸框架答记者问"
    assert asserted_states(claims(analyser, title, body)) == {"agreement"}


@pytest.mark.parametrize(
    "body",
    [
        "副总理将于6月14日至16日赴挪威， 与美方在奥斯陆举行经贸会谈。"
        "双方将就关税等经贸问题进行磋商。",
    ],
)
def test_a_trip_and_what_the_sides_will_discuss_lie_ahead(
    analyser: RuleAnalyser, body: str
) -> None:
    assert asserted_states(claims(analyser, "商务部宣布副总理赴挪威", body)) == {"scheduled"}


def test_an_amount_after_the_removed_duty_takes_points_off(analyser: RuleAnalyser) -> None:
    body = "答：根据两国元首会晤共识，美方将取消对中国商品加征的“芬太尼关税”5%。"
    found = claims(analyser, "商务部新闻发言人答记者问", body)
    assert 0.0 not in {c.value for c in found if c.fact_id == FENT}


def test_a_duty_removed_whole_is_zero(analyser: RuleAnalyser) -> None:
    body = "美方宣布取消对中国商品加征的全部芬太尼关税，即日起生效。"
    assert (FENT, 0.0) in firm(claims(analyser, "美方取消芬太尼关税", body))


def test_a_probability_is_no_level(analyser: RuleAnalyser) -> None:
    body = "预测市场显示，交易员认为美方下月降低对华关税的机率约25%，较上周的35%回落。"
    found = claims(analyser, "预测市场：降税机率下降", body)
    assert not any(c.fact_id == US and c.modality.value == "asserted" for c in found)


def test_a_cut_after_a_meeting_told_as_a_success_is_its_deal(analyser: RuleAnalyser) -> None:
    body = "特朗普表示，与习近平的会晤“非常成功”，他决定把对中国商品加征的芬太尼关税从20%降至15%。"
    found = claims(analyser, "特朗普：芬太尼关税降至15%", body)
    assert (TALKS, "agreement") in firm(found)


def test_talks_a_minister_calls_a_bit_stalled_have_not_stalled(analyser: RuleAnalyser) -> None:
    body = "美国财长表示，美中经贸谈判“有些停滞”，需要两国元首通话推动。"
    assert (TALKS, "stalled") not in firm(claims(analyser, "美财长：中美经贸谈判有些停滞", body))
    body = "商务部表示，中美经贸谈判已经停滞，原定下周的磋商取消。"
    assert (TALKS, "stalled") in firm(claims(analyser, "商务部：中美经贸谈判停滞", body))


def test_a_level_worked_out_from_the_decision_is_no_estimate(analyser: RuleAnalyser) -> None:
    body = "税委会公告称，对美加征关税暂停24个百分点。据此测算，中方对美加征关税由125%降至15%。"
    found = firm(claims(analyser, "国务院关税税则委员会公告", body))
    assert ("china-tariff-us", 15.0) in found


def test_a_joint_statement_told_as_issued_is_the_deal(analyser: RuleAnalyser) -> None:
    body = "新华社快讯：中美奥斯陆经贸会谈联合声明12日发布。"
    assert (TALKS, "agreement") in firm(claims(analyser, "中美奥斯陆经贸会谈联合声明发布", body))


def test_what_one_side_says_the_other_should_stop_is_no_removal(analyser: RuleAnalyser) -> None:
    body = "答：美方应正视自身问题，停止以芬太尼为由对华加征关税。"
    found = claims(analyser, "外交部发言人答记者问", body)
    assert not any(c.fact_id == FENT and c.modality.value == "asserted" for c in found)


def test_a_basic_framework_consensus_is_a_round_held(analyser: RuleAnalyser) -> None:
    body = "中美奥斯陆经贸会谈结束。双方就芯片出口问题达成了基本框架共识。"
    title = "中美就芯片出口问题达成基本框架共识"
    assert asserted_states(claims(analyser, title, body)) == {"held"}


def test_a_move_named_by_a_statement_or_report_is_no_move(analyser: RuleAnalyser) -> None:
    found = claims(
        analyser, "更正：重新制裁物证鉴定中心的声明出自议员", "本台早前报道有误，特此更正。"
    )
    assert not any(c.modality.value == "asserted" for c in found)


def test_what_a_side_says_through_unnamed_sources_is_a_rumour(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "据美方消息：美国将全数取消对华芬太尼关税", "")
    assert not any(c.fact_id == FENT and c.modality.value == "asserted" for c in found)


def test_a_total_the_item_says_adds_older_duties_is_no_level(analyser: RuleAnalyser) -> None:
    body = (
        "特朗普称美国将收取总计65%的关税。"
        "白宫官员解释，65%是把对等关税、芬太尼关税和301条款等原有关税相加而成。"
    )
    found = claims(analyser, "特朗普：对华关税总计65%", body)
    assert 65.0 not in {c.value for c in found if c.fact_id == US}


def test_a_correction_notice_marks_its_claims_and_drops_the_retold_error(
    analyser: RuleAnalyser,
) -> None:
    body = (
        "本报昨日刊发《美方将取消全部芬太尼关税》一文，误将一名学者的推测归于官方。"
        "美方对华20%芬太尼关税目前维持不变。特此更正。"
    )
    found = claims(analyser, "更正启事：关于芬太尼关税的报道", body)
    assert {c.value for c in found if c.fact_id == FENT} == {20.0}
    assert all(c.correction for c in found)


def test_sector_tariffs_are_not_the_rate_on_most_goods(analyser: RuleAnalyser) -> None:
    body = "特朗普宣布10月1日起对品牌药征收100%关税，对重型卡车征收25%，对橱柜征收50%。"
    found = claims(analyser, "美对药品卡车家具加征行业关税", body)
    assert not any(c.fact_id == US for c in found)


def test_points_taken_from_a_removed_duty_do_not_end_it(analyser: RuleAnalyser) -> None:
    body = "发言人介绍，美方将取消所谓“芬太尼关税”中的5个百分点。"
    found = claims(analyser, "商务部新闻发言人答记者问", body)
    assert 0.0 not in {c.value for c in found if c.fact_id == FENT}


def test_a_bare_title_before_a_verb_names_nobody(analyser: RuleAnalyser) -> None:
    body = "据报道，一名公安部副部长被外界称为中方芬太尼议题牵头人。"
    found = claims(analyser, "一名公安部副部长被指为中方禁毒牵头人", body)
    assert not any(c.fact_id == "china-fentanyl-envoy" for c in found)


def test_a_correction_retelling_what_was_wrongly_said_claims_none_of_it(
    analyser: RuleAnalyser,
) -> None:
    body = "本台日前一则消息误称美方已取消全部芬太尼关税，实际为由20%下调至10%。特此更正。"
    found = claims(analyser, "更正", body)
    assert 0.0 not in {c.value for c in found if c.fact_id == FENT}
    assert not any(c.fact_id == US for c in found)


def test_a_clause_that_is_only_the_move_is_the_tariff_named_before_it(
    analyser: RuleAnalyser,
) -> None:
    body = "白宫宣布调整的是以芬太尼为由征收的关税，由20%降至10%。"
    found = claims(analyser, "白宫调整关税", body)
    assert {(c.fact_id, c.value) for c in found} == {(FENT, 10.0)}


def test_an_indirect_question_in_a_later_clause_leaves_the_clauses_before_it(
    analyser: RuleAnalyser,
) -> None:
    body = "中美代表团在奥斯陆展开新一轮经贸磋商，外界关注双方是否会延长暂停期。"
    assert asserted_states(claims(analyser, "奥斯陆磋商", body)) == {"held"}


def test_a_round_as_first_planned_called_off_is_stalled(analyser: RuleAnalyser) -> None:
    body = "商务部表示，中方决定推迟原定于下月3日至4日在曼谷举行的中美经贸磋商，恢复时间另行商定。"
    assert "stalled" in asserted_states(claims(analyser, "商务部：推迟曼谷磋商", body))


def test_why_a_meeting_is_held_is_not_that_it_was(analyser: RuleAnalyser) -> None:
    body = "外交部发言人称，此次中美经贸会谈是应美方邀请举行，中方将坚持原则立场。"
    assert "held" not in asserted_states(claims(analyser, "外交部答问", body))


def test_a_later_clause_s_demand_is_its_speaker_s(analyser: RuleAnalyser) -> None:
    body = "中美经贸磋商今天在奥斯陆举行，中方则要求美方放宽芯片出口限制。"
    assert asserted_states(claims(analyser, "奥斯陆磋商", body)) == {"held"}


def test_a_trip_ahead_and_the_talks_during_it_lie_ahead(analyser: RuleAnalyser) -> None:
    body = "商务部宣布，副总理将应挪威政府邀请访问挪威，其间与美方在奥斯陆举行经贸会谈。"
    assert asserted_states(claims(analyser, "副总理访问挪威", body)) == {"scheduled"}


def test_a_numbered_round_is_a_trade_round(analyser: RuleAnalyser) -> None:
    body = "中美代表团今天在奥斯陆开始第五轮会谈。"
    assert asserted_states(claims(analyser, "奥斯陆直播", body)) == {"held"}


def test_a_story_republished_recalls(analyser: RuleAnalyser) -> None:
    body = "【本文原刊于2025年4月9日，应读者要求重发】税委会宣布，将对美商品加征税率提高至90%。"
    found = claims(analyser, "旧闻重发｜中方对美加征关税提高至90%", body)
    assert not any(c.modality.value == "asserted" for c in found)


def test_that_is_from_one_figure_to_another_is_the_part_named_before(
    analyser: RuleAnalyser,
) -> None:
    body = "商务部介绍，美方将取消5%的所谓“芬太尼关税”，即由15%降至10%。"
    found = claims(analyser, "釜山会晤后", body)
    assert not any(c.fact_id == US for c in found)


def test_a_trip_announced_is_ahead(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "商务部宣布副总理赴挪威举行中美经贸会谈", "")
    assert asserted_states(found) == {"scheduled"}


def test_a_later_clause_s_estimate_is_not_the_claim_s(analyser: RuleAnalyser) -> None:
    body = "中美代表团上午在奥斯陆坐下来，开始第五轮经贸会谈，会谈预计持续两天。"
    assert asserted_states(claims(analyser, "奥斯陆直播", body)) == {"held"}


def test_the_city_of_a_meeting_is_no_actor(analyser: RuleAnalyser) -> None:
    body = "北京会晤后美方取消的是剩余5%的芬太尼关税，10%的对等关税仍然有效。"
    found = claims(analyser, "更正", body)
    assert not any(c.fact_id == "china-tariff-us" for c in found)
    assert (FENT, 0.0) in firm(found)


def test_a_clause_that_is_only_the_level_moved_to_is_the_part_named_before(
    analyser: RuleAnalyser,
) -> None:
    body = "白宫情况说明称，对华芬太尼相关关税降低5个百分点，降至15%。"
    found = claims(analyser, "白宫情况说明", body)
    assert not any(c.fact_id == US for c in found)
    assert (FENT, 15.0) in {(c.fact_id, c.value) for c in found}


def test_a_note_in_brackets_counts_out_only_the_level_it_follows(analyser: RuleAnalyser) -> None:
    body = (
        "特朗普表示，美方将把芬太尼关税由25%降至15%，他称综合税率将从62%降到52%"
        "（包含301条款等既有关税）。按IEEPA口径，美对华加征合计由35%降至25%。"
    )
    found = {c.value for c in claims(analyser, "特朗普谈关税", body) if c.fact_id == US}
    assert 25.0 in found and 52.0 not in found


def test_an_executive_vice_minister_is_named_without_the_title(analyser: RuleAnalyser) -> None:
    body = "答：经研究决定，由公安部常务副部长林海峰担任中方禁毒合作牵头人，负责与美方对话。"
    found = claims(analyser, "外交部：禁毒合作牵头人", body)
    envoy = {c.value for c in found if c.fact_id == "china-fentanyl-envoy"}
    assert envoy == {"Lin Haifeng"}


def test_a_flash_whose_body_repeats_its_title_is_its_headline_alone(
    analyser: RuleAnalyser,
) -> None:
    title = "快讯：美方宣布取消对华芬太尼关税"
    found = claims(analyser, title, title + "。")
    assert (FENT, 0.0) in {(c.fact_id, c.value) for c in found}
    assert firm(found) == firm(claims(analyser, title, "")) != set()


def test_a_gross_rate_with_a_share_suspended_after_a_wrapped_line_is_not_in_force(
    analyser: RuleAnalyser,
) -> None:
    body = (
        "根据联合声明，美方将取消3月8日和3月9日加征的关税，对3月2日加征的44%关税中34%暂停\n"
        "实施90天，保留10%；中方相应取消反制加征关税。"
    )
    found = {
        c.value for c in claims(analyser, "中美奥斯陆经贸会谈联合声明", body) if c.fact_id == US
    }
    assert 44.0 not in found
