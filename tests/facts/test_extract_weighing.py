"""What a side weighs and who speaks, in sentences written for these tests: a state that weighs
a proposal (``hints.weighs``: evaluating) is not hedged by the proposal it weighs, in English and
Chinese, and a seed naming an unknown state there is refused; a spokesperson's "remarks on" a
step are the statement itself; an "Urgent:" rubric urges nothing; an honorific ("Comrade") is no
part of a name; a trip ahead for meetings is scheduled however long the phrase between; a cut
told "after Trump met Xi" is the outcome of their meeting; a known name counts only where its
own sentence is about the fact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue, SeedError
from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality
from bot.news.analysis import RuleAnalyser, build_analyser
from tests.facts.test_new_fact import copy_data
from tests.zh.test_claims import analyser, claims

__all__ = ["analyser"]  # the module fixture, shared

TALKS, ENVOY, FENTANYL = "trade-talks", "china-fentanyl-envoy", "us-fentanyl-tariff-china"
WHEN = datetime(2026, 8, 4, 9, tzinfo=UTC)


def _asserted(found: list, fact: str) -> set[object]:
    return {c.value for c in found if c.fact_id == fact and c.modality is Modality.ASSERTED}


def test_weighing_a_proposal_for_talks_is_evaluating(extractor: ClaimExtractor) -> None:
    body = (
        "Asked about a US proposal for another round of trade talks, a ministry spokesperson said "
        "Beijing was evaluating the request for talks."
    )
    found = extractor.extract(body, WHEN, title="Ministry briefing")
    assert _asserted(found, TALKS) == {"evaluating"}


def test_weighing_a_proposal_for_talks_is_evaluating_in_chinese(analyser: RuleAnalyser) -> None:
    found = claims(analyser, "外交部：中方正在评估美方关于举行新一轮经贸磋商的提议", "")
    assert "evaluating" in _asserted(found, TALKS)


def test_a_wish_to_resume_talks_holds_no_round(analyser: RuleAnalyser) -> None:
    body = "发言人表示，美方近日多次表达了恢复中美经贸磋商的意愿。"
    assert "held" not in _asserted(claims(analyser, "商务部发言人答记者问", body), TALKS)


def test_a_seed_naming_an_unknown_state_it_weighs_is_refused(tmp_path: Path) -> None:
    seeds, topics = copy_data(tmp_path, "", "")
    text = (seeds / "facts.yaml").read_text(encoding="utf-8")
    wrong = text.replace("weighs: [evaluating]", "weighs: [weighing]", 1)
    (seeds / "facts.yaml").write_text(wrong, encoding="utf-8")
    with pytest.raises((SeedError, ValueError), match="'weighing' is not one of"):
        build_analyser(Catalogue.load(seeds), topics)


def test_a_spokespersons_remarks_on_a_step_are_the_statement(extractor: ClaimExtractor) -> None:
    title = "Commerce ministry spokesperson's remarks on the postponement of China-US trade talks"
    assert _asserted(extractor.extract("", WHEN, title=title), TALKS) == {"stalled"}


def test_an_urgent_rubric_urges_nothing(extractor: ClaimExtractor) -> None:
    title = "URGENT: US TO END FENTANYL TARIFF ON CHINESE GOODS FROM SEPT 1 - WHITE HOUSE"
    assert _asserted(extractor.extract("", WHEN, title=title), FENTANYL) == {0.0}


def test_an_honorific_is_no_part_of_a_name(extractor: ClaimExtractor) -> None:
    body = "Comrade Tian Haoran will lead the Chinese side in the counternarcotics working group."
    found = extractor.extract(body, WHEN, title="Press conference on fentanyl cooperation")
    assert _asserted(found, ENVOY) == {"Tian Haoran"}


def test_a_trip_ahead_for_meetings_is_scheduled(extractor: ClaimExtractor) -> None:
    body = (
        "President Trump will travel to Beijing from September 14 to September 16, 2026, at the "
        "invitation of President Xi Jinping, for meetings on trade and agriculture."
    )
    found = extractor.extract(body, WHEN, title="Statement on the President's trip")
    assert _asserted(found, TALKS) == {"scheduled"}


def test_a_cut_told_after_one_leader_met_the_other_is_their_deal(
    extractor: ClaimExtractor,
) -> None:
    body = (
        "The United States will drop the remaining 10 percent fentanyl tariff on Chinese goods "
        "from September 1, a White House official said after Trump met Xi in Seoul."
    )
    found = extractor.extract(body, WHEN, title="US to drop fentanyl tariff")
    assert "agreement" in _asserted(found, TALKS)


def test_a_name_counts_where_its_own_sentence_is_about_the_fact(
    extractor: ClaimExtractor,
) -> None:
    body = "An earlier version misstated Qiao Ming's rank. Wang Xiaohong remains minister."
    found = extractor.extract(body, WHEN, title="Correction: China's new fentanyl envoy")
    assert [c for c in found if c.fact_id == ENVOY] == []
