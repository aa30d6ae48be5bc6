"""Sentences, clauses, figures and time references, table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from bot.facts.dates import Direction, time_refs
from bot.facts.text import (
    Role,
    clauses,
    figures,
    normalise_figures,
    sentences,
    words_to_number,
)


def test_sentences_keep_abbreviations_whole() -> None:
    text = "The U.S. cut duties. Mr. Bessent met Vice Premier He on Nov. 3 in Geneva. Then what?"
    assert sentences(text) == [
        "The U.S. cut duties.",
        "Mr. Bessent met Vice Premier He on Nov. 3 in Geneva.",
        "Then what?",
    ]


def test_a_live_blog_time_stamp_opening_a_sentence_is_left_out() -> None:
    text = (
        "08:15 BST - Talks resume. 11.40am: The envoy arrives (17:05 CET) later. 14:20 EST | Done."
    )
    assert sentences(text) == ["Talks resume.", "The envoy arrives (17:05 CET) later.", "Done."]


@pytest.mark.parametrize(
    ("sentence", "parts", "background"),
    [
        (
            "A rose to 30%, and B fell to 10%",
            ["A rose to 30%", "and B fell to 10%"],
            [False, False],
        ),
        ("Talks end - tariffs fall", ["Talks end", "tariffs fall"], [False, False]),
        (
            "Stocks rose after the two sides agreed",
            ["Stocks rose", "after the two sides agreed"],
            [False, True],
        ),
        (
            "US duties fall as China cuts to 10%",
            ["US duties fall", "as China cuts to 10%"],
            [False, False],
        ),
        ("It acted as part of the deal", ["It acted as part of the deal"], [False]),
        (
            "China hit back, responding to the US move",
            ["China hit back", "responding to the US move"],
            [False, True],
        ),
        (
            "Levies rose; China said it was studying a reply",
            ["Levies rose", "China said it was studying a reply"],
            [False, False],
        ),
        (
            "Cooperation resumed, including data sharing",
            ["Cooperation resumed, including data sharing"],
            [False],
        ),
    ],
)
def test_clauses(sentence: str, parts: list[str], background: list[bool]) -> None:
    found = clauses(sentence)
    assert [c.text for c in found] == parts
    assert [c.background for c in found] == background


@pytest.mark.parametrize(
    ("phrase", "number"),
    [("thirty", 30), ("one hundred and twenty-five", 125), ("twenty five", 25), ("tariff", None)],
)
def test_words_to_number(phrase: str, number: float | None) -> None:
    assert words_to_number(phrase) == number


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("to 30 percent from 145 percent", [(30, Role.LEVEL), (145, Role.PREVIOUS)]),
        ("from 145 to 30 percent", [(145, Role.PREVIOUS), (30, Role.LEVEL)]),
        ("to thirty per cent", [(30, Role.LEVEL)]),
        ("a 54pc levy", [(54, Role.LEVEL)]),
        ("by 115 percentage points", []),
        ("a cut of 115 points", []),
        ("rose 3 percent", [(3, Role.DELTA)]),
        ("up more than 20 percent", [(20, Role.DELTA)]),
        ("a 10 percent increase", [(10, Role.DELTA)]),
        ("about 60 percent of deaths", [(60, Role.SHARE)]),
        ("30%, down from 145%", [(30, Role.LEVEL), (145, Role.PREVIOUS)]),
    ],
)
def test_figures_and_roles(text: str, found: list) -> None:
    assert [(f.value, f.role) for f in figures(normalise_figures(text))] == found


@pytest.mark.parametrize(
    ("text", "direction", "when"),
    [
        ("next month", Direction.FUTURE, date(2026, 3, 1)),
        ("last month", Direction.PAST, date(2026, 1, 1)),
        ("from March", Direction.FUTURE, date(2026, 3, 1)),
        ("in 2019", Direction.PAST, date(2019, 1, 1)),
        ("in November", Direction.EITHER, date(2025, 11, 1)),
        ("this month", Direction.NOW, date(2026, 2, 1)),
        ("since May 2024", Direction.PAST, date(2024, 5, 1)),
    ],
)
def test_time_refs(text: str, direction: Direction, when: date) -> None:
    (ref,) = time_refs(text, date(2026, 2, 9))
    assert ref.direction is direction
    assert (ref.future if direction is Direction.FUTURE else ref.past) == when


def test_the_modal_may_is_not_a_month() -> None:
    assert time_refs("tariffs may rise", date(2026, 2, 9)) == []
