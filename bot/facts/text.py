"""Text units for claim extraction: sentences, clauses and percentage figures.

Clauses
    A sentence is cut before the words that open a new clause (``;``, a dash, ``, and``,
    ``, but``, ``while``, ``as`` + subject, ``after``, ``since``, ``, <verb>ing``...). A clause that
    opens with ``after``, ``following``, ``since``, ``before``, ``responding to`` or
    ``in response to``, ``because``, ``in light of``, ``although`` or ``(even) though`` is
    *background*: it recalls an earlier event, a reason or what is granted, so its claims are
    historical;
    it ends at its first comma or colon ("after meeting Xi in Busan, Trump said ..."), or, after
    a reporting verb, at "that" ("he said after the talks that the sides had agreed").

Figures
    A percentage is a number (digits or words: "thirty", "one hundred and twenty-five") with
    ``%``, ``percent``, ``per cent`` or ``pc``. Its *role* comes from the words before and after:
    ``from``/``down from``/``up from``/``compared with`` → previous value; ``by``, ``up``/``down``
    or a bare change verb before it, or a change noun after it → a delta; ``of``, ``chance``,
    ``odds`` after it → a share or a probability ("60 percent of deaths", "70% odds"); otherwise
    a level. "percentage points" and "points" are never
    percentages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col", "st", "no", "vs",
        "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
        "sept", "oct", "nov", "dec", "u.s", "u.k", "e.g", "i.e", "etc", "fig", "jr", "sr",
        "p.m", "a.m",
    }
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")

_AS_NOT_CLAUSE = (
    r"part|well|much|many|high|low|long|soon|of|a|an|if|though|usual|expected|planned|such|far|"
    r"for|to|per|the same|little|early|late|recently|quickly|often|good|likely|possible|seen|"
    r"high as|one|against|compared|controlled|listed|regulated|restricted"
)
_CLAUSE_BREAK = re.compile(
    r"\s*;\s*"
    r"|\s+[—–]\s+|\s+-\s+"
    r"|,\s+(?=(?:and|but|while|whereas|after|following|since|before|responding to|"
    r"in response to|even as|as|although|though|saying|citing|so|leaving|bringing)\b)"
    r"|,\s+(?=(?!including\b|according\b|during\b|notwithstanding\b|excluding\b)[a-z]+ing\b)"
    r"|\s+(?=(?:but|while|whereas|after|following|since|before|responding to|"
    r"in response to|although|even though|(?<!even )though|even as)\s)"
    rf"|\s+(?<!such )(?<!as well )(?<!known )(?<!same )(?<!seen )(?<!so )(?<!designated )"
    rf"(?<!named )(?<!appointed )(?<!chosen )(?<!selected )(?<!tapped )(?<!picked )(?<!serve )"
    rf"(?<!serves )(?<!served )(?<!acting )(?<!confirmed )(?<!installed )(?<!take over )"
    rf"(?<!takes over )(?<!took over )(?<!taking over )"
    rf"(?=as\s+(?!(?:{_AS_NOT_CLAUSE})\b))",
    re.IGNORECASE,
)
# "named (Vice Minister of Public Security) Chen Ping (, a vice minister,) as envoy": the role the
# appointment gives, no clause
_NAMED_AS = re.compile(
    r"\b(?:named|designated|appointed|chose|chosen|selected|tapped|picked|installed|replaced|"
    r"replaces|replacing|succeeded|succeeds|succeeding)\s+"
    r"(?-i:(?:[a-z][\w-]*\s+){0,6}?[A-Z][\w'’.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.-]*){0,7})"
    r"(?:,[^,;]{1,90})?,?\s+as\Z",
    re.IGNORECASE,
)
# "named (vice minister) Qin Wei, replacing Wang Xiaohong, as its envoy": the aside is no clause
_NAMED_THEN_ASIDE = re.compile(
    r"\b(?:named|designated|appointed|chose|chosen|selected|tapped|picked|installed)\s+"
    r"(?-i:(?:[a-z][\w-]*\s+){0,6}?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\Z",
    re.IGNORECASE,
)
_ASIDE_THEN_AS = re.compile(r"[a-z]+ing\b[^,;]{1,90},\s+as\b")
# "replaced Wang as its top official on fentanyl, naming his deputy Lin Hao": one act
_REPLACED_AS = re.compile(
    r"\breplac(?:ed|es|ing)\s+(?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\s+as\s+[^,;]{1,80}\Z",
    re.IGNORECASE,
)
_NAMING = re.compile(r"(?:naming|appointing|installing|picking|choosing)\b", re.IGNORECASE)
_SAID_END = re.compile(r"\b(?:said|says|told\s+\w+|announced|stated|noted)\s*$", re.IGNORECASE)
_BACKGROUND = re.compile(
    r"^(?:and\s+|but\s+|,\s*)?(after|following|since|before|responding to|in response to|"
    r"because|given that|in light of|in view of|citing|although|even though|though)\b"
    r"(?!\s+which\b)",  # "..., after which the tariff will be 34 percent": what follows
    re.IGNORECASE,
)


# a label before a colon opening a headline or sentence ("Trump: ...", "Tariffs: US to 30%")
LABEL = re.compile(r"^\s*([^:]{2,60}):\s+\S")


# a live blog's time stamp opening an update ("10:20 ET - ", "13:30 KST: ", "9.05am -")
_TIME_STAMP = re.compile(
    r"^\(?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\)?\s*(?:[A-Z]{2,4}\b)?\s*(?:[-\u2013\u2014:|]\s+)",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """Split plain text into sentences, keeping abbreviations such as "U.S." and "Mr." whole;
    a live blog's time stamp opening a sentence is left out (it names no speaker or date)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rstrip("\"”’')]")
        last_word = before.rsplit(None, 1)[-1] if before.split() else ""
        token = last_word.rstrip(".!?").lower()
        if last_word.endswith(".") and (
            token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or "." in token
        ):
            continue
        piece = _TIME_STAMP.sub("", text[start : match.start()].strip())
        if piece:
            out.append(piece)
        start = match.end()
    tail = _TIME_STAMP.sub("", text[start:].strip())
    if tail:
        out.append(tail)
    return out


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    background: bool


def clauses(sentence: str) -> list[Clause]:
    """Cut one sentence into clauses; see the module docstring for the cut points."""
    parts: list[str] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.start() <= start or _NAMED_AS.search(sentence, start, match.end() + 2):
            continue
        # the anchored look at what follows first: the search behind runs only when it matches
        if (
            _ASIDE_THEN_AS.match(sentence, match.end())
            and _NAMED_THEN_ASIDE.search(sentence, start, match.start())
        ) or (
            _NAMING.match(sentence, match.end())
            and _REPLACED_AS.search(sentence, start, match.start())
        ):
            continue
        parts.append(sentence[start : match.start()])
        start = match.end()
    parts.append(sentence[start:])
    out = []
    for index, raw in enumerate(parts):
        text = raw.strip(" ,;:-—–")
        if not text:
            continue
        if not _BACKGROUND.match(text):
            out.append(Clause(text=text, background=False))
            continue
        # "after the talks in Busan, Trump said ...": the background ends at its comma or colon;
        # after a reporting verb, at "that" ("he said after the talks that the sides agreed")
        said = index > 0 and _SAID_END.search(parts[index - 1])
        cut = re.search(r"[,:]\s+|\s+that\s+" if said else r"[,:]\s+", text)
        head, rest = (text[: cut.start()], text[cut.end() :]) if cut else (text, "")
        out.append(Clause(text=head, background=True))
        if rest.strip():
            out.append(Clause(text=rest.strip(), background=False))
    return out


_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, "hundred", "a", "and"])
_WORD_NUMBER = re.compile(
    rf"\b(?:{'|'.join([*_UNITS, *_TENS])})(?:[\s-]+(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)


def words_to_number(phrase: str) -> float | None:
    """'one hundred and twenty-five' → 125; None when the phrase is not a number."""
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word in ("and", "a", ""):
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            return None
        seen = True
    total += current
    return float(total) if seen else None


_UNIT = r"(?:%|\s*per\s*cent\b|\s*percent\b(?!age)|\s*pct\b|\s*pc\b)"
_DIGITS = r"\d{1,3}(?:\.\d+)?"
# a prior without its unit after a rate with one ("at 47 percent, down from 57")
_BARE_PRIOR = re.compile(
    r"(\d{1,3}(?:\.\d+)?\s*(?:%|percent|per cent)(?:,?\s+(?:down|up))?\s+from\s+)"
    r"(\d{1,3}(?:\.\d+)?)(?![\d.,]\d|\d|\s*(?:%|percent|per cent|percentage|points?\b|billion|"
    r"million|years?\b|months?\b|days?\b|hours?\b))"
    # a date, not a prior ("to 10 percent from 1 May")
    r"(?!\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b)",
    re.IGNORECASE,
)
_RANGE_UNIT = re.compile(rf"\b({_DIGITS})(\s+(?:to|from)\s+)({_DIGITS}){_UNIT}", re.IGNORECASE)
_POINTS = r"\s*(?:percentage\s+)?points?\b"
_ARROW = re.compile(
    rf"(?<![\w.])({_DIGITS}){_UNIT}?\s*(?:->|→|⟶|=>|-->)\s*({_DIGITS}){_UNIT}", re.IGNORECASE
)
_FIGURE = re.compile(rf"(?<![\w.])({_DIGITS}){_UNIT}(?![\w-]*\s*points?\b)", re.IGNORECASE)
# a unit joined by a hyphen, as an adjective: "the 10-percent tariff", "a 5-percentage-point cut"
_HYPHEN_UNIT = re.compile(
    rf"(?<![\w.])({_DIGITS})-(per-?cent|pct|percentage-points?)\b", re.IGNORECASE
)


class Role(StrEnum):
    LEVEL = "level"
    PREVIOUS = "previous"
    DELTA = "delta"
    SHARE = "share"


@dataclass(frozen=True, slots=True)
class Figure:
    value: float
    start: int
    end: int
    role: Role


_PREVIOUS_BEFORE = re.compile(
    r"(?:\bfrom|\bdown from|\bup from|\bcompared with|\bcompared to|\bversus|\bvs\.?|\bwas|"
    r"\bafter|\breplacing|\binstead of|\bthan)\s+(?:(?:about|around|roughly|nearly|almost|some|"
    r"an? |the |previous |earlier |prior |old |existing |current )\s*)*$",
    re.IGNORECASE,
)
_DELTA_BEFORE = re.compile(
    r"(?:\bby|\bup|\bdown|\bor|\b(?:rose|rise|rises|rising|fell|fall|falls|falling|jumped|jumps|"
    r"climbed|climbs|increased|increases|decreased|decreases|dropped|drops|drop|dropping|"
    r"gained|gains|lost|loses|surged|surges|slid|slides|slipped|declined|declines|grew|grows|"
    r"shrank|advanced|tumbled|plunged|soared|sank))\s+"
    r"(?:(?:more than|less than|over|about|around|roughly|nearly|almost|some|just|only|"
    r"another|an additional|a further|an extra)\s+)*$",
    re.IGNORECASE,
)
_DELTA_AFTER = re.compile(
    r"^\s*(?:points?\b|increase|rise|jump|gain|drop|decline|fall|reduction|cut\b|cuts\b|"
    r"decrease|growth|slump|surge|higher|lower|more|less|year-on-year|"
    r"(?:above|below|over|under)\s+(?:the\s+|its\s+|their\s+)?(?:previous|prior|last|a year|"
    r"year|levels?|what|that|those|pre-|average)|"
    r"on the year|from a year)",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(
    r"^\s*(?:of|share|chance|chances|odds|probability|likelihood|risk)\b", re.IGNORECASE
)


def _with_range_units(text: str) -> str:
    """'from 145 to 30 percent' → 'from 145% to 30 percent', '47 percent, down from 57' →
    '... from 57%' (same length is not kept)."""
    text = _RANGE_UNIT.sub(lambda m: f"{m.group(1)}%{m.group(2)}{m.group(3)}%", text)
    return _BARE_PRIOR.sub(lambda m: f"{m.group(1)}{m.group(2)}%", text)


_TO_ZERO = re.compile(r"\b((?:down\s+)?to|at)\s+zero\b(?!\s*(?:-|\s)?(?:percent|per cent|%))", re.I)


def normalise_figures(text: str) -> str:
    """A unit joined by a hyphen stands apart ("10-percent"); number words before a percent unit
    or "(percentage) points" become digits; bare range ends get the unit; an arrow between two
    rates ("10% -> 20%", a note's shorthand) reads "from 10% to 20%"."""

    def to_digits(match: re.Match[str]) -> str:
        tail = text[match.end() : match.end() + 20]
        if not re.match(rf"{_UNIT}|{_POINTS}", tail, re.IGNORECASE):
            return match.group(0)
        number = words_to_number(match.group(0))
        return match.group(0) if number is None else f"{number:g}"

    text = _HYPHEN_UNIT.sub(lambda m: f"{m.group(1)} {m.group(2).replace('-', ' ')}", text)
    text = _TO_ZERO.sub(lambda m: f"{m.group(1)} 0%", text)
    text = _with_range_units(_WORD_NUMBER.sub(to_digits, text))
    return _ARROW.sub(r"from \1% to \2%", text)


def figures(text: str) -> list[Figure]:
    """Percentage figures of a normalised clause with their roles."""
    found = []
    for match in _FIGURE.finditer(text):
        before = text[: match.start()]
        after = text[match.end() :]
        if _DELTA_BEFORE.search(before) or _DELTA_AFTER.match(after):
            role = Role.DELTA
        elif _PREVIOUS_BEFORE.search(before):
            role = Role.PREVIOUS
        elif _SHARE_AFTER.match(after):
            role = Role.SHARE
        else:
            role = Role.LEVEL
        found.append(Figure(float(match.group(1)), match.start(), match.end(), role))
    return found
