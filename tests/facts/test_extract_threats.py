"""New layers ahead, in sentences written for these tests: an additional tariff a person says
will start on a date ahead, with no order, proclamation, notice or tariff commission behind it,
is a threat (English and Chinese; a flash's body in capitals is read like its headline), while
the same layer set by an order or a commission notice, or told in the news voice ("Trump adds
..."), is as before; 调降至 after a prior level makes it the prior, not a level; a measure named
and then said not in force (…所称的50%关税并未实施) states none; a step someone is "looking at" is
weighed, not taken; talks that "can resume once" the other side acts wait for it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Claim, Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

US, CN, FENTANYL = "us-tariff-china", "china-tariff-us", "us-fentanyl-tariff-china"
WHEN = datetime(2026, 6, 10, 8, tzinfo=UTC)


def _asserted(found: list[Claim], fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact and c.modality is Modality.ASSERTED}


def test_a_layer_a_person_says_will_start_is_a_threat(extractor: ClaimExtractor) -> None:
    title = "TRUMP SAYS US WILL IMPOSE ADDITIONAL 50% TARIFF ON CHINA FROM JULY 1"
    assert _asserted(extractor.extract("", WHEN, title=title), US) == set()


def test_a_flash_body_in_capitals_is_read_like_its_headline(extractor: ClaimExtractor) -> None:
    body = "TRUMP SAYS US WILL IMPOSE ADDITIONAL 50% TARIFF ON CHINA FROM JULY 1, ON TOP OF CURRENT"
    assert _asserted(extractor.extract(body, WHEN, title="Flash"), US) == set()


def test_a_layer_an_order_sets_is_decided(extractor: ClaimExtractor) -> None:
    title = "Trump signs order imposing an additional 25% tariff on Chinese goods from July 1"
    found = extractor.extract("", WHEN, title=title)
    assert [c.modality for c in found if c.fact_id == US] == [Modality.ASSERTED]


def test_a_layer_a_person_says_will_start_is_a_threat_in_chinese(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "特朗普称将自7月1日起对中国商品额外加征50%关税", "")
    assert _asserted(found, US) == set()


def test_a_layer_the_commission_sets_is_decided_in_chinese(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "税委会公告：自7月1日起对原产于美国的进口商品额外加征15%关税", "")
    assert [c.modality for c in found if c.fact_id == CN] == [Modality.ASSERTED]


def test_tiaojiang_after_a_prior_makes_it_the_prior(analyser: RuleAnalyser) -> None:
    body = "白宫宣布，美方把对中国商品加征的芬太尼相关关税由30%调降至15%。"
    assert _asserted(claims(analyser, "美方下调芬太尼关税", body), FENTANYL) == {15.0}


def test_a_measure_named_then_said_not_in_force_is_none(analyser: RuleAnalyser) -> None:
    body = "答：截至目前，美方所称的50%关税并未实施。"
    assert _asserted(claims(analyser, "商务部新闻发言人答记者问", body), US) == set()


def test_a_step_someone_is_looking_at_is_weighed(extractor: ClaimExtractor) -> None:
    title = "Trump says he is 'looking at' ending the fentanyl tariff on Chinese goods"
    assert _asserted(extractor.extract("", WHEN, title=title), FENTANYL) == set()


def test_talks_that_can_resume_once_a_step_is_taken_wait(extractor: ClaimExtractor) -> None:
    body = "Beijing said trade talks can resume once Washington removes the new export curbs."
    found = extractor.extract(body, WHEN, title="China sets terms for talks")
    assert _asserted(found, "trade-talks") == set()
