"""Whose word a Chinese item gives, in sentences written for these tests: a ministry's own
news (据公安部消息) is a named source, not a rumour; a headline over a body that gives a state
only on unnamed sources is no firmer than the body; a name followed by 或 (may) is the name
alone, and only proposed; a post named before its holder (牵头人由…担任) names him."""

from __future__ import annotations

from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

ENVOY, COOP = "china-fentanyl-envoy", "counternarcotics-cooperation"


def _read(found: list, fact: str) -> set[tuple[object, Modality]]:
    return {(c.value, c.modality) for c in found if c.fact_id == fact}


def test_a_ministrys_own_news_is_no_rumour(analyser: RuleAnalyser) -> None:
    body = "据公安部消息，公安部副部长林海涛接替王小洪，担任中美禁毒合作中方牵头人。"
    found = claims(analyser, "公安部发布", body)
    assert ("Lin Haitao", Modality.ASSERTED) in _read(found, ENVOY)


def test_news_from_people_near_a_ministry_is_a_rumour(analyser: RuleAnalyser) -> None:
    body = "据接近公安部的人士消息，公安部副部长林海涛将接替王小洪，担任中美禁毒合作中方牵头人。"
    found = claims(analyser, "人事传闻", body)
    assert ("Lin Haitao", Modality.ASSERTED) not in _read(found, ENVOY)


def test_a_headline_over_a_rumoured_state_is_not_asserted(analyser: RuleAnalyser) -> None:
    body = "据知情人士透露，中方已暂停中美禁毒合作，双方均未证实。"
    found = claims(analyser, "中方暂停中美禁毒合作", body)
    assert _read(found, COOP) and all(m is not Modality.ASSERTED for _, m in _read(found, COOP))


def test_a_name_before_huo_is_the_name_and_only_proposed(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "公安部副部长林海涛或任中美禁毒合作中方牵头人", "")
    assert _read(found, ENVOY) == {("Lin Haitao", Modality.PROPOSED)}


def test_the_post_named_before_its_holder_names_the_envoy(analyser: RuleAnalyser) -> None:
    body = "外交部发言人表示，今后中美禁毒合作中方牵头人由林海涛担任。"
    assert ("Lin Haitao", Modality.ASSERTED) in _read(claims(analyser, "外交部答问", body), ENVOY)
