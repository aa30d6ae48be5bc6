"""Fetching feeds and parsing them into :class:`Entry` objects."""

from bot.feeds.entry import Entry
from bot.feeds.parse import ParsedFeed, html_to_text, parse_feed

__all__ = ["Entry", "ParsedFeed", "html_to_text", "parse_feed"]
