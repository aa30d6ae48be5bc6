"""Chinese text units: sentences, clauses, percentage figures and dates.

Sentences end at 。！？ (and their ASCII forms); a reporter's question (问：..., or a sentence
ending in ？) is dropped by the extractor. Clauses are cut at ，；： (the enumeration comma 、 does
not cut). A clause that opens with 继/在…(之)后/随着/鉴于/早在/理由是 (or is 以…为由), or ends with
后/之后/以来, is *background*: it recalls what led to the claim, so its claims are history.

Figures: ``34%``, ``34％``, ``百分之三十四``; ``由34%调整为10%`` / ``从145%降至30%`` make the first
a *previous* value; ``同比增长3.2%``, ``占…的60%`` are no rates; ``15.6%至62.4%`` is a range (no
level); ``10个百分点`` after a verb of lowering or raising is a *delta* in points.

Dates: ``2025年11月10日``, ``11月10日``, ``11月``, ``2019年``, ``10日`` (this month), relative words
(去年, 今年, 明年, 下月, 本月下旬); a dateline (``北京5月7日电``) is no date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.facts.dates import Direction, year_direction
from bot.facts.text import Role

_SENTENCE_END = re.compile(r"(?<=[。！？!?])[”’」』\"']*")
_CLAUSE_CUT = re.compile(r"[，,；;：:]")
# …以中方扩大管控为由，… / ，理由是中方加强管控取得成效: the reason cited, not the news
_BACKGROUND_OPEN = re.compile(
    r"^(?:继|在.{1,30}?(?:之)?后$|随着|鉴于|早在|自从|由于|以.{1,30}?为由$|(?:理由|原因)(?:是|为))"
)
_BACKGROUND_CLOSE = re.compile(r"(?:之后|以后|以来|后)$")


def sentences(text: str) -> list[str]:
    """Split Chinese text into sentences (the end mark stays with its sentence)."""
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end <= start:
            continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


@dataclass(frozen=True, slots=True)
class ZhClause:
    text: str
    start: int  # offset in the sentence
    background: bool


def clauses(sentence: str) -> list[ZhClause]:
    """Cut a sentence at ，；： into clauses, each with its offset and whether it is background."""
    out: list[ZhClause] = []
    start = 0
    cuts = [m.start() for m in _CLAUSE_CUT.finditer(sentence)] + [len(sentence)]
    for cut in cuts:
        raw = sentence[start:cut]
        text = raw.strip(" 　。！？!?")
        if text:
            offset = start + raw.find(text)
            background = bool(_BACKGROUND_OPEN.search(text) or _BACKGROUND_CLOSE.search(text))
            out.append(ZhClause(text=text, start=offset, background=background))
        start = cut + 1
    return out


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip


def chinese_number(text: str) -> float | None:
    """三十四 → 34, 一百二十五 → 125, 十 → 10; digits as they are; None when not a number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += max(current, 1) * 10
            current = 0
        elif char == "百":
            total += max(current, 1) * 100
            current = 0
        else:
            return None
    return float(total + current) if text else None


_NUMBER = r"\d{1,3}(?:\.\d+)?"
_CN_NUMBER = r"[零〇一二两三四五六七八九十百]{1,6}"
_FIGURE = re.compile(
    rf"(?<![\d.])(?P<n>{_NUMBER})\s*[%％](?!\s*[至到~～\-－]\s*\d)"
    rf"|百分之(?P<c>{_CN_NUMBER}|{_NUMBER})"
)
_RANGE_BEFORE = re.compile(rf"{_NUMBER}\s*[%％]?\s*[至到~～\-－]\s*$")
_PREVIOUS_BEFORE = re.compile(
    r"(?:由|从|自|原)(?:原来的|此前的|现行的|目前的|原先的)?(?:约|大约|近|逾)?\s*$"
)
_CHANGE_AFTER = re.compile(
    r"^\s*(?:的?(?:水平|税率)?\s*)?(?:调整为|调整至|降至|降为|降到|降低至|降低到|下调至|下调为|调降至|调升至|"
    r"上调至|上调为|提高至|提高到|提高为|升至|增至|增加至|改为|减至|减为|变为|砍半至|减半至|"
    r"砍至|削减至|恢复至|恢复为|回到|降回|降回至|回落至|回调至|升回|升回至)"
)
_NOT_RATE_BEFORE = re.compile(
    r"(?:增长|下降|上涨|下跌|同比|环比|增速|涨幅|降幅|提高了|降低了|增加了|减少了|占|约占|达到|超过|"
    r"概率|可能性|比例|份额|利率|收益率|目标为|目标是|增长率|通胀|失业率)\s*(?:约|为|是|了)?\s*$"
)
_NOT_RATE_AFTER = re.compile(
    r"^\s*(?:的(?:概率|可能|份额|比例|股份|股权|人口|企业|市场)|左右的增长)"
)
_CAP_BEFORE = re.compile(r"(?:最高|至多|最多|不超过|不高于|上限为|最高可达)\s*$")
_POINTS = re.compile(
    rf"(?P<verb>降低|下调|削减|减少|提高|上调|增加|调降|调升|取消|免除|撤销)\s*"
    rf"(?P<n>{_NUMBER}|{_CN_NUMBER})\s*个百分点"
)
_LOWER = frozenset({"降低", "下调", "削减", "减少", "调降", "取消", "免除", "撤销"})


@dataclass(frozen=True, slots=True)
class ZhFigure:
    value: float
    start: int
    end: int
    role: Role


def figures(text: str) -> list[ZhFigure]:
    """The percentages of a clause with their roles (see the module docstring)."""
    found: list[ZhFigure] = []
    for match in _FIGURE.finditer(text):
        raw = match.group("n") or match.group("c")
        value = chinese_number(raw)
        if value is None:
            continue
        before, after = text[: match.start()], text[match.end() :]
        if (
            _RANGE_BEFORE.search(before)
            or _NOT_RATE_BEFORE.search(before)
            or _NOT_RATE_AFTER.match(after)
            or _CAP_BEFORE.search(before)
        ):
            role = Role.SHARE
        elif _PREVIOUS_BEFORE.search(before) and _CHANGE_AFTER.match(after):
            role = Role.PREVIOUS
        else:
            role = Role.LEVEL
        found.append(ZhFigure(value, match.start(), match.end(), role))
    for match in _POINTS.finditer(text):
        value = chinese_number(match.group("n"))
        if value is not None:
            sign = -1.0 if match.group("verb") in _LOWER else 1.0
            found.append(ZhFigure(sign * value, match.start(), match.end(), Role.DELTA))
    return sorted(found, key=lambda f: f.start)


_DATE = re.compile(
    r"(?:(?P<y>(?:19|20)\d\d)\s*年)?\s*(?P<m>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d>[12]\d|3[01]|0?[1-9])\s*[日号])?"
    r"|(?P<yo>(?:19|20)\d\d)\s*年(?!\s*(?:1[0-2]|0?[1-9])\s*月)(?!第)"
    r"|(?<![\d月年])(?P<do>[12]\d|3[01]|0?[1-9])\s*日(?!\s*电)"
    r"|(?P<wk>(?:本|这|下)?(?:周|星期|礼拜))(?P<wd>[一二三四五六日天])(?![一二三四五六七八九十]|末)"
    r"|(?P<rel>去年|前年|今年|明年|下月|下个月|上月|上个月|本月|下周|上周|下旬|近期|日前|近日)"
)
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_DATELINE_AFTER = re.compile(r"^\s*电")
# the end of a span (暂停期延长至2026年11月10日, 有效期至…): not when the news takes effect
_SPAN_END_BEFORE = re.compile(
    r"(?:(?:延长|延期|展期|延续|持续|有效期|为期)(?:了)?(?:至|到)|截至|直至|截止)$"
)
_RELATIVE = {"去年": -12, "前年": -24, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}
_AHEAD = frozenset({"明年", "下周", "下旬"})
RECENT_DAYS = 45  # a date this close behind the entry's date is news, not history


@dataclass(frozen=True, slots=True)
class ZhTime:
    when: date
    direction: Direction
    start: int


def _place(when: date, published: date, exact: bool) -> Direction:
    if when > published:
        return Direction.FUTURE
    if exact and (published - when).days <= RECENT_DAYS:
        return Direction.NOW
    if not exact and (published.year, published.month) == (when.year, when.month):
        return Direction.NOW
    if not exact and (published - when).days <= RECENT_DAYS + 31:
        return Direction.NOW
    return Direction.PAST


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(week: str, day: str, published: date) -> date | None:
    """The day a weekday names: this week's (本周五, 周五 still ahead), next week's (下周一); a
    bare weekday already behind the entry's day names no date (which week is not said)."""
    ahead = _WEEKDAYS[day] - published.weekday()
    if week.startswith("下"):
        ahead += 7
    elif ahead < 0 and not week.startswith(("本", "这")):
        return None
    return published + timedelta(days=ahead)


def time_refs(text: str, published: date) -> list[ZhTime]:
    """Dates of a text placed against the entry's date (``NOW`` for recent news)."""
    refs: list[ZhTime] = []
    for match in _DATE.finditer(text):
        if _DATELINE_AFTER.match(text[match.end() :]):
            continue  # 新华社北京5月7日电: the dateline
        if _SPAN_END_BEFORE.search(text, 0, match.start()):
            continue
        start = match.start()
        if match.group("wd"):
            when_week = _weekday(match.group("wk"), match.group("wd"), published)
            if when_week is not None:
                refs.append(ZhTime(when_week, _place(when_week, published, True), start))
            continue
        if match.group("rel"):
            word = match.group("rel")
            if word in _RELATIVE:
                month = published.month - 1 + _RELATIVE[word]
                when = date(published.year + month // 12, month % 12 + 1, 1)
                direction = Direction.PAST if _RELATIVE[word] < 0 else Direction.FUTURE
                if word in ("上月", "上个月"):
                    direction = Direction.NOW
            elif word == "前年" or word == "去年":
                when, direction = date(published.year - 1, 1, 1), Direction.PAST
            else:
                when = published
                direction = Direction.FUTURE if word in _AHEAD else Direction.NOW
            refs.append(ZhTime(when, direction, start))
            continue
        if match.group("yo"):
            year = int(match.group("yo"))
            when = date(year, 1, 1)
            direction = year_direction(year, published, Direction.NOW)
            refs.append(ZhTime(when, direction, start))
            continue
        if match.group("do"):
            day = int(match.group("do"))
            when_day = _safe(published.year, published.month, day)
            if when_day is not None:
                refs.append(ZhTime(when_day, _place(when_day, published, True), start))
            continue
        month = int(match.group("m"))
        day_text = match.group("d")
        if match.group("y"):
            year = int(match.group("y"))
        else:
            # no year: the nearer reading (a month far ahead of a late-year entry is next year's)
            year = published.year
            if month - published.month > 6:
                year -= 1
            elif published.month - month > 6:
                year += 1
        when_month = _safe(year, month, int(day_text) if day_text else 1)
        if when_month is None:
            continue
        refs.append(ZhTime(when_month, _place(when_month, published, bool(day_text)), start))
    return refs
