"""Percent claims: figures bound to a tariff noun and to the parties the noun phrase names.

For each level percentage of a clause (see ``bot/facts/text.py`` for roles), in order:

1. Its noun phrase: a tariff noun right after it ("a 30 percent tariff") or before it in the
   clause ("tariffs on X ... to 30 percent"); a clause with no noun continues the previous
   clause's after "to", "at" or a verb of keeping ("while retaining the remaining 10 percent").
2. What the figure is: a cap ("up to 15%") or a suspended rate ("suspending 24 percent") says
   nothing about the rate in force and is skipped; a layer ("an additional 100% tariff") or a
   partial removal ("cancel the 10 percent fentanyl tariff") is relative to the current value;
   removing "the remaining" rate is zero; an aggregate ("a total of 55%") may count other duties,
   unless it names the fact's own duties (figure hint ``names``: "the combined emergency
   tariffs").
3. Binding, by :mod:`bot.facts.binding`: the party the phrase names as target ("on Chinese
   goods"), else as actor ("US duties"), else the clause's; found outside the phrase it binds
   *loosely*. Qualifiers pick the qualified fact ("the fentanyl levy"); an ``exclude``
   vocabulary voids the figure ("steel", "farm goods", another country).

Changes stated without a level (removals, scalings, percentage points) are found by
:mod:`bot.facts.deltas`.

The modality of each claim is judged by :mod:`bot.facts.modality`; the extractor weighs the
binding and the figure's kind into the claim's strength.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.facts.binding import PartyBinder, phrase_start
from bot.facts.counting import part_with
from bot.facts.figure_phrases import (
    APPOSITIVE,
    CAP,
    CONTINUES,
    COUNTS_IN,
    DIRECTION_REACH,
    IN_NOUN,
    INCLUDED_NOUN,
    KEEPING,
    KEPT_BEFORE,
    LAYER_VERB,
    MAX_PREDICATE_GAP,
    NEW_POSSESSOR,
    NOT_MODIFIER,
    OF_WHICH,
    RESULT_BEFORE,
    TRAIL_STOP,
    UNCHANGED,
    WHOLE,
    WITH_UNCHANGED,
    prior_beside,
)
from bot.facts.lexicon import Lexicon
from bot.facts.modality import Markers, Verdict, judge
from bot.facts.model import Relative
from bot.facts.roles import Roles
from bot.facts.rules import FigureRule
from bot.facts.text import LABEL, Clause, Figure, Role, figures


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
    direction: int = 0  # the nearest change verb before the figure: -1 lowers, +1 raises


def verb_direction(
    lexicon: Lexicon, verbs: tuple[str, str], head: str, reach: int = DIRECTION_REACH
) -> int:
    """Which way the change verb nearest before a level moves it ("cut to 47%": -1), of the
    vocabularies ``verbs`` (lowering, raising) within ``reach`` characters; 0 when none."""
    near = head[-reach:]
    lowering, raising = (
        max((m.end() for m in lexicon.find(role, near)), default=-1) for role in verbs
    )
    if lowering == raising:
        return 0
    return -1 if lowering > raising else 1


class FigureFinder:
    """Finds level figures; built once from the binder, the lexicon, the roles and markers."""

    def __init__(self, binder: PartyBinder, lexicon: Lexicon, roles: Roles, markers: Markers):
        self.binder = binder
        self.lexicon = lexicon
        self.roles = roles
        self.markers = markers
        self._nouns = sorted({r.nouns for r in binder.rules})
        role = lexicon.sources
        self._removal = re.compile(
            rf"{role[roles.removal]}\s+(?:(?:its|the|their|a|an|that|this|those|these|of)\s+)"
            rf"{{0,3}}(?P<whole>{WHOLE}\s+)?(?:(?:its|the|their|of)\s+)?$",
            re.IGNORECASE,
        )
        layer = role[roles.layer]
        self._layer_before = re.compile(
            rf"(?<!\bthe )(?<!\bits )(?<!\btheir )(?<!\bthis )(?<!\bthat )"
            rf"(?:{layer}|another|\badd(?:s|ed|ing)?(?:\s+an?)?)\s+$",
            re.IGNORECASE,
        )
        self._layer_after = re.compile(rf"^\s*{layer}\b", re.IGNORECASE)

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
        label = LABEL.match(sentence)
        foreground = " ".join(c.text for c in parts if not c.background)
        if label and foreground.startswith(label.group(1)):
            foreground = foreground[label.end(1) + 1 :].strip()  # the speaker acts on nothing
            # a headline's lead naming the duty ("US, China to slash tariffs: US to 30%, ...")
            named = [n for n in self._nouns if self.lexicon.any(n, label.group(1))]
            if named:
                previous_noun, previous_local = named[0], label.group(1)
        for clause in parts:
            text = clause.text
            if label and text.startswith(label.group(1)):
                text = text[label.end(1) + 1 :].strip()  # "Beijing: ..." names the speaker
            clause_nouns = [n for n in self._nouns if self.lexicon.any(n, text)]
            for figure in figures(text):
                if figure.role is not Role.LEVEL or CAP.search(text[: figure.start]):
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
            if span is None and not clause_nouns and CONTINUES.search(head):
                span = (self._listed_party_start(head), figure.end)
                own_head = re.search(r"\brates?\b", head) or self.lexicon.any(
                    self.roles.aggregate, head
                )
                if not own_head and not any(self.lexicon.any(p, head) for p in self.binder.parties):
                    local_for_binding = previous_local  # the previous clause's noun phrase
            if span is None:
                continue
            local = text[span[0] : span[1]]
            bound = self.binder.bind(
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
                headline=bool(title) and sentence.strip() in title,
            )
            if verdict is None:
                return None
            return self._hit(rule, figure, text, local, verdict, loose, sentence)
        return None

    def _listed_party_start(self, head: str) -> int:
        """Where a figure's own party opens a list's item ("US to 30%, China to 10%": China's
        10% is China's), else 0."""
        comma = head.rfind(", ")
        if comma < 0:
            return 0
        item = head[comma + 2 :]
        return comma + 2 if any(self.lexicon.any(p, item) for p in self.binder.parties) else 0

    def _suspended(self, text: str, figure: Figure) -> bool:
        """Whether the clause suspends the figure's rate (then it is not the rate in force),
        unless a verb of keeping stands between the suspension and the figure; a rate "of which"
        a share is suspended is the gross rate, not the one in force."""
        marks = self.lexicon.find(self.roles.suspension, text)
        share = OF_WHICH.match(text, figure.end)  # "to 34%, of which 24 points are suspended"
        if share and self.lexicon.any(self.roles.suspension, share.group(0)):
            return True
        before = [m for m in marks if m.end() <= figure.start]
        if before:
            between = text[before[-1].end() : figure.start]
            return KEEPING.search(between) is None and "," not in between
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
                and prior_beside(text[min(f.end, figure.end) : max(f.start, figure.start)])
            ),
            None,
        )
        value, relative, layer = figure.value, None, False
        removal = self._removal.search(head)
        if removal and removal.group("whole"):
            value, previous = 0.0, figure.value  # "scrapped its remaining 10 percent levy"
        elif removal:
            value, relative = -figure.value, Relative.ADD  # "cancel the 10 percent tariff"
        elif not KEPT_BEFORE.search(head) and (
            self._layer_before.search(head)
            or (
                (re.search(r"\ban?\s+$", head) or LAYER_VERB.search(head))
                and self._layer_after.search(text[figure.end :])
            )
        ):
            relative, layer = Relative.ADD, True  # "an additional 100% tariff", "add a 100% tariff"
        # "lifts the fentanyl layer, leaving only the 10% reciprocal duty" (or "leaving the
        # emergency tariffs at 20%"): the whole moves with the sentence's change of its part
        sole_left = (
            (self.binder.sole_layer(rule, local, sentence) or bool(RESULT_BEFORE.search(head)))
            and self.binder.names_part(sentence)
            and self.lexicon.any(self.roles.change_verbs, sentence)
        )
        event = (
            previous is not None
            or verdict.effective is not None
            or relative is not None
            or removal is not None
            or (
                self.lexicon.any(self.roles.change_verbs, text)
                and not UNCHANGED.search(WITH_UNCHANGED.sub(" ", text))
            )
            or sole_left
        )
        # "the combined emergency tariffs": a total of the fact's own duties is its level
        own_name = any(self.lexicon.any(name, local) for name in rule.names)
        return FigureHit(
            rule=rule,
            value=value,
            relative=relative,
            previous=previous,
            verdict=verdict,
            loose=loose and not sole_left,
            event=event,
            aggregate=self.lexicon.any(self.roles.aggregate, local)
            and not own_name
            and not self._with_own_layer(rule, part_with(sentence, local)),
            evidence=sentence,
            layer=layer,
            direction=self._direction(head) if relative is None else 0,
        )

    def _with_own_layer(self, rule: FigureRule, part: str) -> bool:
        """Whether a total counts a qualified layer of the same duty ("with the 20 percent
        fentanyl tariff, the cumulative rate falls to 30 percent"): the whole's own level (what
        counts other duties is voided before, by ``outside_figures``)."""
        if not COUNTS_IN.search(part):
            return False
        return any(
            r.qualifiers and r.target == rule.target and self.lexicon.any_of(r.qualifiers, part)
            for r in self.binder.rules
            if r is not rule
        )

    def _direction(self, head: str) -> int:
        return verb_direction(self.lexicon, (self.roles.lowering, self.roles.raising), head)

    def _span(self, text: str, figure: Figure, nouns: str) -> tuple[int, int] | None:
        matches = self.lexicon.find(nouns, text)
        for noun in matches:
            if noun.start() < figure.end:
                continue
            between = text[figure.end : noun.start()]
            in_noun = IN_NOUN.match(between)  # "a combined 20 percent in emergency tariffs"
            if not in_noun and (NOT_MODIFIER.search(between) or len(between.split()) > 4):
                break
            trail = text[noun.end() : noun.end() + 90]
            stop = TRAIL_STOP.search(trail)
            end = noun.end() + (stop.start() if stop else len(trail))
            return phrase_start(text, figure.start), end
        before = [n for n in matches if n.end() <= figure.start]
        if not before:
            return None
        noun = before[-1]
        gap = text[noun.end() : figure.start]
        included = INCLUDED_NOUN.search(text, 0, noun.start())
        heads = [n for n in before if included and n.end() <= included.start()]
        if included and heads and included.end() == noun.start():
            noun = heads[-1]  # the head the inclusion hangs on: "combined duties including ..."
            gap = text[noun.end() : included.start()] + " " + gap
        if figure.start - noun.end() > MAX_PREDICATE_GAP:
            return None
        between = gap
        gap = APPOSITIVE.sub(", ", gap)  # ", the 10% part plus ...,"
        if any(f.role is Role.LEVEL for f in figures(gap)):
            return None
        if NEW_POSSESSOR.search(between):
            return None  # "... and China's is 125 percent": another party's figure
        return phrase_start(text, noun.start()), figure.end
