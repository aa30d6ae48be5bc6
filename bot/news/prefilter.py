"""A cheap test of whether an entry can be relevant or make a claim, built once from the rules.

Every way an English entry becomes relevant or makes a claim goes through a regular expression
of the rules' data: a topic matches through its terms; a percent claim is bound to a noun of
its fact's ``figure.nouns`` vocabulary (the figure rules, their removals, scalings and point
changes); a state, month or person claim needs its fact's ``entry_requires`` and
``sentence_requires`` vocabularies and one of its ``patterns``. A regular expression can only
match a text that holds its *required words*: the words of its literal runs, taken as the
regular expression's syntax says (all of a sequence, one of an alternation, nothing of what is
optional). The prefilter holds these requirements, compiled once (no regular expression is
compiled per entry), and tests them on the set of words of the title and text; an entry that
meets none of them makes no claim and matches no topic, so the claim extractor and
the topic matching are skipped for it, with the same analysis as a result.

The test is a superset: a word is looked for as a substring anywhere (the extractor's own text
is the same text cut into sentences and clauses, figures normalised and cases changed, which
only removes matches); it is a whole word only where the expression says so (``\\b`` or a
look-around for a word character on both sides), else a word's beginning, end or part. A
requirement with a digit in it, a repetition that may be absent, a class of characters, an
anchor or a look-around requires nothing. Entries with words in another script (Chinese has its
own rules) are never filtered.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from bot.facts.catalogue import Catalogue
from bot.facts.lexicon import Lexicon, term_regex
from bot.facts.model import FactKind

# the re module's own parser and its opcodes (Python 3.11+)
sre: Any = importlib.import_module("re._constants")
sre_parse: Any = importlib.import_module("re._parser")

# A requirement in disjunctive normal form: one of the alternatives, each a set of words that
# must all occur. ANYTHING requires nothing; NOTHING cannot be met.
Alternatives = frozenset[frozenset[str]]
ANYTHING: Alternatives = frozenset({frozenset()})
NOTHING: Alternatives = frozenset()
MAX_ALTERNATIVES = 4096  # beyond this a requirement is given up (it requires nothing)
_WORD = re.compile(r"\w+")


def _all(parts: Iterable[Alternatives]) -> Alternatives:
    result = ANYTHING
    for part in parts:
        if part == ANYTHING:
            continue
        combined = {a | b for a, b in product(result, part)}
        if len(combined) > MAX_ALTERNATIVES:
            continue  # looser: this part is not required
        result = _minimal(combined)
    return result


def _any(parts: Iterable[Alternatives]) -> Alternatives:
    union: set[frozenset[str]] = set()
    for part in parts:
        if part == ANYTHING:
            return ANYTHING
        union |= part
    if len(union) > MAX_ALTERNATIVES:
        return ANYTHING
    return _minimal(union)


def _minimal(alternatives: set[frozenset[str]]) -> Alternatives:
    """Drop an alternative that requires more than another one does."""
    ordered = sorted(alternatives, key=len)
    kept: list[frozenset[str]] = []
    for alternative in ordered:
        if not any(other <= alternative for other in kept):
            kept.append(alternative)
    return frozenset(kept)


def _literal(chars: list[int], start: bool, end: bool) -> Alternatives:
    """The words of a literal run, each as the needle to look for in the entry's words (see
    :func:`words_of`): `` word `` a whole word, `` word`` its beginning, ``word `` its end.
    ``start`` / ``end``: the run begins / ends at a word boundary."""
    text = "".join(map(chr, chars)).lower()
    needles: set[str] = set()
    for match in _WORD.finditer(text):
        word = match.group(0)
        if any(c.isdigit() for c in word) or not word.isascii():
            return ANYTHING  # figures are normalised, other scripts folded: nothing to require
        before = " " if match.start() > 0 or start else ""
        after = " " if match.end() < len(text) or end else ""
        needles.add(f"{before}{word}{after}")
    return frozenset({frozenset(needles)}) if needles else ANYTHING


def required_words(pattern: str) -> Alternatives:
    """The words any text matched by ``pattern`` (a regular expression) holds."""
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return ANYTHING
    return _sequence(list(parsed), start=False, end=False)


def _boundary(op: Any, av: Any, side: int) -> bool:
    """Whether an item asserts a word boundary on ``side`` (-1: before what follows it, 1:
    after what precedes it): ``\b``, or a negative look-around for a word character."""
    if op is sre.AT:
        return bool(av is sre.AT_BOUNDARY)
    if op is sre.ASSERT_NOT and av[0] == side:
        body = list(av[1])
        return (
            len(body) == 1
            and body[0][0] is sre.IN
            and (sre.CATEGORY, sre.CATEGORY_WORD) in body[0][1]
        )
    return False


def _sequence(items: list[tuple[Any, Any]], *, start: bool, end: bool) -> Alternatives:
    """``start`` / ``end``: what precedes / follows the sequence is a word boundary."""
    parts: list[Alternatives] = []
    run: list[int] = []
    run_start = start
    for index, (op, av) in enumerate(items):
        if op is sre.LITERAL:
            if not run:
                run_start = start if index == 0 else _boundary(*items[index - 1], -1)
            run.append(av)
            continue
        if run:
            parts.append(_literal(run, run_start, _boundary(op, av, 1)))
            run = []
        before = start if index == 0 else _boundary(*items[index - 1], -1)
        after = end if index == len(items) - 1 else _boundary(*items[index + 1], 1)
        parts.append(_item(op, av, before, after))
    if run:
        parts.append(_literal(run, run_start, end))
    return _all(parts)


def _item(op: Any, av: Any, start: bool, end: bool) -> Alternatives:
    if op is sre.BRANCH:
        return _any(_sequence(list(b), start=start, end=end) for b in av[1])
    if op is sre.SUBPATTERN:
        return _sequence(list(av[-1]), start=start, end=end)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        minimum, maximum, body = av
        if minimum < 1:
            return ANYTHING
        exact = minimum == maximum == 1
        return _sequence(list(body), start=start, end=end and exact)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(list(av), start=start, end=end)
    return ANYTHING  # classes, any character, anchors, look-arounds, references


def words_of(text: str) -> str | None:
    """The words of ``text`` as the needles are looked for in: lower-cased, one space between
    and around them; ``None`` when a word is not ASCII (then nothing is screened out)."""
    words = _words(text)
    return None if words is None else f" {' '.join(words)} "


def _words(text: str) -> set[str] | None:
    words = {w.lower() for w in _WORD.findall(text)}
    if not all(w.isascii() for w in words):
        return None
    return words


# A rule's requirements: all of them (each one of its alternatives).
Rule = tuple[Alternatives, ...]
WORD_CACHE = 200_000  # words whose needles are remembered (then forgotten all at once)


def _cheapest_first(rule: Rule) -> Rule:
    return tuple(sorted(rule, key=lambda need: sum(len(option) for option in need)))


def _meets(word: str, needle: str) -> bool:
    """Whether ``word`` holds ``needle`` as :func:`words_of`'s text would: `` x `` the whole
    word, `` x`` its beginning, ``x `` its end, ``x`` a part (a needle is one word)."""
    core = needle.strip()
    if needle.startswith(" ") and needle.endswith(" "):
        return word == core
    if needle.startswith(" "):
        return word.startswith(core)
    if needle.endswith(" "):
        return word.endswith(core)
    return core in word


@dataclass(frozen=True, slots=True)
class _Need:
    """One requirement as bit masks over the needles: met when a word of ``singles`` is
    present or all the words of one of ``options`` are (``always``: it requires nothing)."""

    always: bool
    singles: int
    options: tuple[int, ...]

    @classmethod
    def of(cls, requirement: Alternatives, bit: dict[str, int]) -> _Need:
        masks = [sum(1 << bit[n] for n in option) for option in requirement]
        singles = 0
        for mask in masks:
            if mask and mask & (mask - 1) == 0:
                singles |= mask
        options = tuple(m for m in masks if m & (m - 1))
        return cls(always=0 in masks, singles=singles, options=options)

    def met(self, present: int) -> bool:
        if self.always or present & self.singles:
            return True
        return any(present & mask == mask for mask in self.options)


@dataclass(frozen=True)
class Prefilter:
    """Requirements for a claim (those of one of the ``claims`` rules) and for a topic (one of
    the ``topics`` alternatives).

    Compiled once to bit masks: each needle is a bit, a word of an entry stands for the
    needles it meets (remembered per word, so an entry costs a dictionary look-up per distinct
    word), and a requirement is met when one of its alternatives' masks is in the entry's."""

    claims: tuple[Rule, ...]
    topics: Alternatives
    _needles: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _rules: tuple[tuple[_Need, ...], ...] = field(init=False, repr=False, compare=False)
    _topics: _Need = field(init=False, repr=False, compare=False)
    _cache: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        needles = sorted(
            {n for rule in self.claims for need in rule for option in need for n in option}
            | {n for option in self.topics for n in option}
        )
        bit = {needle: index for index, needle in enumerate(needles)}
        rules = tuple(tuple(_Need.of(need, bit) for need in rule) for rule in self.claims)
        object.__setattr__(self, "_needles", tuple(needles))
        object.__setattr__(self, "_rules", rules)
        object.__setattr__(self, "_topics", _Need.of(self.topics, bit))
        object.__setattr__(self, "_cache", {})

    def _mask(self, words: Iterable[str]) -> int:
        cache = self._cache
        present = 0
        for word in words:
            mask = cache.get(word)
            if mask is None:
                if len(cache) >= WORD_CACHE:
                    cache.clear()
                mask = sum(1 << i for i, n in enumerate(self._needles) if _meets(word, n))
                cache[word] = mask
            present |= mask
        return present

    def _claim_met(self, present: int) -> bool:
        return any(all(need.met(present) for need in rule) for rule in self._rules)

    def may_claim(self, words: str) -> bool:
        """Whether an entry with these words (:func:`words_of` its title and text) may make
        a claim."""
        return self._claim_met(self._mask(words.split()))

    def may_match_topic(self, words: str) -> bool:
        """Whether an entry with these words may match a topic's terms."""
        return self._topics.met(self._mask(words.split()))

    def screen(self, text: str) -> tuple[bool, bool] | None:
        """(:meth:`may_claim`, :meth:`may_match_topic`) for the words of ``text``; ``None``
        when a word is not ASCII (nothing is screened out)."""
        words = _words(text)
        if words is None:
            return None
        present = self._mask(words)
        return self._claim_met(present), self._topics.met(present)

    @classmethod
    def build(
        cls, catalogue: Catalogue, rules: Lexicon, topics: Lexicon, topic_terms: Iterable[str]
    ) -> Prefilter:
        """From the facts' English hints compiled against the extractor's lexicon ``rules``,
        and the topics' term vocabularies (``topic_terms``, names in ``topics``)."""

        def vocabulary(name: str) -> Alternatives:
            return required_words(rules.sources[name]) if rules.has(name) else ANYTHING

        def group(items: Iterable[str]) -> Alternatives:
            return _any(
                vocabulary(i) if rules.has(i) else required_words(term_regex(i)) for i in items
            )

        claims: list[Rule] = []
        for fact in catalogue.values():
            hints = fact.hints
            if fact.kind is FactKind.PERCENT and hints.figure is not None:
                claims.append((vocabulary(hints.figure.nouns),))
            elif hints.patterns is not None:
                sources = (
                    [s for state in hints.patterns.values() for s in state]
                    if isinstance(hints.patterns, dict)
                    else list(hints.patterns)
                )
                # a person may also be named without a pattern (a known name mentioned)
                patterns = (
                    ANYTHING
                    if fact.kind is FactKind.PERSON
                    else _any(required_words(rules.pattern(s).pattern) for s in sources)
                )
                needs = [
                    group([item] if isinstance(item, str) else item)
                    for item in (*hints.entry_requires, *hints.sentence_requires)
                ]
                claims.append(_cheapest_first((patterns, *needs)))
        terms = _any(required_words(topics.sources[name]) for name in topic_terms)
        return cls(claims=tuple(claims), topics=terms)
