"""Chinese items on talks ahead, deals still to be reported and a new envoy, in sentences written
for these tests: talks that 将在 a place 举行 are scheduled, not held; a framework the teams will
report to 两国领导人 is the round held, not the deal; a new lead official who takes the post
即日起, or who 任 the lead (a bare verb), is the envoy; a correction that retells what its own
earlier story said (本台…快讯称“…”，系…误读) claims nothing; the tariff on 中国商品 is the US
tariff on China; an 额外 duty lowered to (降至) or left at (仅剩) a level is that level, not a
layer on top."""

from __future__ import annotations

from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims, firm
from tests.zh.test_claims_ahead import states

__all__ = ["analyser"]  # the module fixture, shared

ENVOY = "china-fentanyl-envoy"


def test_talks_that_will_be_held_somewhere_are_scheduled(analyser: RuleAnalyser) -> None:
    body = "商务部宣布，经双方商定，中美经贸会谈将在奥斯陆举行。"
    assert states(claims(analyser, "中美将举行新一轮经贸会谈", body)) == {"scheduled"}


def test_a_framework_to_report_to_both_leaders_is_no_deal(analyser: RuleAnalyser) -> None:
    body = (
        "中美经贸磋商在奥斯陆结束。李成钢表示，双方原则上就落实元首共识达成框架，"
        "将分别向两国领导人报告。"
    )
    assert states(claims(analyser, "中美奥斯陆磋商结束", body)) == {"held"}


def test_an_official_who_takes_the_post_from_today_is_the_envoy(analyser: RuleAnalyser) -> None:
    body = "经批准，国家禁毒委员会副主任周明德即日起担任中美禁毒对话中方牵头人，接替王小洪。"
    assert (ENVOY, "Zhou Mingde") in firm(claims(analyser, "中方禁毒对话牵头人调整", body))


def test_an_official_who_serves_as_lead_with_a_bare_ren_is_the_envoy(
    analyser: RuleAnalyser,
) -> None:
    body = "经批准，公安部副部长周明德任中美禁毒合作中方牵头人。"
    assert (ENVOY, "Zhou Mingde") in firm(claims(analyser, "中美禁毒合作中方牵头人调整", body))


def test_a_correction_retelling_its_own_story_claims_nothing(analyser: RuleAnalyser) -> None:
    body = (
        "本台5月2日快讯称“美方同意取消对华芬太尼关税”，系对会谈表态的误读。"
        "美方并未作出决定。特此更正。"
    )
    found = claims(analyser, "更正：关于中美会谈报道的说明", body)
    assert ("us-fentanyl-tariff-china", 0.0) not in firm(found)


def test_the_tariff_on_a_partys_goods_is_levied_on_that_party(analyser: RuleAnalyser) -> None:
    body = "美方芬太尼关税下调后，多数中国商品适用的IEEPA额外关税降至20%。"
    found = firm(claims(analyser, "美对华关税调整", body))
    assert ("us-tariff-china", 20.0) in found
    assert not [key for key in found if key[0] == "china-tariff-us"]


def test_an_additional_duty_lowered_to_a_level_is_that_level(analyser: RuleAnalyser) -> None:
    body = "美方宣布取消芬太尼关税后，多数中国商品承担的IEEPA额外关税仅剩10%的对等关税。"
    found = claims(analyser, "美对华芬太尼关税取消", body)
    whole = [c for c in found if c.fact_id == "us-tariff-china"]
    assert whole and all(c.value == 10.0 and c.relative is None for c in whole)
