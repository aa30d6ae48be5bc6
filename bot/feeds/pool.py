"""Parsing off the event loop.

feedparser is pure Python and takes milliseconds per feed; parsed inline, a sweep in which many
feeds changed stalls the loop that also serves ``/healthz``, chat webhooks and the other
fetches. :class:`ParsePool` runs :func:`parse_feed` in worker processes (started with
``forkserver``/``spawn``, never ``fork``, since the worker has threads), so parsing overlaps
with fetching on another core. ``workers=0`` parses inline (tests, one-shot commands).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from types import TracebackType

from bot.feeds.parse import ParsedFeed
from bot.feeds.source import SourceSpec, parse_source


def default_workers() -> int:
    """One worker per spare core, at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


class ParsePool:
    """``await pool.parse(body, feed_name)`` parses in a worker process; never raises for bad
    input (see :func:`parse_feed`). A crashed worker pool is replaced and the parse retried
    once inline."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = default_workers() if workers is None else workers
        self._executor: Executor | None = None

    async def __aenter__(self) -> ParsePool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _pool(self) -> Executor:
        if self._executor is None:
            context = multiprocessing.get_context(_start_method())
            self._executor = ProcessPoolExecutor(self._workers, mp_context=context)
        return self._executor

    async def warm_up(self) -> None:
        """Start the workers now rather than on the first parse."""
        if self._workers:
            await asyncio.gather(*(self.parse(b"", "warm-up") for _ in range(self._workers)))

    async def parse(
        self,
        body: bytes,
        feed_name: str,
        *,
        seen_at: datetime | None = None,
        spec: SourceSpec | None = None,
        content_type: str | None = None,
    ) -> ParsedFeed:
        """``spec``: how the source is read (a listing page); ``content_type``: the HTTP
        header, for its charset (see :func:`bot.feeds.source.parse_source`)."""
        if not self._workers:
            return parse_source(body, feed_name, spec, content_type=content_type, seen_at=seen_at)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._pool(), _parse, body, feed_name, seen_at, spec, content_type
            )
        except BrokenProcessPool:
            self.close()
            return parse_source(body, feed_name, spec, content_type=content_type, seen_at=seen_at)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _parse(
    body: bytes,
    feed_name: str,
    seen_at: datetime | None,
    spec: SourceSpec | None = None,
    content_type: str | None = None,
) -> ParsedFeed:
    return parse_source(body, feed_name, spec, content_type=content_type, seen_at=seen_at)
