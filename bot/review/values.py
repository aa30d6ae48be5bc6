"""What a reviewer may type (a fact, a value, a source link), checked before anything is stored.

Every refusal is a :class:`Refused` whose message names the problem in words a reviewer reads
in chat or on the command line: an unknown fact lists the known ones, a value of the wrong kind
says what kind is expected ("banana%" for a percentage), an oversized field gives its length
and the limit, a source that is not an http(s) link says so.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from bot.facts.catalogue import Catalogue, normalise_value
from bot.facts.model import Fact, FactKind, FactValue

MAX_VALUE_CHARS = 100
MAX_SOURCE_CHARS = 1000
MAX_FACT_CHARS = 100


class Problem(StrEnum):
    """Why a decision changed nothing."""

    NOT_FOUND = "not-found"  # no such alert or claim
    UNKNOWN_FACT = "unknown-fact"
    BAD_VALUE = "bad-value"  # wrong kind of value, or too long
    BAD_SOURCE = "bad-source"
    NOT_ALLOWED = "not-allowed"  # not a reviewer (decided by the chat adapters)
    NOTHING_TO_DECIDE = "nothing-to-decide"  # no report awaiting review; not a change alert
    ALREADY_DECIDED = "already-decided"  # a second click: a reviewer decided it already
    STALE = "stale"  # the alert's reports were settled otherwise (a second source confirmed)
    MOVED = "moved"  # the fact has moved since the alert
    AMBIGUOUS = "ambiguous"  # the alert's reports disagree on a value
    UNCHANGED = "unchanged"  # the fact already has that value


class Refused(Exception):
    """A decision that cannot be made, and why."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


_EXPECTED = {
    FactKind.PERCENT: "a percentage such as 30 or 30%",
    FactKind.MONTH: "a month written YYYY-MM, such as 2025-06",
    FactKind.PERSON: "a person's name",
}


def expected(fact: Fact) -> str:
    """What kind of value ``fact`` takes, in words."""
    if fact.kind is FactKind.STATE:
        return "one of " + ", ".join(fact.states)
    return _EXPECTED[fact.kind]


def quoted(text: str, limit: int = 60) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{shown}”"


def find_fact(catalogue: Catalogue, name: str) -> Fact:
    """The fact whose id is ``name`` (any case, surrounding spaces ignored)."""
    wanted = name.strip().lower()
    if len(wanted) <= MAX_FACT_CHARS:
        for fact in catalogue.values():
            if fact.id == wanted:
                return fact
    known = ", ".join(catalogue)
    raise Refused(Problem.UNKNOWN_FACT, f"Unknown fact {quoted(name)}. Facts: {known}.")


def parse_value(fact: Fact, raw: str) -> FactValue:
    """``raw`` as ``fact`` holds values, or :class:`Refused` naming the problem."""
    text = raw.strip()
    if not text:
        raise Refused(Problem.BAD_VALUE, f"No value given for {fact.label}: {expected(fact)}.")
    if len(text) > MAX_VALUE_CHARS:
        raise Refused(
            Problem.BAD_VALUE,
            f"The value is too long: {len(text)} characters, at most {MAX_VALUE_CHARS}.",
        )
    try:
        return normalise_value(fact, text)
    except (ValueError, OverflowError) as exc:
        reason = "" if "could not convert" in str(exc) else f" ({exc})"
        raise Refused(
            Problem.BAD_VALUE,
            f"{quoted(text)} is not a value for {fact.label}{reason}: {expected(fact)} "
            "is expected.",
        ) from exc


def check_source(raw: str | None) -> str:
    """An optional source link: empty, or an absolute http(s) URL of at most
    :data:`MAX_SOURCE_CHARS` characters."""
    text = (raw or "").strip().strip("<>").split("|", 1)[0]
    if not text:
        return ""
    if len(text) > MAX_SOURCE_CHARS:
        raise Refused(
            Problem.BAD_SOURCE,
            f"The source link is too long: {len(text)} characters, at most {MAX_SOURCE_CHARS}.",
        )
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(
            Problem.BAD_SOURCE, f"The source must be an http(s) link, not {quoted(text)}."
        )
    if any(ch.isspace() for ch in text):
        raise Refused(Problem.BAD_SOURCE, "The source link may not contain spaces.")
    return text
