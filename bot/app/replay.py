"""``python -m bot replay FEED_FILE... --jsonl``: judge every entry of the given feed files, in
published order, as if each had just arrived, against the seeded baseline.

Nothing leaves the machine: no article pages are fetched and no alert is delivered; the output
says whether each entry would raise an alert under the configured routes.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.app.context import AppContext
from bot.app.pipeline import Failed, Item, Outcome, Pipeline
from bot.app.progress import progress
from bot.facts.model import ChangeStatus
from bot.facts.values import plain_value
from bot.feeds.entry import Entry
from bot.feeds.parse import parse_feed

log = logging.getLogger(__name__)
REPLAY_BATCH = 200


def read_entries(paths: Sequence[Path]) -> list[Entry]:
    entries: list[Entry] = []
    for path in paths:
        try:
            body = path.read_bytes()
        except OSError as exc:
            log.error("replay: cannot read %s: %s", path, exc)
            continue
        parsed = parse_feed(body, path.stem)
        for problem in parsed.problems:
            log.warning("replay: %s (%s)", problem, path)
        entries.extend(parsed.entries)
    return sorted(entries, key=lambda e: (e.published, e.feed, e.entry_id))


def outcome_line(ctx: AppContext, outcome: Outcome) -> dict[str, Any]:
    entry, analysis = outcome.entry, outcome.analysis
    return {
        "id": entry.entry_id,
        "link": entry.link,
        "title": entry.title,
        "summary": analysis.summary,
        "relevant": analysis.relevant,
        "topics": list(analysis.topics),
        "changes": [
            {
                "fact": c.fact_id,
                "old": plain_value(c.old, ctx.catalogue[c.fact_id].kind.value),
                "new": plain_value(c.new, ctx.catalogue[c.fact_id].kind.value),
                "status": c.status.value,
                **({"effective": c.effective.isoformat()} if c.effective else {}),
            }
            for c in outcome.changes
            if c.status is not ChangeStatus.NOTED
        ],
        "alert": outcome.new_alert,
        "duplicate_of": outcome.duplicate_of,
        "update_of": outcome.update_of,
    }


def replay(
    ctx: AppContext, paths: Sequence[Path], batch_size: int = REPLAY_BATCH
) -> Iterator[dict[str, Any]]:
    """One line per entry, in published order; entries are judged ``batch_size`` at a time
    (one transaction per batch, the same outcome as one by one)."""
    pipeline = Pipeline(ctx.db, ctx.catalogue, ctx.config)
    entries = read_entries(paths)
    with progress("replay", len(entries)) as advance:
        for start in range(0, len(entries), batch_size):
            chunk = entries[start : start + batch_size]
            items = []
            for entry in chunk:
                try:
                    items.append(Item(entry, ctx.analyser.analyse(entry)))
                except Exception:
                    log.exception("replay: entry %s of feed %s failed", entry.entry_id, entry.feed)
            for item, judged in zip(items, pipeline.process_batch(items), strict=True):
                advance(1)
                entry = item.entry
                if isinstance(judged, Failed):
                    log.error(
                        "replay: entry %s of feed %s failed: %s", entry.entry_id, entry.feed,
                        judged.error, exc_info=judged.error,
                    )  # fmt: skip
                elif judged is None:
                    log.info("replay: entry %s of feed %s seen before", entry.entry_id, entry.feed)
                else:
                    yield outcome_line(ctx, judged)


def temporary_database_url() -> tuple[str, tempfile.TemporaryDirectory[str]]:
    folder = tempfile.TemporaryDirectory(prefix="bot-replay-")
    return f"sqlite:///{Path(folder.name) / 'replay.db'}", folder


def write_jsonl(lines: Iterator[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for line in lines:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    out.flush()
    return count
