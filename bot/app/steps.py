"""The sweep's background work: tasks it spawns, and steps of which one of each kind runs.

A *step* (a claim, a look-up of the entries seen, a batch judged, a batch of results written)
has a store call behind it; the coordinator starts it and goes on, so fetches never wait for
the store. The first step that raises is kept (:attr:`Steps.error`) and the coordinator raises
it: the sweep stops. Any task that ends, or :meth:`Steps.wake`, wakes the coordinator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any


class Steps:
    def __init__(self, tick: float) -> None:
        self.tick = tick  # the longest the coordinator sleeps without being woken
        self.running: set[str] = set()  # steps under way: claim, triage, ...
        self.error: BaseException | None = None  # why a step failed: the sweep stops
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._cancelled = False

    def start(self, step: str, coroutine: Coroutine[Any, Any, object]) -> None:
        """Run one step while the coordinator goes on; one step of each kind at a time."""

        async def run() -> None:
            try:
                await coroutine
            except Exception as exc:  # raised by the coordinator: the sweep stops
                self.error = exc
            finally:
                self.running.discard(step)
                self._wake.set()

        self.running.add(step)
        self.spawn(run())

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a task (not once :meth:`cancel` was called: the sweep is over)."""
        if self._cancelled:
            coroutine.close()
            return
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def wake(self) -> None:
        self._wake.set()

    async def wait(self) -> None:
        """Until something wakes the coordinator, or a tick has passed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.tick)
        self._wake.clear()

    def cancel(self) -> None:
        self._cancelled = True
        for task in list(self._tasks):
            task.cancel()
