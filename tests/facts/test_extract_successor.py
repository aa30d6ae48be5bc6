"""Who leads China's fentanyl talks, in sentences written for these tests: a surname alone is
the full name the item gives elsewhere; an apposition may stand between the new official and
"replaces"; lower-case titles may stand between "named" and the name, and an aside between the
name and "as"; "replaced <old> as ..., naming <new>" and a portfolio "handed to" somebody name
the successor; so does "<name> will be China's lead official"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.facts.extract import ClaimExtractor
from bot.facts.model import Modality

ENVOY = "china-fentanyl-envoy"
WHEN = datetime(2026, 3, 2, 9, tzinfo=UTC)


def named(extractor: ClaimExtractor, body: str, title: str = "") -> set[object]:
    return {
        c.value
        for c in extractor.extract(body, WHEN, title=title)
        if c.fact_id == ENVOY and c.modality is Modality.ASSERTED
    }


def test_a_surname_alone_is_the_full_name_given_elsewhere(extractor: ClaimExtractor) -> None:
    title = "Profile: Chen Ruolin, Beijing's new fentanyl negotiator"
    body = "A former customs chief, Chen replaces Wang Xiaohong at the head of the fentanyl talks."
    assert named(extractor, body, title) == {"Chen Ruolin"}


def test_a_surname_the_item_never_completes_names_nobody(extractor: ClaimExtractor) -> None:
    body = "Chen replaces Wang Xiaohong at the head of the fentanyl talks, a spokesman said."
    assert named(extractor, body) == set()


@pytest.mark.parametrize(
    "body",
    [
        "Chen Ruolin, a former customs chief, replaces Wang Xiaohong as the lead on fentanyl.",
        "Beijing named deputy customs minister Chen Ruolin, replacing Wang Xiaohong, as its lead "
        "official for fentanyl talks with Washington.",
        "China replaced Wang Xiaohong as its top official on fentanyl talks with the US, naming "
        "his deputy Chen Ruolin, state media said.",
        "Beijing handed its fentanyl portfolio to vice minister Chen Ruolin on Monday.",
        "The foreign ministry said Chen Ruolin will be China's lead official for fentanyl talks.",
    ],
)
def test_the_successor_is_named(extractor: ClaimExtractor, body: str) -> None:
    assert named(extractor, body) == {"Chen Ruolin"}
