"""An all-capitals headline ("US TO CUT TARIFFS TO 30%") in headline case, for the rules that
read case: acronyms stay, names keep their capital, small words and a verb after "to" are
lower case as in prose."""

from __future__ import annotations

import re

_KEEP_UPPER = frozenset({"US", "U.S.", "USA", "UK", "U.K.", "EU", "PRC", "UN", "U.N.", "WTO",
                         "CBP", "DEA", "USTR", "MOFCOM", "IEEPA", "EO", "CEO", "GDP", "HK",
                         "DHS", "FBI", "NPC", "EV", "EVS", "AP", "II"})  # fmt: skip


# words a headline writes in lower case (not "may": the month)
_HEADLINE_LOWER = frozenset({"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has",
                             "have", "in", "into", "is", "of", "on", "or", "over", "the", "than",
                             "to", "was", "were", "will", "with", "would"})  # fmt: skip
# verbs a headline puts after "to" ("US TO CUT", "HE TO VISIT"): lower case, as in prose
_HEADLINE_VERBS = frozenset({"begin", "cut", "drop", "end", "extend", "fall", "freeze",
                             "halt", "hike", "hold", "impose", "keep", "lead", "lift", "lower",
                             "meet", "pause", "raise", "reimpose", "remove", "restore", "resume",
                             "rise", "scrap", "sign", "start", "suspend", "talk", "travel",
                             "visit"})  # fmt: skip


def decapitalise(text: str) -> str:
    """An all-capitals headline in headline case ("CHINA TARIFFS TO DROP IN MAY" → "China
    Tariffs to drop in May"), keeping acronyms, so that case-sensitive terms ("US" not "us", a
    name before "to meet") still work; the first word of the text or after a colon or dash
    keeps its capital."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 12 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        bare = token.strip(".,:;'’\"!?()")
        if bare in _KEEP_UPPER:
            return token
        before = text[: match.start()].rstrip(" \"'‘“(")
        if bare.lower() in _HEADLINE_LOWER and before and before[-1] not in ":;-–—|":
            return token.lower()
        if bare.lower() in _HEADLINE_VERBS and before.lower().endswith((" to", " will")):
            return token.lower()
        return token.capitalize()

    return re.sub(r"[A-Za-z][A-Za-z.'’-]*", word, text)
