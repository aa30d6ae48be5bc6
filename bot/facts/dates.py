"""Time references in English text, placed against the entry's date.

A month name (with an optional day, year and preposition: "in April", "since March 2025",
"effective June 1"), a relative month ("last month", "next quarter", "this spring": a season is
about six months) or a year after a preposition ("in 2024"). A month without a year (or a later
day of the entry's own month) has two readings, behind and ahead of the entry's date; its
preposition ("from", "next", "by": ahead; "last", "since": behind) or else the sentence's tense
picks one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Direction(StrEnum):
    PAST = "past"
    NOW = "now"
    FUTURE = "future"
    EITHER = "either"  # "in April" without a year: the tense decides


def year_direction(year: int, published: date, same_year: Direction) -> Direction:
    """Where a bare year lies from the entry's date; ``same_year`` for the entry's own year."""
    if year < published.year:
        return Direction.PAST
    return Direction.FUTURE if year > published.year else same_year


_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAME = "|".join(name.capitalize() for name in sorted(_MONTHS, key=len, reverse=True))
_TIME_REF = re.compile(
    rf"\b(?P<prep>in|on|since|last|early|late|mid|from|starting|beginning|effective|by|until|"
    rf"through|next|this|before|after)?[\s-]*(?P<month>(?-i:{_MONTH_NAME})\.?)(?:\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?)?(?:,?\s+(?P<year>\d{{4}}))?\b"
    rf"|\b(?P<rel>(?:last|next|this)\s+(?:month|year|quarter|spring|summer|autumn|fall|winter))\b"
    rf"|\b(?:in|since|during|by)\s+(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# a bare month naming the date of the noun after it ("calls off the July round")
_BEFORE_NOUN = re.compile(r"\s+(?!(?:and|or|to|through|until|till|when|as|at|on|in)\b)[a-z]")
_RELATIVE_MONTHS = {"month": 1, "quarter": 3, "year": 12}  # a season: about six months
_FUTURE_PREP = frozenset({"from", "starting", "beginning", "effective", "next", "by"})


@dataclass(frozen=True, slots=True)
class TimeRef:
    past: date  # the reference read as behind the entry's date (or the date itself)
    future: date  # the reference read as ahead of it
    direction: Direction
    start: int = 0  # where the reference begins in the text
    attributive: bool = False  # a bare month before a noun ("the July round"): that thing's date


def _on(year: int, month: int, day: int) -> date:
    """The date, its day kept within the month ("February 30" is its last day)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


_UNTIL = ("until", "through")
_UNTIL_BEFORE = re.compile(
    r"\b(?:until|through|till|(?:extended|pushed|prolonged)\s+(?:out\s+|back\s+)?to)\b[^;,]{0,40}$"
    # "extends the truce by 90 days to November 10": what it lasts until
    r"|\b(?:extend|extends|extending|prolong|prolongs|prolonging)\b[^;,.]{0,40}?\s(?:to|until)\s*$",
    re.IGNORECASE,
)


def _until(prep: str, before: str) -> bool:
    """Whether a month is what something lasts until ("until 12:01 a.m. on November 10")."""
    return prep in _UNTIL or (prep in ("on", "") and _UNTIL_BEFORE.search(before) is not None)


# a day written before its month ("from 1 May"): read as "from May 1", the same length
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(\s)((?:{_MONTH_NAME})\b)")


def time_refs(text: str, published: date) -> list[TimeRef]:
    """Month, year and relative-month references, placed against the entry's date."""
    text = _DAY_FIRST.sub(lambda m: f"{m.group(3)}{m.group(2)}{m.group(1)}", text)
    this_month = published.replace(day=1)
    refs = []
    for match in _TIME_REF.finditer(text):
        if match.group("rel"):
            which, unit = match.group("rel").lower().split()
            step = {"last": -1, "next": 1, "this": 0}[which]
            when = (  # "next year" is the calendar year, not twelve months on
                date(published.year + step, 1, 1)
                if unit == "year"
                else _shift(this_month, step * _RELATIVE_MONTHS.get(unit, 6))
            )
            direction = {-1: Direction.PAST, 1: Direction.FUTURE, 0: Direction.NOW}[step]
            refs.append(TimeRef(when, when, direction, match.start()))
            continue
        if match.group("y"):
            year = int(match.group("y"))
            when = date(year, 1, 1)
            direction = year_direction(year, published, Direction.EITHER)
            refs.append(TimeRef(when, when, direction, match.start()))
            continue
        word = match.group("month").rstrip(".").lower()
        prep = (match.group("prep") or "").lower()
        if word == "may" and not (prep or match.group("day")):
            continue  # the modal verb
        month = _MONTHS[word]
        year_text, day_text = match.group("year"), match.group("day")
        day = int(day_text) if day_text and 1 <= int(day_text) <= 31 else 1
        if year_text:
            when = _on(int(year_text), month, day)
            key, now = (when.year, when.month), (published.year, published.month)
            direction = (
                Direction.PAST if key < now else Direction.FUTURE if key > now else Direction.NOW
            )
            refs.append(TimeRef(when, when, direction, match.start()))
            continue
        this_year = _on(published.year, month, day)
        later_this_month = month == published.month and day > published.day
        if month == published.month and not later_this_month:
            past = future = this_year
        elif month < published.month:
            past, future = this_year, _on(published.year + 1, month, day)
        else:  # a later month, or a later day of this one ("on October 30" on the 28th)
            past, future = _on(published.year - 1, month, day), this_year
        if (
            month == published.month
            and not later_this_month
            and prep not in _FUTURE_PREP
            and prep != "last"
        ):
            direction = Direction.NOW
        elif prep in _FUTURE_PREP:
            direction = Direction.FUTURE
        elif prep in ("last", "since"):
            direction = Direction.PAST
        elif _until(prep, text[: match.start()]) and future - published < published - past:
            direction = Direction.NOW  # "extended until November": in force now, to then
        else:
            direction = Direction.EITHER
        attributive = not (prep or day_text) and bool(_BEFORE_NOUN.match(text, match.end()))
        refs.append(TimeRef(past, future, direction, match.start(), attributive))
    return refs


_ANNOUNCED_EN = re.compile(
    rf"\b(?:announced|unveiled|issued|published)\s+(?:on\s+|in\s+)?(?P<month>{_MONTH_NAME})\b"
    rf"|\b(?P<month2>{_MONTH_NAME})(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?\s+"
    r"(?:announcement|notice|decision|order|listing)\b"
)
# "widening the list issued in November": that month is the earlier measure's, not this one's
_WIDENS = re.compile(
    r"\b(?:widen\w*|expand\w*|extend\w*|broaden\w*|join\w*|add\w*\s+to|on top of|beyond)"
    r"\s+(?:[\w'’-]+\s+){0,4}$",
    re.IGNORECASE,
)
_ANNOUNCED_ZH = re.compile(
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?:\d{1,2}日)?(?:发布|公布|宣布|印发|出台|作出)的"
)


def announced_month(text: str, published: date) -> str:
    """The month (YYYY-MM) in which ``text`` says its measure was announced ("under the June
    notice", "根据6月发布的公告": a listing now taking effect was decided then; not the month of
    a list it widens), else the entry's;
    a month later in the year than the entry's date is last year's."""
    year: int | None = None
    month: int | None = None
    english = next(
        (m for m in _ANNOUNCED_EN.finditer(text) if not _WIDENS.search(text[: m.start()])), None
    )
    chinese = _ANNOUNCED_ZH.search(text)
    if english:
        month = _MONTHS[(english.group("month") or english.group("month2")).lower()]
    elif chinese:
        month = int(chinese.group("month"))
        year = int(chinese.group("year")) if chinese.group("year") else None
    if month is None or not 1 <= month <= 12:
        return f"{published:%Y-%m}"
    if year is None:
        year = published.year if month <= published.month else published.year - 1
    return f"{year:04d}-{month:02d}"
