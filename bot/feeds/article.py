"""Full text of an article page, for entries whose feed text is too short to analyse.

The page is fetched with :meth:`Fetcher.fetch_page` (same SSRF guard, caps and timeouts as
feeds) and its main text is extracted with trafilatura in a thread, so the event loop keeps
running. Anything that goes wrong yields ``None`` and one log line naming the URL.
"""

from __future__ import annotations

import asyncio
import logging

import trafilatura

from bot.feeds.fetch import Fetcher

log = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 50_000
HTML_TYPES = ("text/html", "application/xhtml+xml")


def extract_main_text(html: bytes, url: str | None = None) -> str | None:
    """The article's main text (no navigation, comments or tables), or ``None``."""
    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=True,
    )
    if not text or not text.strip():
        return None
    return text.strip()[:MAX_ARTICLE_CHARS]


async def fetch_article_text(fetcher: Fetcher, url: str, *, untrusted: bool = False) -> str | None:
    """Fetch ``url`` and return its main text, or ``None`` (error, not HTML, nothing found)."""
    result = await fetcher.fetch_page(url, untrusted=untrusted)
    if result.outcome == "error" or result.body is None:
        log.info("article %s: not fetched: %s", url, result.error)
        return None
    content_type = (result.content_type or "text/html").split(";", 1)[0].strip().lower()
    if content_type not in HTML_TYPES:
        log.info("article %s: not an HTML page (%s)", url, content_type)
        return None
    try:
        text = await asyncio.to_thread(extract_main_text, result.body, result.final_url)
    except Exception as exc:  # extraction of untrusted markup must not stop the worker
        log.warning("article %s: text extraction failed: %s", url, exc)
        return None
    if text is None:
        log.info("article %s: no main text found", url)
    return text
