"""Relevance and topics, table-driven; the sentences are written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.feeds.entry import Entry
from bot.news.analysis import Analyser
from bot.news.topics import load_topics


def entry(title: str, text: str = "") -> Entry:
    return Entry(
        "test",
        title,
        f"https://example.test/{abs(hash(title))}",
        title,
        datetime(2025, 6, 10, tzinfo=UTC),
        text,
    )


RELEVANT = [
    ("Beijing answers Washington with new duties on American farm goods", "", "us-china-tariffs"),
    (
        "Both sides trim tariffs again",
        "Each government lowered its levies on the other's goods.",
        "us-china-tariffs",
    ),
    (
        "Negotiators from the US and China gather in Stockholm",
        "Bessent and He Lifeng are expected to discuss the tariff truce.",
        "trade-talks",
    ),
    ("Overdose deaths fall for a tenth month", "Fentanyl still drives most deaths.", "fentanyl"),
    ("China tightens controls on fentanyl precursor chemicals", "", "precursors"),
    (
        "US and Chinese police restart drug enforcement meetings",
        "Beijing confirmed it.",
        "counternarcotics",
    ),
    (
        "Parcels from China lose their duty-free status",
        "The US ends de minimis for them.",
        "de-minimis",
    ),
]


@pytest.mark.parametrize(("title", "text", "topic"), RELEVANT)
def test_relevant(analyser: Analyser, title: str, text: str, topic: str) -> None:
    analysis = analyser.analyse(entry(title, text))
    assert analysis.relevant
    assert topic in analysis.topics


NOT_RELEVANT = [
    ("Japan and the EU settle a dispute over car tariffs", "Tokyo cut duties to 10 percent."),
    ("Britain and the United States sign a limited trade deal", "Tariffs on cars fall."),
    ("Steel and aluminum tariffs rise worldwide", "Duties doubled to 50 percent."),
    ("Chinese visitors flock to Thai beaches", "Bookings from China rose 30 percent."),
    ("Vietnam's coffee exports hit a record", "Shipments rose 12 percent."),
    ("Wang Yi meets his German counterpart in Berlin", "The two discussed Ukraine."),
    (
        "India and Canada trade tariff threats",
        "Canada warned of 25 percent duties on India, while China watched.",
    ),
]


@pytest.mark.parametrize(("title", "text"), NOT_RELEVANT)
def test_not_relevant(analyser: Analyser, title: str, text: str) -> None:
    analysis = analyser.analyse(entry(title, text))
    assert not analysis.relevant, analysis.topics
    assert analysis.claims == ()


def test_a_claim_makes_an_entry_relevant_with_its_facts_topics(analyser: Analyser) -> None:
    analysis = analyser.analyse(entry("Levies on Chinese goods now 30%"))
    assert analysis.relevant
    assert "us-china-tariffs" in analysis.topics


def test_short_relevant_text_asks_for_the_full_article(analyser: Analyser) -> None:
    short = analyser.analyse(entry("US and China hold trade talks in Geneva", "More soon."))
    assert short.needs_full_text
    long_text = "The two delegations discussed tariffs on Chinese goods at length. " * 5
    assert not analyser.analyse(entry("US and China hold trade talks", long_text)).needs_full_text
    assert not analyser.analyse(entry("Rice harvest up", "Short.")).needs_full_text


def test_summary_is_extractive_plain_and_bounded(analyser: Analyser) -> None:
    text = (
        "Markets were calm on Monday. <b>The US will cut tariffs on Chinese goods to 30 "
        "percent.</b> Analysts expect more volatility. Beijing will lower duties on American "
        "goods to 10 percent. " + "Filler sentence about the weather in Geneva. " * 20
    )
    summary = analyser.analyse(entry("Tariffs fall", text)).summary
    assert "<" not in summary and len(summary) <= 400
    assert "The US will cut tariffs on Chinese goods to 30 percent." in summary
    assert "Beijing will lower duties on American goods to 10 percent." in summary
    assert "weather" not in summary


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("topics: []\n", "topics"),
        (
            "vocabulary: {china: [China]}\ntopics: [{id: t, terms: [x], requires: [nope]}]\n",
            "topics.0.requires",
        ),
        ("topics: [{id: t, terms: [x], colour: red}]\n", "topics.0.colour"),
        ("topics: [{id: t}\n", "cannot read"),
    ],
)
def test_malformed_topics_file_names_file_and_field(
    tmp_path: Path, content: str, where: str
) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_topics(path)
    assert str(path) in str(caught.value) and where in str(caught.value)
