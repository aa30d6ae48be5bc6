"""How a Chinese clause holds a claim: asserted, proposed, historical, or negated (no claim).

The English rules (``bot/facts/modality.py``) in Chinese words; the first that applies
decides:

1. A negation in the clause before the claim or inside it (没有, 并未, 否认, 不实; but not
   不再, 不断, and not the idioms that state the event: 没有改变) → no claim; so is a claim the
   rest of its sentence denies (…的报道不实) and an event pattern the rest of its clause says
   stands as it was (管控不受影响).
2. A background clause (继…之后, 鉴于…, …后) or an entry that looks back or is republished →
   historical, unless the sentence is a condition, rumour, forecast or wish (a year-end review's
   "学者预计，若…明年有可能取消…" is a forecast, not a move told late).
3. A condition (如果…将…, 一旦), a threat, plan or proposal (威胁, 警告, 拟, 考虑, 研究, 或将,
   争取), a forecast (预计, 分析人士), a wish or demand (应当, 敦促, 呼吁) or a rumour
   (知情人士, 据传) anywhere in the sentence → proposed (a proposal marker counts in the clause
   around the claim, not inside a matched pattern).
4. A restatement of the past (此前, 曾, 一度, 早在) or a date well behind the entry → historical
   (not one inside a clause's opening 连同…， phrase: that past is the part's it names).
5. Otherwise asserted. A date ahead becomes the claim's ``effective`` date; the claim looks ahead
   (``future``: 将于, 拟于, 定于, a date ahead; not where the sentence says its measure is in force
   today: 今日生效) and is ``decided`` when an announcement, order,
   joint statement, decision or an official's own words stand in the sentence or the title
   (公告, 决定, 宣布, 联合声明, 表示, 答：); ``hearsay`` when second-hand (据报道, 外媒称).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.facts.dates import Direction
from bot.facts.lexicon import Lexicon
from bot.facts.literals import Screen
from bot.facts.modality import Verdict
from bot.facts.model import Modality
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.text import time_refs

# a "together with ...," phrase opening a clause (连同此前加征的20%，...): its past is the
# part's, not the level that follows
_WITH_OPENING = re.compile(r"(?:^|(?<=[，,；;\s]))(?:连同|加上|算上|计入|算入)[^，,。；;]*[，,]")
# a clause naming what a step rests on (根据两国元首6月5日通话共识，…): its date is not the step's
_BASIS = re.compile(r"(?:^|(?<=[，,]))(?:根据|按照|依据|基于|为落实|落实)[^，,。；;]*[，,]")
# a sentence saying its measure is in force from today (…的措施今日生效, 今起实施): what its 将
# announced earlier is no longer ahead
_IN_FORCE_NOW = re.compile(
    r"(?:今日|今天|即日|当日|本日)起?(?:正式)?(?:生效|实施|施行|执行|落地)|今起|已(?:正式)?生效"
)
# a time set ahead inside a matched pattern's own words
_SET_AHEAD = re.compile(r"(?<!原)(?:将于|将在|将要|将会|定于|拟于|计划于|即将)")
# an event followed by 后, 以来: a point in time behind the sentence's own news
_SINCE = re.compile(r"(?:之后|以后|后|以来)")
# 重新制裁…的声明, 取消关税的报道: the move names what a statement or report is about
_NAMED_BY = re.compile(
    r"^[”」』\"]?的(?:声明|报道|说法|消息|传闻|传言|猜测|建议|提议|呼吁|法案|议案|决议案|提案|"
    r"可能性?|前景|预期|计划|设想|威胁|言论|表态|意愿|愿望|意向)"
    r"|^[”」』\"]?(?:的)?(?:请求|提议|倡议|邀请|申请)"  # 恢复经贸磋商请求: what is asked for
)


@dataclass(frozen=True, slots=True)
class ZhMarkers:
    negation: Screen
    negated_idioms: Screen
    conditional: Screen
    proposal: Screen
    rumour: Screen
    forecast: Screen
    wish: Screen
    reporting: Screen
    decision: Screen
    hearsay: Screen
    historical: Screen
    future: Screen
    unchanged: Screen
    denial: Screen

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon, roles: ZhRoles) -> ZhMarkers:
        return cls(**{name: lexicon.screens[getattr(roles, name)] for name in cls.__slots__})


_CLAUSE_END = re.compile(r"[，,；;]")
# what keeps a claim pending wherever its sentence says it (…降至10%，但须经国会批准)
_PENDING = re.compile(r"尚待|有待|待批准|须经|需经|报批|须获|需获|前提是|条件是")


def _own_clause(after: str) -> tuple[str, str]:
    """The rest of the claim's own clause, and the clauses after it."""
    end = _CLAUSE_END.search(after)
    return (after, "") if end is None else (after[: end.start()], after[end.start() :])


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a claim sits: its sentence, the clause text before it (``before``), the matched text
    (``core``), the sentence up to the claim (``lead``) and the rest of its clause (``after``)."""

    sentence: str
    lead: str
    before: str
    core: str
    after: str
    background: bool = False
    core_is_pattern: bool = False


def judge(
    scope: Scope,
    *,
    title: str,
    retrospective: bool,
    published: date,
    markers: ZhMarkers,
    official_answer: bool = False,
) -> Verdict | None:
    """Judge one claim (see the module docstring); ``official_answer``: the sentence is a
    spokesperson's answer (答：...), the official's own words."""
    core = markers.negated_idioms.sub("", scope.core)
    if _NAMED_BY.match(scope.after):
        return None
    if markers.negation.search(scope.before) or markers.negation.search(core):
        return None
    if markers.denial.search(scope.sentence[len(scope.lead) + len(scope.core) :]):
        return None  # 所谓中方暂停合作的报道不实: the claim is named to be denied
    if scope.core_is_pattern and markers.unchanged.search(scope.after):
        return None  # 前体化学品管控不受影响: the measure stands, nothing new
    sentence = scope.sentence
    core_words = "" if scope.core_is_pattern else scope.core
    own, later = _own_clause(scope.after)
    # a later clause's demand or estimate (，中方则要求…, ，会谈预计持续两天) is not the claim's
    # hedge; a step still pending is, wherever it stands
    near = scope.before + core_words + own + " ".join(_PENDING.findall(later))
    hedged = (
        markers.conditional.search(sentence)
        or markers.rumour.search(sentence)
        or markers.forecast.search(scope.lead + scope.core + own)
        or markers.wish.search(scope.lead + scope.core + own)
    )
    past = scope.background or (scope.core_is_pattern and _SINCE.match(scope.after))
    if (past or retrospective) and not hedged:
        return Verdict(Modality.HISTORICAL)  # 磋商中断后…首次: the event marks a time past
    if (
        hedged
        or markers.proposal.search(near)
        or (markers.proposal.search(scope.lead) and not markers.decision.search(scope.lead))
    ):
        return Verdict(Modality.PROPOSED)
    if markers.historical.search(_WITH_OPENING.sub("", scope.lead) + core_words):
        return Verdict(Modality.HISTORICAL)
    past, effective = False, None
    for ref in time_refs(_BASIS.sub("", scope.lead) + scope.core + scope.after, published):
        if ref.direction is Direction.PAST:
            past = True
        elif ref.direction is Direction.FUTURE:
            effective = ref.when if effective is None else min(effective, ref.when)
    if past and effective is None:
        return Verdict(Modality.HISTORICAL)
    own_lead = re.split(r"[；;]", scope.lead)[-1]  # …将降至10%；双方还就…达成一致: its own clause
    # a pattern's own words may set the event ahead (会谈将于周末举行; not 同意将…展期: a decision)
    set_ahead = scope.core_is_pattern and _SET_AHEAD.search(scope.core)
    # a marker that looks past the lead's end sees the core too (中美将|举行…: 将 before 举行)
    lead_future = markers.future.search(own_lead + scope.core)
    told_ahead = lead_future is not None and lead_future.start() < len(own_lead)
    ahead = (
        bool(told_ahead or set_ahead) and not _IN_FORCE_NOW.search(sentence)
    ) or effective is not None
    decided = (
        official_answer
        or effective is not None
        or bool(markers.decision.search(sentence) or markers.decision.search(title))
        or bool(markers.reporting.search(sentence))
    )
    return Verdict(
        Modality.ASSERTED,
        effective,
        future=ahead,
        decided=decided,
        hearsay=bool(markers.hearsay.search(sentence)),
    )
