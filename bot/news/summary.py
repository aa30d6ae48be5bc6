"""Extractive summaries: one to three sentences of the entry, chosen for its topics and claims.

A sentence scores one point per topic term it holds, three if it carries a claim's evidence and
one for being the lead sentence; the best (ties: earliest) are kept in text order within
``max_chars``. Plain text only: the feed room already stripped HTML, and stray tags are removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.facts.lexicon import Lexicon
from bot.facts.text import sentences

_TAG = re.compile(r"<[^>]{0,200}>")
MAX_SENTENCES = 3
MAX_CHARS = 400


def _clean(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split())


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 2].rsplit(" ", 1)[0] + " …"


def summarise(
    title: str,
    text: str,
    lexicon: Lexicon,
    term_vocabularies: Sequence[str],
    evidence: Sequence[str] = (),
    max_chars: int = MAX_CHARS,
    split: Callable[[str], list[str]] = sentences,
) -> str:
    """The summary an alert carries: extractive, plain text, at most ``max_chars``; ``split``
    cuts the text into sentences (Chinese text has its own)."""
    body = _clean(text)
    units = split(body) if body else []
    if not units:
        return _shorten(_clean(title), max_chars)
    claimed = {" ".join(e.split()) for e in evidence}

    def score(index: int, sentence: str) -> int:
        terms = sum(lexicon.count(name, sentence) for name in term_vocabularies)
        carries_claim = any(e and (e in sentence or sentence in e) for e in claimed)
        return terms + 3 * carries_claim + (1 if index == 0 else 0)

    ranked = sorted(range(len(units)), key=lambda i: (-score(i, units[i]), i))
    chosen: list[int] = []
    used = 0
    for index in ranked[:MAX_SENTENCES]:
        length = len(units[index]) + (1 if chosen else 0)
        if chosen and used + length > max_chars:
            continue
        chosen.append(index)
        used += length
    joiner = "" if split is not sentences else " "
    return _shorten(joiner.join(units[i] for i in sorted(chosen)), max_chars)
