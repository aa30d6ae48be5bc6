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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_LIMIT = 64  # the most strings an exact set holds before only "one of them is needed" is kept
_CLAUSES = 3  # the most sets of which one string each is needed, the longest strings first
_TRIAL, _MOSTLY = 200, 0.8  # a screen that lets more than this share of its first texts pass
_FEW = 6  # up to this many strings are looked for one by one, more by one search of them all
_END = sys.maxsize  # the end of any text, as the re module's own default
_UNFOLDED = re.compile("[\u0130\u0131\u017f]")
_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})

Strings = frozenset[str]
Needs = tuple[Strings, ...]  # each set: one of its strings is in every match


@dataclass(frozen=True, slots=True)
class _Info:
    exact: Strings | None  # every string the part can match, when few
    needs: Needs = ()


_UNKNOWN = _Info(None)
_EMPTY = _Info(frozenset({""}))


def _char(code: int) -> str | None:
    char = chr(code)
    if char.isascii() or char.lower() == char == char.upper():
        return char.lower()
    return None


def _rank(strings: Strings) -> tuple[int, int, list[str]]:
    """Which set screens more: its shortest string longer, else fewer strings (then any
    order, the same at every run)."""
    return -min(map(len, strings)), len(strings), sorted(strings)


def _all(sets: Iterable[Strings | None]) -> Needs:
    """The useful sets, best first; a set that holds another one's strings all says no more."""
    useful = {s for s in sets if s and "" not in s}
    kept: list[Strings] = []
    for strings in sorted(useful, key=_rank):
        if not any(other <= strings for other in kept):
            kept.append(strings)
    return tuple(kept[:_CLAUSES])


def _product(first: Strings, second: Strings) -> Strings | None:
    if len(first) * len(second) > _LIMIT:
        return None
    return frozenset(a + b for a in first for b in second)


def _info(op: str, arg: Any) -> _Info:
    if op == "LITERAL":
        char = _char(arg)
        return _UNKNOWN if char is None else _Info(frozenset({char}))
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
    return _Info(frozenset(chars))


def _branch(infos: list[_Info]) -> _Info:
    """One of the branches: each gives its best set, and one of them all is needed."""
    exact: set[str] | None = set()
    union: set[str] | None = set()
    for info in infos:
        exact = exact | info.exact if exact is not None and info.exact is not None else None
        own = _all([info.exact, *info.needs])
        union = union | own[0] if union is not None and own else None
    return _Info(
        frozenset(exact) if exact is not None and len(exact) <= _LIMIT else None,
        _all([frozenset(union)] if union is not None else []),
    )


def _repeat(low: int, high: int, body: _Info) -> _Info:
    if high == 0:
        return _EMPTY
    if low == 0:
        if high == 1 and body.exact is not None:
            return _Info(body.exact | {""})
        return _UNKNOWN
    return _Info(body.exact if low == high == 1 else None, _all([body.exact, *body.needs]))


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Info:
    """All of the items: the runs of exact parts joined, and every part's needs."""
    run: Strings = frozenset({""})
    exact = True
    sets: list[Strings | None] = []
    for op, arg in items:
        info = _info(str(op), arg)
        joined = _product(run, info.exact) if info.exact is not None else None
        if joined is not None:
            run = joined
            continue
        exact = False
        sets.append(run)
        sets.extend(info.needs)
        run = info.exact if info.exact is not None else frozenset({""})
    sets.append(run)
    return _Info(run if exact else None, _all(sets))


def required(pattern: re.Pattern[str]) -> Needs:
    """Sets of lower-case strings: every match of ``pattern`` holds one string of each (none
    when nothing can be said, or the pattern is beyond what this module reads)."""
    try:
        info = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # the parser's internals: no screen rather than a wrong one
        return ()
    return _all([info.exact, *info.needs])


def _trie(strings: Iterable[str]) -> str:
    """One regular expression of ``strings``, their common beginnings written once."""
    heads: dict[str, list[str]] = {}
    optional = False
    for string in sorted(set(strings)):
        if string:
            heads.setdefault(string[0], []).append(string[1:])
        else:
            optional = True
    branches = [re.escape(head) + _trie(tails) for head, tails in heads.items()]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if optional else body


@cache
def _tester(strings: Strings) -> Callable[[str], bool]:
    """Whether a lowered text holds one of ``strings`` (one holding another is not needed);
    one test for each set, shared by the patterns that need it."""
    shortest: list[str] = []
    for string in sorted(strings, key=len):
        if not any(kept in string for kept in shortest):
            shortest.append(string)
    if len(shortest) <= _FEW:
        few = tuple(shortest)
        return lambda lowered: any(string in lowered for string in few)
    many = re.compile(_trie(shortest))
    return lambda lowered: many.search(lowered) is not None


_last: tuple[str, str | None] = ("", "")
_answers: tuple[str | None, dict[Callable[[str], bool], bool]] = (None, {})


def fold(text: str) -> str | None:
    """``text`` as the screens read it (lowered); ``None`` when it holds a character that folds
    otherwise under IGNORECASE (then nothing is screened out). The text of the last call is
    remembered: the rules ask about one sentence or clause many times in a row."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    folded = None if not text.isascii() and _UNFOLDED.search(text) else text.lower()
    _last = (text, folded)
    return folded


@dataclass(frozen=True, slots=True)
class Screen:
    """A pattern behind the test of its literals: a text that lacks one of each needed set is
    not searched (a match between positions is in the text). Has the pattern's methods that
    take a text."""

    pattern: re.Pattern[str]
    tests: tuple[Callable[[str], bool], ...] = ()
    tally: list[int] = field(default_factory=lambda: [0, 0], compare=False, repr=False)

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> Screen:
        return cls(pattern, tuple(_tester(strings) for strings in required(pattern)))

    def admits(self, folded: str | None) -> bool:
        """Whether a text (:func:`fold`) may hold a match; a text that holds one of the
        pattern's matches may be a part of it. The answers of the tests for the last text
        are remembered: patterns share sets of literals."""
        global _answers
        if folded is None:
            return True
        text, answers = _answers
        if text is not folded:
            answers = {}
            _answers = (folded, answers)
        for test in self.tests:
            answer = answers.get(test)
            if answer is None:
                answer = answers[test] = test(folded)
            if not answer:
                return False
        return True

    def may_match(self, text: str) -> bool:
        """Whether ``text`` may hold a match. A screen that lets most of its first texts
        through (most texts hold its literals) stops testing: the test would cost more than
        the searches it saves."""
        if not self.tests:
            return True
        admitted = self.admits(fold(text))
        tally = self.tally
        if tally[0] < _TRIAL:
            tally[0] += 1
            tally[1] += admitted
            if tally[0] == _TRIAL and tally[1] > _TRIAL * _MOSTLY:
                object.__setattr__(self, "tests", ())
        return admitted

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


NEVER = Screen(re.compile(r"(?!)"))  # a screen that matches nothing
