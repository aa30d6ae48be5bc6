"""The text of a fetched body: its charset found, checked, and a wrong declaration overruled.

Chinese sources publish in UTF-8, GBK/GB2312 (read as GB18030, their superset) or Big5, and not
always as they declare. The order, the first that decodes the bytes strictly wins:

1. a byte-order mark;
2. UTF-8 when the body holds multi-byte UTF-8 sequences and is valid UTF-8 throughout (text in
   another charset is practically never valid UTF-8), whatever is declared;
3. the declared charset (the HTTP ``Content-Type``, else the XML declaration, else the HTML
   ``<meta charset>``), GBK and GB2312 read as GB18030; a single-byte Western charset declared
   for a body that reads as Chinese in GB18030 is overruled;
4. GB18030, then Big5.

Nothing decodes: :class:`CharsetError` says what was declared and where the first bad byte is,
and the source is marked failing with that reason rather than read as mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs"}
_WESTERN = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii"})
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


class CharsetError(ValueError):
    """The body decodes in no charset it could be in; the message says why."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # the codec that decoded it (Python's name)
    declared: str | None  # what the body or its headers declared
    overruled: bool  # the declaration was wrong (or missing for a non-UTF-8 body)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, canonical)


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the headers or the document declare, as written (``None``: none)."""
    if content_type:
        match = _HEADER.search(content_type)
        if match:
            return match.group(1)
    head = body[:4096]
    for pattern in (_XML_DECLARATION, _META):
        found = pattern.search(head)
        if found:
            return found.group(1).decode("ascii", "replace")
    return None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _reads_as_chinese(text: str) -> bool:
    wide = [c for c in text if ord(c) > 127]
    return bool(wide) and sum(1 for c in wide if _CJK.match(c)) >= 0.9 * len(wide)


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``body`` (see the module docstring); raise :class:`CharsetError`."""
    declared = declared_charset(body, content_type)
    codec = _codec(declared)
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(name), name, declared, False)
    if not body.isascii():  # in C: a loop over the bytes was 40% of a parse
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8", declared, codec not in (None, "utf-8"))
    elif codec in (None, "utf-8", "ascii"):
        return Decoded(body.decode("ascii"), "utf-8", declared, False)
    if codec is not None and codec != "utf-8":
        text = _strict(body, codec)
        if text is not None and codec not in _WESTERN:
            return Decoded(text, codec, declared, False)
        chinese = _strict(body, "gb18030")
        if text is not None and (chinese is None or not _reads_as_chinese(chinese)):
            return Decoded(text, codec, declared, False)
    for fallback in ("gb18030", "big5hkscs"):
        text = _strict(body, fallback)
        if text is not None and _reads_as_chinese(text):
            return Decoded(text, fallback, declared, True)
    raise CharsetError(_why(body, declared, codec))


def _why(body: bytes, declared: str | None, codec: str | None) -> str:
    try:
        body.decode(codec or "utf-8")
        offset = -1
    except UnicodeDecodeError as exc:
        offset = exc.start
    except LookupError:
        offset = -1
    tried = ["UTF-8", "GB18030", "Big5"]
    if codec not in (None, "utf-8"):
        tried.insert(0, str(declared))
    said = f"declared {declared}" if declared else "no charset declared"
    if declared and codec is None:
        said = f"declared {declared}, an unknown charset"
    where = f" (first bad byte at offset {offset})" if offset >= 0 else ""
    names = ", ".join(tried[:-1])
    return f"cannot decode the text ({said}): it is not {names} nor {tried[-1]}{where}"


def as_utf8_xml(decoded: Decoded, body: bytes) -> bytes:
    """A feed body for the XML parser: the bytes as they are when they were read as declared,
    else re-encoded as UTF-8 with the XML declaration saying so."""
    if not decoded.overruled:
        return body
    text = re.sub(
        r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])[A-Za-z0-9._:-]+", r"\1utf-8", decoded.text, count=1
    )
    return text.encode("utf-8")
