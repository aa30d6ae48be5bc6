"""A total a Chinese sentence adds up from its own figures.

恢复实施24%的加征关税税率，连同保留的10%，加征关税税率合计为34%: the 34% after 合计 is the sum
of the levels before it, so it counts no other duty (it is the whole's level, not an aggregate
that may count Section 301 duties), and the 24% and 10% are its parts, not levels of the whole.
A sentence that names a duty outside the tracked ones (301, 既有关税) has no such total; one
that does not, in a notice or an order (税委会公告…合计为34%, its title or sentence naming it),
gives its own duties' total (``decreed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.facts.lexicon import Lexicon
from bot.facts.text import Role
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.text import figures

TOTAL_REACH = 3  # characters between the word of a total and its figure (合计为34%)


@dataclass(frozen=True, slots=True)
class Totals:
    """Offsets, in the sentence, of the figures that are parts of a total and of the totals."""

    parts: frozenset[int]
    totals: frozenset[int]
    decreed: bool = False  # a notice's or an order's sentence: its totals are its own duties'


NO_TOTALS = Totals(frozenset(), frozenset())


def totals_of(sentence: str, lexicon: Lexicon, roles: ZhRoles, title: str = "") -> Totals:
    """The totals of ``sentence`` that two or more of its earlier levels add up to."""
    if lexicon.any(roles.outside, sentence):
        return NO_TOTALS
    decreed = lexicon.any(roles.decree, f"{title} {sentence}")
    levels = [f for f in figures(sentence) if f.role is Role.LEVEL]
    words = lexicon.find(roles.aggregate, sentence)
    parts: set[int] = set()
    totals: set[int] = set()
    for index, figure in enumerate(levels):
        if index < 2 or not any(w.end() <= figure.start <= w.end() + TOTAL_REACH for w in words):
            continue
        before = levels[:index]
        if abs(sum(f.value for f in before) - figure.value) < 0.01:
            totals.add(figure.start)
            parts.update(f.start for f in before)
    return Totals(frozenset(parts), frozenset(totals), decreed)
