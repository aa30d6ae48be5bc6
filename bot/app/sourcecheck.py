"""``check-config`` on the sources that need more than a feed reader: each source in another
language than English or read from a listing page, one line each.

Without ``--sources`` the lines say what each source is (language, feed or listing page, its
selectors checked when the config loaded); with it, each source is fetched once, under the same
limits and SSRF guard as the worker, and parsed as the worker would parse it: the line says
whether it parses and how many entries it holds, else why not (a selector that finds nothing, a
charset that decodes nothing, an HTTP error). A source fetched that does not parse is a problem.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.config import BotConfig
from bot.config.settings import FeedConfig
from bot.feeds.fetch import Fetcher
from bot.feeds.source import SourceSpec, parse_source


@dataclass(frozen=True, slots=True)
class SourceLine:
    name: str
    text: str
    problem: bool = False


def checked_sources(config: BotConfig) -> list[FeedConfig]:
    """The sources ``check-config`` lists: not English, or read from a listing page."""
    return [f for f in config.feeds if f.listing is not None or f.language not in (None, "en")]


def _what(feed: FeedConfig) -> str:
    kind = "listing page" if feed.listing is not None else "feed"
    names = [n for n in (feed.label_zh, feed.label) if n]
    return f"source {feed.name} ({', '.join([*names[:1], feed.language or '?', kind])})"


def _newest(times: list[datetime]) -> str:
    return f", newest {max(times):%Y-%m-%d %H:%M} UTC" if times else ""


async def _check(fetcher: Fetcher, feed: FeedConfig) -> SourceLine:
    result = await fetcher.fetch(feed.url, allow_file=feed.allow_file)
    if result.outcome == "error" or result.body is None:
        return SourceLine(feed.name, f"{_what(feed)}: cannot be fetched: {result.error}", True)
    spec = SourceSpec(listing=feed.listing, url=result.final_url or feed.url)
    parsed = await asyncio.to_thread(
        parse_source, result.body, feed.name, spec, content_type=result.content_type
    )
    if parsed.failure or not parsed.readable:
        why = parsed.failure or (parsed.problems[0] if parsed.problems else "not readable")
        return SourceLine(feed.name, f"{_what(feed)}: does not parse: {why}", True)
    dated = [e.published for e in parsed.entries if e.dated]
    count = len(parsed.entries)
    return SourceLine(
        feed.name, f"{_what(feed)}: parses, {count} entr{'y' if count == 1 else 'ies'}"
        f"{_newest(dated)}",
    )  # fmt: skip


async def _fetch_all(config: BotConfig, feeds: list[FeedConfig]) -> list[SourceLine]:
    async with Fetcher(config.fetch) as fetcher:
        return list(await asyncio.gather(*(_check(fetcher, f) for f in feeds)))


def source_lines(config: BotConfig, *, fetch: bool) -> list[SourceLine]:
    """One line per checked source (see the module docstring)."""
    feeds = checked_sources(config)
    if not fetch:
        return [SourceLine(f.name, f"{_what(f)}: not fetched (--sources fetches and parses it)")
                for f in feeds]  # fmt: skip
    return asyncio.run(_fetch_all(config, feeds))
