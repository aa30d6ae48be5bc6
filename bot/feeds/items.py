"""A changed feed parsed only in its items not read before.

A feed that publishes one new item still sends its twenty old ones, and feedparser costs about
as much per item. :func:`find_items` is a cheap pre-scan of a feed body (one regular
expression): where each item (``<item>``, ``<entry>``) begins and ends, and a digest of the
*context* the items are read in (the XML declaration and every start tag outside the items:
namespaces, ``xml:base``; not the channel's text, such as ``lastBuildDate``). Each item is known
by the digest of its bytes.

The caller keeps, per feed, the items whose entries are stored (:func:`keep`): a blob of the
context's digest and one record per item (the item's digest, its entry id's digest and its
published time). :func:`parse_feed` given that blob leaves those items out of the body it hands
feedparser and counts them as if read (their ids for the duplicates within the feed, their times
for the poll schedule): same bytes in the same context, same entry. Anything unusual falls back
to reading the whole body: no items found, items nested or of two kinds, a prefixed item
element, a ``DOCTYPE``, a context that changed, or a reduced body that feedparser reads
differently (not well formed, or not one entry per item kept).
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

_TOKENS = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<(/?)(item|entry)(?=[\s>/])", re.S)
_UNUSUAL = re.compile(rb"<[A-Za-z_][\w.-]*:(?:item|entry)[\s>/]|<!DOCTYPE", re.I)
_START_TAGS = re.compile(rb"<\?xml[^>]*>|<[A-Za-z_][^>]*>")
RECORD = struct.Struct("<8s8sq")  # the item's digest, its entry id's digest, its time
NO_ID = bytes(8)  # an item that gave no entry (neither title nor text)
UNDATED = -(2**63)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=8).digest()


def id_digest(entry_id: str) -> bytes:
    return digest(entry_id.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class Known:
    """An item read before, as counted without reading it again."""

    id: bytes  # its entry id's digest
    published: datetime | None  # None: undated


@dataclass(slots=True)
class Items:
    """The items of a body: their byte spans and the digest of the context."""

    body: bytes
    spans: list[tuple[int, int]]
    context: bytes
    digests: list[bytes]

    def reduce(self, known: bytes) -> tuple[bytes, dict[int, Known]] | None:
        """The body without the items ``known`` holds, and those items by position; ``None``
        when ``known`` does not apply (another context, or no item of it left out)."""
        if len(known) < 8 or known[:8] != self.context:
            return None
        records = {
            item: Known(ident, None if when == UNDATED else datetime.fromtimestamp(when, UTC))
            for item, ident, when in RECORD.iter_unpack(known[8:])
        }
        left_out: dict[int, Known] = {}
        pieces: list[bytes] = []
        position = 0
        for index, (item, (start, end)) in enumerate(zip(self.digests, self.spans, strict=True)):
            found = records.get(item)
            if found is not None:
                left_out[index] = found
                pieces.append(self.body[position:start])
                position = end
        if not left_out:
            return None
        pieces.append(self.body[position:])
        return b"".join(pieces), left_out


def find_items(body: bytes) -> Items | None:
    """The items of a feed body, or ``None`` when its layout is not the plain one (see the
    module docstring)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    kind: bytes | None = None
    for match in _TOKENS.finditer(body):
        name = match.group(2)
        if name is None:  # a CDATA section or a comment
            continue
        if kind is None:
            kind = name
        elif name != kind:
            return None
        if match.group(1):
            end = body.find(b">", match.end())
            if start is None or end < 0:
                return None
            spans.append((start, end + 1))
            start = None
        elif start is None:
            start = match.start()
        else:
            return None  # nested, or an empty element
    if start is not None or not spans or _UNUSUAL.search(body):
        return None
    bounds = [0, *(at for span in spans for at in span), len(body)]
    outside = [body[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    context = b"".join(tag for part in outside for tag in _START_TAGS.findall(part))
    return Items(body, spans, digest(context), [digest(body[a:b]) for a, b in spans])


def record(item: bytes, ident: bytes, published: datetime | None) -> bytes:
    """One item's record: its digest, its entry id's digest (``NO_ID``: it gave no entry),
    its published time (``None``: undated)."""
    when = UNDATED if published is None else int(published.timestamp())
    return RECORD.pack(item, ident, when)


def keep(items: bytes, stored: Collection[bytes]) -> bytes | None:
    """Of ``items`` (a parse's blob: context and records), the records of the items whose
    entries are stored (``stored``: their ids' digests); ``None`` if none is."""
    kept = [
        items[at : at + RECORD.size]
        for at in range(8, len(items), RECORD.size)
        if items[at + 8 : at + 16] in stored
    ]
    return items[:8] + b"".join(kept) if kept else None


def stored_ids(known: bytes | None) -> set[bytes]:
    """The ids' digests of the items of a kept blob."""
    if not known:
        return set()
    return {known[at + 8 : at + 16] for at in range(8, len(known), RECORD.size)}
