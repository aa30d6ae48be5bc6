"""Claims from text: what a news item says about each tracked fact, and how firmly.

Rules come from data: each fact's typed ``hints`` (``bot/facts/hints.py``) and the vocabularies
and ``roles`` of ``config/topics.yaml``. Percent facts are found by :mod:`bot.facts.figures`
(levels) and :mod:`bot.facts.deltas` (changes without a level), state, month and person facts by
:mod:`bot.facts.patterns`; each claim's modality by :mod:`bot.facts.modality`, its strength by
:mod:`bot.facts.strength`. Then the item as a whole, in this order:

1. Its voice: an opinion piece (a title prefix such as "Opinion:", an /opinion/ path in its link)
   only proposes; a republished or looked-back item only recalls (historical).
2. A fact its title only proposes ("Trump threatens 100% tariff") is only proposed in its body.
3. Strength: a claim is *firm* when asserted as a decision or a change in force, bound by its own
   phrase (not the sentence's subject), stating a change (a change verb, a prior, a date), first
   hand, not a layer or an aggregate that may count other duties, not a speaker's words in a
   "Speaker: ..." headline, and not a plan still ahead without a decision (an order, an
   announcement, an official statement, a date); a headline with no body is judged as any
   sentence (a wire's flash is its report). Anything else asserted is
   *weak*: it cannot move a fact alone (see ``bot/facts/compare.py``). A promise of a month
   fact still ahead without a date or decision is only proposed.

An entry written in another language whose rules are configured (``languages`` in the topics
file: Chinese, ``bot/facts/zh/``) is judged by that language's rules alone; a mixed entry by the
rules of the language most of it is written in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.facts import strength
from bot.facts.awaiting import awaiting, awaiting_rules
from bot.facts.binding import WORD, PartyBinder
from bot.facts.catalogue import Catalogue
from bot.facts.counting import outside_figures
from bot.facts.deltas import DeltaFinder, Scope
from bot.facts.figures import FigureFinder
from bot.facts.headcase import decapitalise
from bot.facts.lexicon import Lexicon
from bot.facts.modality import Markers
from bot.facts.model import Claim, FactKind, Modality
from bot.facts.outcomes import outcome_rules, outcomes
from bot.facts.patterns import PatternFinder
from bot.facts.roles import Roles
from bot.facts.rules import FigureRule, PatternRule, figure_rule, pattern_rule
from bot.facts.text import (
    LABEL,
    clauses,
    figures,
    normalise_figures,
    sentences,
)
from bot.facts.zh.extract import ZhClaimExtractor
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.script import language_of

PERSON = (
    r"(?P<person>(?-i:[A-Z][\w'’.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.-]*){0,7}))(?![\w'’-])"
)
BUILTIN_PATTERNS = {"w": WORD, "person": PERSON}
_EVIDENCE_CHARS = 300
_PREFIX = re.compile(r"^\s*([^:|—–]{2,40}?)\s*[:|—–]\s+\S")
_QUESTION = re.compile(r"^\s*Q\s*[:.]|\?\s*[\"”’']?\s*$")  # a reporter's question states nothing


def _evidence(sentence: str) -> str:
    text = " ".join(sentence.split())
    if len(text) <= _EVIDENCE_CHARS:
        return text
    return text[:_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


class ClaimExtractor:
    """The default, rule-based extractor; built once from the catalogue and the vocabularies."""

    def __init__(
        self,
        catalogue: Catalogue,
        vocabularies: Mapping[str, Sequence[str]],
        roles: Roles | None = None,
        languages: Mapping[str, tuple[Mapping[str, Sequence[str]], ZhRoles]] | None = None,
    ) -> None:
        self.languages = {
            code: ZhClaimExtractor(catalogue, vocabularies_zh, roles_zh)
            for code, (vocabularies_zh, roles_zh) in (languages or {}).items()
        }
        self.roles = roles or Roles()
        self.lexicon = Lexicon.build(vocabularies, raw=BUILTIN_PATTERNS)
        for role, name in self.roles.named():
            if not self.lexicon.has(name):
                raise ValueError(f"roles.{role}: unknown vocabulary {name!r}")
        self.markers = Markers.from_lexicon(self.lexicon, self.roles.markers())
        self.kinds = {fact.id: fact.kind for fact in catalogue.values()}
        self.outcome_rules = outcome_rules(catalogue, self.lexicon)
        self.awaiting_rules = awaiting_rules(catalogue, self.lexicon)
        self._wholes = {fact.id for fact in catalogue.values() if not fact.part_of}
        self._staged = {fact.id for fact in catalogue.values() if fact.story_stages}
        self._parts: dict[str, list[str]] = {}
        for fact in catalogue.values():
            if fact.part_of:
                self._parts.setdefault(fact.part_of, []).append(fact.id)
        figure_rules: list[FigureRule] = []
        pattern_rules: list[PatternRule] = []
        for fact in catalogue.values():
            if fact.kind is FactKind.PERCENT and fact.hints.figure is not None:
                figure_rules.append(figure_rule(fact, fact.hints.figure, self.lexicon))
            elif fact.hints.patterns is not None:
                pattern_rules.append(pattern_rule(fact, fact.hints, self.lexicon))
        self.binder = binder = PartyBinder(figure_rules, self.lexicon, self.roles)
        self.figures = FigureFinder(binder, self.lexicon, self.roles, self.markers)
        self.deltas = DeltaFinder(binder, self.lexicon, self.roles, self.markers)
        self.patterns = PatternFinder(pattern_rules, self.lexicon, self.roles, self.markers)

    # --- public ---------------------------------------------------------------------------

    def extract(
        self, body: str, published: datetime, *, title: str = "", link: str = ""
    ) -> list[Claim]:
        """Every claim the item makes about a tracked fact, in text order."""
        other = self.languages.get(language_of(f"{title} {body}"))
        if other is not None:
            return other.extract(body, published, title=title, link=link)
        title = normalise_figures(decapitalise(" ".join(title.split())))
        body = normalise_figures(decapitalise(" ".join(body.split())))  # a flash's body in capitals
        if strength.repeats_title(title, body):
            body = ""
        head_units = sentences(title) if title else []
        units = head_units + [u for u in sentences(body) if not _QUESTION.search(u)]
        entry = " ".join(units)
        recalls = bool(units) and (
            self.lexicon.any(self.roles.retrospective, " ".join(units[:2]))
            or self.lexicon.any(self.roles.republished, " ".join(units[:3]))
        )
        quoted_title = self._speaker_label(title)
        document = self._decision_document(title)
        claims: list[Claim] = []
        cut = {sentence: clauses(sentence) for sentence in units}  # the figures' and the patterns'
        for sentence in units:
            parts = cut[sentence]
            hits = self.figures.find(sentence, parts, published.date(), recalls, entry, title)
            background = bool(parts) and all(p.background for p in parts)
            hits += self.deltas.find(Scope(sentence, published.date(), recalls, background, title))
            for hit in hits:
                if document:  # the decision itself: what it says "will be" is decided, a change
                    event = hit.event or hit.verdict.future
                    hit = replace(hit, verdict=replace(hit.verdict, decided=True), event=event)
                claims.append(strength.figure_claim(hit, _evidence(hit.evidence)))
        promises: list[Claim] = []
        pledge = self.lexicon.screens[self.roles.pledge]
        counted = self.lexicon.any(self.roles.counted, entry)  # the item counts what it lists
        for found in self.patterns.find(units, entry, published, recalls, title, cut):
            if document and not found.verdict.decided:
                found = replace(found, verdict=replace(found.verdict, decided=True))
            claim = strength.pattern_claim(found, _evidence(found.evidence))
            if strength.is_promise(
                found, self.kinds, staged=self._staged, pledge=pledge, counted=counted
            ):
                promises.append(claim)
            claims.append(claim)
        if self.lexicon.any(self.roles.imperatives, title[:30]) and re.match(
            self.lexicon.sources[self.roles.imperatives], title, re.IGNORECASE
        ):
            claims = self._title_quoted(claims, head_units)  # "Put X back on the blacklist"
        claims = self._other_measures(claims, units)
        claims = self._no_layer_left(claims)
        claims = awaiting(claims, self.awaiting_rules, entry)
        if self.lexicon.any(self.roles.procedures_pending, entry):
            claims = strength.awaiting_procedures(claims, self._staged)
        claims += outcomes(claims, self.outcome_rules)
        claims = strength.framed_by_title(claims, {_evidence(u) for u in head_units})
        claims = strength.hedged_in_body(claims, {_evidence(u) for u in head_units}, self._staged)
        claims = strength.headline_shorthand(
            claims, {_evidence(u) for u in head_units}, self._parts
        )
        if quoted_title:  # after the framing: a label frames the title, not the body's own words
            claims = self._title_quoted(claims, head_units)
        claims = self._threat_in_title(claims, title)
        claims = strength.layers_said(
            claims,
            published.date(),
            title,
            self.lexicon.screens[self.roles.decree],
            self.lexicon.screens[self.roles.speech],
        )
        claims = [
            replace(c, modality=Modality.PROPOSED) if any(c is p for p in promises) else c
            for c in claims
        ]
        if recalls:
            claims = strength.recounted(claims)
        if self.is_opinion(title, link) or self._forecast_piece(title, claims, head_units):
            claims = [strength.proposed(c) for c in claims]
        denies_before = self.lexicon.screens[self.roles.denies_before]
        denied = {
            _evidence(units[i - 1]) for i in range(1, len(units)) if denies_before.match(units[i])
        }
        claims = [c for c in claims if c.evidence not in denied]
        correction = self.lexicon.screens[self.roles.correction]
        notice = bool(correction.search(" ".join(units[:3])))  # else a note further down
        retold = {
            _evidence(u)
            for u in units
            if (notice or correction.search(u)) and self.lexicon.any(self.roles.retold_error, u)
        }
        claims = [replace(c, correction=notice) for c in claims if c.evidence not in retold]
        return claims

    # --- claims ---------------------------------------------------------------------------

    def _speaker_label(self, title: str) -> bool:
        """Whether the title opens with a speaker's name and a colon ("Trump: ..."), not with a
        rubric ("Live:", "Breaking:") or an opinion prefix."""
        label = LABEL.match(title)
        if not label:
            return False
        name = label.group(1).strip()
        if not re.fullmatch(r"(?:[A-Z][\w.&'’-]*(?:'s|’s)?\s*){1,4}", name):
            return False  # "Bessent in Geneva: ..." is a dateline, not a speaker
        if self.lexicon.compiled[self.roles.rubrics].fullmatch(name):
            return False
        if self.lexicon.compiled[self.roles.institutions].search(name):
            return False  # "MOFCOM: ...": an institution's statement, not a person's words
        named = [*self.roles.parties, self.roles.others]
        return any(self.lexicon.any(party, name) for party in named)

    def _decision_document(self, title: str) -> bool:
        """Whether the item is the decision itself, its title naming the document ("Joint
        statement on ...", "Executive order ...", "Notice of ..."): its "will" is decided."""
        found = self.markers.decision.search(title[:40])
        return found is not None and found.start() == 0

    def _no_layer_left(self, claims: list[Claim]) -> list[Claim]:
        """A whole at zero leaves no layer: each of its parts the item says nothing of is zero
        too ("the emergency tariffs were struck down": the fentanyl layer with them)."""
        named = {c.fact_id for c in claims}
        return claims + [
            replace(c, fact_id=part)
            for c in claims
            if c.relative is None and c.value == 0.0 and c.fact_id in self._parts
            for part in self._parts[c.fact_id]
            if part not in named
        ]

    def _other_measures(self, claims: list[Claim], units: Sequence[str]) -> list[Claim]:
        """A level the entry says counts duties outside the tracked ones ("47%, a figure that
        includes Section 301 duties") is that other measure wherever the entry gives it as a
        whole's level (the headline's "overall rate falls to 47%"); a part is named as such."""
        parts = [part for unit in units for part in unit.split(";")]
        outside = self.lexicon.sources[self.roles.outside]
        counted = {f.value for p in parts for f in outside_figures(p, outside)}
        return strength.not_counted(claims, self._wholes, counted)

    def _title_quoted(self, claims: list[Claim], head_units: list[str]) -> list[Claim]:
        """A "Speaker: words" headline is the speaker's words, not a decision in force; but a
        state the speaker sets for a date ("Trump: Bessent will meet them in London on Monday,
        June 9") is set."""
        titles = {_evidence(u) for u in head_units}
        return [
            strength.proposed(c) if c.evidence in titles and not self._dated_state(c) else c
            for c in claims
        ]

    def _dated_state(self, claim: Claim) -> bool:
        return self.kinds.get(claim.fact_id) is FactKind.STATE and claim.effective is not None

    def _threat_in_title(self, claims: list[Claim], title: str) -> list[Claim]:
        """A figure the title frames as a threat, plan or wish ("Trump threatens 100% tariff")
        is that, wherever the body repeats it."""
        if not title or not (
            self.markers.proposal.search(title)
            or self.markers.rumour.search(title)
            or self.markers.wish.search(title)
        ):
            return claims
        return strength.threatened(claims, {f.value for f in figures(title)})

    def _forecast_piece(self, title: str, claims: list[Claim], head_units: list[str]) -> bool:
        """A title that names the piece a forecast and asserts no move itself."""
        if not title or not self.lexicon.any(self.roles.forecast_titles, title):
            return False
        heads = {_evidence(u) for u in head_units}
        return not any(c.evidence in heads and c.modality is Modality.ASSERTED for c in claims)

    def is_opinion(self, title: str, link: str) -> bool:
        """An opinion or analysis piece, by its title's prefix or its link's path."""
        other = self.languages.get(language_of(title))
        if other is not None:
            return other.is_opinion(title, link)
        title = decapitalise(" ".join(title.split()))
        prefix = _PREFIX.match(title)
        if prefix and self.lexicon.compiled[self.roles.opinion_titles].fullmatch(
            prefix.group(1).strip()
        ):
            return True
        return strength.in_opinion_section(link, self.lexicon.screens[self.roles.opinion_paths])
