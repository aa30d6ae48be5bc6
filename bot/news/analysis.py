"""The analysis step: relevance, topics, claims, summary for one entry.

The default :class:`RuleAnalyser` is offline and deterministic, driven by ``seeds/`` (the facts
and their hints) and ``config/topics.yaml`` (topics and vocabularies). An entry is relevant when a
topic matches it or it makes a claim about a tracked fact (the fact's topics are then added).
Another analyser (for example an LLM-backed one) only has to implement :class:`Analyser`.

An entry that holds none of the words the rules need (``bot/news/prefilter.py``) skips the claim
extractor and the topic matching: it makes no claim and matches no topic, whatever they would
have looked at, so its analysis is the one they would have given.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.facts.catalogue import Catalogue
from bot.facts.extract import ClaimExtractor
from bot.facts.model import Claim, Modality
from bot.facts.zh.script import language_of
from bot.facts.zh.text import sentences as zh_sentences
from bot.feeds.entry import Entry
from bot.news.prefilter import Prefilter
from bot.news.summary import summarise
from bot.news.topics import TopicBook, load_topics

log = logging.getLogger(__name__)
SHORT_TEXT_CHARS = 200


@dataclass(frozen=True)
class Analysis:
    relevant: bool
    topics: tuple[str, ...]  # topic ids from config/topics.yaml
    claims: tuple[Claim, ...]
    summary: str  # 1-3 extractive sentences, plain text, no HTML
    needs_full_text: bool  # relevant-looking but the text is too short to judge
    opinion: bool = False  # an opinion or analysis piece: it proposes, and raises no news alert


class Analyser(Protocol):
    def analyse(self, entry: Entry) -> Analysis: ...


class RuleAnalyser:
    """Rule-based analysis from the catalogue's hints and the topic book."""

    def __init__(self, catalogue: Catalogue, book: TopicBook) -> None:
        self.catalogue = catalogue
        self.book = book
        languages = {code: (lang.vocabularies, lang.roles) for code, lang in book.languages.items()}
        self.extractor = ClaimExtractor(catalogue, book.vocabularies, book.roles, languages)
        self._term_names = [t.terms for t in book.topics]
        self.prefilter = Prefilter.build(
            catalogue, self.extractor.lexicon, book.lexicon, self._term_names
        )

    def _screen(self, entry: Entry, text: str) -> tuple[bool, bool]:
        """Whether the entry may make a claim, and whether it may match a topic (see
        ``bot/news/prefilter.py``; an entry in a language with its own rules is not
        screened)."""
        if language_of(text) in self.book.languages or (
            language_of(f"{entry.title} {entry.text}") in self.book.languages
        ):
            return True, True
        screened = self.prefilter.screen(f"{entry.title} {entry.text}")
        return (True, True) if screened is None else screened

    def analyse(self, entry: Entry) -> Analysis:
        text = entry.full_text
        may_claim, may_match = self._screen(entry, text)
        claims: tuple[Claim, ...] = ()
        try:
            if may_claim:
                claims = tuple(
                    self.extractor.extract(
                        entry.text, entry.published, title=entry.title, link=entry.link
                    )
                )
        except Exception:  # feed text is untrusted: one bad entry must not stop the worker
            log.exception("analysis: feed %s entry %s: claim extraction failed", entry.feed,
                          entry.entry_id)  # fmt: skip
            claims = ()
        topics = list(self.book.matching(text)) if may_match else []
        for claim in claims:
            fact = self.catalogue.get(claim.fact_id)
            for topic in fact.topics if fact else ():
                if topic not in topics:
                    topics.append(topic)
        relevant = bool(topics)
        evidence = [c.evidence for c in claims if c.modality is not Modality.HISTORICAL]
        book = self.book.languages.get(language_of(text))
        if book is not None:  # Chinese: its sentences, its terms; the evidence quoted as published
            terms = [t.terms for t in book.topics]
            summary = summarise(entry.title, entry.text, book.lexicon, terms, evidence,
                                split=zh_sentences)  # fmt: skip
        else:  # without a topic's term in the text, every sentence scores no term
            terms = self._term_names if may_match else []
            summary = summarise(entry.title, entry.text, self.book.lexicon, terms, evidence)
        borderline = relevant or (may_match and self.book.hits(text) > 0)
        return Analysis(
            relevant=relevant,
            topics=tuple(topics),
            claims=claims,
            summary=summary,
            needs_full_text=borderline and len(entry.text) < SHORT_TEXT_CHARS,
            opinion=self.extractor.is_opinion(entry.title, entry.link),
        )


def build_analyser(
    catalogue: Catalogue, topics_file: Path, book: TopicBook | None = None
) -> Analyser:
    """The default analyser; a malformed topics file or hint raises ValueError saying where.
    ``book``: the topics file already read (:func:`~bot.news.topics.load_topics`), so that a
    process that needs it too reads it once."""
    if book is None:
        book = load_topics(topics_file)
    try:
        return RuleAnalyser(catalogue, book)
    except ValueError as exc:
        raise ValueError(f"{topics_file} / seeds: {exc}") from exc
