"""The story window past its soft cap (``bot/app/stories.py``): a span it holds whole is not read
again from the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import stories as window_module
from bot.app.stories import StoryWindow
from bot.feeds.entry import Entry

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
WINDOW = timedelta(hours=48)


class FakeStore:
    """What the window reads of the store: nothing stored by others; the spans it asks for."""

    def __init__(self) -> None:
        self.spans: list[tuple[datetime, datetime]] = []

    def last_entry_id(self, _session: Any) -> int:
        return 0

    def relevant_after(self, _session: Any, after_id: int, _known: Any = ()) -> tuple[list, int]:
        return [], after_id

    def relevant_between(self, _session: Any, since: datetime, until: datetime, _up: int) -> list:
        self.spans.append((since, until))
        return []


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeStore:
    fake = FakeStore()
    for name in ("last_entry_id", "relevant_after", "relevant_between"):
        monkeypatch.setattr(window_module.stories, name, getattr(fake, name))
    return fake


def _add(window: StoryWindow, key: str, published: datetime) -> None:
    entry = Entry(feed="f", entry_id=key, link=f"https://x.example/{key}", title=f"Tariff {key}",
                  published=published, text="Duties on imports were raised again.")  # fmt: skip
    window.add(entry, f"uid-{key}", [], None)
    window.commit()


def test_past_the_cap_a_span_without_members_is_not_read_again(store: FakeStore) -> None:
    window = StoryWindow(WINDOW, soft_cap=2)
    window.begin(None, NOW - timedelta(hours=100))  # type: ignore[arg-type]
    for hours in (1, 2, 3):
        _add(window, f"e{hours}", NOW - timedelta(hours=hours))
    store.spans.clear()
    window.begin(None, NOW - timedelta(hours=5))  # type: ignore[arg-type]  # past the cap
    window.begin(None, NOW - timedelta(hours=6))  # type: ignore[arg-type]  # reaches back
    assert store.spans == []  # nothing was dropped: the window still holds that span
    assert len(window.index) == 3


def test_past_the_cap_members_too_old_are_dropped_and_their_span_read_again(
    store: FakeStore,
) -> None:
    window = StoryWindow(WINDOW, soft_cap=2)
    window.begin(None, NOW - timedelta(hours=100))  # type: ignore[arg-type]
    _add(window, "old", NOW - timedelta(hours=60))
    for hours in (1, 2):
        _add(window, f"e{hours}", NOW - timedelta(hours=hours))
    store.spans.clear()
    window.begin(None, NOW - timedelta(hours=5))  # type: ignore[arg-type]
    assert len(window.index) == 2 and window.since == NOW - timedelta(hours=53)
    window.begin(None, NOW - timedelta(hours=6))  # type: ignore[arg-type]
    assert store.spans == [(NOW - timedelta(hours=54), NOW - timedelta(hours=53))]
