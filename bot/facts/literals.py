"""Literals a regular expression cannot match without: a cheap screen before the search.

:func:`required` reads a compiled pattern and gives lower-case strings one of which every match
holds (or ``None`` when it cannot say). :class:`Screen` tests them on the lowered text before the
pattern runs, which rules out most texts for the price of one search of plain literals.

The screen never says no to a text the pattern matches: a character of a literal stands for
itself, an ASCII character also for its other case (``str.lower`` folds them the way a pattern's
IGNORECASE does); a cased character beyond ASCII ends the literal. Three characters fold to an
ASCII letter under IGNORECASE but not under ``str.lower`` (dotless i, dotted capital I, long s):
a text that holds one is not screened. Zero-width parts (``\\b``, look-arounds) are transparent;
what the parser gives and this module does not know makes no literal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_LIMIT = 64  # the most strings an exact set holds before only "one of them is needed" is kept
_END = sys.maxsize  # the end of any text, as the re module's own default
_UNFOLDED = re.compile("[\u0130\u0131\u017f]")
_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})

Strings = frozenset[str]


@dataclass(frozen=True, slots=True)
class _Info:
    exact: Strings | None  # every string the part can match, when few
    need: Strings | None  # one of these is in every match of the part


_UNKNOWN = _Info(None, None)
_EMPTY = _Info(frozenset({""}), None)


def _char(code: int) -> str | None:
    char = chr(code)
    if char.isascii() or char.lower() == char == char.upper():
        return char.lower()
    return None


def _better(first: Strings | None, second: Strings | None) -> Strings | None:
    """The set that screens more: its shortest string longer, else fewer strings."""
    if first is None or "" in first:
        return None if second is None or "" in second else second
    if second is None or "" in second:
        return first
    rank = (min(map(len, first)), -len(first))
    return first if rank >= (min(map(len, second)), -len(second)) else second


def _product(first: Strings, second: Strings) -> Strings | None:
    if len(first) * len(second) > _LIMIT:
        return None
    return frozenset(a + b for a in first for b in second)


def _info(op: str, arg: Any) -> _Info:
    if op == "LITERAL":
        char = _char(arg)
        return _UNKNOWN if char is None else _Info(frozenset({char}), frozenset({char}))
    if op in _ZERO_WIDTH:
        return _EMPTY
    if op == "IN":
        return _class(arg)
    if op == "SUBPATTERN":
        return _sequence(arg[-1])
    if op == "ATOMIC_GROUP":
        return _sequence(arg)
    if op == "BRANCH":
        return _branch([_sequence(items) for items in arg[1]])
    if op in _REPEATS:
        return _repeat(arg[0], arg[1], _sequence(arg[2]))
    return _UNKNOWN


def _class(items: Any) -> _Info:
    chars = set()
    for op, arg in items:
        char = _char(arg) if str(op) == "LITERAL" else None
        if char is None:
            return _UNKNOWN
        chars.add(char)
    exact = frozenset(chars)
    return _Info(exact, exact)


def _branch(infos: list[_Info]) -> _Info:
    exact: set[str] | None = set()
    need: set[str] | None = set()
    for info in infos:
        if exact is not None and info.exact is not None:
            exact |= info.exact
        else:
            exact = None
        own = _better(info.exact, info.need)
        if need is not None and own is not None:
            need |= own
        else:
            need = None
    exact = exact if exact is not None and len(exact) <= _LIMIT else None
    return _Info(
        frozenset(exact) if exact is not None else None,
        frozenset(need) if need is not None else None,
    )


def _repeat(low: int, high: int, body: _Info) -> _Info:
    if high == 0:
        return _EMPTY
    if low == 0:
        if high == 1 and body.exact is not None:
            return _Info(body.exact | {""}, None)
        return _UNKNOWN
    exact = body.exact if low == high == 1 else None
    return _Info(exact, _better(body.exact, body.need))


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Info:
    run: Strings | None = frozenset({""})
    exact = True
    need: Strings | None = None
    for op, arg in items:
        info = _info(str(op), arg)
        joined = _product(run, info.exact) if run is not None and info.exact is not None else None
        if joined is not None:
            run = joined
            continue
        exact = False
        need = _better(need, run)
        if info.exact is None:
            need = _better(need, info.need)
            run = frozenset({""})
        else:
            run = info.exact
    need = _better(need, run)
    return _Info(run if exact else None, need)


def required(pattern: re.Pattern[str]) -> Strings | None:
    """Lower-case strings one of which every match of ``pattern`` holds; ``None`` when none
    can be said (or the pattern is beyond what this module reads)."""
    try:
        info = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # the parser's internals: no screen rather than a wrong one
        return None
    need = _better(info.exact, info.need)
    return need if need else None


_FEW = 8  # up to this many literals are looked for one by one, more by one search of them all


@dataclass(frozen=True, slots=True)
class Screen:
    """A pattern behind the test of its literals: a text that holds none of them is not
    searched. Has the pattern's methods that
    take a text (and positions: a match between them is in the text)."""

    pattern: re.Pattern[str]
    few: tuple[str, ...] | None = None
    many: re.Pattern[str] | None = None

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Screen:
        needed = required(pattern)
        if needed is None:
            return cls(pattern)
        ordered = sorted(needed, key=lambda s: (-len(s), s))
        if len(ordered) <= _FEW:
            return cls(pattern, few=tuple(ordered))
        return cls(pattern, many=re.compile("|".join(map(re.escape, ordered))))

    def may_match(self, text: str) -> bool:
        if not text.isascii() and _UNFOLDED.search(text):
            return True
        if self.few is not None:
            lowered = text.lower()
            return any(literal in lowered for literal in self.few)
        return self.many is None or self.many.search(text.lower()) is not None

    def search(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.pattern.search(text, pos, endpos) if self.may_match(text) else None

    def match(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.pattern.match(text, pos, endpos) if self.may_match(text) else None

    def fullmatch(self, text: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.pattern.fullmatch(text, pos, endpos) if self.may_match(text) else None

    def finditer(self, text: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text, pos, endpos) if self.may_match(text) else iter(())

    def sub(self, replacement: str, text: str) -> str:
        return self.pattern.sub(replacement, text) if self.may_match(text) else text
