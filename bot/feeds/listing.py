"""A listing page read as a feed: the entries of a page that lists announcements, by selectors.

Many official sources (MOFCOM, the Tariff Commission's announcements, the Ministry of Public
Security) publish no feed, only a page listing their latest items. A feed with ``listing`` in the
config is read that way: ``items`` is an XPath selecting each item of the page; ``title``,
``link``, ``date`` and ``summary`` are XPaths evaluated on each item (``string(...)`` or an
attribute). Links are made absolute from the page's address; dates (2025-05-13, 2025/05/13,
2025年5月13日, 2025.05.13, with an optional time) are read in the source's ``utc_offset``.

A page whose layout changed fails loudly: ``items`` matching nothing, or items without a title
and a link, make the source *failing* with that reason (``ParsedFeed.failure``), never a
silent empty feed. The body's charset is found by :mod:`bot.feeds.charset`. The selectors are
a config type, :class:`bot.config.feeds.ListingSpec`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timezone
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from bot.config.feeds import ListingSpec
from bot.feeds.entry import Entry
from bot.feeds.parse import MAX_TEXT_CHARS, MAX_TITLE_CHARS, ParsedFeed, html_to_text

MAX_ITEMS = 200
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2}))?"
)


def _text(item: Any, xpath: str | None) -> str:
    if not xpath:
        return ""
    try:
        value = item.xpath(xpath)
    except etree.XPathError:
        return ""
    if isinstance(value, list):
        value = " ".join(
            v.text_content() if hasattr(v, "text_content") else str(v) for v in value[:5]
        )
    return " ".join(str(value).split())


def parse_date(text: str, zone: timezone) -> datetime | None:
    """The first date (and time) written in ``text``, in UTC."""
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        local = datetime(
            int(match.group("y")),
            int(match.group("m")),
            int(match.group("d")),
            int(match.group("H") or 0),
            int(match.group("M") or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return local.astimezone(UTC)


def parse_listing(
    text: str, feed_name: str, spec: ListingSpec, base_url: str, *, seen_at: datetime | None = None
) -> ParsedFeed:
    """The entries of a listing page's (decoded) ``text``; never raises on bad input."""
    seen_at = seen_at or datetime.now(UTC)
    result = ParsedFeed(version="listing")
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares a charset
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
        items = root.xpath(spec.items)
    except (etree.ParserError, etree.XPathError, ValueError) as exc:
        return _failing(result, feed_name, f"not a readable page ({exc})")
    items = [i for i in items if isinstance(i, etree._Element)][:MAX_ITEMS]
    if not items:
        return _failing(result, feed_name, f"listing layout changed: `items` ({spec.items}) "
                        "matched nothing on the page")  # fmt: skip
    title_node = root.find(".//title")
    result.title = " ".join((title_node.text_content() if title_node is not None else "").split())
    zone = spec.zone()
    seen: set[str] = set()
    for item in items:
        title = _text(item, spec.title)[:MAX_TITLE_CHARS]
        href = _text(item, spec.link)
        if not title or not href:
            continue
        link = urljoin(base_url, href)
        if link in seen:
            continue
        seen.add(link)
        published = parse_date(_text(item, spec.date), zone) if spec.date else None
        summary = html_to_text(_text(item, spec.summary))[:MAX_TEXT_CHARS] if spec.summary else ""
        result.entries.append(
            Entry(
                feed=feed_name,
                entry_id=link[:1000] or "sha1:" + hashlib.sha1(title.encode()).hexdigest(),
                link=link[:2000],
                title=title,
                published=published or seen_at,
                text=summary,
                dated=published is not None,
            )
        )
    if not result.entries:
        return _failing(result, feed_name, f"listing layout changed: {len(items)} items found by "
                        "`items` but none with a title and a link")  # fmt: skip
    undated = sum(1 for e in result.entries if not e.dated)
    if undated:
        result.problems.append(f"feed {feed_name}: {undated} × item without a readable date, "
                               "dated when first seen")  # fmt: skip
    return result


def _failing(result: ParsedFeed, feed_name: str, reason: str) -> ParsedFeed:
    result.readable = False
    result.failure = reason
    result.problems.append(f"feed {feed_name}: {reason}")
    return result
