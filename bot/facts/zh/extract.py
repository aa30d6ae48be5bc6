"""Claims from an entry written in Chinese: what it says about each tracked fact, and how firmly.

The rules are each fact's ``hints.zh`` and the ``languages.zh`` vocabularies and roles of the
topics file; the judgement mirrors the English extractor (``bot/facts/extract.py``) so that the
same compare, evidence and alert path weighs both languages alike:

1. Voice: a commentary (a title labelled 社评, 钟声, 评论员, 分析, ...; an opinion path in the link;
   a body opening with 社评认为 or 文章指出) only proposes; a look back (回顾, 盘点, 周年) or a
   republished piece (本文首发于) only recalls. A reporter's question (问：..., a sentence ending
   in ？, or one asking 是否/能否, the title's too) states nothing; an official's answer (答：...)
   is the official's own words.
2. A fact the title only threatens or plans is only proposed in the body; a figure the title
   frames as a threat is that, wherever the body repeats it.
3. Strength, as in English: firm when asserted, bound by its own phrase, stating a change, first
   hand, not a layer or an aggregate, and not a plan still ahead without a decision (an
   announcement, an order, a joint statement, an official's answer, a date); a 快讯 with no
   body is judged as any sentence.

Matching runs on a simplified-character copy of the text; the evidence is the sentence as
published (traditional characters kept).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.facts import strength
from bot.facts.awaiting import awaiting, awaiting_rules
from bot.facts.catalogue import Catalogue
from bot.facts.lexicon import Lexicon
from bot.facts.model import Claim, FactKind, Modality
from bot.facts.outcomes import outcome_rules, outcomes
from bot.facts.rules import FigureRule, figure_rule, pattern_rule
from bot.facts.text import Role
from bot.facts.zh.figure_phrases import QUOTED_DENIED
from bot.facts.zh.figures import ZhFigureFinder
from bot.facts.zh.modality import ZhMarkers
from bot.facts.zh.patterns import ZhPatternFinder, ZhPatternRule
from bot.facts.zh.removals import removals
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.script import to_simplified
from bot.facts.zh.text import figures, sentences

ZH_WORD = r"[^，。；：！？、,;:!?]"
# a name of two to four characters, not the next words after a bare title (副部长被指为…)
# nor a verb after a name's title (部长继续作为…牵头人, 部长仍担任…)
ZH_PERSON = r"(?P<person>(?![被将已为是在也还则就又并等称说和与继仍])[\u4e00-\u9fff]{2,4}?)"
BUILTIN_PATTERNS = {"w": ZH_WORD, "person": ZH_PERSON}
_EVIDENCE_CHARS = 200
_QUESTION = re.compile(r"^\s*(?:问|记者问|提问)\s*[：:]|[？?]\s*[”’」\"']*\s*$|是否|能否|会否")
# white space between two Chinese characters of a body (or a figure's % or Chinese punctuation
# and one): a line wrapped, not a separator ("10%\n所谓“芬太尼关税”")
_CJK_SIDE = "\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’"
_WRAPPED = re.compile(rf"(?<=[{_CJK_SIDE}%])[ \t\r\n\u3000]+(?=[{_CJK_SIDE}])")
# a name's romanisation in brackets after it (陈志远（Chen Zhiyuan）接替…): read without it
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(][A-Za-z][A-Za-z .'’-]{1,40}[）)]")
# an inclusion note in brackets right after a figure: 47%（包含301条款等既有关税）
_NOTE_AFTER = re.compile(r"\s*[（(]\s*")
# an indirect question in a later clause (…展开会谈，外界关注双方能否…): the clauses before it state
_ASKS = re.compile(r"是否|能否|会否")
_ANSWER = re.compile(r"^\s*答\s*[：:]")
_PREFIX = re.compile(r"^\s*([^：:｜|]{1,16}?)\s*[：:｜|]\s*\S")
_TITLE_SPACE = re.compile(r"(?<=[\u4e00-\u9fff”」》）%％])[ \u3000]+(?=[\u4e00-\u9fff“「《（])")


def _before_the_question(unit: str) -> str:
    """A sentence whose later clause asks (…，外界关注双方能否…) stands for the clauses before it;
    one that is a question from its start, or ends as one, stays whole (and is dropped)."""
    asks = _ASKS.search(to_simplified(unit))
    if asks is None or _QUESTION.match(unit) or re.search(r"[？?]\s*[”’」\"']*\s*$", unit):
        return unit
    cut = max(unit.rfind("，", 0, asks.start()), unit.rfind(",", 0, asks.start()))
    return unit[:cut] + "。" if cut > 0 else unit


def _counted_figures(part: str, said_at: int) -> set[float]:
    """The level an inclusion note speaks of and what it moved from: a note in brackets right
    after a level is that level's (…由20%降至10%， 他称综合税率将从57%降到47%（包含301…）: 47
    and 57, not the 10 of the clause before); any other is the part's first level's (总共55%，
    这一数字是将30%…与301关税相加所得: 55)."""
    clause_at = max(part.rfind(mark, 0, said_at) for mark in "，,")
    found = figures(part)
    levels = [f for f in found if f.role is Role.LEVEL and f.start < said_at]
    if levels and _NOTE_AFTER.fullmatch(part[levels[-1].end : said_at]):
        own = [f for f in found if clause_at < f.start < said_at]
        return {f.value for f in own if f.role in (Role.LEVEL, Role.PREVIOUS)}
    first = [f.value for f in found if f.role is Role.LEVEL][:1]
    return {f.value for f in found if f.role is Role.PREVIOUS} | set(first)


def _removal_beside_suspension(claim: Claim, suspended: set[str]) -> bool:
    """取消91%…暂停24%: the level in force is neither the old one less the removal nor stated."""
    return (
        claim.fact_id in suspended
        and claim.relative is not None
        and isinstance(claim.value, float)
        and claim.value < 0
    )


def _evidence(sentence: str) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= _EVIDENCE_CHARS else text[:_EVIDENCE_CHARS] + "…"


class ZhClaimExtractor:
    """The Chinese rule-based extractor; built once from the catalogue and ``languages.zh``."""

    def __init__(
        self, catalogue: Catalogue, vocabularies: Mapping[str, Sequence[str]], roles: ZhRoles
    ) -> None:
        self.roles = roles
        self.lexicon = Lexicon.build(vocabularies, raw=BUILTIN_PATTERNS, screened=False)
        for role, name in roles.named():
            if not self.lexicon.has(name):
                raise ValueError(f"languages.zh.roles.{role}: unknown vocabulary {name!r}")
        self.markers = ZhMarkers.from_lexicon(self.lexicon, roles)
        self.kinds = {fact.id: fact.kind for fact in catalogue.values()}
        self._wholes = {fact.id for fact in catalogue.values() if not fact.part_of}
        self._staged = {fact.id for fact in catalogue.values() if fact.story_stages}
        self.outcome_rules = outcome_rules(catalogue, self.lexicon, zh=True)
        self.awaiting_rules = awaiting_rules(catalogue, self.lexicon, zh=True)
        figure_rules: list[FigureRule] = []
        pattern_rules: list[ZhPatternRule] = []
        for fact in catalogue.values():
            hints = fact.hints.zh
            if hints is None:
                continue
            try:
                if fact.kind is FactKind.PERCENT and hints.figure is not None:
                    figure_rules.append(figure_rule(fact, hints.figure, self.lexicon))
                elif hints.patterns is not None:
                    rule = pattern_rule(fact, hints, self.lexicon, screened=False)
                    pattern_rules.append(ZhPatternRule(rule, dict(hints.names)))
            except ValueError as exc:
                raise ValueError(str(exc).replace(": hints.", ": hints.zh.", 1)) from exc
        self.figures = ZhFigureFinder(figure_rules, self.lexicon, roles, self.markers)
        self.patterns = ZhPatternFinder(pattern_rules, self.lexicon, roles, self.markers)

    def extract(
        self, body: str, published: datetime, *, title: str = "", link: str = ""
    ) -> list[Claim]:
        """Every claim the item makes about a tracked fact, in text order."""
        title = _TITLE_SPACE.sub("，", " ".join(title.split()))
        head = [u for u in sentences(title) if not _QUESTION.search(to_simplified(u))]
        body = "" if strength.repeats_title(title, body) else body  # a flash's title, repeated
        body = _WRAPPED.sub("", body)  # a line wrapped inside a phrase (暂停 实施): one phrase
        body_units = [u for u in sentences(" ".join(body.split())) if u]
        units, answers, in_answer = list(head), set(), False
        for whole in body_units:
            unit = _before_the_question(whole)
            simple = to_simplified(unit)
            if not unit or _QUESTION.search(simple):
                in_answer = False
                continue
            in_answer = in_answer or bool(_ANSWER.match(simple))
            if in_answer:
                answers.add(len(units))
            units.append(unit)
        simple_units = [_GLOSS.sub("", to_simplified(u)) for u in units]  # quoted as published
        published_as = dict(zip(simple_units, units, strict=True))
        simple_title = _GLOSS.sub("", to_simplified(title))
        entry = " ".join(simple_units)
        recalls = bool(units) and (
            self.lexicon.any(self.roles.retrospective, " ".join(simple_units[:2]))
            or self.lexicon.any(self.roles.republished, " ".join(simple_units[:3]))
        )
        day = published.date()
        claims: list[Claim] = []
        suspended: set[str] = set()
        for index, sentence in enumerate(simple_units):
            answer = index in answers
            hits = self.figures.find(sentence, day, recalls, entry, simple_title, answer)
            hits += removals(self.figures, sentence, day, recalls, simple_title, answer)
            claims += [strength.figure_claim(h, _evidence(published_as[sentence])) for h in hits]
            suspended |= self.figures.suspends(sentence)
        claims = [c for c in claims if not _removal_beside_suspension(c, suspended)]
        claims = self._other_measures(claims, simple_units)
        claims += outcomes(claims, self.outcome_rules)
        found = self.patterns.find(
            simple_units, entry, published, recalls, simple_title, frozenset(answers)
        )
        states: list[Claim] = []
        pledge = self.lexicon.screens[self.roles.pledge]
        counted = self.lexicon.any(self.roles.counted, entry)  # the item counts what it lists
        for hit in found:
            published_text = published_as.get(hit.evidence, hit.evidence)
            claim = strength.pattern_claim(hit, _evidence(published_text))
            if strength.is_promise(
                hit, self.kinds, staged=self._staged, pledge=pledge, counted=counted
            ):
                claim = replace(claim, modality=Modality.PROPOSED)
            states.append(claim)
        claims += awaiting(states, self.awaiting_rules, entry)
        if self.lexicon.any(self.roles.procedures_pending, entry):
            claims = strength.awaiting_procedures(claims, self._staged)
        title_units = [_evidence(u) for u in units[: len(head)]]
        if QUOTED_DENIED.search(simple_title):  # 更正：“…”标题有误 / 网传“…”不实
            claims = [c for c in claims if c.evidence not in title_units]
        errors = {  # 将举行地误写为新加坡: a correction retelling the error it corrects
            _evidence(published_as[u])
            for u in simple_units
            if self.lexicon.any(self.roles.retold_error, u)
        }
        claims = [c for c in claims if c.evidence not in errors]
        opening = " ".join(simple_units[:3])
        if self.lexicon.any(self.roles.correction, opening):  # 更正启事: it corrects a report
            claims = [replace(c, correction=True) for c in claims]
        claims = strength.framed_by_title(claims, title_units)
        claims = strength.hedged_in_body(claims, title_units, self._staged)
        claims = self._threat_in_title(claims, simple_title)
        claims = strength.layers_said(  # 特朗普称将…额外加征, no 公告 or 行政令: a threat
            claims,
            day,
            simple_title,
            self.lexicon.screens[self.roles.decree],
            self.lexicon.screens[self.roles.speech],
            to_simplified,
        )
        if self.markers.rumour.search(entry):  # 外媒称… / 据未具名官员…，报道未获证实: a rumour
            claims = [
                strength.proposed(c)
                if self.markers.hearsay.search(to_simplified(c.evidence))
                else c
                for c in claims
            ]
        if recalls:
            claims = strength.recounted(claims)
        if self.is_opinion(title, link, body):
            claims = [strength.proposed(c) for c in claims]
        return claims

    def _other_measures(self, claims: list[Claim], units: Sequence[str]) -> list[Claim]:
        """A figure the item says counts duties beside the tracked ones (综合税率约47%，该口径
        包含301等原有关税) is not a whole's level, wherever the item gives it."""
        src = self.lexicon.sources
        inclusion, outside = src[self.roles.inclusion], src[self.roles.outside]
        counts = re.compile(
            rf"(?<![不未])(?:{inclusion})[^。；;]{{0,16}}?(?:{outside})"
            rf"|(?:{outside})[^。；;，,]{{0,8}}?(?<![不未])(?:{inclusion}|在内)"
        )
        counted: set[float] = set()
        for part in (p for unit in units for p in re.split(r"[；;]", unit)):
            said = counts.search(part)
            if said is None:
                continue
            counted |= _counted_figures(part, said.start())
        return strength.not_counted(claims, self._wholes, counted)

    def _threat_in_title(self, claims: list[Claim], title: str) -> list[Claim]:
        markers = self.markers
        if not title or not (
            markers.proposal.search(title)
            or markers.rumour.search(title)
            or markers.wish.search(title)
        ):
            return claims
        return strength.threatened(claims, {f.value for f in figures(title)})

    def is_opinion(self, title: str, link: str, body: str = "") -> bool:
        """A commentary, by its title's label, its link's path or its opening words."""
        simple = to_simplified(" ".join(title.split()))
        prefix = _PREFIX.match(simple)
        if prefix and self.lexicon.any(self.roles.opinion_titles, prefix.group(1)):
            return True
        opening = to_simplified(body[:40])
        if self.lexicon.any(self.roles.opinion_voices, opening):
            return True
        return strength.in_opinion_section(link, self.lexicon.screens[self.roles.opinion_paths])
