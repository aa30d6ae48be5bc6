"""How firmly a hit is claimed: the one strength rule every language's extractor applies.

A claim is *firm* when it is asserted, first hand (no hearsay), and:

- for a figure: bound by its own phrase (not loosely), stating a change (a change verb, a prior,
  a date), not a layer or an aggregate that may count other duties, and not a plan still ahead
  without a decision;
- for a pattern (a state, a month, a person): not a known name merely mentioned, and not a step
  still ahead without a decision, unless the state is about what is ahead by nature (and then
  its place or time is given: "will meet soon" is weak).

Anything else asserted is *weak*: it cannot move a fact alone (see ``bot/facts/compare.py``).
The title's framing then lowers claims to *proposed* (:func:`framed_by_title`,
:func:`threatened`), and so does the body's for the title's own (:func:`hedged_in_body`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

from bot.facts.figures import FigureHit
from bot.facts.literals import Screen
from bot.facts.model import Claim, FactKind, Modality, Relative, Strength
from bot.facts.patterns import PatternHit
from bot.facts.values import value_key


def figure_claim(hit: FigureHit, evidence: str) -> Claim:
    verdict = hit.verdict
    firm = (
        verdict.modality is Modality.ASSERTED
        and not hit.loose
        and hit.event
        and not hit.aggregate
        and not hit.layer
        and not verdict.hearsay
        and (verdict.decided or not verdict.future)
    )
    return Claim(
        fact_id=hit.rule.fact_id,
        value=hit.value,
        modality=verdict.modality,
        evidence=evidence,
        effective=verdict.effective,
        previous=hit.previous,
        strength=Strength.FIRM if firm else Strength.WEAK,
        relative=hit.relative,
        event=hit.event,
        direction=hit.direction,
    )


def pattern_claim(hit: PatternHit, evidence: str) -> Claim:
    verdict = hit.verdict
    ahead = verdict.future and not verdict.decided and not hit.ahead_by_nature
    firm = (
        verdict.modality is Modality.ASSERTED
        and not hit.mention
        and not verdict.hearsay
        and not ahead
        and not hit.unset
    )
    return Claim(
        fact_id=hit.fact_id,
        value=hit.value,
        modality=verdict.modality,
        evidence=evidence,
        effective=verdict.effective,
        strength=Strength.FIRM if firm else Strength.WEAK,
        event=not hit.mention,
    )


def is_promise(
    hit: PatternHit,
    kinds: Mapping[str, FactKind],
    *,
    staged: Collection[str],
    pledge: Screen,
    counted: bool,
) -> bool:
    """Only promised: a month fact's step still ahead that is not decided, or that neither
    counts nor names what it lists nor dates it ("under the deal Beijing will bring more
    chemicals under control", not "will list nine chemicals": ``counted``, said of the item);
    or any step its sentence says a side pledged to take (``pledge``: "committed to require
    licences"), a round's stage (a fact in ``staged``) excepted: "committed to hold talks"
    sets one."""
    verdict = hit.verdict
    pledged = hit.fact_id not in staged and bool(pledge.search(hit.evidence))
    unsettled = not verdict.decided or (not counted and verdict.effective is None)
    ahead = verdict.future and unsettled and kinds.get(hit.fact_id) is FactKind.MONTH
    return verdict.modality is Modality.ASSERTED and (ahead or pledged)


def awaiting_procedures(claims: list[Claim], staged: Collection[str]) -> list[Claim]:
    """In an item whose measures wait for the parties' domestic procedures ("to be implemented
    once both sides complete them"), each measure is only proposed; the stage of the talks that
    agreed them (a fact in ``staged``, with story stages) stands."""
    return [c if c.fact_id in staged else proposed(c) for c in claims]


def proposed(claim: Claim) -> Claim:
    """An asserted claim lowered to a proposal (an opinion, a threat, a speaker's words)."""
    if claim.modality is not Modality.ASSERTED:
        return claim
    return replace(claim, modality=Modality.PROPOSED, strength=Strength.WEAK)


def framed_by_title(claims: list[Claim], titles: Collection[str]) -> list[Claim]:
    """A fact the title only proposes (and does not also assert) is only proposed in the body;
    ``titles``: the evidence texts of the title's sentences."""
    in_title = [c for c in claims if c.evidence in titles]
    framed = {c.fact_id for c in in_title if c.modality is Modality.PROPOSED} - {
        c.fact_id for c in in_title if c.modality is Modality.ASSERTED
    }
    return [proposed(c) if c.fact_id in framed else c for c in claims]


def headline_shorthand(
    claims: list[Claim], titles: Collection[str], parts: Mapping[str, Sequence[str]]
) -> list[Claim]:
    """A headline's level of a whole that the body moves only in a qualified part, to the same
    value ("China tariff cut to 10%" over "the tariff tied to fentanyl lowered to 10 percent"),
    is the part's, shortened: the headline drops the qualifier the body gives. ``parts``: each
    whole's part facts."""
    body = [c for c in claims if c.evidence not in titles and c.modality is Modality.ASSERTED]
    moved = {(c.fact_id, value_key(c.value)) for c in body if c.event and c.relative is None}
    stated = {(c.fact_id, value_key(c.value)) for c in body}

    def shortened(claim: Claim) -> bool:
        key = value_key(claim.value)
        return (
            claim.evidence in titles
            and (claim.fact_id, key) not in stated
            and any((part, key) in moved for part in parts.get(claim.fact_id, ()))
        )

    return [c for c in claims if not shortened(c)]


def hedged_in_body(
    claims: list[Claim], titles: Collection[str], staged: Collection[str]
) -> list[Claim]:
    """A headline's value that the body gives only as proposed (a condition, a threat, a plan:
    "depending on what China does"; a source's word: "to lead the talks, a source said";
    "according to people familiar") is only proposed in the headline too: the headline shortens
    the body, it does not firm it up. Not for a fact with story stages (``staged``): a stage's
    pattern is often hedged by another clause of its sentence ("a framework reached, and the
    threatened tariff off the table")."""
    body = [c for c in claims if c.evidence not in titles and c.fact_id not in staged]
    hedged = {(c.fact_id, value_key(c.value)) for c in body if c.modality is Modality.PROPOSED}
    hedged -= {(c.fact_id, value_key(c.value)) for c in body if c.modality is Modality.ASSERTED}
    return [
        proposed(c) if c.evidence in titles and (c.fact_id, value_key(c.value)) in hedged else c
        for c in claims
    ]


def not_counted(
    claims: list[Claim], wholes: Collection[str], counted: Collection[float]
) -> list[Claim]:
    """Without the levels of a whole that the item says count other duties (``counted``)."""
    return [
        c for c in claims if not (c.fact_id in wholes and c.relative is None and c.value in counted)
    ]


def recounted(claims: list[Claim]) -> list[Claim]:
    """In an item that looks back, a past move is recounted, not a change the fact missed: its
    prior goes, so it is never told late ("went from 10% to 20% in March, and back ...")."""
    return [replace(c, previous=None) if c.modality is Modality.HISTORICAL else c for c in claims]


def _layer_ahead(claim: Claim, published: date) -> bool:
    return (
        claim.modality is Modality.ASSERTED
        and claim.relative is Relative.ADD
        and isinstance(claim.value, float)
        and claim.value > 0
        and claim.effective is not None
        and claim.effective > published
    )


def layers_said(
    claims: list[Claim],
    published: date,
    title: str,
    decree: Screen,
    speech: Screen,
    fold: Callable[[str], str] = str,
) -> list[Claim]:
    """A new layer (an additional N%) for a date ahead that a person says will start (``speech``:
    "says", a speaker's label, 称), with no order, notice or tariff commission (``decree``) in its
    sentence or the title, is a threat, not a step decided ("Trump says the US will impose an
    additional 100% from Nov 1"). ``fold``: how the language's rules read a sentence (Chinese:
    in simplified characters)."""
    if decree.search(title):
        return claims
    return [
        proposed(c)
        if _layer_ahead(c, published)
        and speech.search(said := fold(c.evidence))
        and not decree.search(said)
        else c
        for c in claims
    ]


def threatened(claims: list[Claim], values: Collection[float]) -> list[Claim]:
    """A figure the title frames as a threat, plan or wish is that wherever the body repeats
    it; ``values``: the title's figures."""
    return [
        proposed(c) if isinstance(c.value, float) and abs(c.value) in values else c for c in claims
    ]


def in_opinion_section(link: str, sections: Screen) -> bool:
    """Whether a folder of the link's path (not its last segment) is an opinion section
    ("/opinion/", "/commentary/"): the item is an opinion, whatever its title."""
    try:
        path = urlsplit(link).path.lower()
    except ValueError:
        return False
    folders = [s for s in path.split("/") if s][:-1]
    return any(sections.fullmatch(folder) for folder in folders)


_TEXT_ONLY = re.compile(r"[\W_]+")


def repeats_title(title: str, body: str) -> bool:
    """Whether a body only repeats its title ("FLASH: US scraps the duty." under "FLASH: US
    scraps the duty"): the item is a bare headline all the same."""
    return bool(body) and _TEXT_ONLY.sub("", body).lower() == _TEXT_ONLY.sub("", title).lower()
