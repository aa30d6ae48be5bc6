"""Vocabulary roles: which vocabulary of ``config/topics.yaml`` plays which part in the rules.

The extractor and the modality judge never name a vocabulary themselves; they ask for a role
("the parties", "rumour markers"), and ``roles:`` in the topics file says which vocabulary plays
it. A deployer who renames a vocabulary, or writes rules for another language, edits data only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Party(BaseModel):
    """A party vocabulary's reading: ``shorthand`` says what a bare ``name`` of it just before a
    tariff noun means ("China tariffs" are the tariffs *on* China: ``target``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shorthand: Literal["target", "actor"] = "actor"
    names: list[str] = Field(default_factory=list)


def _parties() -> dict[str, Party]:
    return {
        "china": Party(shorthand="target", names=["China", "PRC"]),
        "us": Party(shorthand="actor", names=["US", "U.S.", "United States", "America"]),
    }


class RoleSet(BaseModel):
    """Role names of one language: each field names a vocabulary (``parties``: several)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    others: str = "others"
    person_titles: str = "person_titles"
    retrospective: str = "retrospective"
    republished: str = "republished"
    opinion_titles: str = "opinion_titles"
    opinion_paths: str = "opinion_paths"
    negation: str = "negation_markers"
    proposal: str = "proposal_markers"
    rumour: str = "rumour_markers"
    forecast: str = "forecast_markers"
    wish: str = "wish_markers"
    reporting: str = "reporting_verbs"
    decision: str = "decision_markers"
    hearsay: str = "hearsay_markers"
    historical: str = "historical_markers"
    suspension: str = "suspension_markers"
    change_verbs: str = "change_verbs"
    removal: str = "removal_verbs"
    aggregate: str = "aggregate_words"
    layer: str = "layer_words"
    # "once both sides complete their domestic procedures": the item's measures not yet in force
    procedures_pending: str = "procedures_pending"
    # what listed chemicals are used to make ("used to make nitazenes"): the product, not the item
    synthesis: str = "synthesis_markers"
    # a side's pledge to take a step ("committed to require licences"): the step is not taken
    pledge: str = "pledge_markers"
    # a listing that counts what it lists ("nine chemicals"): a step ahead told with a number
    counted: str = "listing_counts"
    # what sets a new layer ahead in force (an order, a proclamation, a notice, the tariff
    # commission): without it, a layer a person says will start ("Trump says the US will impose
    # an additional 100% from Nov 1": ``speech``, or a speaker's label) is a threat
    decree: str = "decree_markers"
    speech: str = "speech_markers"

    def named(self) -> Iterator[tuple[str, str]]:
        """Every (role, vocabulary name) pair, parties included."""
        for role, value in self.model_dump().items():
            if role == "parties":
                yield from ((f"parties.{name}", name) for name in value)
            else:
                yield role, value


class Roles(RoleSet):
    """Role → vocabulary name. ``parties``: the party vocabularies, each with what a bare name
    of it just before a tariff noun means ("China tariffs": the tariffs on China)."""

    parties: dict[str, Party] = Field(default_factory=_parties)
    rubrics: str = "rubrics"
    counterparts: str = "counterparts"  # capitals: another side only joined to a party
    correction: str = "correction_markers"
    institutions: str = "institution_words"
    imperatives: str = "imperatives"
    outside: str = "outside_duties"
    scaling: str = "scaling_verbs"
    interim: str = "interim_rulings"
    layers: str = "whole_layers"
    denial: str = "denial_markers"
    retold_error: str = "retold_error"  # a correction's sentence retelling the error
    denies_before: str = "denies_before"  # "That is wrong: ...": the sentence before is denied
    forecast_titles: str = "forecast_titles"  # "Three scenarios for November": a forecast piece
    lowering: str = "lowering_verbs"
    raising: str = "raising_verbs"

    def markers(self) -> dict[str, str]:
        """The modality roles, as ``Markers`` takes them."""
        keys = ("negation", "proposal", "rumour", "forecast", "wish", "reporting", "decision",
                "hearsay", "historical", "denial")  # fmt: skip
        return {key: getattr(self, key) for key in keys}
