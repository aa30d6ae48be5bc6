"""Freed memory given back to the system (``bot/app/heap.py``)."""

from __future__ import annotations

import ctypes
import sys

import pytest

from bot.app import heap


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_heap_is_trimmed_without_error() -> None:
    blocks = [ctypes.create_string_buffer(4096) for _ in range(2000)]  # malloc'd, > 512 bytes
    del blocks
    assert isinstance(heap.trim_heap(), bool)


def test_no_trim_where_there_is_no_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_malloc_trim", None)
    assert heap.trim_heap() is False


def test_a_sweep_trims_only_after_enough_entries_and_time() -> None:
    schedule = heap.TrimSchedule(every=0.0, least=3)
    schedule.judged(2)
    assert not schedule.due()  # too few entries judged
    schedule.judged(1)
    assert schedule.due()
    assert not schedule.due()  # starts over
    slow = heap.TrimSchedule(every=3600.0, least=1)
    slow.judged(10)
    assert not slow.due()  # too soon
