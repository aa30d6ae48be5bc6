"""Feed documents written for the tests (invented scenarios, in our own words)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape


def rss(items: list[dict[str, str]], title: str = "Test Wire") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>https://wire.example/</link>",
    ]
    for item in items:
        when = datetime.fromisoformat(item["date"])
        parts.append(
            f"<item><title>{escape(item['title'])}</title>"
            f"<link>{item['link']}</link><guid>{item.get('guid', item['link'])}</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{escape(item['text'])}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


TARIFF_CUT = {
    "title": "Washington lowers tariffs on Chinese imports to 40 percent",
    "link": "https://wire.example/2026/06/tariff-40",
    "date": "2026-06-02T10:00:00+00:00",
    "text": "The White House cut the tariff on most goods from China to 40 percent from 145 "
    "percent on Tuesday, in force immediately.",
}
TARIFF_CUT_ECHO = {
    "title": "US tariff on Chinese goods now 40% after Oslo round",
    "link": "https://other.example/news/oslo-40",
    "date": "2026-06-02T13:00:00+00:00",
    "text": "American duties on most Chinese products were lowered to 40 percent, officials in "
    "Washington confirmed on Tuesday.",
}
OFF_TOPIC = {
    "title": "Coastal town opens a new library",
    "link": "https://wire.example/2026/06/library",
    "date": "2026-06-03T09:00:00+00:00",
    "text": "The library holds 20,000 books and a reading garden.",
}
