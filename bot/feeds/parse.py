"""Parse feed bytes with feedparser into normalised :class:`Entry` objects.

feedparser is only ever given bytes (never a URL or an untrusted string it might resolve).
Bad input never raises: :func:`parse_feed` returns the entries it could read and a list of
problems, each naming the feed and the reason, for the caller to log once.
"""

from __future__ import annotations

import calendar
import hashlib
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
import feedparser.api
import lxml.html
from lxml import etree

from bot.feeds.entry import Entry
from bot.feeds.items import NO_ID, Items, Known, find_items, id_digest, record

MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 500
_SPACE = re.compile(r"\s+")
# elements whose text is no text; elements that separate words (the others run on: "Tar<b>iff")
_DROPPED = ("script", "style", "noscript", "iframe", "object")
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "blockquote", "section", "article"}
    | {f"h{level}" for level in range(1, 7)}
)
_HTML = dict(remove_comments=True, remove_pis=True, no_network=True)
_PARSER = lxml.html.HTMLParser(**_HTML)
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8", **_HTML)

# feedparser asks xml.sax for the XML parsers it prefers (libxml2's driver) before expat at every
# parse: where a driver is not installed, that is a failed import, a search of sys.path, each
# time (15% of a parse of one new item). Drivers that cannot be imported are not asked for.
feedparser.api.PREFERRED_XML_PARSERS[:] = [
    name for name in feedparser.api.PREFERRED_XML_PARSERS if importlib.util.find_spec(name)
]


@dataclass(slots=True)
class ParsedFeed:
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ttl_minutes: int | None = None
    hub_url: str | None = None
    self_url: str | None = None
    version: str = ""  # feedparser's name of the format (rss20, atom10, ...); "" if none
    readable: bool = True  # False: not a feed at all (the reason is in ``problems``)
    failure: str | None = None  # set: the body marks its source failing, for this reason
    items: bytes = b""  # the items read, for the next parse (``bot/feeds/items.py``); b"": none
    known_times: list[datetime] = field(default_factory=list)  # of dated items not read again

    def entry_times(self) -> list[datetime]:
        """The published times of the dated entries, those of the items not read again
        included."""
        return [e.published for e in self.entries if e.dated] + self.known_times


def html_to_text(markup: str) -> str:
    """Plain text from an HTML fragment, read by lxml's HTML parser: comments, processing
    instructions, scripts and styles dropped, a space where a block ends, entities decoded,
    whitespace collapsed. A ``<`` that opens no tag ("tariffs < 30%") stays text."""
    markup = markup.replace("\x00", "")
    if "<" not in markup and "&" not in markup:
        return _SPACE.sub(" ", markup).strip()
    try:
        root = etree.fromstring(markup, _PARSER)
    except ValueError:  # a str that declares its encoding: lxml wants its bytes
        root = etree.fromstring(markup.encode("utf-8", "replace"), _UTF8_PARSER)
    except etree.LxmlError:
        return ""
    if root is None:  # nothing but comments
        return ""
    for dropped in list(root.iter(*_DROPPED)):
        dropped.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.text = " " + (element.text or "")
            element.tail = " " + (element.tail or "")
    return _SPACE.sub(" ", "".join(root.itertext())).strip()


def _entry_time(raw: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = raw.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _entry_text(raw: Any) -> str:
    """The longest of content, summary and description, as plain text."""
    candidates = [c.get("value", "") for c in raw.get("content") or [] if isinstance(c, dict)]
    candidates.append(raw.get("summary", "") or "")
    candidates.append(raw.get("description", "") or "")
    texts = [html_to_text(str(c)) for c in candidates if c]
    return max(texts, key=len, default="")


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _entry_from(raw: Any, feed_name: str, seen_at: datetime) -> Entry | str:
    title = _truncate(html_to_text(str(raw.get("title", "") or "")), MAX_TITLE_CHARS)
    text = _truncate(_entry_text(raw), MAX_TEXT_CHARS)
    link = str(raw.get("link", "") or "").strip()
    guid = str(raw.get("id", "") or "").strip()
    if not (title or text):
        return "entry with neither title nor text skipped"
    entry_id = guid or link
    if not entry_id:
        entry_id = "sha1:" + hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()
    published = _entry_time(raw)
    return Entry(
        feed=feed_name,
        entry_id=entry_id[:1000],
        link=link[:2000],
        title=title or _truncate(text, 120),
        published=published or seen_at,
        text=text,
        dated=published is not None,
    )


def describe_parse_error(exc: Any, body: bytes) -> str:
    """Why feedparser could not read ``body``, with the line and column *of the file*:
    feedparser parses the body with an XML declaration put in front when it has none, so its
    line numbers are one too high then; a line the file does not have is not named."""
    if exc is None:
        return "not a feed"
    message = exc.getMessage() if hasattr(exc, "getMessage") else str(exc)
    line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
    column = exc.getColumnNumber() if hasattr(exc, "getColumnNumber") else None
    if not isinstance(line, int):
        return str(message)
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        line -= 1
    if not 1 <= line <= body.count(b"\n") + 1:
        return f"not XML ({message})"
    where = f"line {line}" + (f", column {column + 1}" if isinstance(column, int) else "")
    return f"not XML ({message} at {where})"


def _links_of(parsed: Any) -> Iterable[tuple[str, str]]:
    for link in parsed.feed.get("links", []) or []:
        if isinstance(link, dict):
            yield str(link.get("rel", "")), str(link.get("href", ""))


def _read(body: bytes, items: Items | None, known: bytes) -> tuple[Any, dict[int, Known]]:
    """feedparser's reading of ``body``, without the items ``known`` holds when it can (see
    ``bot/feeds/items.py``), and those items by position."""
    reduced = items.reduce(known) if items is not None and known else None
    if reduced is not None and items is not None:
        parsed = feedparser.parse(reduced[0], sanitize_html=False, resolve_relative_uris=False)
        if not parsed.get("bozo") and len(parsed.entries) + len(reduced[1]) == len(items.spans):
            return parsed, reduced[1]
    return feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False), {}


def _in_order(raws: list[Any], left_out: dict[int, Known]) -> list[Any]:
    if not left_out:
        return raws
    read = iter(raws)
    return [left_out[i] if i in left_out else next(read) for i in range(len(raws) + len(left_out))]


def parse_feed(
    body: bytes, feed_name: str, *, seen_at: datetime | None = None, known: bytes | None = None
) -> ParsedFeed:
    """Parse ``body`` (the raw bytes of a feed) into entries; never raises on bad input.
    ``known`` (not None): the items of the feed read before (a blob of ``result.items``, as
    ``bot/feeds/items.py`` keeps it) are not read again, and ``result.items`` describes them."""
    seen_at = seen_at or datetime.now(UTC)
    result = ParsedFeed()
    items = find_items(body) if known is not None else None
    try:
        parsed, left_out = _read(body, items, known or b"")
    except Exception as exc:  # feedparser should not raise, but a feed must never stop the worker
        result.problems.append(f"feed {feed_name}: unparseable: {exc}")
        result.readable = False
        return result
    if parsed.get("bozo") and not parsed.entries:
        reason = describe_parse_error(parsed.get("bozo_exception"), body)
        result.problems.append(f"feed {feed_name}: not a readable feed: {reason}")
        result.readable = False
        return result
    result.version = str(parsed.get("version", "") or "")
    result.title = html_to_text(str(parsed.feed.get("title", "") or ""))
    ttl = parsed.feed.get("ttl")
    if ttl and str(ttl).strip().isdigit():
        result.ttl_minutes = int(str(ttl).strip())
    for rel, href in _links_of(parsed):
        if rel == "hub" and href:
            result.hub_url = href
        elif rel == "self" and href:
            result.self_url = href
    raws = _in_order(parsed.entries, left_out)
    described = items is not None and not parsed.get("bozo") and len(raws) == len(items.spans)
    records: list[bytes] = []
    seen_ids: set[bytes] = set()
    skipped: dict[str, int] = {}
    undated = 0
    for index, raw in enumerate(raws):
        entry = raw if isinstance(raw, Known) else _entry_from(raw, feed_name, seen_at)
        if described and items is not None:
            records.append(_record(items.digests[index], entry))
        if isinstance(entry, str):
            skipped[entry] = skipped.get(entry, 0) + 1
            continue
        ident = entry.id if isinstance(entry, Known) else id_digest(entry.entry_id)
        if ident in seen_ids:
            skipped["duplicate id within the feed skipped"] = (
                skipped.get("duplicate id within the feed skipped", 0) + 1
            )
            continue
        seen_ids.add(ident)
        if isinstance(entry, Known):
            undated += entry.published is None
            if entry.published is not None:
                result.known_times.append(entry.published)
            continue
        undated += not entry.dated
        result.entries.append(entry)
    if undated:
        skipped["entry without a date, dated when first seen"] = undated
    for reason, count in skipped.items():
        result.problems.append(f"feed {feed_name}: {count} × {reason}")
    if not raws and not parsed.get("bozo"):
        result.problems.append(f"feed {feed_name}: empty feed (no entries)")
    if described and items is not None:
        result.items = items.context + b"".join(records)
    return result


def _record(item: bytes, entry: Entry | Known | str) -> bytes:
    if isinstance(entry, Known):
        return record(item, entry.id, entry.published)
    if isinstance(entry, str):
        return record(item, NO_ID, None)
    return record(item, id_digest(entry.entry_id), entry.published if entry.dated else None)
