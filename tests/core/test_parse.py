"""Bad feed input: every case yields a clear problem naming the feed, never an exception."""

from __future__ import annotations

from bot.feeds.parse import MAX_TEXT_CHARS, html_to_text, parse_feed

GOOD_ITEM = (
    "<item><title>T</title><link>https://e.example/1</link><guid>g1</guid>"
    "<pubDate>Tue, 02 Jun 2026 10:00:00 GMT</pubDate><description>Body</description></item>"
)


def _rss(items: str, encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>F</title>{items}</channel></rss>"
    ).encode(encoding if encoding != "wrong" else "utf-8")


def test_html_is_stripped_and_entities_decoded() -> None:
    text = html_to_text("<p>Tariff &amp; duty<script>alert(1)</script><br/>now&nbsp;30&#37;</p>")
    assert text == "Tariff & duty now 30%"


def test_malformed_xml_is_reported() -> None:
    parsed = parse_feed(b"<rss><channel><item><title>broken", "broken-feed")
    assert parsed.problems and "broken-feed" in parsed.problems[0]


def test_html_page_instead_of_a_feed() -> None:
    parsed = parse_feed(b"<!doctype html><html><body><h1>Hello</h1></body></html>", "page")
    assert parsed.entries == []
    assert any("page" in p for p in parsed.problems)


def test_empty_feed() -> None:
    parsed = parse_feed(_rss(""), "empty")
    assert parsed.entries == []
    assert any("empty feed" in p for p in parsed.problems)


def test_entry_without_date_id_or_title() -> None:
    parsed = parse_feed(_rss("<item><description>Only a body here.</description></item>"), "sparse")
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    assert entry.entry_id.startswith("sha1:")
    assert entry.title == "Only a body here."
    assert entry.dated is False
    assert any("without a date" in p for p in parsed.problems)


def test_entry_with_nothing_is_skipped_and_reported() -> None:
    parsed = parse_feed(_rss("<item></item>" + GOOD_ITEM), "f")
    assert len(parsed.entries) == 1
    assert any("neither title nor text" in p for p in parsed.problems)


def test_duplicate_guids_keep_the_first() -> None:
    parsed = parse_feed(_rss(GOOD_ITEM + GOOD_ITEM.replace("<title>T", "<title>U")), "dups")
    assert [e.title for e in parsed.entries] == ["T"]
    assert any("duplicate id" in p for p in parsed.problems)


def test_huge_entry_is_truncated() -> None:
    body = "word " * 100_000
    parsed = parse_feed(_rss(GOOD_ITEM.replace("Body", body)), "huge")
    assert len(parsed.entries[0].text) <= MAX_TEXT_CHARS + 2


def test_wrong_declared_encoding_still_yields_entries() -> None:
    latin = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        "<item><title>Caf\xe9 tariffs</title><guid>x</guid><description>d</description></item>"
        "</channel></rss>"
    ).encode("latin-1")
    parsed = parse_feed(latin, "latin")
    assert len(parsed.entries) == 1
    assert parsed.entries[0].title.startswith("Caf")


def test_dates_are_utc() -> None:
    item = GOOD_ITEM.replace("Tue, 02 Jun 2026 10:00:00 GMT", "Tue, 02 Jun 2026 12:00:00 +0200")
    entry = parse_feed(_rss(item), "tz").entries[0]
    assert entry.published.isoformat() == "2026-06-02T10:00:00+00:00"
