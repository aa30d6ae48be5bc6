"""State, month and person claims: the event patterns of each fact's hints.

A match counts when the entry and the sentence meet the fact's requirements and no
``exclude_near`` vocabulary stands in it or just before it — unless one of the parties is named
there too ("exports to the United States, Mexico and Canada" is about the United States). A
month fact's value is the entry's month. A person is the run of capitalised words the pattern
captures, titles dropped ("Vice Minister Chen Ping" → "Chen Ping"); a known name merely
mentioned is a weak claim, and "former"/"replaced" make it history. A state stated as still
ahead may count as another state (``future``: "will meet" is ``scheduled``); one that gives
neither place nor time ("will meet soon") is ``unset`` (a weak claim).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.facts.dates import announced_month
from bot.facts.lexicon import Lexicon
from bot.facts.literals import NEVER
from bot.facts.modality import Markers, Verdict, judge
from bot.facts.model import FactKind, FactValue, Modality
from bot.facts.roles import Roles
from bot.facts.rules import PatternRule
from bot.facts.text import Clause, clauses

_NAME_TAIL = frozenset(
    {"to", "as", "will", "would", "is", "has", "was", "said", "says", "for", "with", "of"}
)


def _full_name(surname: str, entry: str) -> list[str]:
    """The words of the full name that ``surname`` opens somewhere in ``entry``, if exactly one
    does ("Chen" in an item naming Chen Ping); else the surname alone (no name)."""
    name = re.escape(surname)
    found = {
        m.group(0) for m in re.finditer(rf"\b{name}\s+(?!{name}\b)(?-i:[A-Z][a-z'’-]+)\b", entry)
    }
    return found.pop().split() if len(found) == 1 else [surname]


_FORMER = re.compile(
    r"\b(?:former|predecessor|outgoing|replac\w*|succeed\w*|ex-|taking over|took over|takes over)",
    re.IGNORECASE,
)

# where or when a step ahead is set ("in Geneva", "on Saturday", "next week"); "soon, at a
# location to be determined" sets neither
_SETTING = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?(?-i:[A-Z][\w'’-]+)(?!['’]s)(?!\s+request)|\b(?:visit\w*|(?:travel|fly|flew|head|go)\w*"
    r"\s+to|delegation\s+to|trip\s+to)\s+(?:the\s+)?(?-i:[A-Z])|\bsidelines\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|tomorrow|tonight)\b"
    r"|\b(?:this|next)\s+(?:week|weekend|month)\b|\blater this (?:week|month)\b",
    re.IGNORECASE,
)


def first_step_ahead(rule: PatternRule, value: FactValue) -> bool:
    """Whether ``value`` is the first step of the ``future`` chain (scheduled: a state others
    map to that maps to nothing itself): the one that needs its place or time given."""
    future = dict(rule.future)
    return str(value) in future.values() and str(value) not in future


@dataclass(frozen=True, slots=True)
class PatternHit:
    fact_id: str
    value: FactValue
    verdict: Verdict
    mention: bool  # a known name merely mentioned, not an event
    evidence: str
    ahead_by_nature: bool = False  # a state that is about what is ahead ("scheduled")
    unset: bool = False  # such a step with no place or time given ("will meet soon")


# what a matched noun belongs to, right after it ("suspending meetings of the bilateral
# counternarcotics working group")
_WHOSE = re.compile(r"\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}[\w'’-]+", re.IGNORECASE)

# before a place where a meeting is held ("talks in Singapore"), not its other side
_VENUE_BEFORE = r"\b(?:in|at)\s+(?:the\s+)?"


# two sides named as one pair ("Washington and Hanoi", "the US with Japan")
_JOINED = re.compile(r"\s+(?:and|with|&)\s+(?:the\s+)?", re.IGNORECASE)

# "at a location to be determined", "no date was given": the setting is still open
_UNSETTLED = re.compile(
    r"\b(?:to be (?:determined|decided|announced|confirmed|set|fixed)|no (?:date|venue|time)s?\b"
    r"|yet to be (?:set|fixed|decided|announced)|date and (?:venue|place) (?:are|is) not)",
    re.IGNORECASE,
)


def later_state(rule: PatternRule, value: FactValue, verdict: Verdict) -> FactValue:
    """A state still ahead counts as the state ``future`` names ("will meet": scheduled)."""
    ahead = verdict.modality is Modality.ASSERTED and (
        verdict.future or verdict.effective is not None
    )
    return dict(rule.future).get(str(value), value) if ahead else value


class PatternFinder:
    def __init__(
        self, rules: Sequence[PatternRule], lexicon: Lexicon, roles: Roles, markers: Markers
    ) -> None:
        self.rules = list(rules)
        self.lexicon = lexicon
        self.roles = roles
        self.markers = markers
        self._weighing = replace(markers, proposal=NEVER)  # Hints.weighs: no proposal hedges
        self._parties = [p for p in roles.parties if lexicon.has(p)]
        others = lexicon.sources[roles.others]
        self._venues = re.compile(rf"{_VENUE_BEFORE}(?:{others})", re.IGNORECASE)

    def meets(
        self,
        requirements: Sequence[Sequence[str]],
        text: str,
        known: dict[tuple[Sequence[str], str], bool] | None = None,
    ) -> bool:
        """Whether ``text`` holds one item of each group; ``known``: the answers already given
        for this entry's texts (the rules share vocabularies)."""
        if known is None:
            return all(self.lexicon.any_of(group, text) for group in requirements)
        for group in requirements:
            met = known.get((group, text))
            if met is None:
                met = known[group, text] = self.lexicon.any_of(group, text)
            if not met:
                return False
        return True

    def _excluded(
        self, rule: PatternRule, text: str, match: re.Match[str], sentence: str = ""
    ) -> bool:
        """Whether an ``exclude_near`` vocabulary stands in the match, just before it or in what
        its noun is "of" right after it; other countries do not exclude when a party is named
        within 80 characters before, in the sentence ("the US side, the conditions for talks in
        Singapore ..."), unless that party is joined to another country or its capital as the
        other side ("Washington and Hanoi"). For a fact of meetings (a rule with ``future``
        states), another country named as the place ("talks in Singapore") is no other side."""
        window = self.lexicon.masked(self.roles.synthesis, text)
        window = window[max(0, match.start() - 25) : match.end()]
        whose = _WHOSE.match(text, match.end())  # "meetings of the counternarcotics group"
        window += whose.group(0) if whose else ""
        offset = max(sentence.find(text), 0) if sentence else 0
        wide = sentence or text
        wider = wide[max(0, offset + match.start() - 80) : offset + match.end()]
        if self.roles.others in rule.exclude_near and self._paired_with_other(wider):
            return True  # "Washington and Hanoi announced a deal": the party's partner is another
        if rule.future:  # a meeting's fact: another country named as its venue is no side
            window = self._venues.sub(" ", window)
        if not any(self.lexicon.any(name, window) for name in rule.exclude_near):
            return False
        others_only = all(n == self.roles.others for n in rule.exclude_near if
                          self.lexicon.any(n, window))  # fmt: skip
        return not (others_only and any(self.lexicon.any(p, wider) for p in self._parties))

    def _paired_with_other(self, text: str) -> bool:
        """Whether a party is joined to another country ("Washington and Hanoi", "Vietnam and
        the US") as the two sides of one act."""
        sides = [self.roles.others, self.roles.counterparts]
        others = [n for n in sides if self.lexicon.has(n)]
        for first, second in ((self._parties, others), (others, self._parties)):
            for found in (m for name in first for m in self.lexicon.find(name, text)):
                joint = _JOINED.match(text, found.end())
                if joint and any(
                    self.lexicon.compiled[side].match(text, joint.end()) for side in second
                ):
                    return True
        return False

    def _person(self, raw: str, entry: str) -> str | None:
        """The name in a run of capitalised words: titles and "of the" dropped from its front
        ("Vice Minister of Public Security Chen Ping" → "Chen Ping"), the words after it
        ("... Chen Ping to lead") cut; a surname alone is the full name the entry gives it
        elsewhere ("Chen replaces ..." in an item on Chen Ping); no name when it is a country or
        an institution."""
        titles = self.lexicon.compiled.get(self.roles.person_titles)
        blocked = [self.lexicon.compiled[n] for n in (*self._parties, self.roles.others)]
        words = raw.split()
        while words and (
            (titles and titles.fullmatch(words[0]))
            or any(b.fullmatch(words[0]) for b in blocked)
            or words[0] in ("of", "the")
        ):
            words.pop(0)
        cut = next((i for i, w in enumerate(words) if w.lower() in _NAME_TAIL), len(words))
        words = words[:cut]
        while words and (
            (titles and titles.fullmatch(words[-1])) or words[-1].lower() in _NAME_TAIL
        ):
            words.pop()
        if len(words) == 1:  # not "Liang Beijing" from a title's "... Liang" and "Beijing has"
            words = _full_name(words[0].strip(".,'’"), entry)
            words = words[:1] if any(b.fullmatch(words[-1]) for b in blocked) else words
        name = " ".join(w.strip(".,'’") for w in words)
        places = {n.lower() for party in self.roles.parties.values() for n in party.names}
        others = self.lexicon.compiled[self.roles.others]
        institution = self.lexicon.compiled[self.roles.institutions]
        if not 2 <= len(words) <= 4 or name.lower() in places or others.fullmatch(name):
            return None
        if institution.search(name):
            return None  # "National Narcotics Control Commission" is no person
        return name

    def find(
        self,
        units: Sequence[str],
        entry: str,
        published: datetime,
        retrospective: bool,
        title: str = "",
        parts: Mapping[str, list[Clause]] | None = None,
    ) -> list[PatternHit]:
        """``parts``: the clauses of each of ``units``, when they are cut already."""
        hits: list[PatternHit] = []
        day = published.date()
        parts = parts if parts is not None else {sentence: clauses(sentence) for sentence in units}
        headlines = {s: bool(title) and s.strip() in title for s in units}
        # the title frames every sentence under it; the item frames its title (a live blog's
        # "talks open at Rosenbad" over a body that names Bessent two sentences down)
        contexts = {s: f"{s} {entry}" if headlines[s] else f"{s} {title}" for s in units}
        known: dict[tuple[Sequence[str], str], bool] = {}
        for rule in self.rules:
            if not self.meets(rule.entry_requires, entry, known):
                continue
            found: list[PatternHit] = []
            mentions: list[PatternHit] = []
            for sentence in units:
                headline = headlines[sentence]
                if not self.meets(rule.sentence_requires, contexts[sentence], known):
                    continue
                for clause in parts[sentence]:
                    found += self._matches(
                        rule, sentence, clause, day, retrospective, published, headline,
                        entry,
                    )  # fmt: skip
                    # a name mentioned counts where its own sentence is about the fact (not
                    # "Wang remains minister." under a title on the fentanyl envoy)
                    if rule.kind is FactKind.PERSON and self.meets(
                        rule.sentence_requires, sentence, known
                    ):
                        mentions += self._mentions(
                            rule, sentence, clause, day, retrospective, headline
                        )
            if found and rule.kind is FactKind.MONTH:  # "the June listing takes effect": June's
                month = announced_month(entry, day)
                found = [replace(hit, value=month) for hit in found]
            hits += [self._set_or_not(hit, title, entry, rule) for hit in found] or mentions
        return hits

    @staticmethod
    def _set_or_not(hit: PatternHit, title: str, entry: str, rule: PatternRule) -> PatternHit:
        """A first step ahead with no place or time, or in an item that says none is set
        ("next round planned for next month" over "... but set no date or venue"), is unset."""
        if not first_step_ahead(rule, hit.value):
            return hit
        if _UNSETTLED.search(entry):
            return replace(hit, unset=True)
        if hit.verdict.effective is not None:
            return hit
        return replace(hit, unset=not _SETTING.search(f"{hit.evidence} {title}"))

    def _matches(
        self,
        rule: PatternRule,
        sentence: str,
        clause: Clause,
        day: date,
        retrospective: bool,
        published: datetime,
        headline: bool,
        entry: str,
    ) -> list[PatternHit]:
        hits: list[PatternHit] = []
        text = clause.text
        for state, pattern in rule.patterns:
            for match in pattern.finditer(text):
                if self._excluded(rule, text, match, sentence):
                    continue
                value: FactValue
                if rule.kind is FactKind.MONTH:
                    value = f"{published:%Y-%m}"
                elif rule.kind is FactKind.PERSON:
                    name = self._person(match.group("person"), entry)
                    if name is None:
                        continue
                    value = name
                else:
                    value = str(state)
                weighs = str(value) in rule.weighs
                verdict = self._judge(sentence, clause, match, day, retrospective, headline, weighs)
                if verdict is None:
                    continue
                value = later_state(rule, value, verdict)
                ahead = str(value) in {later for _, later in rule.future}
                hits.append(PatternHit(rule.fact_id, value, verdict, False, sentence, ahead))
        return hits

    def _mentions(
        self,
        rule: PatternRule,
        sentence: str,
        clause: Clause,
        day: date,
        retrospective: bool,
        headline: bool,
    ) -> list[PatternHit]:
        hits = []
        for name in rule.known:
            pattern = re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, name.split())) + r"\b")
            for match in pattern.finditer(clause.text):
                if self._excluded(rule, clause.text, match, sentence):
                    continue
                verdict = self._judge(sentence, clause, match, day, retrospective, headline)
                if verdict is None:
                    continue
                if _FORMER.search(sentence):
                    verdict = Verdict(Modality.HISTORICAL)
                hits.append(PatternHit(rule.fact_id, name, verdict, True, sentence))
        return hits

    def _judge(
        self,
        sentence: str,
        clause: Clause,
        match: re.Match[str],
        day: date,
        retrospective: bool,
        headline: bool,
        weighs: bool = False,
    ) -> Verdict | None:
        text = clause.text
        return judge(
            sentence=sentence,
            before=_shared_head(sentence, text) + text[: match.start()],
            core=match.group(0),
            after=text[match.end() :].split(",", 1)[0],
            background=clause.background,
            retrospective=retrospective,
            published=day,
            core_is_pattern=True,
            markers=self._weighing if weighs else self.markers,
            headline=headline,
        )


_COORDINATED = re.compile(r"\b(?:and|or)\s*,?\s*$", re.IGNORECASE)


def _shared_head(sentence: str, clause: str) -> str:
    """The previous clause when this one continues it after "and"/"or" ("He will fly to Madrid
    and, as agreed, hold talks there"): its subject and auxiliary are this clause's too."""
    at = sentence.find(clause)
    head = sentence[:at] if at > 0 else ""
    if not _COORDINATED.search(head[-12:]):
        return ""
    start = max(head.rfind(mark, 0, len(head) - 6) for mark in ",;:") + 1
    return head[start:] + " "
