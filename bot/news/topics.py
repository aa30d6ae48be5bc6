"""Topic profiles and vocabularies from ``config/topics.yaml``, and relevance against them.

A topic matches a text when one of its ``terms`` occurs, every item of ``requires`` occurs (an
item is a vocabulary name or a list of names of which one must occur), and the hits of its
``against`` vocabularies do not outnumber those of its ``home`` vocabularies (a story mostly about
other countries is not about US–China). A malformed file raises ValueError naming file and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.facts.lexicon import Lexicon, alternation
from bot.facts.roles import Roles


class _TopicSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    label: str = ""
    terms: list[str] = Field(min_length=1)
    requires: list[str | list[str]] = Field(default_factory=list)
    against: list[str] = Field(default_factory=list)
    home: list[str] = Field(default_factory=list)


class _TopicsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    roles: Roles = Field(default_factory=Roles)
    topics: list[_TopicSeed] = Field(min_length=1)

    @field_validator("vocabulary")
    @classmethod
    def _terms_are_text(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, terms in value.items():
            if not terms or any(not str(t).strip() for t in terms):
                raise ValueError(f"vocabulary {name!r} needs non-empty terms")
        return value


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    terms: str  # vocabulary name of the topic's own terms inside the lexicon
    requires: tuple[tuple[str, ...], ...]
    against: tuple[str, ...]
    home: tuple[str, ...]


@dataclass(frozen=True)
class TopicBook:
    """The topics and the shared lexicon they (and the fact hints) use."""

    topics: tuple[Topic, ...]
    vocabularies: Mapping[str, list[str]]
    lexicon: Lexicon
    roles: Roles

    def matching(self, text: str) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics if self._matches(t, text))

    def hits(self, text: str) -> int:
        """How many topic terms occur at all (a borderline signal)."""
        return sum(self.lexicon.count(t.terms, text) for t in self.topics)

    def _matches(self, topic: Topic, text: str) -> bool:
        lexicon = self.lexicon
        if not lexicon.any(topic.terms, text):
            return False
        if not all(lexicon.any_of(group, text) for group in topic.requires):
            return False
        if topic.against:
            against = sum(lexicon.count(name, text) for name in topic.against)
            home = sum(lexicon.count(name, text) for name in topic.home)
            if against > home:
                return False
        return True


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(file)"
    return f"field {where}: {first['msg']}"


def load_topics(path: Path) -> TopicBook:
    """Read and validate the topics file; ValueError names the file and the field."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read topics file: {exc}") from exc
    try:
        parsed = _TopicsFile.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"{path}: {_describe(exc)}") from exc
    vocabularies = {name: [str(t) for t in terms] for name, terms in parsed.vocabulary.items()}
    topics = []
    term_sets: dict[str, list[str]] = {}
    for index, seed in enumerate(parsed.topics):
        where = f"{path}: field topics.{index}"
        groups = []
        for item in seed.requires:
            group = (item,) if isinstance(item, str) else tuple(item)
            unknown = [name for name in group if name not in vocabularies]
            if unknown:
                raise ValueError(f"{where}.requires: unknown vocabulary {unknown[0]!r}")
            groups.append(group)
        for key in ("against", "home"):
            unknown = [n for n in getattr(seed, key) if n not in vocabularies]
            if unknown:
                raise ValueError(f"{where}.{key}: unknown vocabulary {unknown[0]!r}")
        try:
            alternation(seed.terms)
        except ValueError as exc:
            raise ValueError(f"{where}.terms: {exc}") from exc
        term_name = f"topic:{seed.id}"
        term_sets[term_name] = seed.terms
        topics.append(
            Topic(
                id=seed.id,
                label=seed.label or seed.id,
                terms=term_name,
                requires=tuple(groups),
                against=tuple(seed.against),
                home=tuple(seed.home),
            )
        )
    for role, name in parsed.roles.named():
        if name not in vocabularies:
            raise ValueError(f"{path}: field roles.{role}: unknown vocabulary {name!r}")
    lexicon = Lexicon.build({**vocabularies, **term_sets})
    return TopicBook(
        topics=tuple(topics), vocabularies=vocabularies, lexicon=lexicon, roles=parsed.roles
    )
