"""Entries per second through the analysis stage, against a keyword filter in the same process.

    .venv/bin/python bench/analysis_bench.py [--entries 3000]

Builds a mixed stream of entries (relevant and not, with and without claims, in our own words),
then times, in one process: (a) the archetypal keyword filter (a regular expression over title
and text), (b) our analyser alone (relevance, claims, summary), and (c) the whole per-entry
pipeline on a SQLite store (analyse, compare with the current state, same-story check, store,
outbox). Prints entries per second and ratios; the ratios are what to compare, since machines
here are noisy.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app.pipeline import Pipeline  # noqa: E402
from bot.config import BotConfig, RouteConfig  # noqa: E402
from bot.facts.catalogue import Catalogue  # noqa: E402
from bot.feeds.entry import Entry  # noqa: E402
from bot.news.analysis import build_analyser  # noqa: E402
from bot.store import ledger  # noqa: E402
from bot.store.db import Database  # noqa: E402

TEMPLATES = [
    (
        "US trims duties on Chinese imports to {n}%",
        "The administration lowered the tariff on most goods from China to {n} percent from {m} "
        "percent, officials said on {day}.",
    ),
    (
        "Beijing answers with {n}% levies on American goods",
        "China said its tariff on US products would rise to {n} percent, the ministry said.",
    ),
    (
        "Trade negotiators to meet in {city}",
        "Treasury Secretary Scott Bessent and Vice Premier He Lifeng will meet in {city} soon.",
    ),
    (
        "Threat of {n}% tariff on China",
        "The president said duties on Chinese goods could climb to {n} percent if talks fail.",
    ),
    (
        "China adds {k} chemicals to its precursor list",
        "Beijing placed {k} more fentanyl precursors under control, the ministry announced.",
    ),
    (
        "{city} council approves a new park",
        "The park will open in {day} with {k} acres of trees and a playground.",
    ),
    (
        "Rice exports from Vietnam up {n}%",
        "Shipments rose {n} percent in the quarter, the agriculture ministry said.",
    ),
    (
        "Overdose deaths fall for a {k}th month",
        "Fentanyl remains the main driver of overdose deaths, health officials said.",
    ),
]
CITIES = ["Geneva", "London", "Stockholm", "Madrid", "Oslo", "Kuala Lumpur"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
KEYWORDS = re.compile(r"\b(?:china|chinese|beijing|tariff\w*|fentanyl|precursor\w*)\b", re.I)


def make_entries(count: int, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    start = datetime(2025, 6, 1, tzinfo=UTC)
    entries = []
    for i in range(count):
        title, text = rng.choice(TEMPLATES)
        values = {
            "n": rng.choice([10, 20, 25, 30, 34, 50, 54, 84, 125]),
            "m": rng.choice([145, 125, 30]),
            "k": rng.randint(2, 20),
            "city": rng.choice(CITIES),
            "day": rng.choice(DAYS),
        }
        entries.append(
            Entry(
                feed=f"bench-{i % 50}",
                entry_id=f"https://bench.example/{i}",
                link=f"https://bench.example/{i}",
                title=title.format(**values),
                published=start + timedelta(minutes=7 * i),
                text=text.format(**values),
            )
        )
    return entries


def timed(label: str, count: int, work: callable) -> float:  # type: ignore[valid-type]
    began = time.perf_counter()
    work()
    seconds = time.perf_counter() - began
    print(f"{label:44} {seconds:8.3f} s  {count / seconds:10,.0f} entries/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=3000)
    args = parser.parse_args()
    entries = make_entries(args.entries)
    catalogue = Catalogue.load(ROOT / "seeds")
    analyser = build_analyser(catalogue, ROOT / "config" / "topics.yaml")
    analyser.analyse(entries[0])  # warm the compiled patterns

    keyword = timed(
        "(a) keyword filter", len(entries), lambda: [KEYWORDS.search(e.full_text) for e in entries]
    )
    analysis = timed(
        "(b) our analyser (relevance, claims, summary)",
        len(entries),
        lambda: [analyser.analyse(e) for e in entries],
    )
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        db.migrate()
        with db.session() as session:
            ledger.seed_fact_states(session, catalogue)
        config = BotConfig(routes=[RouteConfig(to="console", kinds=["changes", "news"])])
        pipeline = Pipeline(db, catalogue, config)
        whole = timed(
            "(c) whole per-entry pipeline on SQLite",
            len(entries),
            lambda: [pipeline.process(e, analyser.analyse(e)) for e in entries],
        )
        db.dispose()
    print(f"analyser vs keyword filter: {analysis / keyword:8.1f}x the time")
    print(f"pipeline vs analyser alone: {whole / analysis:8.1f}x the time")


if __name__ == "__main__":
    main()
