"""Building a request: what to ask for and where, checked before any connection is made.

- What: the ``Accept`` header of a feed or of an article page, and for a feed the conditional
  GET validators (``If-None-Match`` / ``If-Modified-Since``) kept from its last poll.
- Where: the URL, and each redirect hop in turn, must be ``http``/``https`` with a host, and a
  host written as an IP literal must pass the SSRF guard here (names are checked when they
  resolve, at connect time: :mod:`bot.feeds.ssrf`). ``file:`` URLs are read only for feeds
  allowed them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from yarl import URL

from bot.feeds.errors import FetchFailure
from bot.feeds.ssrf import ALLOWED_SCHEMES, AddressGuard

Target = Literal["feed", "page", "hub"]
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate"  # decoded by bot.feeds.response, under the body cap


@dataclass(frozen=True)
class Validators:
    """What to send on the next conditional GET, and the hash of the last body seen."""

    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


def session_headers(user_agent: str) -> dict[str, str]:
    """The headers every request carries."""
    return {"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING}


def feed_headers(validators: Validators) -> dict[str, str]:
    """A feed's conditional GET."""
    headers = {"Accept": FEED_ACCEPT}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def page_headers() -> dict[str, str]:
    """An article page (no validators)."""
    return {"Accept": PAGE_ACCEPT}


def is_file_url(url: str) -> bool:
    return url.lower().startswith("file:")


def file_path(url: str) -> Path:
    """The local path of a ``file:`` URL."""
    return Path(unquote(urlsplit(url).path))


def looks_like_ip(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()


@functools.lru_cache(maxsize=1 << 15)  # a feed's URL is parsed once, not at each poll
def _parsed(url: str) -> URL:
    return URL(url)


def check_url(url: str | URL, guard: AddressGuard) -> URL:
    """``url`` parsed, if it may be requested: http(s), a host, and an IP literal host that
    ``guard`` lets through. Raises :class:`FetchFailure` (kind ``url``, ``scheme`` or
    ``blocked``) otherwise."""
    try:
        parsed = url if isinstance(url, URL) else _parsed(url)
    except (ValueError, TypeError) as exc:
        raise FetchFailure("invalid url", "url") from exc
    if parsed.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchFailure("not http(s)", "scheme")
    host = parsed.raw_host
    if not host:
        raise FetchFailure("invalid url: no host", "url")
    if looks_like_ip(host):
        reason = guard.blocked_reason(host)
        if reason is not None:
            raise FetchFailure(reason, "blocked")
    return parsed


def redirect_target(
    current: URL, status: int, headers: Mapping[str, str], guard: AddressGuard
) -> URL | None:
    """Where a redirect points, checked as a new request (:func:`check_url`); ``None`` if the
    response is not a redirect (a 3xx without ``Location`` is an answer, not a redirect)."""
    location = headers.get("Location")
    if status not in REDIRECT_STATUSES or location is None:
        return None
    try:
        following = current.join(URL(location))
    except (ValueError, TypeError) as exc:
        raise FetchFailure("invalid redirect location", "url", status) from exc
    return check_url(str(following), guard)
