"""Changes stated without a level: a part removed, a rate scaled, a cut by percentage points.

Each runs only on a sentence that hints at it (a cheap test before the costlier patterns):

1. Removal of a qualified part ("scraps the fentanyl tariff", "the duty ... to address opioids
   ... is terminated"; in an order titled for that duty, "the tariff ... is terminated"): zero.
   A removal that carries a figure of its own is left to the figure rules.
2. Scaling ("halved the fentanyl tariff", "doubles tariffs on Chinese goods"): a factor applied
   to the current value, unless a level in the same phrase says the result.
3. Percentage points ("cut the tariff on Chinese goods by 10 percentage points"): that many
   points down for a cut, up for a rise.

The phrase binds to a fact as a figure's does (:mod:`bot.facts.binding`); its modality is
judged by :mod:`bot.facts.modality` with the change pattern as its core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.facts.binding import WORD, PartyBinder, phrase_start
from bot.facts.figures import FigureHit
from bot.facts.lexicon import Lexicon
from bot.facts.modality import Markers, Verdict, judge
from bot.facts.model import Relative
from bot.facts.roles import Roles
from bot.facts.rules import FigureRule
from bot.facts.text import Role, figures

_REMOVAL_HINT = re.compile(
    r"scrap|elimin|abolish|remov|revok|rescind|repeal|terminat|\bend|drop|withdr|cancel|\blift|"
    r"strik|struck|invalidat|\bvoid|wip|stop|ceas",
    re.IGNORECASE,
)
_SCALING_HINT = re.compile(r"halv|doubl|tripl", re.IGNORECASE)
_POINTS_HINT = re.compile(r"\bpoints?\b|\bpp\b|\bppt\b", re.IGNORECASE)
_DOWN = r"(?:cut|cuts|cutting|lower\w*|reduc\w*|slash\w*|trim\w*|eas\w*|decreas\w*|shav\w*)"
_UP = r"(?:rais\w*|increas\w*|hik\w*|lift\w*|boost\w*)"
_FACTORS = {"halv": 0.5, "doub": 2.0, "trip": 3.0}  # the scaling verbs' stems
_DONE = (
    r"(?:(?:will be|shall be|is|are|was|were|has been|have been|would be|is being|are being)"
    r"\s+(?:hereby\s+)?"
    r"(?:terminated|removed|eliminated|ended|scrapped|lifted|revoked|rescinded|repealed|"
    r"abolished|cancell?ed|withdrawn|dropped)"
    r"|(?:will|shall|would|is to|are to)\s+(?:end|cease)\b|\b(?:ends|ended|ceases|ceased)\b)"
)
_BASE_VERB = re.compile(
    r"(?:scrap|eliminate|abolish|remove|revoke|rescind|repeal|terminate|end|drop|withdraw|"
    r"cancel|lift|strike|halve|double|triple|cut|lower|reduce|slash|trim|ease|decrease|raise|"
    r"increase|hike|boost)\s+(?!by\b|to\b|from\b|in\b|on\b|at\b|after\b|last\b|earlier\b)",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"(?:^|[:;\u2014\u2013]|\s-)\s*[\"'\u201c\u2018]?\s*$")


def imperative(before: str, core: str) -> bool:
    """The change verb opens its clause in its bare form, with no subject ("My advice: scrap the
    tariff"): a call to act, not a report that anybody acted."""
    return bool(_CLAUSE_START.search(before)) and bool(_BASE_VERB.match(core))


@dataclass(frozen=True, slots=True)
class Scope:
    """One sentence and what the extractor knows of it."""

    sentence: str
    day: date
    retrospective: bool  # the item looks back or is republished
    background: bool  # every clause of the sentence is background
    title: str

    def verdict(self, start: int, end: int, after: str, markers: Markers) -> Verdict | None:
        """The modality of the change pattern ``sentence[start:end]``; none for a call to act."""
        if imperative(self.sentence[:start], self.sentence[start:end]):
            return None
        return judge(
            sentence=self.sentence,
            before=self.sentence[:start],
            core=self.sentence[start:end],
            after=after,
            background=self.background,
            retrospective=self.retrospective,
            published=self.day,
            core_is_pattern=True,
            markers=markers,
            headline=bool(self.title) and self.sentence.strip() in self.title,
        )


@dataclass(frozen=True, slots=True)
class _Removal:
    rule: FigureRule
    stated: re.Pattern[str]  # the removal names the qualified part
    bare: re.Pattern[str]  # "the tariff ... is terminated", where the title names the part
    qualifier: re.Pattern[str]


class DeltaFinder:
    """Finds changes stated without a level; built once from the binder and the markers."""

    def __init__(self, binder: PartyBinder, lexicon: Lexicon, roles: Roles, markers: Markers):
        self.binder = binder
        self.lexicon = lexicon
        self.roles = roles
        self.markers = markers
        self._nouns = sorted({r.nouns for r in binder.rules})
        self._removals = [
            self._removal(rule) for rule in binder.rules if rule.qualifiers or rule.names
        ]

    def find(self, scope: Scope) -> list[FigureHit]:
        return self.removals(scope) + self.scalings(scope) + self.point_changes(scope)

    def _removal(self, rule: FigureRule) -> _Removal:
        role = self.lexicon.sources
        names = (*rule.qualifiers, *rule.names)
        qualifier = "(?:" + "|".join(role[q] for q in names if q in role) + ")"
        noun = role[rule.nouns]
        removal = role[self.roles.removal]
        stated = (
            rf"{removal}\s+(?:{WORD}){{0,3}}?{qualifier}[\w-]*\s+(?:{WORD}){{0,2}}?{noun}"
            rf"|{removal}\s+(?:{WORD}){{0,2}}?{noun}\s+(?:{WORD}){{0,8}}?{qualifier}"
            rf"|{noun}\s+(?:{WORD}){{0,16}}?{qualifier}[\w-]*\s+(?:{WORD}){{0,6}}?{_DONE}"
            rf"|{qualifier}[\w-]*\s+(?:{WORD}){{0,2}}?{noun}\s+(?:{WORD}){{0,8}}?{_DONE}"
        )
        return _Removal(
            rule,
            re.compile(stated, re.IGNORECASE),
            re.compile(rf"{noun}\s+(?:{WORD}){{0,24}}?{_DONE}", re.IGNORECASE),
            re.compile(qualifier, re.IGNORECASE),
        )

    def removals(self, scope: Scope) -> list[FigureHit]:
        """A part removed without a figure ("scraps the fentanyl tariff"), or a whole by its name
        ("the Supreme Court struck down the emergency tariffs"): zero. Not by a ruling that is
        not final (a lower court, a stay, duties that remain in place pending appeal)."""
        sentence, title = scope.sentence, scope.title
        hits: list[FigureHit] = []
        if not _REMOVAL_HINT.search(sentence):
            return hits
        for removal in self._removals:
            rule = removal.rule
            match = removal.stated.search(sentence)
            titled = removal.qualifier.search(title) and not removal.qualifier.search(sentence)
            if match is None and titled:
                match = removal.bare.search(sentence)
            if match is None or not self.binder.target_named(rule, sentence, title):
                continue
            if self.lexicon.any(self.roles.interim, sentence):
                continue  # a lower court's ruling, or one stayed: the duty is still collected
            if figures(match.group(0)) or re.search(
                r"\d\s*(?:%|percent|per cent)", sentence[match.end() : match.end() + 25]
            ):
                continue  # a figure of its own: the figure rules judge it
            if any(self.lexicon.any(name, match.group(0)) for name in rule.exclude):
                continue
            named = sentence[phrase_start(sentence, match.start()) : match.end()]
            if not rule.qualifiers and self.binder.names_part(named):
                continue  # "the fentanyl IEEPA duty ends": a part of the whole, by its law's name
            after = sentence[match.end() :].split(",", 1)[0]
            verdict = scope.verdict(match.start(), match.end(), after, self.markers)
            if verdict is not None:
                hits.append(FigureHit(rule, 0.0, None, None, verdict, False, True, False, sentence))
        return hits

    def point_changes(self, scope: Scope) -> list[FigureHit]:
        """A change by percentage points: down for a cut, up for a rise ("suspending 24
        points" is no change)."""
        sentence = scope.sentence
        hits: list[FigureHit] = []
        if not _POINTS_HINT.search(sentence):
            return hits
        for nouns in self._nouns:
            noun = self.lexicon.sources[nouns]
            for match in re.finditer(
                rf"(?:(?P<verb>{_DOWN}|{_UP})\s+(?:{WORD}){{0,8}}?{noun}|{noun}\s+(?:{WORD}){{0,8}}?"
                rf"(?:(?:is|are|was|were|will be|to be|would be|be)\s+)?(?P<verb2>{_DOWN}|{_UP}))"
                rf"(?:[^,;.]{{0,60}}?)\bby\s+(?P<n>\d{{1,3}}(?:\.\d+)?)\s*(?:percentage\s+)?"
                rf"(?:points?|pp|ppt)\b",
                sentence,
                re.IGNORECASE,
            ):
                verb = (match.group("verb") or match.group("verb2") or "").lower()
                sign = -1.0 if re.fullmatch(_DOWN, verb, re.IGNORECASE) else 1.0
                start = phrase_start(sentence, match.start())
                hit = self._delta(scope, nouns, start, match.end(), sign * float(match.group("n")))
                if hit is not None:
                    hits.append(hit)
        return hits

    def scalings(self, scope: Scope) -> list[FigureHit]:
        """A factor applied to the current value ("halved the fentanyl tariff"), where no
        level of the same phrase says the result ("halving the tariff to 10%")."""
        sentence = scope.sentence
        hits: list[FigureHit] = []
        if not _SCALING_HINT.search(sentence):
            return hits
        verbs = self.lexicon.sources[self.roles.scaling]
        for nouns in self._nouns:
            noun = self.lexicon.sources[nouns]
            for match in re.finditer(
                rf"{verbs}\s+(?:{WORD}){{0,4}}?{noun}(?:[^,;.]{{0,60}})", sentence, re.IGNORECASE
            ):
                phrase = match.group(0)
                factor = _FACTORS.get(phrase[:4].lower())
                if factor is None or any(f.role is Role.LEVEL for f in figures(phrase)):
                    continue
                hit = self._delta(
                    scope, nouns, match.start(), match.end(), factor, Relative.MULTIPLY
                )
                if hit is not None:
                    hits.append(hit)
        return hits

    def _delta(
        self,
        scope: Scope,
        nouns: str,
        start: int,
        end: int,
        amount: float,
        relative: Relative = Relative.ADD,
    ) -> FigureHit | None:
        sentence = scope.sentence
        phrase = sentence[start:end]
        bound = self.binder.bind(phrase, sentence, sentence, nouns, sentence, scope.title)
        if bound is None:
            return None
        verdict = scope.verdict(start, end, "", self.markers)
        if verdict is None:
            return None
        rule, loose = bound
        return FigureHit(rule, amount, relative, None, verdict, loose, True, False, sentence)
