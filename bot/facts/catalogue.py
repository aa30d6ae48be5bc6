"""Load and validate the fact catalogue from ``seeds/*.yaml``.

A malformed seed stops the worker: :class:`SeedError` names the file, the entry and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.facts.hints import Hints, check_hints
from bot.facts.model import Fact, FactKind, FactValue

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_FACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class SeedError(ValueError):
    """A seed file is unreadable or invalid; the message says where."""


class _FactSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    label: str = Field(min_length=1)
    kind: FactKind
    baseline: float | str
    as_of: date
    evidence: str = Field(min_length=1)
    citation: str | None = None
    states: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    unit: str = ""
    part_of: str | None = None
    story_stages: list[str] = Field(default_factory=list)
    alone: list[Literal["official", "wire", "outlet"]] = Field(default_factory=list)
    hints: Hints = Field(default_factory=Hints)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _FACT_ID.match(value):
            raise ValueError("must be lower-case letters, digits and hyphens")
        return value


class _SeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    citation: str = ""
    facts: list[dict[str, Any]]


def normalise_value(fact: Fact | _FactSeed, raw: Any) -> FactValue:
    """Return ``raw`` as the fact's kind holds it, or raise ValueError saying why not."""
    kind = fact.kind
    if kind is FactKind.PERCENT:
        number = float(str(raw).strip().rstrip("%"))
        if not 0 <= number <= 10_000:
            raise ValueError(f"percentage {number} out of range")
        return number
    text = str(raw).strip()
    if kind is FactKind.STATE:
        word = text.lower()
        if word not in fact.states:
            raise ValueError(f"{text!r} is not one of {list(fact.states)}")
        return word
    if kind is FactKind.MONTH:
        if not _MONTH.match(text):
            raise ValueError(f"{text!r} is not a month written YYYY-MM")
        return text
    if not text:
        raise ValueError("empty name")
    return text


def _fact_from_seed(seed: _FactSeed, default_citation: str) -> Fact:
    if seed.kind is FactKind.STATE and not seed.states:
        raise ValueError("a state fact needs `states`")
    if seed.kind is not FactKind.STATE and seed.states:
        raise ValueError("`states` is only for state facts")
    if seed.kind is FactKind.STATE:
        seed.states = [s.lower() for s in seed.states]
    stages = [s.lower() for s in seed.story_stages]
    unknown = [s for s in stages if s not in seed.states]
    if unknown or len(set(stages)) != len(stages):
        raise ValueError(f"field story_stages: {seed.story_stages} must be distinct `states`")
    check_hints(seed.kind.value, seed.states, seed.hints)
    baseline = normalise_value(seed, seed.baseline)
    citation = seed.citation or default_citation
    if not citation:
        raise ValueError("no `citation` for this fact nor for its file")
    return Fact(
        id=seed.id,
        label=seed.label,
        kind=seed.kind,
        baseline=baseline,
        as_of=seed.as_of,
        citation=" ".join(citation.split()),
        evidence=" ".join(seed.evidence.split()),
        states=tuple(seed.states),
        topics=tuple(seed.topics),
        unit=seed.unit,
        part_of=seed.part_of,
        story_stages=tuple(stages),
        alone=tuple(seed.alone),
        hints=seed.hints,
    )


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(entry)"
    return f"field {where}: {first['msg']}"


def load_file(path: Path) -> list[Fact]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: cannot read seed file: {exc}") from exc
    try:
        seed_file = _SeedFile.model_validate(raw)
    except ValidationError as exc:
        raise SeedError(f"{path}: {_describe(exc)}") from exc
    facts: list[Fact] = []
    for index, entry in enumerate(seed_file.facts):
        name = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            facts.append(_fact_from_seed(_FactSeed.model_validate(entry), seed_file.citation))
        except ValidationError as exc:
            raise SeedError(f"{path}: fact {name}: {_describe(exc)}") from exc
        except ValueError as exc:
            raise SeedError(f"{path}: fact {name}: {exc}") from exc
    return facts


class Catalogue(Mapping[str, Fact]):
    """The tracked facts, by id, in seed order."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self._facts: dict[str, Fact] = {}
        for fact in facts:
            if fact.id in self._facts:
                raise SeedError(f"fact {fact.id} is defined twice")
            self._facts[fact.id] = fact
        for fact in self._facts.values():
            whole = self._facts.get(fact.part_of) if fact.part_of else None
            if fact.part_of and (whole is None or whole.kind is not fact.kind):
                raise SeedError(
                    f"fact {fact.id}: field part_of: {fact.part_of!r} is not a fact of kind "
                    f"{fact.kind.value}"
                )

    def __getitem__(self, fact_id: str) -> Fact:
        return self._facts[fact_id]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    def hints_in(self, *, zh: bool = False) -> Iterator[tuple[Fact, Hints, str]]:
        """Each fact with the hints of one language (``zh``: their Chinese part), and where they
        stand for error messages ("seeds: fact trade-talks: hints.zh.")."""
        for fact in self._facts.values():
            hints = fact.hints.zh if zh else fact.hints
            if hints is not None:
                yield fact, hints, f"seeds: fact {fact.id}: hints.{'zh.' if zh else ''}"

    @classmethod
    def load(cls, seeds_dir: Path) -> Catalogue:
        files = sorted(seeds_dir.glob("facts*.yaml"))
        if not files:
            raise SeedError(f"{seeds_dir}: no seed files (facts*.yaml)")
        return cls(fact for path in files for fact in load_file(path))
