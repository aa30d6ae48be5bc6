"""The normalised feed entry every later step works on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of one feed, normalised.

    ``entry_id`` is the feed's guid, else its link, else a hash of title and text; it is unique
    within ``feed``. ``published`` is timezone-aware UTC; ``dated`` says whether it came from the
    feed (``False``: the time the bot first saw the entry). ``text`` is plain text: HTML stripped,
    entities decoded, whitespace collapsed.
    """

    feed: str
    entry_id: str
    link: str
    title: str
    published: datetime
    text: str
    dated: bool = True

    @property
    def key(self) -> str:
        return f"{self.feed}\x1f{self.entry_id}"

    @property
    def full_text(self) -> str:
        """Title and body as one text, the title ending as a sentence."""
        title = self.title.strip()
        if title and title[-1] not in ".!?:":
            title += "."
        return f"{title} {self.text}".strip()
