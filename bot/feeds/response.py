"""Handling a response: its status and headers judged, its body read under the cap, and the
:class:`FetchResult` that says what came of it. No I/O of its own: the transport hands over the
status, the headers and the body's chunks.

- 304: ``not_modified``, the stored validators kept (refreshed by any the server sent again);
- any other status but 200: ``error`` with ``http <status>`` and its metric kind;
- 200: the body is read (a declared ``Content-Length`` over the cap is refused before reading;
  the bytes streamed and the bytes produced by decompression are capped too, chunk by chunk
  with ``max_length``, so a gzip bomb never holds more than the cap in memory), then ``new``, or
  ``unchanged`` when its hash is the one stored (no parse needed).

Every result carries the server's hints for the next poll: ``Retry-After``, and the freshness
lifetime from ``Cache-Control`` / ``Expires``.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass
from typing import Literal

from bot.feeds.errors import FetchFailure, status_kind, status_reason, too_large
from bot.feeds.policy import parse_max_age
from bot.feeds.request import Validators
from bot.retry import parse_retry_after

Outcome = Literal["new", "unchanged", "not_modified", "error"]


@dataclass(frozen=True)
class FetchResult:
    """The result of one fetch. ``outcome``: ``new`` (a body whose hash differs from the stored
    one), ``unchanged`` (a 200 with the same hash: no parse needed), ``not_modified`` (304) or
    ``error``. ``validators`` are the ones to store for the next poll."""

    url: str
    final_url: str
    outcome: Outcome
    body: bytes | None
    validators: Validators
    http_status: int | None = None
    error: str | None = None
    error_kind: str | None = None
    retry_after: float | None = None
    max_age: float | None = None
    elapsed: float = 0.0
    content_type: str | None = None


class BodyReader:
    """Accumulates decoded body bytes under a cap, decompressing gzip/deflate incrementally
    (a ``deflate`` body without its zlib header is read as raw deflate)."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0
        self._hash = hashlib.sha256()
        self._raw_deflate_fallback = False
        encoding = content_encoding.strip().lower()
        if encoding in {"", "identity"}:
            self._decoder: zlib._Decompress | None = None
        elif encoding in {"gzip", "x-gzip"}:
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_deflate_fallback = True
        else:
            raise FetchFailure(f"unsupported content-encoding {encoding[:40]}", "encoding")

    def feed(self, chunk: bytes) -> None:
        if self._decoder is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._decoder.decompress(data, self._limit - self._size + 1)
            except zlib.error as exc:
                if self._raw_deflate_fallback and self._size == 0:
                    self._raw_deflate_fallback = False
                    self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchFailure("corrupt compressed body", "decoding") from exc
            self._raw_deflate_fallback = False
            self._add(out)
            data = self._decoder.unconsumed_tail
            if self._decoder.eof:
                break

    def finish(self) -> bytes:
        if self._decoder is not None:
            self._add(self._decoder.flush())
        return b"".join(self._parts)

    @property
    def content_hash(self) -> str:
        return self._hash.hexdigest()

    def _add(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        if self._size > self._limit:
            raise too_large(self._limit)
        self._parts.append(data)
        self._hash.update(data)


async def read_body(
    chunks: AsyncIterable[bytes], content_encoding: str, limit: int
) -> tuple[bytes, str]:
    """The decoded body and its sha256 (hex), read under ``limit`` bytes."""
    reader = BodyReader(content_encoding, limit)
    async for chunk in chunks:
        reader.feed(chunk)
    return reader.finish(), reader.content_hash


@dataclass(frozen=True)
class ResponseHead:
    """A response's status and headers, judged before (and without) its body."""

    url: str  # the URL asked for
    final_url: str  # where the redirects ended
    status: int
    headers: Mapping[str, str]  # case-insensitive (aiohttp's CIMultiDictProxy, or a CIMultiDict)
    sent: Validators  # the validators the request carried

    @property
    def needs_body(self) -> bool:
        """A 200: its body is to be read (:meth:`with_body`); otherwise :meth:`result`."""
        return self.status == 200

    def check_length(self, declared: int | None, limit: int) -> None:
        """Refuse, before reading, a body whose ``Content-Length`` is over ``limit``."""
        if declared is not None and declared > limit:
            raise too_large(limit, self.status)

    def result(self, elapsed: float = 0.0) -> FetchResult:
        """A 304 (``not_modified``) or an HTTP error: the result needs no body. ``elapsed``:
        the time the fetch took."""
        if self.status == 304:
            sent = self.sent
            etag = self.headers.get("ETag") or sent.etag
            last_modified = self.headers.get("Last-Modified") or sent.last_modified
            unchanged = etag == sent.etag and last_modified == sent.last_modified
            kept = sent if unchanged else Validators(etag, last_modified, sent.content_hash)
            return self._result("not_modified", kept, elapsed=elapsed)
        retry_after = self._retry_after
        return self._result(
            "error",
            self.sent,
            error=status_reason(self.status, retry_after),
            error_kind=status_kind(self.status),
            elapsed=elapsed,
        )

    def with_body(self, body: bytes, content_hash: str, elapsed: float = 0.0) -> FetchResult:
        """A 200 whose body was read: ``new``, or ``unchanged`` when the hash is the stored one."""
        validators = Validators(
            etag=self.headers.get("ETag"),
            last_modified=self.headers.get("Last-Modified"),
            content_hash=content_hash,
        )
        outcome: Outcome = "unchanged" if content_hash == self.sent.content_hash else "new"
        return self._result(outcome, validators, body=body, elapsed=elapsed)

    @property
    def _retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("Retry-After"))

    def _result(
        self,
        outcome: Outcome,
        validators: Validators,
        *,
        body: bytes | None = None,
        error: str | None = None,
        error_kind: str | None = None,
        elapsed: float = 0.0,
    ) -> FetchResult:
        headers = self.headers
        return FetchResult(
            url=self.url,
            final_url=self.final_url,
            outcome=outcome,
            body=body,
            validators=validators,
            http_status=self.status,
            error=error,
            error_kind=error_kind,
            retry_after=self._retry_after,
            max_age=parse_max_age(
                headers.get("Cache-Control"), headers.get("Expires"), headers.get("Date")
            ),
            content_type=headers.get("Content-Type"),
            elapsed=elapsed,
        )


def hub_result(url: str, status: int, body: bytes) -> FetchResult:
    """A WebSub hub's answer to a form: ``new`` for any 2xx (with the body read under the cap),
    otherwise the HTTP error is raised as a :class:`FetchFailure`."""
    if not 200 <= status < 300:
        raise FetchFailure(f"http {status}", status_kind(status), status)
    return FetchResult(
        url=url,
        final_url=url,
        outcome="new",
        body=body,
        validators=Validators(),
        http_status=status,
    )


def file_result(url: str, body: bytes, stored: Validators) -> FetchResult:
    """A ``file:`` feed read whole: ``new``, or ``unchanged`` when its hash is the stored one."""
    content_hash = hashlib.sha256(body).hexdigest()
    outcome: Outcome = "unchanged" if content_hash == stored.content_hash else "new"
    return FetchResult(
        url=url,
        final_url=url,
        outcome=outcome,
        body=body,
        validators=Validators(content_hash=content_hash),
    )


def failed_result(
    url: str, reason: str, kind: str, *, final_url: str | None = None, status: int | None = None
) -> FetchResult:
    """A fetch that came to nothing."""
    return FetchResult(
        url=url,
        final_url=final_url or url,
        outcome="error",
        body=None,
        validators=Validators(),
        http_status=status,
        error=reason,
        error_kind=kind,
    )
