"""CPU work off the event loop: parsing (and any other job) in worker processes.

feedparser is pure Python and takes milliseconds per feed; parsed inline, a sweep in which many
feeds changed stalls the loop that also serves ``/healthz``, chat webhooks and the other
fetches. :class:`ParsePool` runs :func:`parse_source` (and, through :meth:`ParsePool.run`, any
picklable job such as the analysis of a batch of entries) in worker processes, started with
``forkserver``/``spawn`` (never ``fork``, since the worker has threads), so that the work
spreads over the machine's cores. ``workers=0`` does the small jobs inline (tests, one-shot
commands).

The parses asked for in the same turn of the event loop go to a worker as one job
(:class:`_Batch`): a round trip through the executor (its threads, pipes and the loop's wake-up)
cost the main process about as much as a 304, and in a sweep many fetches end together.

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
from dataclasses import dataclass, field
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
        self._batch: _Batch | None = None  # parses asked for in this turn of the loop
        self._sending: set[asyncio.Task[None]] = set()
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
            # a job each (parses asked for together would go to one worker as one job)
            warm_up = (self.run(_parse, b"", "warm-up", None) for _ in range(self._workers))
            await asyncio.gather(*warm_up)

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
        large = len(body) >= self._large_body_bytes
        job = (body, feed_name, seen_at, spec, content_type, known)
        if not self._workers and not large:
            self.jobs += 1
            return _parse(*job)
        loop = asyncio.get_running_loop()
        if large:
            self.jobs += 1
            try:
                return await loop.run_in_executor(self._large_pool(), _parse, *job)
            except BrokenProcessPool:
                self._close(large=True)
                return _parse(*job)
        if self._batch is None:
            self.jobs += 1
            self._batch = _Batch()
            loop.call_soon(self._send_batch)
        return await self._batch.add(job)

    def _send_batch(self) -> None:
        batch, self._batch = self._batch, None
        if batch is not None:
            task = asyncio.ensure_future(self._parse_batch(batch))
            self._sending.add(task)  # held until done (the loop keeps only a weak reference)
            task.add_done_callback(self._sending.discard)

    async def _parse_batch(self, batch: _Batch) -> None:
        loop = asyncio.get_running_loop()
        try:
            try:
                parsed = await loop.run_in_executor(self._pool(), _parse_all, batch.jobs)
            except BrokenProcessPool:
                self._close(large=False)
                parsed = _parse_all(batch.jobs)
        except Exception as exc:  # the waiting parses raise it, as a parse of their own did
            batch.settle(exc)
            return
        except BaseException as exc:
            batch.settle(exc)
            raise
        batch.settle(parsed)

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


ParseJob = tuple[bytes, str, datetime | None, SourceSpec | None, str | None, bytes | None]


@dataclass
class _Batch:
    """Parses asked for in one turn of the event loop, sent to a worker as one job."""

    jobs: list[ParseJob] = field(default_factory=list)
    waiting: list[asyncio.Future[ParsedFeed]] = field(default_factory=list)

    def add(self, job: ParseJob) -> asyncio.Future[ParsedFeed]:
        self.jobs.append(job)
        self.waiting.append(asyncio.get_running_loop().create_future())
        return self.waiting[-1]

    def settle(self, parsed: list[ParsedFeed] | BaseException) -> None:
        """Each waiting parse gets its feed, or the failure of the whole job."""
        for number, future in enumerate(self.waiting):
            if future.done():  # its fetch was cancelled
                continue
            if isinstance(parsed, Exception):
                future.set_exception(parsed)
            elif isinstance(parsed, BaseException):
                future.cancel()
            else:
                future.set_result(parsed[number])


def _parse_all(jobs: list[ParseJob]) -> list[ParsedFeed]:
    return [_parse(*job) for job in jobs]


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
