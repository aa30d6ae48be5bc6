"""Extraction hints of a fact, typed: what ``hints:`` in ``seeds/*.yaml`` may say.

Two shapes, one per kind of fact:

``figure`` (percent facts): ``{nouns, actor, target, qualifiers, exclude}`` — vocabulary names.
    A level percentage bound to a noun of ``nouns`` ("a 30 percent tariff", "tariffs on X ... to
    30 percent") belongs to the fact whose ``target`` the local phrase names ("on Chinese goods"),
    else whose ``actor`` it names ("US duties", "China's tariffs"). A fact with ``qualifiers``
    wins when one occurs in the local phrase ("the fentanyl levy"); an ``exclude`` vocabulary in
    the local phrase (a part such as "steel", another country) voids the figure.
``patterns`` (state facts: state word → regular expressions; month and person facts: a list).
    ``{name}`` is a vocabulary, ``{w}`` one word and its space, ``{person}`` a run of capitalised
    words (person facts). A month fact's value is the entry's month. With them:
    ``sentence_requires`` / ``entry_requires`` (vocabulary names, or lists of names of which one
    must occur, in the sentence / anywhere in the entry); ``exclude_near`` (vocabularies that
    void a match when they occur in it or just before it, unless one of the fact's parties is
    named there too); ``precedence`` (state facts: the first listed wins when an entry holds
    several); ``future`` (state facts: a state stated as still ahead counts as another one —
    "will meet" is ``scheduled``, not ``held``); ``known`` (person facts: names that count when
    mentioned); ``outcome`` (state facts: ``{state, of, after}``, the state that a lowering of
    one of the ``of`` facts shows when told as done after a meeting the ``after`` vocabulary names);
    ``awaiting`` (state facts: ``{states, markers}``, a state told in an item that says it still
    awaits approval counts as the state ``states`` maps it to); ``weighs`` (state facts: states
    that weigh a proposal, "evaluating a request for talks": the words of the proposal weighed
    around them do not hedge them).

``zh`` (any shape): the same hints for Chinese text, in the same schema, naming the vocabularies of
    ``languages.zh`` in the topics file; with ``names`` (a person fact's names as written in
    Chinese → the catalogue's form, "王小洪" → "Wang Xiaohong"). An entry in Chinese is judged by
    these rules only (``bot/facts/zh/``).

Shapes are checked when the seeds load (:class:`SeedError` names file, fact and field);
vocabulary names when the extractor is built, against ``config/topics.yaml``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

Requirement = str | list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FigureHint(_Strict):
    nouns: str = "tariff_nouns"
    actor: str | None = None
    target: str | None = None
    qualifiers: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    # vocabularies that name the fact's own duty, so that its removal by name counts ("the
    # court struck down the emergency tariffs": zero), as a part's qualifiers do for the part
    names: list[str] = Field(default_factory=list)
    # the target must be named in the item for a figure bound only by its actor (an actor who
    # taxes many others: "the president sets a 60% duty on furniture" is no tariff on China)
    target_named: bool = False

    @model_validator(mode="after")
    def _a_party(self) -> FigureHint:
        if self.actor is None and self.target is None:
            raise ValueError("needs an actor or a target")
        return self


class OutcomeHint(_Strict):
    """A state a move of other facts shows: a lowering of one of the ``of`` facts, asserted in a
    sentence where the ``after`` vocabulary names a meeting just held ("cuts the tariff to 10%
    after meeting Xi"), is the meeting's outcome, ``state``."""

    state: str
    of: list[str]
    after: str


class AwaitingHint(_Strict):
    """States that an item saying they still await approval (the ``markers`` vocabulary
    anywhere in it: "for the presidents' approval") shows as others: ``{agreement: held}``."""

    states: dict[str, str]
    markers: str


class Hints(_Strict):
    figure: FigureHint | None = None
    patterns: dict[str, list[str]] | list[str] | None = None
    sentence_requires: list[Requirement] = Field(default_factory=list)
    entry_requires: list[Requirement] = Field(default_factory=list)
    exclude_near: list[str] = Field(default_factory=list)
    precedence: list[str] = Field(default_factory=list)
    future: dict[str, str] = Field(default_factory=dict)
    weighs: list[str] = Field(default_factory=list)
    known: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict)
    outcome: OutcomeHint | None = None
    awaiting: AwaitingHint | None = None
    zh: Hints | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Hints:
        if self.figure is not None and self.patterns is not None:
            raise ValueError("give either `figure` or `patterns`, not both")
        return self


def check_hints(kind: str, states: tuple[str, ...] | list[str], hints: Hints) -> None:
    """Kind-dependent checks at seed time (``kind``: percent, state, month or person);
    ValueError names the field."""
    if hints.figure is not None and kind != "percent":
        raise ValueError("hints.figure: only percent facts take a figure hint")
    if kind == "state":
        if hints.patterns is not None and not isinstance(hints.patterns, dict):
            raise ValueError("hints.patterns: must map state words to pattern lists")
        named = [*(hints.patterns or {}), *hints.precedence, *hints.future, *hints.future.values()]
        named += hints.weighs
        named += [hints.outcome.state] if hints.outcome else []
        if hints.awaiting:
            named += [*hints.awaiting.states, *hints.awaiting.states.values()]
        for word in named:
            if word not in states:
                raise ValueError(f"hints: {word!r} is not one of {list(states)}")
    elif hints.outcome is not None:
        raise ValueError("hints.outcome: only state facts take an outcome")
    elif hints.awaiting is not None:
        raise ValueError("hints.awaiting: only state facts take states awaiting approval")
    elif isinstance(hints.patterns, dict):
        raise ValueError("hints.patterns: must be a list of patterns for this kind")
    if hints.zh is not None:
        if hints.zh.zh is not None:
            raise ValueError("hints.zh.zh: a language part holds no language part")
        try:
            check_hints(kind, states, hints.zh)
        except ValueError as exc:
            message = str(exc)
            raise ValueError("hints.zh" + message.removeprefix("hints")) from exc
