"""The analysis of entries in the pool's worker processes (``bot/feeds/pool.py``).

Each worker builds the default analyser once, from the same seeds and topics file as the main
process (:func:`setup`), then analyses the batches of entries it is sent. An entry whose
analysis raises comes back as ``None`` (the worker judges it again at the next poll).
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from bot.config import BotConfig
from bot.facts.catalogue import Catalogue
from bot.feeds.entry import Entry
from bot.news.analysis import Analyser, Analysis, build_analyser

log = logging.getLogger(__name__)
_analyser: Analyser | None = None


def setup(seeds_dir: str, topics_file: str) -> None:
    """Build this process's analyser (run once in each pool worker as it starts)."""
    global _analyser
    _analyser = build_analyser(Catalogue.load(Path(seeds_dir)), Path(topics_file))


def setup_for(config: BotConfig) -> partial[None]:
    """The pool's worker set-up for ``config`` (picklable)."""
    return partial(setup, str(config.seeds_dir), str(config.topics_file))


def analyse_all(analyser: Analyser, entries: list[Entry]) -> list[Analysis | None]:
    """Each entry's analysis; ``None`` for one whose analysis raised (logged)."""
    results: list[Analysis | None] = []
    for entry in entries:
        try:
            results.append(analyser.analyse(entry))
        except Exception:
            log.exception(
                "feed %s: entry %s could not be analysed",
                entry.feed,
                entry.entry_id,
                extra={"feed": entry.feed, "entry": entry.entry_id},
            )
            results.append(None)
    return results


def analyse_entries(entries: list[Entry]) -> list[Analysis | None]:
    """:func:`analyse_all` with this worker's analyser (see :func:`setup`)."""
    if _analyser is None:
        raise RuntimeError("analysis worker used before its set-up")
    return analyse_all(_analyser, entries)
