"""A feed of the config: where it is, how often it is read, how its source is named, and for a
source that publishes no feed, the selectors that read its listing page as one
(:class:`ListingSpec`, a config type that :mod:`bot.feeds.listing` applies)."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from typing import Literal

from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.config.base import StrictModel, is_absolute_http_url

_OFFSET = re.compile(r"^[+-](?:[01]\d|2[0-3]):[0-5]\d$")


class ListingSpec(BaseModel):
    """How to read one source's listing page (XPath 1.0 expressions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    items: str = Field(min_length=1)
    title: str = "string(.//a[1])"
    link: str = "string((.//a/@href)[1])"
    date: str | None = None
    summary: str | None = None
    utc_offset: str = "+08:00"  # the time zone the page's dates are written in

    @field_validator("items", "title", "link", "date", "summary")
    @classmethod
    def _xpath(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                etree.XPath(value)
            except etree.XPathSyntaxError as exc:
                raise ValueError(f"not an XPath expression: {value!r} ({exc})") from exc
        return value

    @field_validator("utc_offset")
    @classmethod
    def _offset(cls, value: str) -> str:
        if not _OFFSET.match(value):
            raise ValueError("must be written +HH:MM or -HH:MM")
        return value

    def zone(self) -> timezone:
        sign = -1 if self.utc_offset.startswith("-") else 1
        hours, minutes = (int(part) for part in self.utc_offset[1:].split(":"))
        return timezone(sign * timedelta(hours=hours, minutes=minutes))


class FeedConfig(StrictModel):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    topics: list[str] = Field(default_factory=list)
    interval_seconds: int | None = Field(default=None, ge=10)
    allow_file: bool = False  # file:// URLs (and bare paths) are read only when this is true
    # the source's name in English and in its own language ("Ministry of Commerce", "商务部"),
    # and the language it publishes in (alerts and `status` show them)
    label: str = ""
    label_zh: str = ""
    language: Literal["en", "zh"] | None = None
    # a page listing the source's items, read as a feed by these selectors (bot/feeds/listing.py)
    listing: ListingSpec | None = None

    def display_name(self) -> str:
        """ "Ministry of Commerce (商务部)"; the feed's name when it has no label."""
        names = [n for n in (self.label, self.label_zh) if n]
        if len(names) == 2:
            return f"{names[0]} ({names[1]})"
        return names[0] if names else self.name

    @field_validator("url")
    @classmethod
    def _scheme(cls, url: str) -> str:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in {"http", "https", "file"}:
            raise ValueError("must be an http://, https:// or file:// URL")
        if scheme != "file" and not is_absolute_http_url(url):
            raise ValueError(f"{url!r} is not an absolute http(s) URL (scheme://host/path)")
        return url

    @model_validator(mode="after")
    def _file_needs_permission(self) -> FeedConfig:
        if self.url.lower().startswith("file:") and not self.allow_file:
            raise ValueError(f"feed {self.name}: a file:// URL needs `allow_file: true`")
        return self
