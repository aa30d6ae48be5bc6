"""CPU work off the event loop: parsing (and any other job) in worker processes.

feedparser is pure Python and takes milliseconds per feed; parsed inline, a sweep in which many
feeds changed stalls the loop that also serves ``/healthz``, chat webhooks and the other
fetches. :class:`ParsePool` runs :func:`parse_source` (and, through :meth:`ParsePool.run`, any
picklable job such as the analysis of a batch of entries) in worker processes, started with
``forkserver``/``spawn`` (never ``fork``, since the worker has threads), so that the work
spreads over the machine's cores. ``workers=0`` does the small jobs inline (tests, one-shot
commands).

Two lanes, so that one huge body never delays the others: a body of ``LARGE_BODY_BYTES`` or
more is parsed by its own single worker process (started when first needed, even with
``workers=0``), every other job goes to the regular workers.

Every worker process watches the process that started it and exits as soon as it is gone (a
``kill -9`` of the bot leaves no worker behind): the parent's pidfd where the kernel has them,
else a check twice a second.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.feeds.closing import Closing
from bot.feeds.parse import ParsedFeed
from bot.feeds.source import SourceSpec, parse_source

T = TypeVar("T")
LARGE_BODY_BYTES = 1024 * 1024
WATCH_SECONDS = 0.5


def default_workers() -> int:
    """One worker per spare core, at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie, killed but not reaped yet, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here: os.kill said it exists
    return stat.rsplit(")", 1)[-1].split()[0:1] != ["Z"]


def _watch(parent: int) -> None:
    """Exit this process as soon as ``parent`` is gone."""
    try:
        pidfd = os.pidfd_open(parent)
    except (AttributeError, OSError):
        pidfd = None
    if pidfd is not None and process_alive(parent):
        select.select([pidfd], [], [])  # readable once the parent has exited
        os._exit(0)
    while process_alive(parent):
        time.sleep(WATCH_SECONDS)
    os._exit(0)


def _init_worker(parent: int, setup: Callable[[], None] | None) -> None:
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()
    if setup is not None:
        setup()


class ParsePool(Closing):
    """``await pool.parse(body, feed_name)`` parses in a worker process; never raises for bad
    input (see :func:`parse_source`). ``await pool.run(fn, *args)`` runs another job there.
    ``setup`` runs once in each regular worker as it starts (to build what its jobs need).
    A crashed pool is replaced and the job retried once inline."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        setup: Callable[[], None] | None = None,
        large_body_bytes: int = LARGE_BODY_BYTES,
    ) -> None:
        self._workers = default_workers() if workers is None else workers
        self._setup = setup
        self._large_body_bytes = large_body_bytes
        self._executor: Executor | None = None
        self._large: Executor | None = None
        self.jobs = 0  # jobs asked of the pool so far (parses and others): a round trip each

    @property
    def workers(self) -> int:
        return self._workers

    async def aclose(self) -> None:
        self.close()

    def _new_executor(self, workers: int, setup: Callable[[], None] | None) -> Executor:
        context = multiprocessing.get_context(_start_method())
        return ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(os.getpid(), setup)
        )

    def _pool(self) -> Executor:
        if self._executor is None:
            self._executor = self._new_executor(self._workers, self._setup)
        return self._executor

    def _large_pool(self) -> Executor:
        if self._large is None:
            self._large = self._new_executor(1, None)
        return self._large

    async def warm_up(self) -> None:
        """Start the workers (and run their ``setup``) now rather than on the first job."""
        if self._workers:
            await asyncio.gather(*(self.parse(b"", "warm-up") for _ in range(self._workers)))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a regular worker (inline without workers); ``fn`` and its
        arguments must be picklable (a module-level function)."""
        self.jobs += 1
        if not self._workers:
            return fn(*args)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool(), fn, *args)
        except BrokenProcessPool:
            self._close(large=False)
            if self._setup is not None:
                self._setup()
            return fn(*args)

    async def parse(
        self,
        body: bytes,
        feed_name: str,
        *,
        seen_at: datetime | None = None,
        spec: SourceSpec | None = None,
        content_type: str | None = None,
        known: bytes | None = None,
    ) -> ParsedFeed:
        """``spec``: how the source is read (a listing page); ``content_type``: the HTTP
        header, for its charset; ``known``: the items read before (see
        :func:`bot.feeds.source.parse_source`)."""
        self.jobs += 1
        large = len(body) >= self._large_body_bytes
        job = (body, feed_name, seen_at, spec, content_type, known)
        if not self._workers and not large:
            return _parse(*job)
        loop = asyncio.get_running_loop()
        pool = self._large_pool() if large else self._pool()
        try:
            return await loop.run_in_executor(pool, _parse, *job)
        except BrokenProcessPool:
            self._close(large=large)
            return _parse(*job)

    def _close(self, *, large: bool) -> None:
        executor = self._large if large else self._executor
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if large:
            self._large = None
        else:
            self._executor = None

    def close(self) -> None:
        self._close(large=False)
        self._close(large=True)


def _parse(
    body: bytes,
    feed_name: str,
    seen_at: datetime | None,
    spec: SourceSpec | None = None,
    content_type: str | None = None,
    known: bytes | None = None,
) -> ParsedFeed:
    return parse_source(
        body, feed_name, spec, content_type=content_type, seen_at=seen_at, known=known
    )
