"""Same-story clustering: shared claims, near-duplicates, and rumours kept apart from reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config.sections import ScheduleConfig
from bot.facts.model import Change, ChangeStatus, Fact, FactKind, FactValue
from bot.feeds.entry import Entry
from bot.news.analysis import Analysis
from bot.news.cluster import StoryMember, find_story, is_copy, stages_of, stored_events

T0 = datetime(2025, 5, 12, 8, tzinfo=UTC)
WINDOW = timedelta(hours=48)
NOTHING = Analysis(relevant=True, topics=(), claims=(), summary="", needs_full_text=False)


def entry(title: str, text: str = "", hours: float = 1) -> Entry:
    return Entry(
        "wire", title, f"https://example.test/{title}", title, T0 + timedelta(hours=hours), text
    )


def member(
    key: str,
    title: str,
    text: str = "",
    events: frozenset = frozenset(),
    story: str | None = None,
    hours: float = 0,
) -> StoryMember:
    return StoryMember(key, T0 + timedelta(hours=hours), title, text, events, story)


def confirmed(fact: str, value: FactValue) -> Change:
    return Change(fact, value, value, ChangeStatus.CONFIRMED, "e")


TRUCE = member(
    "a",
    "US and China agree to slash tariffs for 90 days",
    events=frozenset(
        {("us-tariff-china", "30", "changed"), ("trade-talks", "agreement", "changed")}
    ),
)

CASES = [
    # near-duplicate title from another outlet
    (entry("China and US agree to slash tariffs for 90 days"), [], [TRUCE], "a"),
    # different words, but it confirms a change the first member made
    (entry("Stocks jump on tariff relief"), [confirmed("us-tariff-china", 30.0)], [TRUCE], "a"),
    # a later member of the story points to the story's first entry
    (
        entry("Third report of the truce"),
        [confirmed("us-tariff-china", 30.0)],
        [
            TRUCE,
            member(
                "b",
                "Stocks jump",
                story="a",
                hours=0.5,
                events=frozenset({("us-tariff-china", "30", "confirmed")}),
            ),
        ],
        "a",
    ),
    # outside the window it is a new story
    (entry("China and US agree to slash tariffs for 90 days", hours=72), [], [TRUCE], None),
    # an unrelated story with other values is a new story
    (
        entry("Beijing adds precursors to its control list"),
        [confirmed("china-precursor-controls", "2025-05")],
        [TRUCE],
        None,
    ),
    # a confirmation of a value the member did not report is a new story
    (entry("Talks resume"), [confirmed("trade-talks", "held")], [TRUCE], None),
]


@pytest.mark.parametrize(("new", "changes", "recent", "story"), CASES)
def test_find_story(new: Entry, changes: list, recent: list, story: str | None) -> None:
    assert find_story(new, NOTHING, changes, recent, WINDOW) == story


def change(fact: str, old: FactValue, new: FactValue, status: ChangeStatus) -> Change:
    return Change(fact, old, new, status, "e")


def test_a_retelling_in_other_words_shares_the_claimed_change() -> None:
    retold = [change("us-tariff-china", 145.0, 30.0, ChangeStatus.REPORTED)]
    assert find_story(entry("Washington trims levies"), NOTHING, retold, [TRUCE], WINDOW) == "a"


def test_a_rumour_is_not_the_report_it_echoes() -> None:
    rumour = member(
        "r",
        "US and China agree to slash tariffs for 90 days, people familiar say",
        events=frozenset({("us-tariff-china", "30", "proposed")}),
    )
    report = [change("us-tariff-china", 145.0, 30.0, ChangeStatus.CHANGED)]
    same_words = entry("US and China agree to slash tariffs for 90 days")
    assert find_story(same_words, NOTHING, report, [rumour], WINDOW) is None


def test_different_claimed_values_are_different_stories() -> None:
    other = [change("us-tariff-china", 145.0, 50.0, ChangeStatus.CHANGED)]
    same_words = entry("US and China agree to slash tariffs for 90 days")
    assert find_story(same_words, NOTHING, other, [TRUCE], WINDOW) is None


def test_stored_events_read_old_pairs_as_confirmations() -> None:
    assert stored_events([["us-tariff-china", "30.0"], ["trade-talks", "held", "changed"]]) == {
        ("us-tariff-china", "30", "confirmed"),
        ("trade-talks", "held", "changed"),
    }


def test_copies_are_one_source() -> None:
    text = "The commerce ministry said the levy on soybeans would be lifted from Monday."
    assert is_copy(text, text + " Reporting by a wire desk.")
    assert not is_copy(text, "Exporters welcomed the news on soybeans, a trade group said.")


def test_the_order_carrying_out_a_deal_a_week_later_joins_the_deal_by_default() -> None:
    """An order taking effect six days after the deal names the deal's change: with the default
    claims window (7 days) it follows up the deal; past the window it is a new story."""
    claims_window = ScheduleConfig().story_claims_window
    deal = member("d", "Leaders agree to halve the opioid duty", events=frozenset(
        {("us-fentanyl-tariff-china", "10", "changed")}))  # fmt: skip
    order = [confirmed("us-fentanyl-tariff-china", 10.0)]
    six_days = entry("President signs proclamation on opioid levy", hours=6 * 24)
    eight_days = entry("President signs proclamation on opioid levy", hours=8 * 24)
    assert find_story(six_days, NOTHING, order, [deal], WINDOW, claims_window) == "d"
    assert find_story(eight_days, NOTHING, order, [deal], WINDOW, claims_window) is None


def fact_with_stages(fact_id: str, stages: tuple[str, ...]) -> Fact:
    states = (*stages, "broken")
    return Fact(fact_id, fact_id, FactKind.STATE, states[0], T0.date(), "c", "e", states=states,
                story_stages=stages)  # fmt: skip


def test_a_later_stage_of_a_story_follows_it_and_other_values_do_not() -> None:
    """The deal that closes a round of talks joins the story of the round, within the claims
    window; a state outside the stages (talks broken off), a fact without stages and a rumoured
    deal stay stories of their own."""
    stages = stages_of([fact_with_stages("talks", ("planned", "met", "deal"))])
    round_held = member("m", "Envoys meet in Oslo", events=frozenset({("talks", "met", "changed")}))
    deal = [change("talks", "met", "deal", ChangeStatus.CHANGED)]
    broken = [change("talks", "met", "broken", ChangeStatus.CHANGED)]
    pact = entry("A pact on levies", hours=20)
    assert find_story(pact, NOTHING, deal, [round_held], WINDOW, None, stages) == "m"
    assert find_story(pact, NOTHING, deal, [round_held], WINDOW) is None
    assert find_story(pact, NOTHING, broken, [round_held], WINDOW, None, stages) is None
    week = timedelta(days=7)
    days_later = entry("A pact on levies", hours=100)
    assert find_story(days_later, NOTHING, deal, [round_held], WINDOW, week, stages) == "m"
    assert find_story(days_later, NOTHING, deal, [round_held], WINDOW, None, stages) is None
    late = entry("A pact on levies", hours=8 * 24)
    assert find_story(late, NOTHING, deal, [round_held], WINDOW, week, stages) is None
    rumour = [change("talks", "met", "deal", ChangeStatus.PROPOSED)]
    assert find_story(pact, NOTHING, rumour, [round_held], WINDOW, None, stages) is None
