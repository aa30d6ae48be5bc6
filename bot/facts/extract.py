"""Claims from text: what a news item says about each tracked fact.

Rules come from data: each fact's ``hints`` in ``seeds/facts.yaml`` and the vocabularies of
``config/topics.yaml``. Four kinds of hint:

``figure`` (percent facts): ``{nouns, actor, target, qualifiers, exclude}``. A level percentage
    bound to a tariff noun (adjectival: "a 30 percent tariff"; predicative: "tariffs on X ... to
    30 percent") belongs to the fact whose *target* the local phrase names ("on Chinese goods",
    "imports from China"), else whose *actor* it names ("US duties", "China's tariffs"), else the
    clause's target, else the clause's (or sentence's) first actor. A fact with ``qualifiers``
    wins when one occurs in the local phrase ("the fentanyl levy"); any ``exclude`` vocabulary in
    the local phrase (a part such as "reciprocal" or "steel", another country) voids the figure.
``patterns`` (state facts: state word → regular expressions; month facts and person facts: a
    list). ``{name}`` is a vocabulary, ``{w}`` one word and its space, ``{person}`` a run of
    capitalised words (person facts). A month fact's value is the entry's month.
``sentence_requires`` / ``entry_requires``: lists whose items are vocabulary names or lists of
    names of which one must occur, in the sentence / anywhere in the entry.
``exclude_near``: vocabularies that void a match when they occur in it or just before it
    ("fentanyl talks" are not trade talks). ``precedence`` (state facts): the first listed state
    wins when an entry holds several. ``known`` (person facts): names that count when mentioned.

Each claim is then judged by :mod:`bot.facts.modality`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.facts.catalogue import Catalogue
from bot.facts.lexicon import Lexicon
from bot.facts.modality import judge
from bot.facts.model import Claim, FactKind, FactValue, Modality
from bot.facts.text import Clause, Figure, Role, clauses, figures, normalise_figures, sentences

WORD = r"(?:[\w'’-]+,?\s+)"
PERSON = r"(?P<person>(?-i:[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,5}))"
BUILTIN_PATTERNS = {"w": WORD, "person": PERSON}
_GOODS = (
    r"(?:goods|imports|products|exports|shipments|items|merchandise|purchases|wares|commodities|"
    r"sales)"
)
_STOP_BEFORE = re.compile(
    r"(?:^|[,;:]|\b(?:plus|and|or|with|but|from|to|at|by|than|versus|while|as)\b)(?!.*"
    r"(?:[,;:]|\b(?:plus|and|or|with|but|from|to|at|by|than|versus|while|as)\b))",
    re.IGNORECASE | re.DOTALL,
)
_TRAIL_STOP = re.compile(
    r"[,;:]|\b(?:plus|and|while|but|as well as|versus|whereas|if|unless|because|when|amid|"
    r"after|before|since|until|so that)\b|\d",
    re.IGNORECASE,
)
# a figure that is removed, not set: "scrapped its remaining 10 percent levy" → 0
_REMOVAL_BEFORE = re.compile(
    r"\b(?:scrap\w*|eliminat\w*|abolish\w*|remov\w*|revok\w*|rescind\w*|repeal\w*|"
    r"terminat\w*|end(?:s|ed|ing)?|drop(?:s|ped|ping)?|withdr[ae]w\w*)\s+"
    r"(?:(?:its|the|their|all|remaining|last|entire|whole|a|an|that|this)\s+){1,3}$",
    re.IGNORECASE,
)
# a conjunction bringing in another owner of a tariff ("and China's", "while Beijing's")
_NEW_POSSESSOR = re.compile(r"(?:\b(?:and|while|but|whereas)|[;,])\s+(?:the\s+)?[\w.-]+['’]s\b")
_NOT_MODIFIER = re.compile(
    r"[,;.:\d]|\b(?:and|or|plus|while|but|from|to|at|on|in|by|as|than|versus|is|are|was|were|"
    r"will|would|has|have|had)\b",
    re.IGNORECASE,
)
_MAX_PREDICATE_GAP = 150
_ELLIPSIS = re.compile(r"\b(?:to|at)\s+$", re.IGNORECASE)
_NAME_TAIL = frozenset(
    {"to", "as", "will", "would", "is", "has", "was", "said", "says", "for", "with", "of"}
)
_EVIDENCE_CHARS = 300


def _hint_error(fact_id: str, key: str, why: str) -> ValueError:
    return ValueError(f"seeds: fact {fact_id}: hints.{key}: {why}")


def _names(fact_id: str, key: str, raw: Any, lexicon: Lexicon) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise _hint_error(fact_id, key, "must be a vocabulary name or a list of them")
    for name in items:
        if not lexicon.has(name):
            raise _hint_error(fact_id, key, f"unknown vocabulary {name!r}")
    return tuple(items)


def _requirements(
    fact_id: str, key: str, raw: Any, lexicon: Lexicon
) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _hint_error(fact_id, key, "must be a list")
    return tuple(_names(fact_id, key, item, lexicon) for item in raw)


def _compile(fact_id: str, key: str, sources: Any, lexicon: Lexicon) -> list[re.Pattern[str]]:
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise _hint_error(fact_id, key, "must be a list of patterns")
    try:
        return [lexicon.pattern(source) for source in sources]
    except ValueError as exc:
        raise _hint_error(fact_id, key, str(exc)) from exc


@dataclass(frozen=True)
class FigureRule:
    fact_id: str
    nouns: str
    actor: str | None
    target: str | None
    qualifiers: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class PatternRule:
    fact_id: str
    kind: FactKind
    patterns: tuple[tuple[str | None, re.Pattern[str]], ...]
    sentence_requires: tuple[tuple[str, ...], ...] = ()
    entry_requires: tuple[tuple[str, ...], ...] = ()
    exclude_near: tuple[str, ...] = ()
    known: tuple[str, ...] = ()


@dataclass
class _Found:
    claims: list[Claim] = field(default_factory=list)
    mentions: list[Claim] = field(default_factory=list)


def _figure_rule(fact_id: str, raw: Any, lexicon: Lexicon) -> FigureRule:
    if not isinstance(raw, dict):
        raise _hint_error(fact_id, "figure", "must be a mapping")
    nouns = raw.get("nouns", "tariff_nouns")
    if not lexicon.has(nouns):
        raise _hint_error(fact_id, "figure.nouns", f"unknown vocabulary {nouns!r}")
    actor, target = raw.get("actor"), raw.get("target")
    for key, name in (("actor", actor), ("target", target)):
        if name is not None and not lexicon.has(name):
            raise _hint_error(fact_id, f"figure.{key}", f"unknown vocabulary {name!r}")
    if actor is None and target is None:
        raise _hint_error(fact_id, "figure", "needs an actor or a target")
    return FigureRule(
        fact_id=fact_id,
        nouns=nouns,
        actor=actor,
        target=target,
        qualifiers=_names(fact_id, "figure.qualifiers", raw.get("qualifiers"), lexicon),
        exclude=_names(fact_id, "figure.exclude", raw.get("exclude"), lexicon),
    )


def _pattern_rule(
    fact_id: str, kind: FactKind, states: Sequence[str], hints: Mapping[str, Any], lexicon: Lexicon
) -> PatternRule:
    raw = hints["patterns"]
    patterns: list[tuple[str | None, re.Pattern[str]]] = []
    if kind is FactKind.STATE:
        if not isinstance(raw, dict):
            raise _hint_error(fact_id, "patterns", "must map state words to pattern lists")
        for state, sources in raw.items():
            if state not in states:
                raise _hint_error(fact_id, "patterns", f"{state!r} is not one of {list(states)}")
            patterns += [
                (state, p) for p in _compile(fact_id, f"patterns.{state}", sources, lexicon)
            ]
    else:
        patterns += [(None, p) for p in _compile(fact_id, "patterns", raw, lexicon)]
        if kind is FactKind.PERSON and any("person" not in p.groupindex for _, p in patterns):
            raise _hint_error(fact_id, "patterns", "each person pattern needs {person}")
    known = hints.get("known", [])
    if not isinstance(known, list):
        raise _hint_error(fact_id, "known", "must be a list of names")
    return PatternRule(
        fact_id=fact_id,
        kind=kind,
        patterns=tuple(patterns),
        sentence_requires=_requirements(
            fact_id, "sentence_requires", hints.get("sentence_requires"), lexicon
        ),
        entry_requires=_requirements(
            fact_id, "entry_requires", hints.get("entry_requires"), lexicon
        ),
        exclude_near=_names(fact_id, "exclude_near", hints.get("exclude_near"), lexicon),
        known=tuple(str(k) for k in known),
    )


class ClaimExtractor:
    """The default, rule-based extractor; built once from the catalogue and the vocabularies."""

    def __init__(self, catalogue: Catalogue, vocabularies: Mapping[str, Sequence[str]]) -> None:
        self.lexicon = Lexicon.build(vocabularies, raw=BUILTIN_PATTERNS)
        self.figure_rules: list[FigureRule] = []
        self.pattern_rules: list[PatternRule] = []
        for fact in catalogue.values():
            hints = fact.hints or {}
            if fact.kind is FactKind.PERCENT and "figure" in hints:
                self.figure_rules.append(_figure_rule(fact.id, hints["figure"], self.lexicon))
            elif "patterns" in hints:
                rule = _pattern_rule(fact.id, fact.kind, fact.states, hints, self.lexicon)
                if fact.kind is FactKind.PERSON and isinstance(fact.baseline, str):
                    rule = PatternRule(**{**rule.__dict__, "known": (fact.baseline, *rule.known)})
                self.pattern_rules.append(rule)
        self.parties = tuple(
            dict.fromkeys(
                [n for r in self.figure_rules for n in (r.actor, r.target) if n]
                + (["others"] if self.lexicon.has("others") else [])
            )
        )
        self._target_patterns = self._party_patterns()

    # --- public ---------------------------------------------------------------------------

    def extract(self, text: str, published: datetime) -> list[Claim]:
        """Every claim the text makes about a tracked fact, in text order."""
        normalised = normalise_figures(text)
        units = sentences(normalised)
        day = published.date()
        retrospective = bool(units) and self.lexicon.any("retrospective", " ".join(units[:2]))
        found: dict[str, _Found] = {}
        for sentence in units:
            parts = clauses(sentence)
            for claim in self._figure_claims(sentence, parts, day, retrospective, normalised):
                found.setdefault(claim.fact_id, _Found()).claims.append(claim)
        for rule in self.pattern_rules:
            if not self._meets(rule.entry_requires, normalised):
                continue
            bucket = found.setdefault(rule.fact_id, _Found())
            for sentence in units:
                if not self._meets(rule.sentence_requires, sentence):
                    continue
                self._pattern_claims(rule, sentence, day, retrospective, published, bucket)
        claims: list[Claim] = []
        for bucket in found.values():
            claims += bucket.claims or bucket.mentions
        return claims

    # --- figures --------------------------------------------------------------------------

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

    def _target(self, text: str) -> str | None:
        for kind in ("from", "on", "country", "bare"):
            hits = [
                (match.start(), party)
                for party, pattern in zip(self.parties, self._target_patterns[kind], strict=True)
                for match in [pattern.search(text)]
                if match
            ]
            if hits:
                return min(hits)[1]
        return None

    def _premodifier_actor(self, text: str, nouns: str) -> str | None:
        noun_src = self.lexicon.sources[nouns]
        hits = []
        for party in self.parties:
            src = self.lexicon.sources[party]
            for pattern in (
                rf"{src}(?:['’]s)?\s+{WORD}{{0,2}}?{noun_src}",
                rf"{noun_src}\s+(?:imposed|levied|set|announced|charged|applied)\s+by\s+"
                rf"(?:the\s+)?{src}",
            ):
                match = re.search(pattern, text, re.IGNORECASE)
                if match:
                    hits.append((match.start(), party))
        return min(hits)[1] if hits else None

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
            if _NOT_MODIFIER.search(between) or len(between.split()) > 4:
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
        gap_figures = [f for f in figures(text) if noun.end() <= f.start < figure.start]
        if any(f.role is Role.LEVEL for f in gap_figures):
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
        for rule in self.figure_rules:
            if not (rule.qualifiers and self.lexicon.any_of(rule.qualifiers, local)):
                continue
            if rule.target and not self.lexicon.any(rule.target, entry):
                continue
            if not any(self.lexicon.any(name, local) for name in rule.exclude):
                return rule
        return None

    def _bind(
        self, local: str, clause: str, sentence: str, nouns: str, entry: str
    ) -> FigureRule | None:
        target = self._target(local)
        actor = None if target else self._premodifier_actor(local, nouns)
        if target is None and actor is None:
            target = self._target(clause)
        if target is None and actor is None:
            actor = self._subject(clause) or self._subject(sentence)
        if target is None and actor is None:
            return self._qualified_only(local, entry)
        rules = [
            r
            for r in self.figure_rules
            if r.nouns == nouns
            and ((target and r.target == target) or (not target and r.actor == actor))
        ]
        qualified = [r for r in rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, local)]
        plain = [r for r in rules if not r.qualifiers]
        chosen = qualified or plain
        if not chosen:
            return None
        rule = chosen[0]
        if any(self.lexicon.any(name, local) for name in rule.exclude):
            return None
        return rule

    def _figure_claims(
        self, sentence: str, parts: list[Clause], day: date, retrospective: bool, entry: str
    ) -> list[Claim]:
        claims = []
        noun_vocabularies = sorted({r.nouns for r in self.figure_rules})
        noun_seen = False
        for clause in parts:
            text = clause.text
            has_noun = any(self.lexicon.any(n, text) for n in noun_vocabularies)
            all_figures = figures(text)
            for figure in all_figures:
                if figure.role is not Role.LEVEL:
                    continue
                for nouns in noun_vocabularies:
                    span = self._span(text, figure, nouns)
                    elliptic = not has_noun and noun_seen
                    if span is None and elliptic and _ELLIPSIS.search(text[: figure.start]):
                        span = (0, figure.end)
                    if span is None:
                        continue
                    local = text[span[0] : span[1]]
                    rule = self._bind(local, text, sentence, nouns, entry)
                    if rule is None:
                        continue
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
                    )
                    if verdict is None:
                        break
                    previous = next(
                        (
                            f.value
                            for f in all_figures
                            if f.role is Role.PREVIOUS and abs(f.start - figure.end) < 40
                        ),
                        None,
                    )
                    value = figure.value
                    if _REMOVAL_BEFORE.search(text[: figure.start]):
                        value, previous = 0.0, figure.value  # "scrapped its 10 percent levy"
                    claims.append(
                        Claim(
                            fact_id=rule.fact_id,
                            value=value,
                            modality=verdict.modality,
                            evidence=_evidence(sentence),
                            effective=verdict.effective,
                            previous=previous,
                        )
                    )
                    break
            noun_seen = noun_seen or has_noun
        return claims

    # --- patterns -------------------------------------------------------------------------

    def _meets(self, requirements: Sequence[Sequence[str]], text: str) -> bool:
        return all(self.lexicon.any_of(group, text) for group in requirements)

    def _excluded(self, rule: PatternRule, text: str, match: re.Match[str]) -> bool:
        window = text[max(0, match.start() - 25) : match.end()]
        return any(self.lexicon.any(name, window) for name in rule.exclude_near)

    def _person(self, raw: str) -> str | None:
        titles = self.lexicon.compiled.get("person_titles")
        blocked = [
            self.lexicon.compiled[n] for n in ("china", "us", "others") if self.lexicon.has(n)
        ]
        words = raw.split()
        cut = next((i for i, w in enumerate(words) if w.lower() in _NAME_TAIL), len(words))
        words = words[:cut]
        while words and (
            (titles and titles.fullmatch(words[0])) or any(b.fullmatch(words[0]) for b in blocked)
        ):
            words.pop(0)
        while words and (
            (titles and titles.fullmatch(words[-1])) or words[-1].lower() in _NAME_TAIL
        ):
            words.pop()
        if not 2 <= len(words) <= 4:
            return None
        return " ".join(w.strip(".,'’") for w in words)

    def _pattern_claims(
        self,
        rule: PatternRule,
        sentence: str,
        day: date,
        retrospective: bool,
        published: datetime,
        bucket: _Found,
    ) -> None:
        for clause in clauses(sentence):
            text = clause.text
            for value, pattern in rule.patterns:
                for match in pattern.finditer(text):
                    if self._excluded(rule, text, match):
                        continue
                    claim_value: FactValue
                    if rule.kind is FactKind.MONTH:
                        claim_value = f"{published:%Y-%m}"
                    elif rule.kind is FactKind.PERSON:
                        name = self._person(match.group("person"))
                        if name is None:
                            continue
                        claim_value = name
                    else:
                        claim_value = str(value)
                    claim = self._judged(
                        rule, sentence, clause, match, claim_value, day, retrospective
                    )
                    if claim is not None:
                        bucket.claims.append(claim)
            if rule.kind is FactKind.PERSON:
                self._mentions(rule, sentence, clause, day, retrospective, bucket)

    def _mentions(
        self,
        rule: PatternRule,
        sentence: str,
        clause: Clause,
        day: date,
        retrospective: bool,
        bucket: _Found,
    ) -> None:
        for name in rule.known:
            pattern = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, name.split())) + r"\b")
            for match in pattern.finditer(clause.text):
                if self._excluded(rule, clause.text, match):
                    continue
                claim = self._judged(rule, sentence, clause, match, name, day, retrospective)
                if claim is None:
                    continue
                if re.search(
                    r"\b(?:former|predecessor|outgoing|replac\w*|succeed\w*|ex-)",
                    sentence,
                    re.IGNORECASE,
                ):
                    claim = Claim(claim.fact_id, name, Modality.HISTORICAL, claim.evidence)
                bucket.mentions.append(claim)

    @staticmethod
    def _judged(
        rule: PatternRule,
        sentence: str,
        clause: Clause,
        match: re.Match[str],
        value: FactValue,
        day: date,
        retrospective: bool,
    ) -> Claim | None:
        text = clause.text
        verdict = judge(
            sentence=sentence,
            before=text[: match.start()],
            core=match.group(0),
            after=text[match.end() :].split(",", 1)[0],
            background=clause.background,
            retrospective=retrospective,
            published=day,
            core_is_pattern=True,
        )
        if verdict is None:
            return None
        return Claim(
            fact_id=rule.fact_id,
            value=value,
            modality=verdict.modality,
            evidence=_evidence(sentence),
            effective=verdict.effective,
        )


def _evidence(sentence: str) -> str:
    text = " ".join(sentence.split())
    if len(text) <= _EVIDENCE_CHARS:
        return text
    return text[:_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"
