"""A deployer tracks a new fact in data (the README's worked example), and a mistake in its hints
stops the load with one line naming the file, the fact and the field."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue, SeedError
from bot.news.analysis import build_analyser
from tests.new_fact import ROOT, STEEL_FACT, copy_data

WHEN = datetime(2025, 8, 1, tzinfo=UTC)


def test_a_new_percent_fact_needs_only_data(tmp_path: Path) -> None:
    seeds, topics = copy_data(tmp_path, STEEL_FACT, "  steel_terms: [steel, steel products]\n")
    catalogue = Catalogue.load(seeds)
    analyser = build_analyser(catalogue, topics)
    extract = analyser.extractor.extract  # type: ignore[attr-defined]
    claims = extract("The US raised its tariff on Chinese steel to 75 percent on Monday.", WHEN)
    assert [(c.fact_id, c.value) for c in claims] == [("us-steel-tariff-china", 75.0)]
    # the economy-wide fact is untouched, and the new one stays out of it
    claims = extract("The US lowered its tariff on goods from China to 30 percent.", WHEN)
    assert [(c.fact_id, c.value) for c in claims] == [("us-tariff-china", 30.0)]


@pytest.mark.parametrize(
    ("fact", "vocabulary", "message"),
    [
        (
            STEEL_FACT.replace("qualifiers:", "qualifers:"),
            "  steel_terms: [steel]\n",
            "fact us-steel-tariff-china: field hints.figure.qualifers",
        ),
        (
            STEEL_FACT.replace("actor: us, target: china", "target: china, actor: usa"),
            "  steel_terms: [steel]\n",
            "fact us-steel-tariff-china: hints.figure.actor: unknown vocabulary 'usa'",
        ),
    ],
)
def test_a_mistake_in_the_hints_names_the_fact_and_field(
    tmp_path: Path, fact: str, vocabulary: str, message: str
) -> None:
    seeds, topics = copy_data(tmp_path, fact, vocabulary)
    with pytest.raises((SeedError, ValueError)) as caught:
        build_analyser(Catalogue.load(seeds), topics)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_shipped_seeds_load_with_their_typed_hints(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    catalogue = Catalogue.load(seeds)
    assert catalogue["trade-talks"].hints.future == {"held": "scheduled"}
    assert catalogue["us-fentanyl-tariff-china"].part_of == "us-tariff-china"


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (
            ("of: [us-tariff-china,", "of: [us-tarif-china,"),
            "fact trade-talks: hints.outcome.of: unknown fact 'us-tarif-china'",
        ),
        (
            ("after: after_meeting}", "after: after_meetings}"),
            "fact trade-talks: hints.outcome.after: unknown vocabulary 'after_meetings'",
        ),
        (("outcome: {state: agreement,", "outcome: {state: deal,"), "'deal' is not one of"),
    ],
)
def test_a_mistake_in_an_outcome_hint_names_the_fact_and_field(
    tmp_path: Path, wrong: tuple[str, str], message: str
) -> None:
    seeds, topics = copy_data(tmp_path, "", "")
    text = (seeds / "facts.yaml").read_text(encoding="utf-8")
    (seeds / "facts.yaml").write_text(text.replace(*wrong, 1), encoding="utf-8")
    with pytest.raises((SeedError, ValueError)) as caught:
        build_analyser(Catalogue.load(seeds), topics)
    assert message in str(caught.value)


SENTENCES = [
    "Vice Minister Gao Ming will lead China's fentanyl talks with the US, the ministry said.",
    "US and Chinese negotiators met in Oslo on Monday and will meet again on Tuesday.",
    "The talks collapsed after Beijing refused new demands.",
    "China added six precursor chemicals to its list of controlled substances.",
    "A coastal town opened a new library with 20,000 books.",
    "何立峰将于6月8日至13日访问挪威并与美方举行经贸磋商。",
    "公安部等部门宣布将三种芬太尼前体列入易制毒化学品管制。",
]


def test_each_rules_patterns_in_one_search_find_what_they_find_one_by_one(
    tmp_path: Path,
) -> None:
    """A clause none of a rule's patterns matches is skipped in one search of their alternation:
    it must match exactly where one of them does."""
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    analyser = build_analyser(Catalogue.load(seeds), ROOT / "config" / "topics.yaml")
    extractor = analyser.extractor  # type: ignore[attr-defined]
    rules = [*extractor.patterns.rules, *(r.rule for r in extractor.languages["zh"].patterns.rules)]
    assert all(rule.any_pattern is not None for rule in rules)
    for rule in rules:
        for text in SENTENCES:
            one_by_one = any(p.search(text) for _, p in rule.patterns)
            assert bool(rule.any_pattern.search(text)) == one_by_one, (rule.fact_id, text)
