"""Small keyed state: fetched articles' text (cached) and the meta table's values."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.store.common import utcnow
from bot.store.models import ArticleCacheRow, MetaRow


@dataclass(frozen=True, slots=True)
class CachedArticle:
    """An article page's text as fetched (``None``: the page gave none) and when."""

    url: str
    text: str | None
    fetched_at: datetime


def cached_article(session: Session, url: str, max_age: timedelta) -> CachedArticle | None:
    """The page's text fetched within ``max_age``, or ``None`` (not cached, or too old)."""
    key = hashlib.sha256(url.encode()).hexdigest()
    row = session.get(ArticleCacheRow, key)
    if row is None or row.fetched_at < utcnow() - max_age:
        return None
    return CachedArticle(url=row.url, text=row.text, fetched_at=row.fetched_at)


def cache_article(session: Session, url: str, text_: str | None) -> None:
    key = hashlib.sha256(url.encode()).hexdigest()
    row = session.get(ArticleCacheRow, key)
    if row is None:
        session.add(ArticleCacheRow(url_hash=key, url=url, text=text_, fetched_at=utcnow()))
    else:
        row.text, row.fetched_at = text_, utcnow()


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(MetaRow, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(MetaRow, key)
    if row is None:
        session.add(MetaRow(key=key, value=value))
    else:
        row.value = value
