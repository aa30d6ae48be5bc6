"""Request building alone (bot/feeds/request.py): headers, URL and redirect checks, no network."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict
from yarl import URL

from bot.feeds.errors import FetchFailure
from bot.feeds.request import (
    FEED_ACCEPT,
    PAGE_ACCEPT,
    Validators,
    check_url,
    feed_headers,
    file_path,
    is_file_url,
    page_headers,
    redirect_target,
    session_headers,
)
from bot.feeds.ssrf import AddressGuard

STRICT = AddressGuard.from_settings(False)
OPEN = AddressGuard.from_settings(True)


def refused(url: str, guard: AddressGuard = STRICT) -> FetchFailure:
    with pytest.raises(FetchFailure) as caught:
        check_url(url, guard)
    return caught.value


def test_a_feed_asks_for_feeds_conditionally() -> None:
    assert feed_headers(Validators()) == {"Accept": FEED_ACCEPT}
    headers = feed_headers(Validators(etag='"v1"', last_modified="Mon, 05 May 2025 10:00:00 GMT"))
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Mon, 05 May 2025 10:00:00 GMT"
    assert page_headers() == {"Accept": PAGE_ACCEPT}
    assert session_headers("bot/1") == {"User-Agent": "bot/1", "Accept-Encoding": "gzip, deflate"}


def test_only_http_urls_with_a_host_are_requested() -> None:
    assert check_url("https://news.example/feed", STRICT) == URL("https://news.example/feed")
    assert (refused("ftp://news.example/feed").kind, refused("javascript:alert(1)").kind) == (
        "scheme",
        "scheme",
    )
    no_host = refused("http:///feed")
    assert (no_host.reason, no_host.kind) == ("invalid url: no host", "url")


def test_an_ip_literal_is_checked_here_a_name_when_it_resolves() -> None:
    blocked = refused("http://10.0.0.7/feed")
    assert (blocked.reason, blocked.kind) == ("blocked: private address 10.0.0.7", "blocked")
    assert refused("http://[::ffff:127.0.0.1]/").reason.startswith("blocked: IPv4-mapped")
    assert check_url("http://10.0.0.7/feed", OPEN).host == "10.0.0.7"
    assert check_url("http://intranet.example/feed", STRICT).host == "intranet.example"


def test_a_redirect_is_a_new_request_checked_the_same_way() -> None:
    here = URL("https://news.example/a/feed")
    moved = CIMultiDict({"Location": "../b/feed.xml"})
    assert redirect_target(here, 301, moved, STRICT) == URL("https://news.example/b/feed.xml")
    assert redirect_target(here, 200, moved, STRICT) is None
    assert redirect_target(here, 302, CIMultiDict(), STRICT) is None  # no Location: an answer
    lower = CIMultiDict({"location": "http://other.example/x"})
    assert redirect_target(here, 307, lower, STRICT) == URL("http://other.example/x")
    with pytest.raises(FetchFailure, match="not http"):
        redirect_target(here, 302, CIMultiDict({"Location": "file:///etc/passwd"}), STRICT)
    with pytest.raises(FetchFailure, match="blocked: loopback"):
        redirect_target(here, 308, CIMultiDict({"Location": "http://127.0.0.1/"}), STRICT)


def test_file_urls() -> None:
    assert is_file_url("FILE:///tmp/feed.xml") and not is_file_url("https://x.example/")
    assert str(file_path("file:///tmp/a%20feed.xml")) == "/tmp/a feed.xml"
