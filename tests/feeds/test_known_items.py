"""A changed feed is parsed only in its items not read before (``bot/feeds/items.py``): what the
parse says is what reading the whole body says, the items left out counted as read."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from bot.feeds.items import find_items, id_digest, keep
from bot.feeds.parse import ParsedFeed
from bot.feeds.source import parse_source
from bot.store import repo
from tests.serving import FeedHost, feed_host

__all__ = ["feed_host"]
ROOT = Path(__file__).resolve().parents[2]
SEEN_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _item(number: int, *, guid: str | None = None, dated: bool = True, text: str = "") -> str:
    date = f"<pubDate>Mon, 0{number % 9 + 1} Jun 2026 10:00:00 GMT</pubDate>" if dated else ""
    return (
        f"<item><title>Item {number}</title><link>https://wire.example/{number}</link>"
        f"<guid>{guid or f'g{number}'}</guid>{date}"
        f"<description>{text or f'Text of item {number}.'}</description></item>"
    )


def _rss(items: list[str], *, build: str = "Mon, 01 Jun 2026 00:00:00 GMT", ns: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{ns}><channel>'
        f"<title>Wire</title><lastBuildDate>{build}</lastBuildDate><ttl>30</ttl>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


RSS = _rss(
    [
        _item(1),
        _item(2, guid="g1"),  # a duplicate id
        _item(3, dated=False),
        "<item><guid>g4</guid></item>",  # neither title nor text
        _item(5, text="<![CDATA[<p>an <item> in CDATA</p>]]>"),
        "<!-- <item> in a comment -->",
        _item(6),
    ]
)
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://ex.example/"><title>A</title>
<link rel="hub" href="https://hub.example/"/>
<entry><id>tag:1</id><title>One</title><link href="/a"/><updated>2026-06-01T00:00:00Z</updated>
<content type="html"><![CDATA[<p>an <entry> in CDATA</p>]]></content></entry>
<entry><id>tag:2</id><title>Two</title><link href="/b"/></entry>
<entry><id>tag:3</id><title>Three</title><link href="/c"/><updated>2026-06-03T00:00:00Z</updated>
</entry></feed>"""


def _parse(body: bytes, known: bytes | None = None) -> ParsedFeed:
    return parse_source(body, "wire", seen_at=SEEN_AT, known=known)


def _said(parsed: ParsedFeed) -> tuple[object, ...]:
    return (parsed.title, parsed.ttl_minutes, parsed.hub_url, parsed.version, parsed.problems)


@pytest.mark.parametrize("body", [RSS, ATOM], ids=["rss", "atom"])
@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_items_read_before_are_counted_not_read(body: bytes, share: float) -> None:
    whole = _parse(body)
    first = _parse(body, b"")
    assert first.entries == whole.entries and _said(first) == _said(whole) and first.items
    ids = [id_digest(e.entry_id) for e in whole.entries]
    stored = set(ids[: round(len(ids) * share)])
    known = keep(first.items, stored)
    again = _parse(body, known or b"")
    assert again.entries == [e for e in whole.entries if id_digest(e.entry_id) not in stored]
    assert _said(again) == _said(whole)
    assert sorted(again.entry_times()) == sorted(whole.entry_times())
    assert again.items == first.items


def test_a_new_item_is_the_only_one_read() -> None:
    old = [_item(n) for n in range(1, 6)]
    first = _parse(_rss(old), b"")
    known = keep(first.items, {id_digest(e.entry_id) for e in first.entries})
    body = _rss([_item(9), *old], build="Tue, 02 Jun 2026 00:00:00 GMT")  # the channel's date
    parsed = _parse(body, known)
    assert [e.entry_id for e in parsed.entries] == ["g9"]
    assert parsed.entries == [e for e in _parse(body).entries if e.entry_id == "g9"]
    assert len(parsed.entry_times()) == 6


def test_an_item_changed_under_its_id_is_read_again() -> None:
    first = _parse(_rss([_item(1), _item(2)]), b"")
    known = keep(first.items, {id_digest(e.entry_id) for e in first.entries})
    edited = _rss([_item(1, text="Corrected text."), _item(2)])
    assert [e.text for e in _parse(edited, known).entries] == ["Corrected text."]


@pytest.mark.parametrize(
    "body",
    [
        _rss([_item(1)], ns=' xmlns:dc="http://purl.org/dc/elements/1.1/"'),  # another context
        _rss([_item(1)]).replace(b"<rss", b'<!DOCTYPE rss SYSTEM "x.dtd"><rss'),
        _rss([_item(1)]).replace(b"<channel>", b"<channel><rss:item/>"),
        _rss([_item(1)]).replace(b"</item>", b"", 1),  # not well formed
    ],
    ids=["context", "doctype", "prefixed", "malformed"],
)
def test_an_unusual_body_is_read_whole(body: bytes) -> None:
    first = _parse(_rss([_item(1)]), b"")
    known = keep(first.items, {id_digest("g1")})
    parsed = _parse(body, known)
    assert [e.entry_id for e in parsed.entries] == [e.entry_id for e in _parse(body).entries]
    assert parsed.problems == _parse(body).problems


def test_items_are_found_outside_cdata_and_comments() -> None:
    found = find_items(RSS)
    assert found is not None and len(found.spans) == 6
    assert find_items(_rss([]) + b"") is None
    assert find_items(_rss([_item(1)]).replace(b"</item>", b"<item></item></item>")) is None


def test_the_sweep_keeps_the_items_stored_and_reads_only_new_ones(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/wire.xml"] = _rss([_item(n) for n in range(1, 4)])
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "feeds": [{"name": "wire", "url": feed_host.url("/wire.xml")}],
                "fetch": {"allow_private_networks": True, "full_text": False},
                "routes": [{"to": "console", "kinds": ["changes", "news"]}],
                "schedule": {"first_run_backlog_hours": None},
                "seeds_dir": str(ROOT / "seeds"),
                "topics_file": str(ROOT / "config" / "topics.yaml"),
            }
        )
    )
    ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")

    def known() -> bytes | None:
        with ctx.db.unit() as session:
            row = repo.get_feed(session, "wire")
            assert row is not None
            return row.known_items

    async def polls() -> list[int]:
        counts = []
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(io.StringIO())})
            worker.sync_feeds()
            counts.append((await worker.poll(ignore_schedule=True)).entries)
            assert len(known() or b"") == 8 + 3 * 24
            feed_host.bodies["/wire.xml"] = _rss([_item(n) for n in range(1, 5)])
            counts.append((await worker.poll(ignore_schedule=True)).entries)
            assert len(known() or b"") == 8 + 4 * 24
            counts.append((await worker.poll(ignore_schedule=True)).entries)  # not modified
            assert len(known() or b"") == 8 + 4 * 24
        return counts

    try:
        assert asyncio.run(polls()) == [3, 1, 0]
    finally:
        ctx.close()
