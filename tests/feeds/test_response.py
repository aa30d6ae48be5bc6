"""Response handling alone (bot/feeds/response.py): statuses and headers judged, bodies decoded
under the cap chunk by chunk, results built; no network (the chunks come from a list)."""

from __future__ import annotations

import gzip
import hashlib
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Iterable

import pytest
from multidict import CIMultiDict

from bot.feeds.errors import FetchFailure
from bot.feeds.request import Validators
from bot.feeds.response import ResponseHead, file_result, hub_result, read_body

BODY = b"<rss><channel><title>T</title></channel></rss>" * 50
CAP = 64 * 1024


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def from_parts(parts: Iterable[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def head(status: int, sent: Validators | None = None, **headers: str) -> ResponseHead:
    fields = CIMultiDict({name.replace("_", "-"): value for name, value in headers.items()})
    return ResponseHead(
        "http://a.example/feed", "http://b.example/feed", status, fields, sent or Validators()
    )


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("", BODY),
        ("identity", BODY),
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", raw_deflate(BODY)),  # a server that forgot the zlib header
    ],
)
async def test_bodies_are_decoded_and_hashed(encoding: str, encoded: bytes) -> None:
    body, content_hash = await read_body(chunks(encoded, 7), encoding, CAP)
    assert body == BODY
    assert content_hash == hashlib.sha256(BODY).hexdigest()


async def test_the_cap_holds_on_the_decoded_bytes_with_bounded_memory() -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(FetchFailure) as caught:
            await read_body(chunks(bomb, 64 * 1024), "gzip", CAP)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (caught.value.reason, caught.value.kind) == ("body over 64 KiB", "too_large")
    assert peak < 8 * CAP + 2 * len(bomb)
    with pytest.raises(FetchFailure, match="body over 64 KiB"):
        await read_body(from_parts([b"x" * CAP, b"y"]), "", CAP)
    assert (await read_body(from_parts([b"x" * CAP]), "", CAP))[0] == b"x" * CAP


async def test_unknown_and_corrupt_encodings_are_failures() -> None:
    with pytest.raises(FetchFailure) as unknown:
        await read_body(chunks(BODY), "br", CAP)
    assert (unknown.value.reason, unknown.value.kind) == (
        "unsupported content-encoding br",
        "encoding",
    )
    with pytest.raises(FetchFailure) as corrupt:
        await read_body(chunks(b"\x1f\x8b" + bytes(40)), "gzip", CAP)
    assert (corrupt.value.reason, corrupt.value.kind) == ("corrupt compressed body", "decoding")


def test_a_200_is_new_unless_its_hash_is_the_stored_one() -> None:
    ok = head(
        200, ETag='"v2"', Last_Modified="Tue, 06 May 2025 10:00:00 GMT", Cache_Control="max-age=600"
    )
    assert ok.needs_body
    digest = hashlib.sha256(BODY).hexdigest()
    new = ok.with_body(BODY, digest)
    assert (new.outcome, new.body, new.http_status, new.max_age) == ("new", BODY, 200, 600)
    assert new.validators == Validators('"v2"', "Tue, 06 May 2025 10:00:00 GMT", digest)
    assert (new.url, new.final_url) == ("http://a.example/feed", "http://b.example/feed")
    same = head(200, Validators(content_hash=digest)).with_body(BODY, digest)
    assert same.outcome == "unchanged"


def test_a_304_keeps_the_stored_validators_refreshed_by_those_sent_again() -> None:
    stored = Validators('"v1"', "Mon, 05 May 2025 10:00:00 GMT", "abc")
    plain = head(304, stored)
    assert not plain.needs_body
    assert plain.result().outcome == "not_modified"
    assert plain.result().validators == stored
    refreshed = head(304, stored, ETag='"v1b"').result()
    assert refreshed.validators == Validators('"v1b"', stored.last_modified, "abc")
    assert refreshed.body is None


def test_other_statuses_are_errors_with_the_servers_hints() -> None:
    limited = head(429, Retry_After="120").result()
    assert (limited.outcome, limited.error, limited.error_kind) == (
        "error",
        "http 429 (retry after 120 s)",
        "http_429",
    )
    assert limited.retry_after == 120
    gone = head(410, Content_Type="text/html").result()
    assert (gone.error, gone.error_kind, gone.content_type) == ("http 410", "http_4xx", "text/html")
    assert head(503, Cache_Control="no-store").result().max_age == 0


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    ok = head(200)
    ok.check_length(None, CAP)
    ok.check_length(CAP, CAP)
    with pytest.raises(FetchFailure) as caught:
        ok.check_length(CAP + 1, CAP)
    assert (caught.value.kind, caught.value.status) == ("too_large", 200)


def test_hub_and_file_results() -> None:
    accepted = hub_result("http://hub.example/", 202, b"")
    assert (accepted.outcome, accepted.http_status) == ("new", 202)
    with pytest.raises(FetchFailure) as refused:
        hub_result("http://hub.example/", 500, b"oops")
    assert (refused.value.reason, refused.value.kind, refused.value.status) == (
        "http 500",
        "http_5xx",
        500,
    )
    first = file_result("file:///f.xml", BODY, Validators())
    again = file_result("file:///f.xml", BODY, first.validators)
    assert (first.outcome, again.outcome) == ("new", "unchanged")
