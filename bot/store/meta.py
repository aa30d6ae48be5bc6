"""Small keyed state: fetched articles' text (cached) and the meta table's values."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.store.common import utcnow
from bot.store.models import ArticleCacheRow, MetaRow


def cached_article(session: Session, url: str, max_age: timedelta) -> ArticleCacheRow | None:
    key = hashlib.sha256(url.encode()).hexdigest()
    row = session.get(ArticleCacheRow, key)
    if row is None or row.fetched_at < utcnow() - max_age:
        return None
    return row


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
