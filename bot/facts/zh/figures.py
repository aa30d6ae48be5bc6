"""Percent claims in Chinese: a rate bound to a tariff noun and to the parties its phrase names.

For each level or points figure of a clause (see :mod:`bot.facts.zh.text`), in order:

1. Its noun: a tariff noun of the rule's ``nouns`` just after it (``10%的关税``, ``10%所谓芬太尼
   关税``, ``24%的对美加征关税税率``) or before it in the clause (``关税…由34%调整为10%``,
   ``税率降至10%``); a clause that only carries the figure (``由34%调整为10%``, ``保留10%的税率``)
   continues the sentence's previous clause that names the noun or a party.
2. What the figure is: a suspended rate (暂停实施24%, 24%…暂停实施) or a cap (最高) says nothing
   of the rate in force; a removal (取消…10%, or 10%的关税…取消) is relative to the current value,
   unless it removes the whole (取消剩余10%: zero); a layer (额外加征100%) adds to it; a move in
   points (下调10个百分点) is relative, of an aggregate too (总体下调: the whole moves); an
   aggregate (共计) may count other duties (a removal of an aggregate is skipped), unless the
   sentence's own levels add up to it (24%…连同保留的10%，合计为34%: :mod:`bot.facts.zh.totals`),
   and then those levels are its parts, not the whole's; a level kept (保留10%) in a sentence
   that removes or suspends the rest states the change.
3. Binding: the party the phrase names after 对/针对/原产于/来自 (or 对华/对美) is the target; the
   party before it is the actor ("美国对中国商品加征的关税": actor US, target China). Found only in
   another clause of the sentence that names no tariff noun, or in the title, it binds *loosely*.
   A total of a layer and a qualified part (对等关税与芬太尼关税合计) is the whole's level.
   A qualifier (芬太尼) picks the qualified fact; an ``exclude`` vocabulary in the phrase or in
   the clause that named the party voids the figure (农产品, 对等关税, 号行政令, another country).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.facts.figures import FigureHit, verb_direction
from bot.facts.lexicon import Lexicon
from bot.facts.model import Relative
from bot.facts.rules import FigureRule, qualified_only
from bot.facts.text import Role
from bot.facts.zh.figure_phrases import (
    ANAPHORA,
    CONTINUED,
    NOUN_AFTER_GAP,
    ONLY_THE_MOVE,
    OWN_FIGURE,
    PART_OF,
    QUOTED_DENIED,
    SOLE,
    TO_LEVEL,
)
from bot.facts.zh.levels import LevelVerbs, level_of
from bot.facts.zh.modality import Scope, ZhMarkers, judge
from bot.facts.zh.parties import ZhParties
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.text import ZhClause, ZhFigure, clauses, figures
from bot.facts.zh.totals import totals_of

VERB_REACH = 12  # characters before a level where its change verb is looked for (降至)


def _rest_of_segment(sentence: str, at: int) -> str:
    """The sentence from offset ``at`` to its next semicolon."""
    ends = [i for i in (sentence.find("；", at), sentence.find(";", at)) if i >= 0]
    return sentence[at : min(ends, default=len(sentence))]


@dataclass(frozen=True, slots=True)
class Binding:
    rule: FigureRule
    loose: bool
    phrase: str  # the text the exclusions are checked in


class ZhFigureFinder:
    """Finds Chinese percent claims; built once from the zh figure rules and lexicon."""

    def __init__(
        self, rules: Sequence[FigureRule], lexicon: Lexicon, roles: ZhRoles, markers: ZhMarkers
    ) -> None:
        self.rules = list(rules)
        self.lexicon = lexicon
        self.roles = roles
        self.markers = markers
        named = [n for r in self.rules for n in (r.actor, r.target) if n]
        self.parties = ZhParties(lexicon, (*dict.fromkeys([*named, roles.others]),), roles.others)
        self._nouns = sorted({r.nouns for r in self.rules})
        src = lexicon.sources
        self._keeping = re.compile(src[roles.keeping])
        self._verbs = LevelVerbs(
            removal=re.compile(src[roles.removal]),
            whole=re.compile(src[roles.whole]),
            keeping=self._keeping,
            layer=re.compile(src[roles.layer]),
        )
        self._suspension = re.compile(src[roles.suspension])

    # --- binding --------------------------------------------------------------------------

    def _rules_for(self, target: str | None, actor: str | None, nouns: str) -> list[FigureRule]:
        return [
            r
            for r in self.rules
            if r.nouns == nouns
            and ((target is not None and r.target == target)
                 or (target is None and actor is not None and r.actor == actor))
        ]  # fmt: skip

    def _bind(
        self, local: str, sentence_clauses: list[ZhClause], index: int, nouns: str, title: str,
        entry: str,
    ) -> Binding | None:  # fmt: skip
        target, actor = self.parties.find(local)
        phrase, loose = local, False
        if target is None and actor is None:
            for at in range(index - 1, -1, -1):
                clause = sentence_clauses[at]
                target, actor = self.parties.find(clause.text)
                if target or actor:  # what the clauses between name is the figure's too
                    between = " ".join(c.text for c in sentence_clauses[at:index])
                    phrase = f"{between} {local}"
                    loose = not self.lexicon.any(nouns, clause.text)
                    break
        if target is None and actor is None:
            qualified = qualified_only(self.rules, self.lexicon, local, entry)
            if qualified is not None:
                return Binding(qualified, True, local)
            target, actor = self.parties.find(title)
            loose = True
        rules = self._rules_for(target, actor, nouns)
        if not rules:
            return None
        summed = self._sums_layers(rules, local)
        # a clause that is only the move (，由20%降至10%) qualifies as the tariff named before it
        before = sentence_clauses[index - 1].text if index else ""
        moved = f"{before} {phrase}" if ONLY_THE_MOVE.match(local) else local
        picked = [r for r in rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, moved)]
        earlier = " ".join(c.text for c in sentence_clauses[:index])
        picked = [] if summed else picked or self._referred(rules, local, nouns, earlier, title)
        chosen = picked or [r for r in rules if not r.qualifiers]
        if not chosen:
            return None
        rule = chosen[0]
        named = rule.target is None or self.lexicon.any(rule.target, entry + title)
        if target is None and rule.target_named and not named:
            return None  # 特朗普宣布对进口药品征收100%关税: no tariff on China
        excluded = any(self.lexicon.any(name, phrase) for name in rule.exclude)
        if excluded and not (
            summed or self._sole_layer(rule, local) or self._own_total(rule, local, phrase)
        ):
            return None
        return Binding(rule, loose, phrase)

    def _sums_layers(self, rules: list[FigureRule], local: str) -> bool:
        """A total of a layer of the whole and a qualified part (对等关税与芬太尼关税合计20%):
        all the layers together, so the whole's level."""
        total = next(iter(self.lexicon.find(self.roles.aggregate, local)), None)
        if total is None:
            return False
        listed = local[: total.start()]
        return bool(self.lexicon.find(self.roles.layers, listed)) and any(
            r.qualifiers and self.lexicon.any_of(r.qualifiers, listed) for r in rules
        )

    def _own_total(self, rule: FigureRule, local: str, phrase: str) -> bool:
        """A total of the duties the whole is named by (依据紧急经济权力法加征的关税…合计20%): its
        level, whatever layers the phrase lists."""
        return self.lexicon.any(self.roles.aggregate, local) and any(
            self.lexicon.any(name, phrase) for name in rule.names
        )

    def _referred(
        self, rules: list[FigureRule], local: str, nouns: str, earlier: str, title: str
    ) -> list[FigureRule]:
        """The qualified tariff a pointing phrase refers to (该项关税, 相关关税): the one the
        sentence named before it, else the title."""
        noun = next(iter(self.lexicon.find(nouns, local)), None)
        if noun is None or not ANAPHORA.search(local[: noun.start()]):
            return []
        for text in (earlier, title):
            named = [r for r in rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, text)]
            if named:
                return named
        return []

    def _sole_layer(self, rule: FigureRule, local: str) -> bool:
        """Whether a layer of the whole is said to be all of it that is left (仅保留10%的对等关税):
        then its rate is the whole's level."""
        if rule.qualifiers or not rule.names:
            return False
        layer = self.lexicon.find(self.roles.layers, local)
        digit = re.search(r"\d", local)
        return bool(layer and digit and SOLE.search(local[: digit.start()]))

    # --- figures --------------------------------------------------------------------------

    def _noun_span(self, text: str, figure: ZhFigure, nouns: str) -> int | None:
        """The end of the figure's phrase: its noun after it, else the figure (a noun before)."""
        for noun in self.lexicon.find(nouns, text):
            if noun.start() >= figure.end and NOUN_AFTER_GAP.match(text[figure.end : noun.start()]):
                return noun.end()
        if any(n.end() <= figure.start for n in self.lexicon.find(nouns, text)):
            return figure.end
        return None

    def find(
        self,
        sentence: str,
        day: date,
        retrospective: bool,
        entry: str,
        title: str,
        official_answer: bool,
    ) -> list[FigureHit]:
        hits: list[FigureHit] = []
        parts = clauses(sentence)
        denied = [m.span(1) for m in QUOTED_DENIED.finditer(sentence)]
        for index, clause in enumerate(parts):
            found = figures(clause.text)
            for figure in found:
                if figure.role not in (Role.LEVEL, Role.DELTA):
                    continue
                at = clause.start + figure.start
                if any(start <= at < end for start, end in denied):
                    continue  # 《美对华关税降至10%》标题有误: the quoted error, not the news
                hit = self._figure(sentence, parts, index, figure, found, day, retrospective,
                                   entry, title, official_answer)  # fmt: skip
                if hit is not None:
                    hits.append(hit)
        return hits

    def _phrase_end(
        self, parts: list[ZhClause], index: int, figure: ZhFigure, nouns: str
    ) -> int | None:
        """Where the figure's phrase ends in its clause; a clause with the figure alone continues
        an earlier clause that names the noun (由34%调整为10%)."""
        end = self._noun_span(parts[index].text, figure, nouns)
        if end is None and any(self.lexicon.any(nouns, c.text) for c in parts[:index]):
            return figure.end
        return end

    def _figure(
        self, sentence: str, parts: list[ZhClause], index: int, figure: ZhFigure,
        found: list[ZhFigure], day: date, retrospective: bool, entry: str, title: str,
        official_answer: bool,
    ) -> FigureHit | None:  # fmt: skip
        clause = parts[index]
        text = clause.text
        for nouns in self._nouns:
            end = self._phrase_end(parts, index, figure, nouns)
            if end is None:
                continue
            local = text[:end]
            binding = self._bind(local, parts, index, nouns, title, entry)
            if binding is None or self._suspended(text, figure):
                continue
            if not binding.rule.qualifiers and (
                PART_OF.search(text[: figure.start])
                or (
                    not TO_LEVEL.search(text[: figure.start])
                    and binding.rule.fact_id
                    in self.suspends(
                        sentence[: clause.start] + _rest_of_segment(sentence, clause.start)
                    )
                )
            ):
                return None  # 修改34%的关税，其中24%暂停实施: the gross rate or a share
            value: float | None
            relative: Relative | None
            previous: float | None
            if figure.role is Role.DELTA:  # "下调10个百分点": a move in points
                value, relative, previous = figure.value, Relative.ADD, None
            else:
                value, relative, previous = level_of(text, figure, found, self._verbs)
            if value is None:
                return None
            sums = totals_of(sentence, self.lexicon, self.roles, title)
            at = clause.start + figure.start
            if at in sums.parts:
                return None  # 24%…连同保留的10%，合计为34%: parts of the total
            aggregate = (
                self.lexicon.any(self.roles.aggregate, local)
                and not self._own_total(binding.rule, local, binding.phrase)
                and at not in sums.totals
                and not sums.decreed  # a notice's own total (税委会公告…合计为34%)
            )
            if aggregate and relative is not None and figure.role is not Role.DELTA:
                return None  # "取消了共计91%的加征关税": an aggregate removed
            lead = sentence[: clause.start + figure.start]
            scope = Scope(sentence, lead, text[: figure.start], text[figure.start : end],
                          text[end:], clause.background)  # fmt: skip
            verdict = judge(scope, title=title, retrospective=retrospective, published=day,
                            markers=self.markers, official_answer=official_answer)  # fmt: skip
            if verdict is None:
                return None
            event = (
                previous is not None
                or relative is not None
                or verdict.effective is not None
                or self.lexicon.any(self.roles.change_verbs, text)
                # 取消91%…，24%暂停实施，保留10%: the level the sentence's change leaves (its
                # last level; not a share kept before the level it adds up to: …保留10%…降至30%)
                or bool(
                    self._keeping.search(text[: figure.start])
                    and self.lexicon.any(self.roles.change_verbs, sentence)
                    and not any(f.role is Role.LEVEL and f.start > at for f in figures(sentence))
                )
            )
            layer = relative is Relative.ADD and value > 0  # "额外加征100%关税"
            verbs, head = (self.roles.lowering, self.roles.raising), text[: figure.start]
            direction = 0 if relative else verb_direction(self.lexicon, verbs, head, VERB_REACH)
            return FigureHit(binding.rule, value, relative, previous, verdict, binding.loose,
                             event, aggregate, sentence, layer, direction)  # fmt: skip
        return None

    def suspends(self, sentence: str) -> set[str]:
        """The facts of the party whose rate this sentence suspends (对34%的对等关税暂停实施24%);
        not a qualified part the suspended clause does not name (暂停24%对等关税 leaves the
        芬太尼 layer's removal standing), nor a suspension that goes on (继续暂停一年)."""
        facts: set[str] = set()
        parts = clauses(sentence)
        for index, clause in enumerate(parts):
            held = [f for f in figures(clause.text) if self._suspended(clause.text, f)]
            if not held or CONTINUED.search(clause.text):
                continue
            named = clause.text[max(0, held[0].start - 8) : held[0].end + 12]  # its noun phrase
            for text in (c.text for c in reversed(parts[: index + 1])):
                target, actor = self.parties.find(text)
                if target or actor:
                    facts |= {
                        r.fact_id
                        for n in self._nouns
                        for r in self._rules_for(target, actor, n)
                        if not r.qualifiers or self.lexicon.any_of(r.qualifiers, named)
                    }
                    break
        return facts

    def _suspended(self, text: str, figure: ZhFigure) -> bool:
        for mark in self._suspension.finditer(text):
            if mark.end() <= figure.start:
                if not self._keeping.search(text[mark.end() : figure.start]):
                    return True
            elif (
                mark.start() >= figure.end
                and not figures(text[figure.end : mark.start()])
                and not OWN_FIGURE.match(text, mark.end())  # 取消10%…继续暂停24%: its own figure
            ):
                return True
        return False
