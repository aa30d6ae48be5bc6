"""An official document's title and the duty its body speaks of.

An order, a proclamation or a notice is titled for what it does ("Modifying Duties Addressing the
Synthetic Opioid Supply Chain in the People's Republic of China", "Further Modifying Reciprocal
Tariff Rates ..."): a figure in its body bound to no party of its own is the titled duty's, and a
title naming a part a fact excludes (the reciprocal rate) keeps that fact's figures out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.facts.lexicon import Lexicon
from bot.facts.rules import FigureRule
from bot.facts.text import figures

# an order's or notice's title: "Modifying Duties Addressing ...", "Further Amending ...",
# "Federal Register: Further Modifying ..."; in sentence case, the verbs of such titles only
DOCUMENT_TITLE = re.compile(
    r"^\s*(?:[A-Z][\w .-]{0,30}:\s*)?"
    r"(?:(?:Executive Order|Presidential Proclamation|Proclamation|Notice)(?:\s+\d+)?\s+)?"
    r"(?:[Ff]urther\s+)?(?:[A-Z][a-z]+ing\s+[A-Z]|"
    r"(?i:Modify|Amend|Adjust|Implement|Continu|Suspend|Extend|Restor|Impos|Reduc|Increas|"
    r"Terminat|Clarify|Delay)ing\s+(?:the\s+)?(?:duties|tariffs|rates|reciprocal|certain)\b)"
)


@dataclass(frozen=True, slots=True)
class TitledDuty:
    """Reads a document's title against the figure rules; ``aggregate``: the vocabulary of
    totals (a total is no titled part's level)."""

    rules: Sequence[FigureRule]
    lexicon: Lexicon
    aggregate: str

    def excludes(self, title: str, rule: FigureRule) -> bool:
        """Whether a document's title names a part the rule excludes ("Modifying Reciprocal
        Tariff Rates ...")."""
        return bool(DOCUMENT_TITLE.match(title)) and any(
            self.lexicon.any(name, title) for name in rule.exclude
        )

    def rule_for(self, title: str, local: str) -> FigureRule | None:
        """The qualified duty a document's title names ("Restoring Duties Addressing the
        Synthetic Opioid Supply Chain ..."), for a figure bound to no party of its own."""
        if not DOCUMENT_TITLE.match(title) or self.lexicon.any(self.aggregate, local):
            return None
        return next(
            (r for r in self.rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, title)),
            None,
        )

    def qualified(
        self, plain: list[FigureRule], rules: list[FigureRule], sentence: str, title: str
    ) -> list[FigureRule]:
        """The qualified rules a document titled for one qualified duty speaks of in its body."""
        if not plain or not title or title.strip() == sentence.strip() or figures(title):
            return []
        if not DOCUMENT_TITLE.match(title):
            return []
        return [
            r
            for r in rules
            if r.qualifiers
            and self.lexicon.any_of(r.qualifiers, title)
            and not self.lexicon.any(self.aggregate, sentence)
        ]
