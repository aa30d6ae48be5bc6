"""How a clause holds a claim: asserted, proposed, historical, or negated (no claim).

The rules, in order (the first that applies decides):

1. Negation before or inside the claim ("has not come back", "no plan to", "denied") → no claim.
2. A background clause ("after the talks", "since 2019", "responding to"), or an entry that looks
   back (a "look back", a timeline) → historical.
3. A threat, plan, proposal, condition or forecast ("threatens", "could", "would" outside
   reported speech, "is considering", "if", "unless", "expected to", "soon") → proposed.
4. A restatement of the past: the past perfect outside reported speech ("had reached"), "peaked",
   "previously", "ago", or a month or year behind the entry's date ("in April" of a June entry,
   "in 2019", "last year") → historical.
5. Otherwise asserted. "will" and reported "would" with an official decision are asserted: the
   policy is *decided with an effective date* — a future time reference near the claim ("next
   month", "from March") becomes the claim's ``effective`` date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.facts.model import Modality
from bot.facts.text import Direction, time_refs

_NEGATION = re.compile(
    r"\b(?:not|never|no(?!\s+longer)|neither|nor|without|denied|denies|deny|denying|"
    r"rejected|rejects|refused|refuses|declined to|declines to|failed to|fails to|cannot|"
    r"ruled out|rules out)\b|n't\b",
    re.IGNORECASE,
)
_PROPOSED = re.compile(
    r"\b(?:could|might|(?-i:may)(?!\s+\d)|should|threat\w*|threaten\w*|consider\w*|weigh\w*|mull\w*|"
    r"propos\w*|plan|plans|planned|planning|intend\w*|warn\w*|seek\w*|sought|want\w*|hope\w*|"
    r"aim\w*|possible|possibly|potential\w*|prospect\w*|option\w*|draft|contemplat\w*|"
    r"explor\w*|urg\w*|calls? for|called for|demand\w*|push\w* for|offer\w*|floated|floating|"
    r"suggest\w*|vow\w*|pledg\w*|promis\w*|expected to|likely to|poised to|ready to|"
    r"prepared to|soon|eventually|at some point|in the future|hypothetical\w*|would)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"\b(?:if|unless|whether|in case|provided that)\b", re.IGNORECASE)
_REPORTING = re.compile(
    r"\b(?:said|says|say|saying|announced|announces|announcing|stated|states|confirmed|"
    r"confirms|told|tells|according to|declared|declares|added|noted|statement|decided|"
    r"decides|ordered|orders|signed|agreed)\b",
    re.IGNORECASE,
)
_WOULD = re.compile(r"\bwould\b", re.IGNORECASE)
_PAST_PERFECT = re.compile(r"\bhad\s+(?!to\b)(?:\w+ly\s+)?\w+", re.IGNORECASE)
_HISTORICAL = re.compile(
    r"\b(?:peaked|previously|formerly|once stood|earlier this year|ago|at the time|used to|"
    r"back then|in the past|historically|then-)",
    re.IGNORECASE,
)
_FUTURE_NEAR = re.compile(
    r"\b(?:will|would|shall|'ll|set to|due to|to take effect|takes? effect|is to|are to|"
    r"scheduled|from|starting|beginning|effective|going to)\b",
    re.IGNORECASE,
)
_PAST_NEAR = re.compile(r"\blast\s+\w+ed\b|\b(?:was|were|had)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Verdict:
    modality: Modality
    effective: date | None = None


def _reported_would(sentence: str, scope: str) -> bool:
    """'would' is reported speech of a decision when a reporting verb precedes it."""
    position = sentence.find(scope)
    head = sentence[: max(position, 0) + len(scope)]
    return all(_REPORTING.search(head[: w.start()]) for w in _WOULD.finditer(head))


def _proposal_markers(text: str, reported: bool) -> bool:
    for match in _PROPOSED.finditer(text):
        if match.group(0).lower() == "would" and reported:
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
            if _FUTURE_NEAR.search(window):
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
) -> Verdict | None:
    """Judge one claim found in ``core`` with ``before``/``after`` its clause context.

    ``core_is_pattern``: the core is a matched event pattern whose own words (such as
    "weighing" in an evaluating pattern) must not count as markers.
    """
    if _NEGATION.search(before) or _NEGATION.search(core):
        return None
    if background or retrospective:
        return Verdict(Modality.HISTORICAL)
    scope = before + core + after
    markers_text = before + after if core_is_pattern else scope
    reported = _reported_would(sentence, scope)
    if _CONDITIONAL.search(sentence) or _proposal_markers(markers_text, reported):
        return Verdict(Modality.PROPOSED)
    if _HISTORICAL.search(scope) or (_PAST_PERFECT.search(scope) and not _reported(sentence)):
        return Verdict(Modality.HISTORICAL)
    past, effective = _place_time(scope, published)
    if past and effective is None:
        return Verdict(Modality.HISTORICAL)
    return Verdict(Modality.ASSERTED, effective)


def _reported(sentence: str) -> bool:
    """Whether the sentence's past perfect sits in reported speech ("said talks had stalled")."""
    perfect = _PAST_PERFECT.search(sentence)
    return bool(perfect and _REPORTING.search(sentence[: perfect.start()]))
