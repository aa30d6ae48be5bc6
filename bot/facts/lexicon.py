"""Vocabulary terms as regular expressions.

A *term* is a word or phrase from ``config/topics.yaml`` or ``seeds/``: matched
case-insensitively on word boundaries, a trailing ``*`` matches any word ending, spaces match any
run of spaces or a hyphen, and a term written in capitals (``US``, ``U.S.``, ``EVs``) matches
case-sensitively so that the pronoun "us" is not the country. A term that starts with ``re:``
is a regular expression used as it is (for the few markers words cannot say: "may" the verb but
not "May 14", "no" but not "no longer").

A term holding CJK characters (Chinese rules, ``languages:`` in the topics file) matches as
written, without word boundaries: every CJK character is a word of its own, and Chinese is
written without spaces.

A *pattern* (in the fact hints) is a regular expression in which ``{name}`` stands for the
alternation of the vocabulary ``name``; ``{name}`` must name a known vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.facts.literals import Screen

_CAPITALISED = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Z0-9.\- ]+s?$")
_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_WORD_BEFORE = r"(?<![\w-])"
_WORD_AFTER = r"(?![\w])"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def term_regex(term: str) -> str:
    """The regular expression (without flags) matching one vocabulary term."""
    text = term.strip()
    if not text:
        raise ValueError("empty term")
    if text.startswith("re:"):
        try:
            re.compile(text[3:])
        except re.error as exc:
            raise ValueError(f"bad regular expression {text!r}: {exc}") from exc
        return f"(?:{text[3:]})"
    if _CJK.search(text):
        return cjk_term_regex(text)
    wildcard = text.endswith("*")
    body = text.rstrip("*")
    pieces = [re.escape(word) for word in re.split(r"[\s-]+", body) if word]
    core = r"[\s-]+".join(pieces)
    if body.endswith("-"):
        core += "-"
    if wildcard:
        core += r"[\w-]*"
    elif not core.endswith(r"\."):
        core += _WORD_AFTER
    if _CAPITALISED.match(body):
        core = f"(?-i:{core})"
    return _WORD_BEFORE + core


def cjk_term_regex(term: str) -> str:
    """A Chinese term: its characters as written (no word boundaries), a space matching any run
    of spaces or none; Latin letters in it match case-insensitively like the rest."""
    pieces = [re.escape(part) for part in term.split()]
    return r"\s*".join(pieces)


def alternation(terms: Iterable[str]) -> str:
    """One group matching any of ``terms``, longest first."""
    ordered = sorted({t for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    if not ordered:
        return "(?!x)x"
    regexes = [term_regex(t) for t in ordered]
    # the word boundary before a term is tested once for all of them, not once per term
    bounded = [r[len(_WORD_BEFORE) :] for r in regexes if r.startswith(_WORD_BEFORE)]
    other = [r for r in regexes if not r.startswith(_WORD_BEFORE)]
    groups = ([f"{_WORD_BEFORE}(?:{'|'.join(bounded)})"] if bounded else []) + other
    return "(?:" + "|".join(groups) + ")"


@dataclass(frozen=True)
class Lexicon:
    """Named vocabularies, each compiled once."""

    sources: Mapping[str, str]
    compiled: Mapping[str, re.Pattern[str]]
    # each compiled pattern behind the test of its literals (``bot/facts/literals.py``)
    screens: Mapping[str, Screen] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        vocabularies: Mapping[str, Iterable[str]],
        raw: Mapping[str, str] | None = None,
        screened: bool = True,
    ) -> Lexicon:
        """Compile ``vocabularies``; ``raw`` adds named regular expressions used as they are.
        ``screened``: each behind the test of its literals (Chinese terms are searched at once:
        a test would cost more than it saves)."""
        sources = {name: alternation(terms) for name, terms in vocabularies.items()}
        sources.update(raw or {})
        compiled = {name: re.compile(src, re.IGNORECASE) for name, src in sources.items()}
        screens = {name: Screen.of(p) if screened else Screen(p) for name, p in compiled.items()}
        return cls(sources=sources, compiled=compiled, screens=screens)

    def has(self, name: str) -> bool:
        return name in self.sources

    def find(self, name: str, text: str) -> list[re.Match[str]]:
        screen = self.screens.get(name)
        return list(screen.finditer(text)) if screen else []

    def masked(self, name: str, text: str) -> str:
        """``text`` with the vocabulary's matches blanked out, offsets kept (what listed
        chemicals are "used to make" is the product, not what is listed)."""
        screen = self.screens.get(name)
        if screen is None or not screen.search(text):
            return text
        return screen.pattern.sub(lambda m: " " * len(m.group(0)), text)

    def count(self, name: str, text: str) -> int:
        return len(self.find(name, text))

    def any(self, name: str, text: str) -> bool:
        screen = self.screens.get(name)
        return bool(screen and screen.search(text))

    def any_of(self, names_or_terms: Iterable[str], text: str) -> bool:
        """Whether one of the named vocabularies (or, for an unknown name, the term) occurs."""
        for item in names_or_terms:
            if self.has(item):
                if self.any(item, text):
                    return True
            elif re.search(term_regex(item), text, re.IGNORECASE):
                return True
        return False

    def pattern(self, source: str) -> re.Pattern[str]:
        """Compile a hint pattern, expanding ``{name}``; raise ValueError for an unknown name."""

        def expand(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.sources:
                raise ValueError(f"unknown vocabulary {{{name}}} in pattern {source!r}")
            return self.sources[name]

        try:
            return re.compile(_MACRO.sub(expand, source), re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"bad pattern {source!r}: {exc}") from exc
