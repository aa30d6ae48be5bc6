"""Dates, stays and suspensions, in sentences written for these tests: a day written before its
month ("from 1 June") is a date, not a prior rate; "after which" opens what follows, not what
led to it; a layer that "stays" is no court's stay; a duty "being removed" is removed; lifting
the suspension of the class-wide ban puts the ban back in force; a deal whose joint statement
is still due leaves the round held."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

WHEN = datetime(2026, 3, 4, 9, tzinfo=UTC)
LAYER, CHINA, BAN, TALKS = (
    "us-fentanyl-tariff-china",
    "china-tariff-us",
    "china-fentanyl-class-ban",
    "trade-talks",
)


def _found(found: list, fact: str) -> list:
    return [c for c in found if c.fact_id == fact]


def test_a_day_before_its_month_is_a_date_not_a_prior(extractor: ClaimExtractor) -> None:
    body = (
        "Washington will cut the fentanyl-related duty on Chinese goods to 5 percent from 1 June."
    )
    (claim,) = _found(extractor.extract(body, WHEN, title="Tariff notice"), LAYER)
    assert claim.previous is None and claim.effective == date(2026, 6, 1)


def test_after_which_opens_what_follows(extractor: ClaimExtractor) -> None:
    body = (
        "The commission said the pause on its 24 percent extra tariff on US goods ends on 12 "
        "March, after which the extra tariff on US goods will be 34 percent."
    )
    found = _found(extractor.extract(body, WHEN, title="Tariff commission notice"), CHINA)
    assert [c.modality for c in found if c.value == 34.0] == [Modality.ASSERTED]


def test_a_layer_that_stays_is_no_courts_stay(extractor: ClaimExtractor) -> None:
    body = (
        "The opioid tariff on China is being dropped from 1 May; the 10 percent reciprocal stays."
    )
    found = _found(extractor.extract(body, WHEN, title="Summit readout"), LAYER)
    assert [c.value for c in found] == [0.0]


def test_lifting_the_suspension_of_the_ban_restores_it(extractor: ClaimExtractor) -> None:
    body = (
        "The ministry said the suspension ordered in February has been lifted and the 2019 "
        "class-wide listing of fentanyl substances is again in force."
    )
    found = _found(extractor.extract(body, WHEN, title="Drug control notice"), BAN)
    assert {c.value for c in found} == {"in-force"}


def test_a_deal_whose_joint_statement_is_due_leaves_the_round_held(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "Talks in Oslo ended on Sunday. US officials said a deal with China had been struck; a "
        "joint statement is due on Tuesday."
    )
    found = _found(extractor.extract(body, WHEN, title="US-China trade talks end"), TALKS)
    assert "agreement" not in {c.value for c in found}


def test_restoring_the_class_listing_in_chinese(analyser: RuleAnalyser) -> None:
    body = "公安部等部门同日公告，恢复执行芬太尼类物质整类列管规定。"
    found = _found(claims(analyser, "国家禁毒委通报", body), BAN)
    assert {c.value for c in found} == {"in-force"}
