"""Removals in Chinese that name no figure: "取消对中国商品加征的全部芬太尼相关关税" removes a
qualified part whole, so its level is zero (a removal with a figure is
:mod:`bot.facts.zh.figures`'s, and so is one whose noun the amount removed follows:
"取消…“芬太尼关税”10%" takes ten points off, it does not end the duty)."""

from __future__ import annotations

import re
from datetime import date

from bot.facts.figures import FigureHit
from bot.facts.zh.figures import ZhFigureFinder
from bot.facts.zh.modality import Scope, judge
from bot.facts.zh.text import clauses, figures

_AMOUNT_AFTER = re.compile(r"^[”」』\"'）)\s]{0,2}(?:中的|里的|的)?(?:\d|百分之)")


def _amount_after(text: str, end: int) -> bool:
    return _AMOUNT_AFTER.match(text[end : end + 8]) is not None


def removals(
    finder: ZhFigureFinder,
    sentence: str,
    day: date,
    retrospective: bool,
    title: str,
    official_answer: bool,
) -> list[FigureHit]:
    """The qualified parts the sentence removes whole, each at zero."""
    hits: list[FigureHit] = []
    src = finder.lexicon.sources
    for rule in finder.rules:
        if not rule.qualifiers:
            continue
        qualifier = "(?:" + "|".join(src[q] for q in rule.qualifiers) + ")"
        pattern = re.compile(
            rf"(?:{src[finder.roles.removal]})[^，。；]{{0,24}}?{qualifier}[^，。；]{{0,8}}?"
            rf"(?:{src[rule.nouns]})"
        )
        for clause in clauses(sentence):
            match = pattern.search(clause.text)
            if match is None or figures(match.group(0)) or _amount_after(clause.text, match.end()):
                continue
            target, _actor = finder.parties.find(clause.text)
            if target not in (None, rule.target) or any(
                finder.lexicon.any(name, match.group(0)) for name in rule.exclude
            ):
                continue
            scope = Scope(sentence, sentence[: clause.start + match.start()],
                          clause.text[: match.start()], match.group(0),
                          clause.text[match.end() :], clause.background, True)  # fmt: skip
            verdict = judge(scope, title=title, retrospective=retrospective, published=day,
                            markers=finder.markers, official_answer=official_answer)  # fmt: skip
            if verdict is not None:
                hits.append(FigureHit(rule, 0.0, None, None, verdict, False, True, False,
                                      sentence))  # fmt: skip
    return hits
