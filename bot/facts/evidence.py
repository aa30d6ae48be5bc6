"""Evidence: who says a claim (source tiers), what is on record already (reports), and whether
a claim's stated prior fits the fact's history.

Tiers come from config (``sources``: domains per tier; an unknown domain is an ``outlet``). A
domain matches a host equal to it or ending in ``.<domain>``; the longest matching domain wins,
so ``opinion.example.com`` can be ``opinion`` while ``example.com`` is a ``wire``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from bot.facts.model import FactState, FactValue
from bot.facts.values import same_value


class Tier(StrEnum):
    OFFICIAL = "official"  # a government's own site
    WIRE = "wire"  # a news agency
    OUTLET = "outlet"  # any other publisher (the default)
    OPINION = "opinion"  # opinion and commentary: never moves a fact


@dataclass(frozen=True, slots=True)
class Source:
    domain: str
    tier: Tier


def host_of(link: str) -> str:
    try:
        host = (urlsplit(link).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


class SourceBook:
    """Domain → tier, from the config's ``sources``."""

    def __init__(self, tiers: Mapping[str, Iterable[str]]) -> None:
        self._domains: dict[str, Tier] = {}
        for tier, domains in tiers.items():
            for domain in domains:
                cleaned = domain.strip().lower().lstrip(".")
                self._domains[cleaned[4:] if cleaned.startswith("www.") else cleaned] = Tier(tier)

    def source_of(self, link: str, fallback: str = "") -> Source:
        """The source of an entry by its link's host (``fallback`` names a link-less one)."""
        host = host_of(link)
        if not host:
            return Source(domain=fallback, tier=Tier.OUTLET)
        best: tuple[int, Tier] | None = None
        for domain, tier in self._domains.items():
            if (host == domain or host.endswith("." + domain)) and (
                best is None or len(domain) > best[0]
            ):
                best = (len(domain), tier)
        return Source(domain=host, tier=best[1] if best else Tier.OUTLET)


@dataclass(frozen=True, slots=True)
class Report:
    """A claim already on record: an earlier entry's claim of a value for a fact."""

    fact_id: str
    value: FactValue
    domain: str
    entry_key: str
    published: datetime
    status: str  # the ledger status: reported, corroborated, changed, corrected, confirmed
    alert_id: str | None = None


@dataclass(frozen=True, slots=True)
class EvidencePolicy:
    """When a claim moves a fact (see ``bot/facts/compare.py`` for the order of the rules).

    ``alone``: tiers whose single firm, consistent claim moves a fact. ``sources_needed``:
    independent sources (distinct domains, not copies of one another) that move it together,
    within ``window``.
    """

    alone: frozenset[Tier] = frozenset({Tier.OFFICIAL, Tier.WIRE, Tier.OUTLET})
    sources_needed: int = 2
    window: timedelta = timedelta(hours=48)


class Prior(StrEnum):
    """How a claim's stated "from" value fits the fact's history."""

    UNKNOWN = "unknown"  # the text gives no prior
    CONSISTENT = "consistent"  # the prior is the value in force (or the one a part implies)
    STALE = "stale"  # an old transition retold: the new value is one the fact had before
    CONTRADICTS = "contradicts"  # the prior is the value before the last change: it looks wrong
    INCONSISTENT = "inconsistent"  # any other prior


def check_prior(value: FactValue, prior: FactValue | None, state: FactState) -> Prior:
    if prior is None:
        return Prior.UNKNOWN
    if same_value(prior, state.value) or same_value(prior, state.implied):
        return Prior.CONSISTENT
    if any(same_value(value, past) for past in state.history):
        return Prior.STALE
    if state.entry_key is not None and same_value(prior, state.previous):
        return Prior.CONTRADICTS
    return Prior.INCONSISTENT


def independent(reports: Iterable[Report], own_domain: str) -> list[Report]:
    """One report per domain, the earliest, leaving out the entry's own domain."""
    chosen: dict[str, Report] = {}
    for report in sorted(reports, key=lambda r: (r.published, r.entry_key)):
        if report.domain != own_domain and report.domain not in chosen:
            chosen[report.domain] = report
    return list(chosen.values())
