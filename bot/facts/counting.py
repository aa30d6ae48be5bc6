"""What a figure's phrase counts in: the part of a sentence that holds it (a semicolon parts two
statements), a clause's opening "With ...," phrase that counts a qualified part into the level
that follows ("With the duty over opioids, most goods pay 30%"), what the phrase's tariff is
laid on, and which figures an inclusion of duties outside the tracked ones speaks of ("47
percent, a number that includes Section 301 duties")."""

from __future__ import annotations

import re
from itertools import pairwise

from bot.facts.lexicon import Lexicon
from bot.facts.rules import FigureRule
from bot.facts.text import Figure, figures


def part_with(sentence: str, phrase: str) -> str:
    """The part of the sentence between semicolons that holds ``phrase`` (the whole sentence
    when it is not found): "..., to 20%; counting older duties, 47%" are two statements."""
    for part in sentence.split(";"):
        if phrase.strip() and phrase.strip() in part:
            return part
    return sentence


_COUNTING = re.compile(
    r"^\W*(?:(?:combined|together|taken together|along)\s+with|with|including|counting|adding|"
    r"on top of)\b[^,]*,",
    re.IGNORECASE,
)


def counted_in(local: str, clause: str, lexicon: Lexicon, qualified: list[FigureRule]) -> bool:
    """Whether the parts qualifying ``local`` are named only in the clause's opening "With ...,"
    (or "Including ...,") phrase: "With the duty over opioids, most goods pay 30%" gives the
    level that counts the part in, not the part's."""
    opening = _COUNTING.match(clause)
    phrase = local.strip()
    at = clause.find(phrase)
    if opening is None or at < 0 or at >= opening.end():
        return False
    rest = phrase[opening.end() - at :]
    return not any(lexicon.any_of(r.qualifiers, rest) for r in qualified)


_LAID_ON = re.compile(
    r"\s*(?:(?:will|shall|would)\s+be\s+|(?:is|are|was|were)\s+)?(?:\w+ed\s+)?"
    r"(?:on|for|covering|targeting)\s+(.*)",
    re.IGNORECASE,
)


def object_after(local: str, clause: str) -> str:
    """What the tariff is laid on, right after its phrase ("... will be imposed on soybeans,
    sorghum and pork"): parts named there are parts of this tariff."""
    at = clause.find(local)
    match = _LAID_ON.match(clause[at + len(local) :][:80]) if at >= 0 else None
    return match.group(1) if match else ""


_SEGMENT_END = re.compile(r"[,;:–—]|\s-\s")


def counted_figures(text: str, inclusion: re.Match[str]) -> list[Figure]:
    """The figures an inclusion of other duties ("a number that includes Section 301 duties")
    speaks of: those of its own stretch between commas or dashes, else of the nearest stretch
    before that has any ("47 percent, he said, a number that includes ..."), else of the one
    after ("Counting Section 301, the rate is 55%"); not the sentence's other figures
    ("cutting the fentanyl tariff to 10 percent, and puts the overall figure at 47 percent - a
    number that includes ...")."""
    cuts = [0, *(m.end() for m in _SEGMENT_END.finditer(text)), len(text)]
    spans = [(a, b) for a, b in pairwise(cuts) if b > a]
    at = next((i for i, (a, b) in enumerate(spans) if a <= inclusion.start() < b), 0)
    every = figures(text)
    for index in (*range(at, -1, -1), at + 1):
        if index < len(spans):
            start, end = spans[index]
            found = [f for f in every if start <= f.start and f.end <= end]
            if found:
                return found
    return []


def outside_figures(text: str, outside: str) -> list[Figure]:
    """The figures of ``text`` that an aggregate gives counting duties outside the tracked ones
    (``outside``, a pattern: "47%, including Section 301"), as opposed to setting them aside
    ("Section 301 comes on top"): see :func:`counted_figures`."""
    inclusion = re.search(
        rf"\b(?:includ\w*|count\w*|adds?|added|adding|plus|with|incorporat\w*)\s+"
        rf"(?:[\w'’-]+\s+){{0,5}}?{outside}",
        text,
        re.IGNORECASE,
    )
    return [] if inclusion is None else counted_figures(text, inclusion)


def counted_outside(sentence: str, local: str, outside: str) -> bool:
    """Whether the figure of the phrase ``local`` is one such aggregate gives."""
    part = part_with(sentence, local)
    at = part.find(local)
    if at < 0:
        return bool(outside_figures(part, outside))
    return any(at <= f.start < at + len(local) for f in outside_figures(part, outside))
