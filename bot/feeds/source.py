"""One fetched body to entries, whatever the source: a feed (RSS, Atom) or a listing page.

The body's charset is checked first (:mod:`bot.feeds.charset`): a feed read as declared goes to
feedparser as it came; a feed whose declaration is wrong goes as UTF-8; a listing page is decoded
and read by its selectors (:mod:`bot.feeds.listing`). A body that decodes in no charset it could
be in (a feed that would otherwise be read as mojibake), or a listing page whose layout changed,
marks the source failing (``ParsedFeed.failure``) with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config.feeds import ListingSpec
from bot.feeds.charset import CharsetError, as_utf8_xml, decode
from bot.feeds.listing import parse_listing
from bot.feeds.parse import ParsedFeed, parse_feed


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """How to read one source's bodies: a listing page's selectors and address, or a feed."""

    listing: ListingSpec | None = None
    url: str = ""


def parse_source(
    body: bytes,
    feed_name: str,
    spec: SourceSpec | None = None,
    *,
    content_type: str | None = None,
    seen_at: datetime | None = None,
    known: bytes | None = None,
) -> ParsedFeed:
    """Entries of ``body``; never raises on bad input (see the module docstring). ``known``:
    a feed's items read before, not read again (``bot/feeds/items.py``)."""
    if not body.strip() and (spec is None or spec.listing is None):
        return parse_feed(body, feed_name, seen_at=seen_at)
    try:
        decoded = decode(body, content_type)
    except CharsetError as exc:
        if spec is None or spec.listing is None:
            parsed = parse_feed(body, feed_name, seen_at=seen_at)
            if not parsed.readable:
                return parsed  # not a feed at all: said as before
        result = ParsedFeed(readable=False, failure=str(exc))  # refused, not read as mojibake
        result.problems.append(f"feed {feed_name}: {exc}")
        return result
    if spec is not None and spec.listing is not None:
        return parse_listing(decoded.text, feed_name, spec.listing, spec.url, seen_at=seen_at)
    parsed = parse_feed(as_utf8_xml(decoded, body), feed_name, seen_at=seen_at, known=known)
    if decoded.overruled and parsed.readable:
        said = decoded.declared or "nothing"
        is_ = decoded.encoding
        parsed.problems.append(f"feed {feed_name}: declares {said} but is {is_}; read as {is_}")
    return parsed
