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
