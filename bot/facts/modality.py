"""How a clause holds a claim: asserted, proposed, historical, or negated (no claim).

The rules, in order (the first that applies decides):

1. Negation before or inside the claim ("has not come back", "no plan to", "denied") → no claim.
2. A background clause ("after the talks", "since 2019", "responding to"), or an entry that looks
   back or is republished → historical.
3. A threat, plan, proposal, condition, forecast, assumption, odds, wish or rumour ("threatens",
   "could", "if", "we expect", "base case", "odds", "seems right", "people familiar") →
   proposed. ``would`` is proposed too, unless reported speech of a decision ("said it would
   cut …, effective May 14").
4. A restatement of the past: the past perfect outside reported speech ("had reached"), "peaked",
   "previously", "ago", or a month or year behind the entry's date ("in April" of a June entry,
   "in 2019", "last year") → historical.
5. Otherwise asserted. A future time reference near the claim ("next month", "from March")
   becomes the claim's ``effective`` date. The verdict also says whether the claim looks ahead
   (``future``: "will", "to cut", "would", a headline's "X to visit") and whether a decision
   backs it (``decided``: an order, an announcement, a joint statement, an effective date,
   "agreed", or the actor's own words reported: "the ministry said"), and whether it is
   second-hand (``hearsay``: "reported", "according to a report"); the extractor weighs these
   into the claim's strength.

Marker words come from the vocabularies that ``config/topics.yaml`` names under ``roles``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.facts.dates import Direction, time_refs
from bot.facts.lexicon import Lexicon
from bot.facts.literals import Screen
from bot.facts.model import Modality

_CONDITIONAL = re.compile(
    r"\b(?:if|unless|whether|in case|provided that|on condition that|conditional on|as long as"
    r"|depending on)\b"
    # "would end the duty once China completes a review", "talks can resume once the US removes
    # ...": a step that waits for another's
    r"|\b(?:would|will|can|could)\b[^.;]{0,120}?\bonce\s+(?:[\w'’-]+\s+){1,3}?"
    r"(?:completes?|meets?|fulfil+s?|verif(?:y|ies)|delivers?|shows?|demonstrates?|finishes"
    r"|removes?|lifts?|drops?|cancels?|ends?|stops?|withdraws?|reverses?|corrects?)\b",
    re.IGNORECASE,
)
# negations that state the event itself ("talks ended without a deal", "conditions for talks do
# not exist"), not a denial of it
_NEGATED_IDIOM = re.compile(
    r"\b(?:(?:do|does|did) not|no longer)\s+exist\w*"
    r"|\bwithout\s+(?:a |an |any )?(?:[\w-]+\s+){0,2}?"
    r"(?:deal|agreement|result|progress|breakthrough|accord)\b"
    r"|\b(?:are|is) not in place\b"
    r"|\b(?:will not|won't|would not)\s+(?:be held|take place|go ahead)\b"
    r"|\b(?:are|is)\s+(?:\w+\s+)?not in place\b|\bnot to (?:attend|join|send|hold|take part)"
    r"|\b(?:will|would|shall)\s+not\s+(?:attend|join|send|take part)\b",
    re.IGNORECASE,
)
# what follows "with" or "while" after a claim tells more news, not how the claim is held
_WITH_MORE = re.compile(r"\b(?:with|while|whereas|because)\b", re.IGNORECASE)
# "exporters must now obtain licences", "must obtain export licences": a rule in force, not a wish
# a named side told what it must do ("the ministry said Washington must still lift ..."): a
# demand, not the rule a decision sets for its addressees ("exporters must obtain a licence")
_DEMANDED_OF = re.compile(r"(?-i:[A-Z][\w.'’-]*)(?:\s+side)?\s+(?:still\s+|also\s+|first\s+)?$")
_NOW_IN_FORCE = re.compile(
    r"\s+(?:now|henceforth|from now on)\b"
    r"|\s+(?:obtain|apply for|secure|hold)\s+(?:an?\s+|export\s+)*licen[cs]es?\b",  # a licence rule
    re.IGNORECASE,
)
# "said he will meet ..., and that he expects ...": a second statement, with its own markers
_AND_THAT = re.compile(r",?\s+and\s+that\b", re.IGNORECASE)
_WOULD = re.compile(r"\bwould\b", re.IGNORECASE)
_PAST_PERFECT = re.compile(r"\bhad\s+(?!to\b)(?:\w+ly\s+)?\w+", re.IGNORECASE)
_FUTURE_NEAR = re.compile(
    r"\b(?:will|would|shall|'ll|set to|due to|to take effect|takes? effect|is to|are to|"
    r"scheduled|from|starting|beginning|effective|going to)\b",
    re.IGNORECASE,
)
_PAST_NEAR = re.compile(r"\blast\s+\w+ed\b|\b(?:was|were|had)\b", re.IGNORECASE)
# a participle right before the month ("the duty imposed in April"): the time of what it names
_DONE_THEN = re.compile(
    r"\b(?:imposed|introduced|announced|adopted|enacted|issued|levied|unveiled)\s+$",
    re.IGNORECASE,
)
_LOOKS_AHEAD = re.compile(
    r"(?i:\b(?:will|would|shall|'ll|going to|set to|is to|are to|plans? to)\b)"
    # a headline, after a speaker's label or not: "US to cut", "Trump: Bessent to meet", "China
    # tariffs to fall"
    r"|(?:^|:\s)\s*(?:[A-Z][\w.'’-]*,?\s+(?:and\s+)?){1,4}"
    r"(?:(?i:tariffs?|duty|duties|levy|levies|rates?|talks|controls?|ban|sanctions)\s+)?"
    r"to\s+[a-z]+"
)


@dataclass(frozen=True, slots=True)
class Markers:
    """The marker vocabularies of the modality rules, compiled (see ``Roles``)."""

    negation: Screen
    proposal: Screen
    rumour: Screen
    forecast: Screen
    wish: Screen
    reporting: Screen
    decision: Screen
    hearsay: Screen
    historical: Screen
    denial: Screen  # said after the claim: "reports of a halt are groundless"

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon, names: dict[str, str]) -> Markers:
        return cls(**{field: lexicon.screens[names[field]] for field in cls.__slots__})


@dataclass(frozen=True, slots=True)
class Verdict:
    modality: Modality
    effective: date | None = None
    future: bool = False
    decided: bool = False
    hearsay: bool = False


def _reported_would(sentence: str, scope: str, markers: Markers) -> bool:
    """'would' is reported speech when a reporting verb precedes it ("said it would cut")."""
    position = sentence.find(scope)
    head = sentence[: max(position, 0) + len(scope)]
    return all(markers.reporting.search(head[: w.start()]) for w in _WOULD.finditer(head))


def _proposal(text: str, sentence: str, scope: str, markers: Markers) -> bool:
    for pattern in (markers.rumour, markers.forecast):
        if pattern.search(sentence):
            return True
    wish = markers.wish.search(sentence)
    if (
        wish
        and (
            not markers.decision.search(sentence[: wish.start()])
            or _DEMANDED_OF.search(sentence[: wish.start()])
        )
        and not _NOW_IN_FORCE.match(sentence, wish.end())
    ):
        return True  # not a rule announced: "announced that exporters must (now) obtain a licence"
    for match in markers.proposal.finditer(text):
        if match.group(0).lower() == "would" and _reported_would(sentence, scope, markers):
            continue
        return True
    return False


def _place_time(scope: str, published: date) -> tuple[bool, date | None]:
    """Whether the scope points behind the entry's date, and the future date it names."""
    past = False
    effective: date | None = None
    for ref in time_refs(scope, published):
        start = ref.start
        direction = ref.direction
        if direction is Direction.EITHER:
            window = scope[max(0, start - 50) : start]
            nearer_ahead = (ref.future - published) < (published - ref.past)
            looks_ahead = bool(_FUTURE_NEAR.search(scope) or _LOOKS_AHEAD.search(scope))
            if _DONE_THEN.search(window) or (ref.attributive and nearer_ahead):
                continue  # the time of the duty the participle or of the round the month names
            if _FUTURE_NEAR.search(window) or (
                nearer_ahead and looks_ahead and not _PAST_NEAR.search(window)
            ):
                direction = Direction.FUTURE
            elif ref.past < published.replace(day=1) or _PAST_NEAR.search(window):
                direction = Direction.PAST
        if direction is Direction.PAST:
            past = True
        elif direction is Direction.FUTURE:
            effective = ref.future
    return past, effective


def judge(
    *,
    sentence: str,
    before: str,
    core: str,
    after: str,
    background: bool,
    retrospective: bool,
    published: date,
    core_is_pattern: bool,
    markers: Markers,
    headline: bool = False,
) -> Verdict | None:
    """Judge one claim found in ``core`` with ``before``/``after`` its clause context.

    ``core_is_pattern``: the core is a matched event pattern whose own words (such as
    "weighing" in an evaluating pattern) must not count as markers.
    """
    own_before = _AND_THAT.split(before)[-1]  # "would not go, and that talks were suspended"
    if (
        markers.negation.search(_ASIDE.sub(",", own_before))
        or markers.negation.search(_NEGATED_IDIOM.sub("", core))
        or markers.denial.search(_denial_scope(sentence, core, after))
    ):
        return None
    if background or retrospective:
        return Verdict(Modality.HISTORICAL)
    scope = before + core + after
    # "end, with a plan to seek ...": more news
    told_after = _WITH_MORE.split(after, maxsplit=1)[0]
    markers_text = before + (told_after if core_is_pattern else core + told_after)
    told = sentence.replace(core + after, core + told_after, 1) if after else sentence
    second = _AND_THAT.search(told, max(told.find(core), 0) + len(core))
    told = told[: second.start()] if second else told
    if _CONDITIONAL.search(told) or _proposal(markers_text, told, scope, markers):
        return Verdict(Modality.PROPOSED)
    own = before + core + _RELATIVE_AFTER.split(after, maxsplit=1)[0]
    if markers.historical.search(own) or (
        _PAST_PERFECT.search(_RELATIVE_CLAUSE.sub(" ", scope)) and not _reported(sentence, markers)
    ):
        return Verdict(Modality.HISTORICAL)
    # the past of a participle after the claim ("cooperation suspended in February") is not the
    # claim's; a date after it may still be its effective date ("cut to 10% from May 14")
    own_after = "" if _PARTICIPLE.match(after) else after
    past, _ = _place_time(_lead(sentence, scope) + before + core + own_after, published)
    _, effective = _place_time(_lead(sentence, scope) + scope, published)
    if past and effective is None:
        return Verdict(Modality.HISTORICAL)
    if headline and effective is None:
        effective = _weekday_ahead(scope, published)
    near = before + core
    ahead = bool(_LOOKS_AHEAD.search(near)) or (headline and _headline_infinitive(before + core))
    conditional_mood = bool(_WOULD.search(scope))
    decided = effective is not None or bool(markers.decision.search(sentence))
    if headline and _ATTRIBUTED.search(sentence):
        decided = True  # "US tariffs to fall to 30% - Bessent": the official's own words
    if not conditional_mood and markers.reporting.search(sentence):
        decided = True  # "will cut ..., the ministry said": the actor's own announcement
    return Verdict(
        Modality.ASSERTED,
        effective,
        future=ahead or effective is not None,
        decided=decided,
        hearsay=bool(markers.hearsay.search(sentence)),
    )


_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")


def _weekday_ahead(scope: str, published: date) -> date | None:
    """The day a headline's weekday names when the coming one is nearer than the last ("teams
    meet in London on Monday" on a Friday): a headline's present tense tells what is ahead as
    well as what was; the last one, or today, says nothing more."""
    found = _WEEKDAY.search(scope)
    if found is None:
        return None
    ahead = (_WEEKDAYS.index(found.group(1).lower()) - published.weekday()) % 7
    return published + timedelta(days=ahead) if 0 < ahead < 7 - ahead else None


_INFINITIVE = re.compile(
    r"^((?:[\w.,'’-]+\s+){1,7}?)to\s+(?!\d)(?!(?:the|its|his|her|their|this|that|these|those)\b)"
    r"[A-Za-z]{3,}\b",
    re.IGNORECASE,
)
_FINITE = re.compile(
    r"\b(?:\w+(?:ed|es)|adds|puts|sets|cuts|lifts|raises|lowers|moves|brings|sends|says|tells|"
    r"asks|urges|calls|wants|plans|agree|agrees|vows|hikes|slashes|trims|eases|returns|turns|goes|"
    r"comes|falls|rises|drops|is|are|was|were|has|have|had|will|would|can|could)\b",
    re.IGNORECASE,
)


def _headline_infinitive(text: str) -> bool:
    """A headline's "X to <verb>" with no finite verb before it: a plan or a schedule
    ("Chinese vice premier to visit Switzerland, hold talks"), not "China adds four
    chemicals to its list"."""
    match = _INFINITIVE.match(text)
    return match is not None and not _FINITE.search(match.group(1))


_ATTRIBUTED = re.compile(r"\s[-–—]\s*(?:[A-Z][\w.'’-]*\s*){1,3}$")
# "the round that the two sides had planned to hold": a relative clause's past perfect is not
# the claim's
_RELATIVE_CLAUSE = re.compile(r"\b(?:that|which|who|whom)\b[^,;]*?\bhad\s+\w+", re.IGNORECASE)
# "talks ended in the city where the truce was struck ten months ago": the relative clause's
# time is not the claim's
# an aside on another noun before the claim (", which is not affected,"): its negation is its own
_ASIDE = re.compile(r",\s*(?:which|who)\b[^,;]*,", re.IGNORECASE)
_RELATIVE_AFTER = re.compile(r"\b(?:where|when|which|who|whom)\b", re.IGNORECASE)
_PARTICIPLE = re.compile(
    r"^\s*(?:\w+(?:ed|en)|held|set|cut|put|made|kept|left|brought|imposed)\b", re.IGNORECASE
)
_LEAD = re.compile(r"^\s*((?:\S+\s+){0,5}?\S+),\s")


# "reports (circulating ...) that ...", "claims of ...": what the sentence names to judge it
_REPORTS_THAT = re.compile(
    r"\b(?:reports?|claims?|rumou?rs?|accounts?|suggestions?|speculation)\b[^.;]{0,120}?"
    r"\b(?:that|of)\b",
    re.IGNORECASE,
)


def _denial_scope(sentence: str, core: str, after: str) -> str:
    """Where a denial of the claim is looked for: the rest of its clause, or, for a claim
    inside "reports that ...", the rest of its sentence ("Reports that Beijing cut its tariff
    to zero after the summit are wrong, the ministry said")."""
    at = sentence.find(core)
    if at < 0 or not _REPORTS_THAT.search(sentence[:at]):
        return after
    return sentence[at + len(core) :]


def _lead(sentence: str, scope: str) -> str:
    """The sentence's opening adverbial ("In August 2022, ...") when the claim sits later in
    the sentence: its time holds for the clauses after it."""
    match = _LEAD.match(sentence)
    if match is None or scope.startswith(match.group(1)) or match.group(1) in scope:
        return ""
    return match.group(1) + ", "


def _reported(sentence: str, markers: Markers) -> bool:
    """Whether the sentence's past perfect sits in reported speech ("said talks had stalled")."""
    perfect = _PAST_PERFECT.search(sentence)
    return bool(perfect and markers.reporting.search(sentence[: perfect.start()]))
