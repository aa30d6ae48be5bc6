"""The prefilter's bit masks say what looking for each needle in the entry's words says: a
needle `` word `` is the whole word, `` word`` its beginning, ``word `` its end, ``word`` a
part; a requirement is met by one of its alternatives, all of whose needles are there."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from bot.news.analysis import Analyser, RuleAnalyser
from bot.news.prefilter import Alternatives, Prefilter, words_of

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "dev" / "items.yaml"


def _met(requirement: Alternatives, words: str) -> bool:
    return any(all(needle in words for needle in option) for option in requirement)


def by_needles(prefilter: Prefilter, text: str) -> tuple[bool, bool] | None:
    """The screen as the needles looked for in :func:`words_of`'s text say it."""
    words = words_of(text)
    if words is None:
        return None
    claim = any(all(_met(need, words) for need in rule) for rule in prefilter.claims)
    return claim, _met(prefilter.topics, words)


def test_each_kind_of_needle_and_requirement() -> None:
    duty = frozenset({frozenset({" tariff "}), frozenset({" duty", "china"})})
    rising = frozenset({frozenset({"ing "}), frozenset()})  # the empty option: always met
    prefilter = Prefilter(
        claims=((duty, rising), (frozenset(),)),  # a rule that cannot be met
        topics=frozenset({frozenset({" fentanyl"}), frozenset({"precursor ", "port"})}),
    )
    texts = [
        "A tariff on goods",  # whole word
        "Tariffs on goods",  # not the whole word
        "Dutyfree at Chinatown",  # a beginning and a part
        "Duties in Indochina",  # a part but no beginning
        "the duty on china",
        "Fentanyls seized",  # a beginning
        "a precursor at the airport",  # an end and a part
        "precursors at the airport",
        "清关 tariff",  # another script: nothing is screened out
        "",
    ]
    expected = [(True, False), (False, False), (True, False), (False, False), (True, False),
                (False, True), (False, True), (False, False), None, (False, False)]  # fmt: skip
    for text, answer in zip(texts, expected, strict=True):
        assert prefilter.screen(text) == answer == by_needles(prefilter, text), text
        words = words_of(text)
        if words is not None and answer is not None:
            assert (prefilter.may_claim(words), prefilter.may_match_topic(words)) == answer


def test_the_rules_prefilter_answers_as_its_needles_on_the_corpus_and_word_soups(
    analyser: Analyser,
) -> None:
    assert isinstance(analyser, RuleAnalyser)
    prefilter = analyser.prefilter
    items = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["items"] if CORPUS.exists() else []
    texts = [f"{item.get('title', '')} {item.get('summary', '')}" for item in items]
    needles = sorted(
        {n for rule in prefilter.claims for need in rule for option in need for n in option}
        | {n for option in prefilter.topics for n in option}
    )
    rng = random.Random(1)
    for _ in range(3000):  # words that hold needles whole, at their start or end, or inside
        words = [rng.choice("xa ").strip() + n.strip() + rng.choice(["", "s", "y"])
                 for n in rng.sample(needles, rng.randint(1, 8))]  # fmt: skip
        texts.append(" ".join(words))
    screened = [prefilter.screen(text) for text in texts]
    assert screened == [by_needles(prefilter, text) for text in texts]
    assert {(True, True), (False, False)} <= set(screened)
