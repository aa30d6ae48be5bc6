"""Percent claims: figures bound to a tariff noun and to the parties the noun phrase names.

For each level percentage of a clause (see ``bot/facts/text.py`` for roles), in order:

1. Its noun phrase: a tariff noun right after it ("a 30 percent tariff") or before it in the
   clause ("tariffs on X ... to 30 percent"); a clause with no noun continues the previous
   clause's after "to", "at" or a verb of keeping ("while retaining the remaining 10 percent").
2. What the figure is: a cap ("up to 15%") or a suspended rate ("suspending 24 percent") says
   nothing about the rate in force and is skipped; a layer ("an additional 100% tariff") or a
   partial removal ("cancel the 10 percent fentanyl tariff") is relative to the current value;
   removing "the remaining" rate is zero; an aggregate ("a total of 55%") may count other duties.
3. Binding: the party the local phrase names as target ("on Chinese goods", "imports from
   China"), else as actor ("US duties", "China's tariffs"; a bare name follows its party's
   ``shorthand``: "China tariffs" are tariffs on China), else the clause's target, else the
   clause's or sentence's first actor. An actor found only that way binds *loosely*, and needs
   the fact's target named in the sentence or the title and no other country there instead.
   Qualifiers pick the qualified fact ("the fentanyl levy"); an ``exclude`` vocabulary in the
   local or target phrase voids the figure ("steel", "farm goods", another country).

The modality of each claim is judged by :mod:`bot.facts.modality`; the extractor weighs the
binding and the figure's kind into the claim's strength.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.facts.lexicon import Lexicon
from bot.facts.modality import Markers, Verdict, judge
from bot.facts.model import Relative
from bot.facts.roles import Roles
from bot.facts.rules import FigureRule
from bot.facts.text import Clause, Figure, Role, figures

WORD = r"(?:[\w'’-]+,?\s+)"
_GOODS = (
    r"(?:goods|imports|products|exports|shipments|items|merchandise|purchases|wares|commodities|"
    r"sales|articles|origin goods)"
)
_STOP_BEFORE = re.compile(
    r"(?:^|[,;:]|\b(?:plus|and|or|with|but|from|to|at|by|than|versus|while|as)\b)(?!.*"
    r"(?:[,;:]|\b(?:plus|and|or|with|but|from|to|at|by|than|versus|while|as)\b))",
    re.IGNORECASE | re.DOTALL,
)
_TRAIL_STOP = re.compile(
    r"[,;:]|\b(?:plus|and|while|but|as well as|versus|whereas|if|unless|because|when|amid|"
    r"after|before|since|until|so that|once)\b|\d",
    re.IGNORECASE,
)
_WHOLE = r"(?:remaining|entire|whole|last|all)"
_NEW_POSSESSOR = re.compile(r"(?:\b(?:and|while|but|whereas)|[;,])\s+(?:the\s+)?[\w.-]+['’]s\b")
_NOT_MODIFIER = re.compile(
    r"[,;.:\d]|\b(?:and|or|plus|while|but|from|to|at|on|in|by|as|than|versus|is|are|was|were|"
    r"will|would|has|have|had)\b",
    re.IGNORECASE,
)
_MAX_PREDICATE_GAP = 150
_CONTINUES = re.compile(
    r"(?:\b(?:to|at)|\b(?:retain\w*|keep\w*|kept|leav\w*|left|maintain\w*|hold\w*|remain\w*)"
    r"(?:\s+(?:the|its|a|an|their|remaining|current|existing|other))*)\s+$",
    re.IGNORECASE,
)
_KEEPING = re.compile(r"\b(?:retain\w*|keep\w*|kept|leav\w*|left|maintain\w*)\b", re.IGNORECASE)
_KEPT_BEFORE = re.compile(
    r"\b(?:retain\w*|keep\w*|kept|leav\w*|maintain\w*)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
# cheap tests before the costlier patterns run on a sentence
_REMOVAL_HINT = re.compile(
    r"scrap|elimin|abolish|remov|revok|rescind|repeal|terminat|\bend|drop|withdr|cancel|\blift|"
    r"strik|struck",
    re.IGNORECASE,
)
_SCALING_HINT = re.compile(r"halv|doubl|tripl", re.IGNORECASE)
_POINTS_HINT = re.compile(r"\bpoints?\b|\bpp\b|\bppt\b", re.IGNORECASE)
_DOWN = r"(?:cut|cuts|cutting|lower\w*|reduc\w*|slash\w*|trim\w*|eas\w*|decreas\w*|shav\w*)"
_UP = r"(?:rais\w*|increas\w*|hik\w*|lift\w*|boost\w*)"
_FACTORS = {"halv": 0.5, "doub": 2.0, "trip": 3.0}  # the scaling verbs' stems
# an order's or notice's title: "Modifying Duties Addressing ...", "Further Amending ..."
_DOCUMENT_TITLE = re.compile(r"^\s*(?:Further\s+)?[A-Z][a-z]+ing\s+[A-Z]")


_IN_NOUN = re.compile(r"^\s+in\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_APPOSITIVE = re.compile(r",[^,;]{1,120},")


def _in(sentence: str, title: str) -> bool:
    return bool(title) and sentence.strip() in title


_CAP = re.compile(r"\b(?:up to|as much as|as high as|ranging|range of|between)\s+$", re.I)
_LABEL = re.compile(r"^\s*([^:]{2,60}):\s+\S")


@dataclass(frozen=True, slots=True)
class FigureHit:
    """A figure bound to a fact, with what the extractor needs to weigh it."""

    rule: FigureRule
    value: float
    relative: Relative | None
    previous: float | None
    verdict: Verdict
    loose: bool  # bound through the clause or sentence, not the figure's own phrase
    event: bool  # the clause states a change (a change verb, a prior, a date)
    aggregate: bool  # "total", "combined": may count other duties
    evidence: str
    layer: bool = False  # "an additional 10%": a layer on top of whatever is in force


class FigureFinder:
    """Finds percent claims; built once from the figure rules, the lexicon and the roles."""

    def __init__(
        self, rules: Sequence[FigureRule], lexicon: Lexicon, roles: Roles, markers: Markers
    ) -> None:
        self.rules = list(rules)
        self.lexicon = lexicon
        self.roles = roles
        self.markers = markers
        named = [n for r in self.rules for n in (r.actor, r.target) if n]
        self.parties = tuple(dict.fromkeys([*named, roles.others]))
        self._targets = self._party_patterns()
        self._nouns = sorted({r.nouns for r in self.rules})
        self._removals = self._removal_patterns()
        role = lexicon.sources
        self._removal = re.compile(
            rf"{role[roles.removal]}\s+(?:(?:its|the|their|a|an|that|this|those|these|of)\s+)"
            rf"{{0,3}}(?P<whole>{_WHOLE}\s+)?(?:(?:its|the|their|of)\s+)?$",
            re.IGNORECASE,
        )
        layer = role[roles.layer]
        self._layer_before = re.compile(
            rf"(?<!\bthe )(?<!\bits )(?<!\btheir )(?<!\bthis )(?<!\bthat )(?:{layer}|another)\s+$",
            re.IGNORECASE,
        )
        self._layer_after = re.compile(rf"^\s*{layer}\b", re.IGNORECASE)

    # --- binding ------------------------------------------------------------------------

    def _party_patterns(self) -> dict[str, list[re.Pattern[str]]]:
        kinds: dict[str, list[re.Pattern[str]]] = {"from": [], "on": [], "country": [], "bare": []}
        for party in self.parties:
            src = self.lexicon.sources[party]
            flags = re.IGNORECASE
            kinds["from"].append(
                re.compile(
                    rf"{_GOODS}\s+{WORD}{{0,2}}?(?:from|made in|of|originating in|shipped from)\s+"
                    rf"(?:the\s+)?{src}",
                    flags,
                )
            )
            kinds["on"].append(
                re.compile(
                    rf"\b(?:on|against|for|targeting|covering)\s+{WORD}{{0,3}}?{src}(?:['’]s)?"
                    rf"(?:-made|-origin)?\s+{WORD}{{0,2}}?{_GOODS}",
                    flags,
                )
            )
            kinds["country"].append(
                re.compile(rf"\b(?:on|against)\s+(?:the\s+)?{src}(?!['’]s)", flags)
            )
            kinds["bare"].append(
                re.compile(
                    rf"{src}(?:-made|-origin)?\s+(?:[\w-]+\s+)?{_GOODS}"
                    r"(?!\s+(?:from|made in|of)\b)",
                    flags,
                )
            )
        return kinds

    def _target(self, text: str) -> tuple[str, str] | None:
        """The party a phrase names as target, and the phrase; a party listed with other
        countries ("on Mexico, Canada and China") wins over them."""
        for kind in ("from", "on", "country", "bare"):
            hits = sorted(
                (match.start(), party, match.group(0))
                for party, pattern in zip(self.parties, self._targets[kind], strict=True)
                for match in [pattern.search(text)]
                if match
            )
            if hits:
                own = [h for h in hits if h[1] != self.roles.others]
                pick = (
                    own[0]
                    if own and self._listed_with_others(text, own[0][0], hits[0][0])
                    else hits[0]
                )
                start = text.find(pick[2])
                return pick[1], text[start : start + len(pick[2]) + 60]  # with what follows
        return None

    def _listed_with_others(self, text: str, own_at: int, first_at: int) -> bool:
        between = text[first_at:own_at]
        return own_at <= first_at or (len(between) < 60 and not re.search(r"[;.]", between))

    def _premodifier_actor(self, text: str, nouns: str) -> str | None:
        """The party named before the noun ("US duties", "China's tariffs"); a bare name whose
        party's shorthand is ``target`` means the tariffs on it, so it names no actor."""
        noun_src = self.lexicon.sources[nouns]
        hits = []
        for party in self.parties:
            src = self.lexicon.sources[party]
            for pattern in (
                rf"{src}(?P<own>['’]s)?\s+(?:[\w%'’.-]+,?\s+){{0,2}}?{noun_src}",
                rf"{noun_src}\s+(?:imposed|levied|set|announced|charged|applied)\s+by\s+"
                rf"(?:the\s+)?{src}",
            ):
                match = re.search(pattern, text, re.IGNORECASE)
                if match:
                    hits.append((match.start(), party))
        return min(hits, key=lambda h: h[0])[1] if hits else None

    def _shorthand_target(self, text: str, nouns: str) -> str | None:
        """A bare party name right before the noun read as its party's shorthand says
        ("China tariffs": the tariffs on China)."""
        noun_src = self.lexicon.sources[nouns]
        for party, reading in self.roles.parties.items():
            if reading.shorthand != "target" or not reading.names:
                continue
            names = "|".join(re.escape(n) for n in reading.names)
            if re.search(rf"(?<![\w'’-])(?:{names})\s+(?:{noun_src}|rates?\b)", text):
                return party
        return None

    def _subject(self, text: str) -> str | None:
        hits = [
            (match.start(), party)
            for party in self.parties
            for match in [self.lexicon.compiled[party].search(text)]
            if match
        ]
        return min(hits)[1] if hits else None

    def _span(self, text: str, figure: Figure, nouns: str) -> tuple[int, int] | None:
        matches = self.lexicon.find(nouns, text)
        for noun in matches:
            if noun.start() < figure.end:
                continue
            between = text[figure.end : noun.start()]
            in_noun = _IN_NOUN.match(between)  # "a combined 20 percent in emergency tariffs"
            if not in_noun and (_NOT_MODIFIER.search(between) or len(between.split()) > 4):
                break
            trail = text[noun.end() : noun.end() + 90]
            stop = _TRAIL_STOP.search(trail)
            end = noun.end() + (stop.start() if stop else len(trail))
            return self._phrase_start(text, figure.start), end
        before = [n for n in matches if n.end() <= figure.start]
        if not before:
            return None
        noun = before[-1]
        if figure.start - noun.end() > _MAX_PREDICATE_GAP:
            return None
        gap = _APPOSITIVE.sub(", ", text[noun.end() : figure.start])  # ", the 10% part plus ...,"
        if any(f.role is Role.LEVEL for f in figures(gap)):
            return None
        if _NEW_POSSESSOR.search(text[noun.end() : figure.start]):
            return None  # "... and China's is 125 percent": another party's figure
        return self._phrase_start(text, noun.start()), figure.end

    @staticmethod
    def _phrase_start(text: str, head: int) -> int:
        """Up to three words before ``head``, not reaching past a conjunction or comma."""
        words = list(re.finditer(r"[\w'’.-]+", text[:head]))[-3:]
        start = words[0].start() if words else head
        stop = _STOP_BEFORE.search(text[start:head])
        if stop and stop.end() > 0:
            start += stop.end()
        return start

    def _qualified_only(self, local: str, entry: str) -> FigureRule | None:
        """A figure naming no party: only a qualified fact whose target the entry names."""
        for rule in self.rules:
            if not (rule.qualifiers and self.lexicon.any_of(rule.qualifiers, local)):
                continue
            if rule.target and not self.lexicon.any(rule.target, entry):
                continue
            if not any(self.lexicon.any(name, local) for name in rule.exclude):
                return rule
        return None

    def _bind(
        self,
        local: str,
        clause: str,
        sentence: str,
        nouns: str,
        entry: str,
        title: str,
        foreground: str | None = None,
    ) -> tuple[FigureRule, bool] | None:
        """The rule a figure's phrase binds to, and whether it bound loosely (see the module
        docstring for the order). ``foreground``: the sentence without its background clauses
        ("Because the PRC has suspended ...", whose subject is no actor of this figure)."""
        foreground = sentence if foreground is None else foreground
        target, target_phrase = self._target(local) or (None, "")
        actor = None
        loose = False
        if target is None:
            target = self._shorthand_target(local, nouns)
        if target is None:
            actor = self._premodifier_actor(local, nouns)
            if actor is not None and self._acted_on(actor, local, clause):
                target, actor = actor, None  # "Trump cuts China's tariff": the tariff on China
        if target is None and actor is None:
            target, target_phrase = self._target(clause) or (None, "")
            target = target or self._shorthand_target(clause, nouns)
            loose = target is not None
        if target is None and actor is None:
            only = self._qualified_only(local, entry)
            if only is not None:
                return only, True
            titled = self._document_rule(title, local)
            if titled is not None:
                return titled, True  # an order titled for one duty: its body speaks of it
            actor = self._subject(clause) or self._subject(foreground) or self._subject(title)
            loose = True
        if target is None and actor is None:
            return None
        rules = [
            r
            for r in self.rules
            if r.nouns == nouns
            and ((target and r.target == target) or (not target and r.actor == actor))
        ]
        aggregate = self.lexicon.any(self.roles.aggregate, local)
        qualified = [r for r in rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, local)]
        plain = [r for r in rules if not r.qualifiers]
        if aggregate:
            qualified = []  # "with the fentanyl levy, a combined 30%" is no part's level
        chosen = qualified or self._qualified_by_title(plain, rules, sentence, title) or plain
        if not chosen:
            return None
        rule = chosen[0]
        phrase = f"{local} {target_phrase} {self._object_after(local, clause)}"
        if any(self.lexicon.any(name, phrase) for name in rule.exclude):
            return None
        if self._counts_outside(sentence):
            return None  # "a total of 55%, counting Section 301 duties": another measure
        if not rule.qualifiers and self._document_part(title, rule):
            return None  # an order titled for the reciprocal rate speaks of that part
        if target is None and not self._target_named(rule, sentence, title):
            return None
        return rule, loose

    @staticmethod
    def _object_after(local: str, clause: str) -> str:
        """What the tariff is laid on, right after its phrase ("... will be imposed on soybeans,
        sorghum and pork"): parts named there are parts of this tariff."""
        at = clause.find(local)
        following = clause[at + len(local) :][:80] if at >= 0 else ""
        match = re.match(
            r"\s*(?:(?:will|shall|would)\s+be\s+|(?:is|are|was|were)\s+)?(?:\w+ed\s+)?"
            r"(?:on|for|covering|targeting)\s+(.*)",
            following,
            re.IGNORECASE,
        )
        return match.group(1) if match else ""

    def _acted_on(self, party: str, local: str, clause: str) -> bool:
        """Whether another party acts on ``party``'s possessive noun ("Trump cuts China's
        tariff"): the clause names another party before the noun phrase."""
        head = clause[: max(clause.find(local), 0)]
        others = [p for p in self.roles.parties if p != party and self.lexicon.has(p)]
        return bool(head) and any(self.lexicon.any(p, head) for p in others)

    def _document_part(self, title: str, rule: FigureRule) -> bool:
        """Whether an order's or notice's title names a part the rule excludes ("Modifying
        Reciprocal Tariff Rates ...")."""
        return bool(_DOCUMENT_TITLE.match(title)) and any(
            self.lexicon.any(name, title) for name in rule.exclude
        )

    def _document_rule(self, title: str, local: str) -> FigureRule | None:
        """The qualified duty an order's title names ("Restoring Duties Addressing the Synthetic
        Opioid Supply Chain ..."), for a figure bound to no party of its own."""
        if not _DOCUMENT_TITLE.match(title) or self.lexicon.any(self.roles.aggregate, local):
            return None
        return next(
            (r for r in self.rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, title)),
            None,
        )

    def _qualified_by_title(
        self, plain: list[FigureRule], rules: list[FigureRule], sentence: str, title: str
    ) -> list[FigureRule]:
        """An official document titled for one qualified duty ("... Duties Addressing the
        Synthetic Opioid Supply Chain") speaks of that duty in its body."""
        if not plain or not title or title.strip() == sentence.strip() or figures(title):
            return []
        if not _DOCUMENT_TITLE.match(title):
            return []
        return [
            r
            for r in rules
            if r.qualifiers
            and self.lexicon.any_of(r.qualifiers, title)
            and not self.lexicon.any(self.roles.aggregate, sentence)
        ]

    def _counts_outside(self, sentence: str) -> bool:
        """Whether an aggregate counts duties outside the tracked ones ("including Section
        301"), as opposed to setting them aside ("Section 301 comes on top")."""
        outside = self.lexicon.sources[self.roles.outside]
        inclusion = re.search(
            rf"\b(?:includ\w*|count\w*|adds?|added|adding|plus|with|incorporat\w*)\s+"
            rf"(?:[\w'’-]+\s+){{0,5}}?{outside}",
            sentence,
            re.IGNORECASE,
        )
        return inclusion is not None

    def _target_named(self, rule: FigureRule, sentence: str, title: str) -> bool:
        """An actor-bound figure does not count for a fact where another country, and not the
        fact's target, is named in the sentence (else in the title): "a 50% US tariff" in a
        story on India is not about China."""
        if rule.target is None:
            return True
        for text in (sentence, title):
            if self.lexicon.any(rule.target, text):
                return True
            if self.lexicon.any(self.roles.others, text):
                return False
        return True

    # --- removals without a figure -------------------------------------------------------

    def _removal_patterns(
        self,
    ) -> list[tuple[FigureRule, re.Pattern[str], re.Pattern[str], re.Pattern[str]]]:
        """ "end the fentanyl tariff", "the duty ... to address opioids ... is terminated": a
        qualified part removed, so zero."""
        found = []
        role = self.lexicon.sources
        done = (
            r"(?:will be|shall be|is|are|was|were|has been|have been|would be)\s+(?:hereby\s+)?"
            r"(?:terminated|removed|eliminated|ended|scrapped|lifted|revoked|rescinded|repealed|"
            r"abolished|cancell?ed|withdrawn|dropped)"
        )
        for rule in self.rules:
            if not rule.qualifiers:
                continue
            qualifier = "(?:" + "|".join(role[q] for q in rule.qualifiers if q in role) + ")"
            noun = role[rule.nouns]
            removal = role[self.roles.removal]
            pattern = (
                rf"{removal}\s+(?:{WORD}){{0,3}}?{qualifier}[\w-]*\s+(?:{WORD}){{0,2}}?{noun}"
                rf"|{removal}\s+(?:{WORD}){{0,2}}?{noun}\s+(?:{WORD}){{0,8}}?{qualifier}"
                rf"|{noun}\s+(?:{WORD}){{0,16}}?{qualifier}[\w-]*\s+(?:{WORD}){{0,6}}?{done}"
                rf"|{qualifier}[\w-]*\s+(?:{WORD}){{0,2}}?{noun}\s+(?:{WORD}){{0,8}}?{done}"
            )
            bare = rf"{noun}\s+(?:{WORD}){{0,24}}?{done}"  # the title says which duty
            found.append(
                (
                    rule,
                    re.compile(pattern, re.IGNORECASE),
                    re.compile(bare, re.IGNORECASE),
                    re.compile(qualifier, re.IGNORECASE),
                )
            )
        return found

    def removals(
        self, sentence: str, day: date, retrospective: bool, background: bool, title: str
    ) -> list[FigureHit]:
        """Removals stated without a figure ("scraps the fentanyl tariff")."""
        hits: list[FigureHit] = []
        if not _REMOVAL_HINT.search(sentence):
            return hits
        for rule, pattern, bare, qualifier in self._removals:
            match = pattern.search(sentence)
            if match is None and qualifier.search(title) and not qualifier.search(sentence):
                match = bare.search(sentence)
            if match is None or not self._target_named(rule, sentence, title):
                continue
            if figures(match.group(0)) or re.search(
                r"\d\s*(?:%|percent|per cent)", sentence[match.end() : match.end() + 25]
            ):
                continue  # a figure of its own: the figure rules judge it
            if any(self.lexicon.any(name, match.group(0)) for name in rule.exclude):
                continue
            verdict = judge(
                sentence=sentence,
                before=sentence[: match.start()],
                core=match.group(0),
                after=sentence[match.end() :].split(",", 1)[0],
                background=background,
                retrospective=retrospective,
                published=day,
                core_is_pattern=True,
                markers=self.markers,
                headline=_in(sentence, title),
            )
            if verdict is None:
                continue
            hits.append(FigureHit(rule, 0.0, None, None, verdict, False, True, False, sentence))
        return hits

    # --- changes in percentage points -----------------------------------------------------

    def point_changes(
        self, sentence: str, day: date, retrospective: bool, background: bool, title: str
    ) -> list[FigureHit]:
        """ "cut the tariff on Chinese goods by 10 percentage points": a change of the current
        value by that many points, down for a cut, up for a rise (not "suspending 24 points")."""
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
                start = self._phrase_start(sentence, match.start())
                bound = self._bind(
                    sentence[start : match.end()], sentence, sentence, nouns, sentence, title
                )
                if bound is None:
                    continue
                verdict = judge(
                    sentence=sentence,
                    before=sentence[:start],
                    core=sentence[start : match.end()],
                    after="",
                    background=background,
                    retrospective=retrospective,
                    published=day,
                    core_is_pattern=True,
                    markers=self.markers,
                    headline=_in(sentence, title),
                )
                if verdict is None:
                    continue
                rule, loose = bound
                amount = sign * float(match.group("n"))
                hits.append(
                    FigureHit(
                        rule, amount, Relative.ADD, None, verdict, loose, True, False, sentence
                    )
                )
        return hits

    # --- scalings without a figure -------------------------------------------------------

    def scalings(
        self, sentence: str, day: date, retrospective: bool, background: bool, title: str
    ) -> list[FigureHit]:
        """ "halved the fentanyl tariff", "doubles tariffs on Chinese goods": a factor applied
        to the current value, where no level of the same phrase says the result."""
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
                if any(f.role is Role.LEVEL for f in figures(phrase)):
                    continue  # "halving the tariff to 10%": the level says it
                factor = _FACTORS.get(phrase[:4].lower())
                if factor is None:
                    continue
                bound = self._bind(phrase, sentence, sentence, nouns, sentence, title)
                if bound is None:
                    continue
                verdict = judge(
                    sentence=sentence,
                    before=sentence[: match.start()],
                    core=phrase,
                    after="",
                    background=background,
                    retrospective=retrospective,
                    published=day,
                    core_is_pattern=True,
                    markers=self.markers,
                    headline=_in(sentence, title),
                )
                if verdict is None:
                    continue
                rule, loose = bound
                hits.append(
                    FigureHit(
                        rule, factor, Relative.MULTIPLY, None, verdict, loose, True, False, sentence
                    )
                )
        return hits

    # --- figures ------------------------------------------------------------------------

    def find(
        self,
        sentence: str,
        parts: list[Clause],
        day: date,
        retrospective: bool,
        entry: str,
        title: str,
    ) -> list[FigureHit]:
        hits: list[FigureHit] = []
        previous_noun: str | None = None
        previous_local = ""
        label = _LABEL.match(sentence)
        foreground = " ".join(c.text for c in parts if not c.background)
        for clause in parts:
            text = clause.text
            if label and text.startswith(label.group(1)):
                text = text[label.end(1) + 1 :].strip()  # "Beijing: ..." names the speaker
            clause_nouns = [n for n in self._nouns if self.lexicon.any(n, text)]
            for figure in figures(text):
                if figure.role is not Role.LEVEL or _CAP.search(text[: figure.start]):
                    continue
                hit = self._figure(
                    figure, text, clause, sentence, day, retrospective, entry, title,
                    clause_nouns, previous_noun, previous_local, foreground,
                )  # fmt: skip
                if hit is not None:
                    hits.append(hit)
            if clause_nouns:
                previous_noun = clause_nouns[0]
                previous_local = text
        return hits

    def _figure(
        self,
        figure: Figure,
        text: str,
        clause: Clause,
        sentence: str,
        day: date,
        retrospective: bool,
        entry: str,
        title: str,
        clause_nouns: list[str],
        previous_noun: str | None,
        previous_local: str,
        foreground: str,
    ) -> FigureHit | None:
        head = text[: figure.start]
        for nouns in clause_nouns or ([previous_noun] if previous_noun else []):
            span = self._span(text, figure, nouns) if clause_nouns else None
            local_for_binding = None
            if span is None and not clause_nouns and _CONTINUES.search(head):
                span = (0, figure.end)
                own_head = re.search(r"\brates?\b", head) or self.lexicon.any(
                    self.roles.aggregate, head
                )
                if not own_head and not any(self.lexicon.any(p, head) for p in self.parties):
                    local_for_binding = previous_local  # the previous clause's noun phrase
            if span is None:
                continue
            local = text[span[0] : span[1]]
            bound = self._bind(
                local_for_binding or local, text, sentence, nouns, entry, title, foreground
            )
            if bound is None:
                continue
            rule, loose = bound
            if self._suspended(text, figure):
                return None
            after = text[span[1] :].split(",", 1)[0]
            verdict = judge(
                sentence=sentence,
                before=text[: span[0]],
                core=local,
                after=after,
                background=clause.background,
                retrospective=retrospective,
                published=day,
                core_is_pattern=False,
                markers=self.markers,
                headline=_in(sentence, title),
            )
            if verdict is None:
                return None
            return self._hit(rule, figure, text, local, verdict, loose, sentence)
        return None

    def _suspended(self, text: str, figure: Figure) -> bool:
        """Whether the clause suspends the figure's rate (then it is not the rate in force),
        unless a verb of keeping stands between the suspension and the figure."""
        marks = self.lexicon.find(self.roles.suspension, text)
        before = [m for m in marks if m.end() <= figure.start]
        if before:
            between = text[before[-1].end() : figure.start]
            return _KEEPING.search(between) is None and "," not in between
        after = [m for m in marks if m.start() >= figure.end]
        if not after:
            return False
        gap = text[figure.end : after[0].start()]
        joined = re.search(r"[,;]|\b(?:and|but|while|whereas|as)\b", gap, re.IGNORECASE)
        return len(gap) < 100 and not joined and not figures(gap)

    def _hit(
        self,
        rule: FigureRule,
        figure: Figure,
        text: str,
        local: str,
        verdict: Verdict,
        loose: bool,
        sentence: str,
    ) -> FigureHit:
        head = text[: figure.start]
        previous = next(
            (
                f.value
                for f in figures(text)
                if f.role is Role.PREVIOUS
                and abs(f.start - figure.end) < 40
                and not re.search(
                    r"[,;]", text[min(f.end, figure.end) : max(f.start, figure.start)]
                )
            ),
            None,
        )
        value, relative, layer = figure.value, None, False
        removal = self._removal.search(head)
        if removal and removal.group("whole"):
            value, previous = 0.0, figure.value  # "scrapped its remaining 10 percent levy"
        elif removal:
            value, relative = -figure.value, Relative.ADD  # "cancel the 10 percent tariff"
        elif not _KEPT_BEFORE.search(head) and (
            self._layer_before.search(head)
            or (re.search(r"\ban?\s+$", head) and self._layer_after.search(text[figure.end :]))
        ):
            relative, layer = Relative.ADD, True  # "an additional 100% tariff", "a 100% additional"
        event = (
            previous is not None
            or verdict.effective is not None
            or relative is not None
            or removal is not None
            or self.lexicon.any(self.roles.change_verbs, text)
        )
        return FigureHit(
            rule=rule,
            value=value,
            relative=relative,
            previous=previous,
            verdict=verdict,
            loose=loose,
            event=event,
            aggregate=self.lexicon.any(self.roles.aggregate, local),
            evidence=sentence,
            layer=layer,
        )
