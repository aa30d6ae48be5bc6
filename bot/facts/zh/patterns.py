"""State, month and person claims in Chinese: the event patterns of each fact's ``hints.zh``.

As in English (``bot/facts/patterns.py``): a match counts when the entry and the sentence (with
the title, which frames every sentence under it) meet the fact's requirements, and no
``exclude_near`` vocabulary stands in it or just before it (a venue, 在新加坡, or what listed
chemicals are used to make, 用于合成尼秦类物质的, is none), unless a
party other than the home one (``roles.home``: China, named in nearly every sentence) is named
near it. A month fact's value is the entry's month; a person is the name the pattern captures, in
the catalogue's Latin form (``hints.zh.names``, else Pinyin); a known name merely mentioned is a
weak claim, and 前任/原/接替 make it history. A state still ahead (将于…举行) counts as the state
``future`` names (scheduled), unless agreed now (同意将…, 签署行政令) as the last stage; the first
stage ahead with neither place nor time is ``unset`` (weak). A sentence saying what the news is
(这是…首次…) holds no state of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.facts.dates import announced_month
from bot.facts.lexicon import Lexicon
from bot.facts.literals import NEVER
from bot.facts.modality import Verdict
from bot.facts.model import FactKind, FactValue, Modality
from bot.facts.patterns import PatternHit, first_step_ahead, later_state
from bot.facts.rules import PatternRule
from bot.facts.zh.modality import Scope, ZhMarkers, judge
from bot.facts.zh.names import latin_name
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.text import ZhClause, clauses

_FORMER = re.compile(r"前任|原任|原公安部|卸任|离任|接替|继任|曾任|不再担任|不再任")
_NEAR_BEFORE = 12
# a "name" an institution's suffix follows (禁毒局, 物证鉴定中心) is part of that name
_INSTITUTION_AFTER = re.compile(
    r"局(?!长)|部(?!长)|司(?!长)|处(?!长)|厅(?!长)|委(?!员)|办|院(?!长)|中心|组(?!长)|署(?!长)"
)
_PARTY_NEAR = 30
# a place the talks are held in (在新加坡, 赴瑞士) is a venue, not a third party to them
_VENUE_BEFORE = r"(?:在|赴|于|抵达|前往|访问)"
# where or when a step ahead is set (在伦敦举行, 赴瑞士, 5月9日, 下周), or said not to be yet
_SETTING = re.compile(
    r"在[\u4e00-\u9fff]{2,8}(?:举行|会面|会晤|会谈|磋商|召开)|赴|访|前往|抵达|期间"
    r"|\d{1,2}日|[一二三四五六七八九十]{1,3}日|下周|本周|周[一二三四五六日末]|月底|月初|[上中下]旬"
)
_UNSET = re.compile(r"(?:时间|地点|日期)[^，。；]{0,4}(?:另行商定|待定|尚未确定|另行通知|将另行)")
# a sentence that says what the news told is ("这是…首次…会谈"): no new step of its own
_THIS_IS = re.compile(r"^(?:这|此|这次|此次)(?:将|也|还|亦)?(?:是|为)")
# agreed now on what comes later (同意将…延长): the agreement is made, its terms are ahead
_AGREED_AHEAD = re.compile(r"(?:同意|商定|约定|决定)(?:将|把|于)|(?:确认|证实)[^。]{0,30}?将")
# an order signed, not one still to sign (签署行政令，将暂停期延长至…): its terms are decided
_ORDER_SIGNED = re.compile(
    r"^(?:(?!将|拟|计划|准备|即将)[^。])*?签署(?:了)?(?:一项|的)?(?:行政令|总统令)"
)


@dataclass(frozen=True, slots=True)
class ZhPatternRule:
    rule: PatternRule
    names: Mapping[str, str]  # Chinese name → the catalogue's form


class ZhPatternFinder:
    def __init__(
        self, rules: Sequence[ZhPatternRule], lexicon: Lexicon, roles: ZhRoles, markers: ZhMarkers
    ) -> None:
        self.rules = list(rules)
        self.lexicon = lexicon
        self.roles = roles
        self.markers = markers
        self._weighing = replace(markers, proposal=NEVER)  # Hints.weighs: no proposal hedges
        self._parties = [p for p in (*roles.parties, roles.pair) if lexicon.has(p)]
        titles = lexicon.sources[roles.person_titles]
        self._titles = re.compile(rf"^(?:{titles})+")
        self._venues = re.compile(rf"{_VENUE_BEFORE}(?:{lexicon.sources[roles.others]})")

    def meets(self, requirements: Sequence[Sequence[str]], text: str) -> bool:
        return all(self.lexicon.any_of(group, text) for group in requirements)

    def _excluded(self, rule: PatternRule, text: str, match: re.Match[str]) -> bool:
        window = self.lexicon.masked(self.roles.synthesis, text)
        window = window[max(0, match.start() - _NEAR_BEFORE) : match.end()]
        window = self._venues.sub("", window)
        names = [n for n in rule.exclude_near if self.lexicon.any(n, window)]
        if not names:
            return False
        wider = text[max(0, match.start() - _PARTY_NEAR) : match.end()]
        others_only = all(n == self.roles.others for n in names)
        vouching = [p for p in self._parties if p != self.roles.home]
        return not (others_only and any(self.lexicon.any(p, wider) for p in vouching))

    def _person(self, raw: str, names: Mapping[str, str]) -> str | None:
        name = self._titles.sub("", raw.strip())
        if not 2 <= len(name) <= 4 or any(self.lexicon.any(p, name) for p in self._parties):
            return None
        return latin_name(name, names)

    def find(
        self,
        units: Sequence[str],
        entry: str,
        published: datetime,
        retrospective: bool,
        title: str,
        answers: frozenset[int],
    ) -> list[PatternHit]:
        """``answers``: the indexes of the units that are an official's answer (答：...)."""
        hits: list[PatternHit] = []
        for zh_rule in self.rules:
            rule = zh_rule.rule
            if not self.meets(rule.entry_requires, entry):
                continue
            found: list[PatternHit] = []
            mentions: list[PatternHit] = []
            denied: set[str] = set()
            for index, sentence in enumerate(units):
                if not self.meets(rule.sentence_requires, f"{sentence} {title}"):
                    continue
                if _THIS_IS.match(sentence) and rule.kind is FactKind.STATE:
                    continue
                for clause in clauses(sentence):
                    context = (sentence, clause, published, retrospective, title, index in answers)
                    found += self._matches(zh_rule, *context)
                    if rule.kind is FactKind.PERSON:
                        mentions += self._mentions(zh_rule, *context)
                    elif rule.kind is FactKind.STATE:
                        denied |= self._denied(rule, clause.text)
            found = [hit for hit in found if str(hit.value) not in denied]
            if found and rule.kind is FactKind.MONTH:  # 根据6月发布的公告…今起施行: June's listing
                month = announced_month(entry, published.date())
                found = [replace(hit, value=month) for hit in found]
            hits += [_set_or_not(hit, title, rule) for hit in found] or mentions
        return hits

    def _denied(self, rule: PatternRule, text: str) -> set[str]:
        """The states this clause says have not come (尚未达成任何协议): the item claims none of
        them, whatever another of its sentences seems to say."""
        return {
            str(state)
            for state, pattern in rule.patterns
            for match in pattern.finditer(text)
            if not self._excluded(rule, text, match)
            and self.markers.negation.search(text[: match.start()])
        }

    def _verdict(
        self, sentence: str, clause: ZhClause, match: re.Match[str], published: datetime,
        retrospective: bool, title: str, answer: bool, weighs: bool = False,
    ) -> Verdict | None:  # fmt: skip
        text = clause.text
        scope = Scope(sentence, sentence[: clause.start + match.start()], text[: match.start()],
                      match.group(0), text[match.end() :], clause.background, True)  # fmt: skip
        return judge(scope, title=title, retrospective=retrospective, published=published.date(),
                     markers=self._weighing if weighs else self.markers,
                     official_answer=answer)  # fmt: skip

    def _matches(
        self, zh_rule: ZhPatternRule, sentence: str, clause: ZhClause, published: datetime,
        retrospective: bool, title: str, answer: bool,
    ) -> list[PatternHit]:  # fmt: skip
        rule = zh_rule.rule
        hits: list[PatternHit] = []
        if rule.any_pattern is not None and not rule.any_pattern.search(clause.text):
            return hits
        for state, pattern in rule.patterns:
            for match in pattern.finditer(clause.text):
                if self._excluded(rule, clause.text, match):
                    continue
                value: FactValue
                if rule.kind is FactKind.MONTH:
                    value = f"{published:%Y-%m}"
                elif rule.kind is FactKind.PERSON:
                    name = self._person(match.group("person"), zh_rule.names)
                    if (
                        name is None
                        or _INSTITUTION_AFTER.match(clause.text, match.end("person"))
                        or self._titles.match(clause.text[match.start("person") :])
                    ):
                        continue  # 禁毒局负责人: a bureau; 公安部副部长: a title cut, no name
                    value = name
                else:
                    value = str(state)
                verdict = self._verdict(sentence, clause, match, published, retrospective, title,
                                        answer, str(value) in rule.weighs)  # fmt: skip
                if verdict is None:
                    continue
                if rule.kind is FactKind.PERSON and self.markers.proposal.match(
                    clause.text, match.end("person")
                ):  # 林海涛或将出任…: the post only expected
                    verdict = replace(verdict, modality=Modality.PROPOSED)
                prefix = sentence[: clause.start + match.start()]
                agreed = _AGREED_AHEAD.search(prefix) or _ORDER_SIGNED.search(prefix)
                value = (
                    value
                    if agreed and _last_stage(rule, value)
                    else later_state(rule, value, verdict)
                )
                ahead = str(value) in {later for _, later in rule.future}
                hits.append(PatternHit(rule.fact_id, value, verdict, False, sentence, ahead))
        return hits

    def _mentions(
        self, zh_rule: ZhPatternRule, sentence: str, clause: ZhClause, published: datetime,
        retrospective: bool, title: str, answer: bool,
    ) -> list[PatternHit]:  # fmt: skip
        hits = []
        for written, latin in zh_rule.names.items():
            for match in re.finditer(re.escape(written), clause.text):
                if self._excluded(zh_rule.rule, clause.text, match):
                    continue
                verdict = self._verdict(sentence, clause, match, published, retrospective, title,
                                        answer)  # fmt: skip
                if verdict is None:
                    continue
                if _FORMER.search(sentence):
                    verdict = Verdict(Modality.HISTORICAL)
                hits.append(PatternHit(zh_rule.rule.fact_id, latin, verdict, True, sentence))
        return hits


def _set_or_not(hit: PatternHit, title: str, rule: PatternRule) -> PatternHit:
    """The first step ahead (:func:`~bot.facts.patterns.first_step_ahead`) with
    neither place nor time given (同意双方团队尽快举行新一轮会谈，具体时间地点另行商定) is
    ``unset``: a weak claim."""
    if not first_step_ahead(rule, hit.value) or hit.verdict.effective is not None:
        return hit
    text = f"{hit.evidence} {title}"
    return replace(hit, unset=bool(_UNSET.search(text)) or not _SETTING.search(text))


def _last_stage(rule: PatternRule, value: FactValue) -> bool:
    """Whether ``value`` is the step that an agreement made now keeps (the last of the
    ``future`` chain: agreement → held → scheduled); the steps before it still ahead are mapped
    (商定于…举行磋商: the round is scheduled)."""
    future = dict(rule.future)
    return str(value) in future and future[str(value)] in future
