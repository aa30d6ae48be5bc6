"""Topic profiles and vocabularies from ``config/topics.yaml``, and relevance against them.

A topic matches a text when one of its ``terms`` occurs, every item of ``requires`` occurs (an
item is a vocabulary name or a list of names of which one must occur), and the hits of its
``against`` vocabularies do not outnumber those of its ``home`` vocabularies (a story mostly about
other countries is not about US–China). A malformed file raises ValueError naming file and field.

``languages`` holds the rules of other languages (``zh``): their own vocabularies (same names,
other words), roles and topic terms (by topic id). An entry is matched against the profile of its
language (``bot/facts/zh/script.py``), in simplified characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.facts.lexicon import Lexicon, alternation
from bot.facts.roles import Roles
from bot.facts.zh.roles import ZhRoles
from bot.facts.zh.script import language_of, to_simplified

LANGUAGES = ("zh",)  # the languages that have rules (bot/facts/zh/)


class _LanguageTopic(BaseModel):
    """A topic's terms in one language (a language's part of a topic)."""

    model_config = ConfigDict(extra="forbid")

    terms: list[str] = Field(min_length=1)
    requires: list[str | list[str]] = Field(default_factory=list)
    against: list[str] = Field(default_factory=list)
    home: list[str] = Field(default_factory=list)


class _TopicSeed(_LanguageTopic):
    """A topic: its id and label, and its terms in English."""

    id: str = Field(min_length=1)
    label: str = ""


class _LanguageSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    roles: ZhRoles = Field(default_factory=ZhRoles)
    topics: dict[str, _LanguageTopic] = Field(default_factory=dict)


class _TopicsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    roles: Roles = Field(default_factory=Roles)
    topics: list[_TopicSeed] = Field(min_length=1)
    languages: dict[str, _LanguageSeed] = Field(default_factory=dict)

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: dict[str, _LanguageSeed]) -> dict[str, _LanguageSeed]:
        for code in value:
            if code not in LANGUAGES:
                raise ValueError(f"{code!r}: no rules for this language (known: {list(LANGUAGES)})")
        return value

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
class LanguageBook:
    """Another language's topic terms, vocabularies, lexicon and roles."""

    topics: tuple[Topic, ...]
    vocabularies: Mapping[str, list[str]]
    lexicon: Lexicon
    roles: ZhRoles


@dataclass(frozen=True)
class TopicBook:
    """The topics and the shared lexicon they (and the fact hints) use."""

    topics: tuple[Topic, ...]
    vocabularies: Mapping[str, list[str]]
    lexicon: Lexicon
    roles: Roles
    languages: Mapping[str, LanguageBook] = field(default_factory=dict)

    def _profile(self, text: str) -> tuple[TopicBook | LanguageBook, str]:
        language = language_of(text)
        book = self.languages.get(language)
        return (book, to_simplified(text)) if book is not None else (self, text)

    def matching(self, text: str) -> tuple[str, ...]:
        book, text = self._profile(text)
        return tuple(t.id for t in book.topics if _matches(book.lexicon, t, text))

    def hits(self, text: str) -> int:
        """How many topic terms occur at all (a borderline signal)."""
        book, text = self._profile(text)
        return sum(book.lexicon.count(t.terms, text) for t in book.topics)


def _matches(lexicon: Lexicon, topic: Topic, text: str) -> bool:
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


def _topic(where: str, topic_id: str, seed: _TopicSeed | _LanguageTopic,
           vocabularies: Mapping[str, list[str]], terms: str) -> Topic:  # fmt: skip
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
    label = seed.label if isinstance(seed, _TopicSeed) else ""
    return Topic(
        id=topic_id,
        label=label or topic_id,
        terms=terms,
        requires=tuple(groups),
        against=tuple(seed.against),
        home=tuple(seed.home),
    )


def _language_book(
    path: Path, code: str, seed: _LanguageSeed, topic_ids: list[str]
) -> LanguageBook:
    where = f"{path}: field languages.{code}"
    vocabularies = {name: [str(t) for t in terms] for name, terms in seed.vocabulary.items()}
    for name, terms in vocabularies.items():
        if not terms or any(not t.strip() for t in terms):
            raise ValueError(f"{where}.vocabulary: {name!r} needs non-empty terms")
    topics = []
    term_sets: dict[str, list[str]] = {}
    for topic_id, topic_seed in seed.topics.items():
        if topic_id not in topic_ids:
            raise ValueError(f"{where}.topics: {topic_id!r} is not a topic of the file")
        term_sets[f"topic:{topic_id}"] = topic_seed.terms
        where_topic = f"{where}.topics.{topic_id}"
        term_name = f"topic:{topic_id}"
        topics.append(_topic(where_topic, topic_id, topic_seed, vocabularies, term_name))
    for role, name in seed.roles.named():
        if name not in vocabularies:
            raise ValueError(f"{where}.roles.{role}: unknown vocabulary {name!r}")
    try:
        lexicon = Lexicon.build({**vocabularies, **term_sets}, screened=False)
    except ValueError as exc:
        raise ValueError(f"{where}.vocabulary: {exc}") from exc
    return LanguageBook(tuple(topics), vocabularies, lexicon, seed.roles)


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
        term_name = f"topic:{seed.id}"
        term_sets[term_name] = seed.terms
        topics.append(
            _topic(f"{path}: field topics.{index}", seed.id, seed, vocabularies, term_name)
        )
    for role, name in parsed.roles.named():
        if name not in vocabularies:
            raise ValueError(f"{path}: field roles.{role}: unknown vocabulary {name!r}")
    lexicon = Lexicon.build({**vocabularies, **term_sets})
    ids = [t.id for t in topics]
    languages = {
        code: _language_book(path, code, seed, ids) for code, seed in parsed.languages.items()
    }
    return TopicBook(
        topics=tuple(topics),
        vocabularies=vocabularies,
        lexicon=lexicon,
        roles=parsed.roles,
        languages=languages,
    )
