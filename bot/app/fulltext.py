"""An entry whose feed carries only a teaser is judged on its article page.

When the analysis of the feed's text says it looks relevant but is too short to judge
(``needs_full_text``) and ``fetch.full_text`` is on, the link's page is fetched (same limits and
SSRF guard as feeds), its main text extracted, and the entry analysed again on it. Pages are
cached for a week. The page of an entry from a chat-added feed is fetched under the strict
guard, whatever ``fetch.allow_private_networks`` says, and never served from the cache (which
may hold a page only the deployer's own policy could reach).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from bot.app.context import AppContext
from bot.feeds.article import fetch_article_text
from bot.feeds.entry import Entry
from bot.feeds.fetch import Fetcher
from bot.news.analysis import Analysis
from bot.store import repo

ARTICLE_CACHE_AGE = timedelta(days=7)


class FullText:
    def __init__(self, ctx: AppContext, fetcher: Fetcher) -> None:
        self.ctx = ctx
        self.fetcher = fetcher

    async def analyse(
        self, entry: Entry, *, fetch_page: bool, untrusted: bool
    ) -> tuple[Entry, Analysis]:
        """The analysis, on the article page's text when the feed's is too short. The page of
        an entry from a chat-added feed (``untrusted``) is fetched under the strict SSRF guard,
        whatever the deployer allows for configured feeds."""
        return await self.complete(
            entry, self.ctx.analyser.analyse(entry), fetch_page=fetch_page, untrusted=untrusted
        )

    def wants_page(self, entry: Entry, analysis: Analysis, *, fetch_page: bool) -> bool:
        """Whether the entry is to be judged on its article page."""
        return (
            fetch_page
            and analysis.needs_full_text
            and self.ctx.config.fetch.full_text
            and entry.link.startswith(("http://", "https://"))
        )

    async def complete(
        self, entry: Entry, analysis: Analysis, *, fetch_page: bool, untrusted: bool
    ) -> tuple[Entry, Analysis]:
        """The entry and its analysis, on the article page's text when the feed's is too short
        (``analysis`` is the feed text's)."""
        if not self.wants_page(entry, analysis, fetch_page=fetch_page):
            return entry, analysis
        text = await self._article_text(entry.link, untrusted=untrusted)
        if not text or len(text) <= len(entry.text):
            return entry, analysis
        longer = replace(entry, text=text)
        return longer, self.ctx.analyser.analyse(longer)

    async def _article_text(self, url: str, *, untrusted: bool) -> str | None:
        """The page's main text, from the cache when fetched lately (never for ``untrusted``
        entries: the cache may hold a page only the deployer's own policy could reach)."""

        def cached() -> tuple[bool, str | None]:
            with self.ctx.db.unit() as session:
                article = repo.cached_article(session, url, ARTICLE_CACHE_AGE)
                return (article is not None, article.text if article else None)

        hit, text = (False, None) if untrusted else await asyncio.to_thread(cached)
        if hit:
            return text
        text = await fetch_article_text(self.fetcher, url, untrusted=untrusted)

        def store() -> None:
            with self.ctx.db.unit() as session:
                repo.cache_article(session, url, text)

        await asyncio.to_thread(store)
        return text
