"""The feed files given to ``python -m bot replay``, checked before anything is judged: each
must exist, be a readable file and hold an RSS or Atom feed. One line per bad file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.feeds.parse import parse_feed


def feed_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be replayed, or ``None``."""
    if not path.exists():
        return f"{path}: no such file"
    if path.is_dir():
        return f"{path}: is a directory, not a feed file"
    try:
        body = path.read_bytes()
    except OSError as exc:
        return f"{path}: cannot read: {(exc.strerror or type(exc).__name__).lower()}"
    parsed = parse_feed(body, path.name)
    if not parsed.readable:
        reason = parsed.problems[0].split(": not a readable feed: ", 1)[-1]
        return f"{path}: not a feed: {reason}"
    if not parsed.version and not parsed.entries:
        return f"{path}: not an RSS or Atom feed"
    return None


def feed_file_problems(paths: Sequence[Path]) -> list[str]:
    return [problem for path in paths if (problem := feed_file_problem(path)) is not None]
