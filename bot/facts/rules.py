"""Fact hints compiled against the vocabularies: the rules the extractor runs.

A vocabulary a hint names must exist in ``config/topics.yaml``; an unknown one raises ValueError
naming the fact and the hint (``seeds: fact X: hints.figure.actor: unknown vocabulary 'y'``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.facts.hints import FigureHint, Hints, Requirement
from bot.facts.lexicon import Lexicon
from bot.facts.literals import Screen
from bot.facts.model import Fact, FactKind


def _hint_error(fact_id: str, key: str, why: str) -> ValueError:
    return ValueError(f"seeds: fact {fact_id}: hints.{key}: {why}")


def _known(fact_id: str, key: str, names: list[str], lexicon: Lexicon) -> tuple[str, ...]:
    for name in names:
        if not lexicon.has(name):
            raise _hint_error(fact_id, key, f"unknown vocabulary {name!r}")
    return tuple(names)


def _groups(
    fact_id: str, key: str, items: list[Requirement], lexicon: Lexicon
) -> tuple[tuple[str, ...], ...]:
    return tuple(
        _known(fact_id, key, [item] if isinstance(item, str) else item, lexicon) for item in items
    )


@dataclass(frozen=True)
class FigureRule:
    fact_id: str
    nouns: str
    actor: str | None
    target: str | None
    qualifiers: tuple[str, ...]
    exclude: tuple[str, ...]
    target_named: bool = False  # an actor-bound figure needs the target named in the item
    names: tuple[str, ...] = ()  # vocabularies naming the fact's own duty (removal by name)


@dataclass(frozen=True)
class PatternRule:
    fact_id: str
    kind: FactKind
    # each pattern behind its literals' screen: a clause that lacks them is not searched
    patterns: tuple[tuple[str | None, Screen], ...]
    sentence_requires: tuple[tuple[str, ...], ...] = ()
    entry_requires: tuple[tuple[str, ...], ...] = ()
    exclude_near: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    future: tuple[tuple[str, str], ...] = ()
    weighs: frozenset[str] = frozenset()  # states that weigh a proposal (``Hints.weighs``)
    # all the patterns in one alternation: a clause none of them matches is skipped in one search
    # (the Chinese rules; the English ones screen each pattern instead, see ``patterns.py``)
    any_pattern: re.Pattern[str] | None = None


def figure_rule(fact: Fact, hint: FigureHint, lexicon: Lexicon) -> FigureRule:
    for key in ("nouns", "actor", "target"):
        name = getattr(hint, key)
        if name is not None and not lexicon.has(name):
            raise _hint_error(fact.id, f"figure.{key}", f"unknown vocabulary {name!r}")
    return FigureRule(
        fact_id=fact.id,
        nouns=hint.nouns,
        actor=hint.actor,
        target=hint.target,
        qualifiers=_known(fact.id, "figure.qualifiers", hint.qualifiers, lexicon),
        exclude=_known(fact.id, "figure.exclude", hint.exclude, lexicon),
        target_named=hint.target_named,
        names=_known(fact.id, "figure.names", hint.names, lexicon),
    )


def _compile(fact_id: str, key: str, sources: list[str], lexicon: Lexicon) -> list[re.Pattern[str]]:
    try:
        return [lexicon.pattern(source) for source in sources]
    except ValueError as exc:
        raise _hint_error(fact_id, key, str(exc)) from exc


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _alternation(patterns: list[tuple[str | None, re.Pattern[str]]]) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` does (named groups made plain, so that a
    name used by several is no conflict); ``None`` when they cannot be joined."""
    if not patterns or len({p.flags for _, p in patterns}) != 1:
        return None
    joined = "|".join("(?:" + _NAMED_GROUP.sub("(?:", p.pattern) + ")" for _, p in patterns)
    try:
        return re.compile(joined, patterns[0][1].flags)
    except re.error:
        return None


def pattern_rule(fact: Fact, hints: Hints, lexicon: Lexicon, screened: bool = True) -> PatternRule:
    """The fact's pattern hints compiled; ``screened``: each pattern behind the test of its
    literals (see :meth:`Lexicon.build`)."""
    patterns: list[tuple[str | None, re.Pattern[str]]] = []
    if isinstance(hints.patterns, dict):
        for state, sources in hints.patterns.items():
            compiled = _compile(fact.id, f"patterns.{state}", sources, lexicon)
            patterns += [(state, p) for p in compiled]
    else:
        patterns += [
            (None, p) for p in _compile(fact.id, "patterns", hints.patterns or [], lexicon)
        ]
        if fact.kind is FactKind.PERSON and any("person" not in p.groupindex for _, p in patterns):
            raise _hint_error(fact.id, "patterns", "each person pattern needs {person}")
    known = list(hints.known)
    if fact.kind is FactKind.PERSON and isinstance(fact.baseline, str):
        known.insert(0, fact.baseline)
    return PatternRule(
        fact_id=fact.id,
        kind=fact.kind,
        patterns=tuple((state, Screen.of(p) if screened else Screen(p)) for state, p in patterns),
        sentence_requires=_groups(fact.id, "sentence_requires", hints.sentence_requires, lexicon),
        entry_requires=_groups(fact.id, "entry_requires", hints.entry_requires, lexicon),
        exclude_near=_known(fact.id, "exclude_near", hints.exclude_near, lexicon),
        known=tuple(dict.fromkeys(known)),
        future=tuple(hints.future.items()),
        weighs=frozenset(hints.weighs),
        any_pattern=_alternation(patterns),
    )


def qualified_only(
    rules: Sequence[FigureRule], lexicon: Lexicon, local: str, entry: str
) -> FigureRule | None:
    """For a figure naming no party: the first qualified fact its phrase names ("the fentanyl
    levy"), where the entry names the fact's target and the phrase none of its exclusions."""
    for rule in rules:
        if not (rule.qualifiers and lexicon.any_of(rule.qualifiers, local)):
            continue
        if rule.target and not lexicon.any(rule.target, entry):
            continue
        if not any(lexicon.any(name, local) for name in rule.exclude):
            return rule
    return None
