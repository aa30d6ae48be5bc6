"""End to end through the analysis rooms: feed bytes → entries → analyse → compare → story.

The feed is written for this test (its own wording, invented dates); the state is a dict, as the
worker keeps it in the store. Checks: each change once, confirmations cluster, proposals and
history never change a fact, irrelevant items stay quiet.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.facts.catalogue import Catalogue
from bot.facts.compare import Judgement, compare
from bot.facts.evidence import Source, Tier
from bot.facts.model import ChangeStatus, FactState
from bot.feeds import parse_feed
from bot.news.analysis import Analyser
from bot.news.cluster import StoryMember, events_of, find_story

ITEMS = [
    (
        "i1",
        "Mon, 12 May 2025 06:00:00 GMT",
        "US and China strike a 90-day tariff deal",
        "Washington will cut its tariff on Chinese goods to 30 percent, down from 145 percent, and "
        "Beijing will lower its duties on American products to 10 percent, the two sides said.",
    ),
    (
        "i2",
        "Mon, 12 May 2025 09:00:00 GMT",
        "Shares surge as tariff relief lands",
        "Investors cheered as US levies on Chinese imports dropped to 30 percent.",
    ),
    (
        "i3",
        "Tue, 13 May 2025 09:00:00 GMT",
        "Trump warns tariffs could go back up",
        "The president said duties on Chinese goods could rise to 80 percent if talks fail.",
    ),
    (
        "i4",
        "Fri, 20 Jun 2025 09:00:00 GMT",
        "How the spring tariff fight unfolded",
        "Duties on Chinese goods had peaked at 145 percent in April.",
    ),
    (
        "i5",
        "Sat, 21 Jun 2025 09:00:00 GMT",
        "Japanese automakers brace for 25 percent duties",
        "Tokyo hopes to cut the tariff on its cars to 15 percent.",
    ),
    (
        "i6",
        "Mon, 23 Jun 2025 09:00:00 GMT",
        "Beijing adds fentanyl precursors to its control list",
        "China said it would place three more chemicals used to make fentanyl under national "
        "control from July, widening a list it last expanded in September.",
    ),
]


def feed_bytes() -> bytes:
    items = "".join(
        f"<item><guid>{i}</guid><link>https://example.test/{i}</link><title>{t}</title>"
        f"<pubDate>{d}</pubDate><description>{x}</description></item>"
        for i, d, t, x in ITEMS
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}'
        "</channel></rss>".encode()
    )


def test_scenario(catalogue: Catalogue, analyser: Analyser) -> None:
    parsed = parse_feed(feed_bytes(), "scenario")
    assert not parsed.problems
    state = {
        k: FactState(f.baseline, datetime.combine(f.as_of, time(), tzinfo=UTC))
        for k, f in catalogue.items()
    }
    members: list[StoryMember] = []
    out = {}
    for entry in sorted(parsed.entries, key=lambda e: e.published):
        analysis = analyser.analyse(entry)
        how = Judgement(entry.published, Source(f"{entry.entry_id}.example", Tier.OUTLET))
        changes = compare(analysis.claims, state, catalogue, how)
        story = find_story(entry, analysis, changes, members, timedelta(hours=48))
        for change in changes:
            if change.status is ChangeStatus.CHANGED:
                state[change.fact_id] = FactState(change.new, entry.published, entry.key)
        members.append(
            StoryMember(
                entry.key, entry.published, entry.title, entry.text, events_of(changes), story
            )
        )
        out[entry.entry_id] = (
            analysis.relevant,
            {(c.fact_id, c.new, c.status) for c in changes},
            story,
        )

    changed = ChangeStatus.CHANGED
    assert out["i1"][1] >= {
        ("us-tariff-china", 30.0, changed),
        ("china-tariff-us", 10.0, changed),
        ("trade-talks", "agreement", changed),
    }
    assert out["i1"][2] is None
    assert out["i2"][1] == {("us-tariff-china", 30.0, ChangeStatus.CONFIRMED)}
    assert out["i2"][2] == members[0].entry_key
    assert out["i3"][1] == {("us-tariff-china", 80.0, ChangeStatus.PROPOSED)}
    assert out["i4"] == (True, set(), None)
    assert out["i5"] == (False, set(), None)
    assert out["i6"][1] == {("china-precursor-controls", "2025-06", changed)}
    assert state["us-tariff-china"].value == 30.0
