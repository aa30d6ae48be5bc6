"""Who taxes whom in a Chinese phrase: the party after 对/针对/原产于/来自 (or 对华/对美), or
the party whose goods are named (中国商品), is the target, the first party before it the actor;
goods bound for a country (输美商品, 对美出口) pay that country's tariff, so the other party is the
one taxed."""

from __future__ import annotations

import re

from bot.facts.lexicon import Lexicon

_TARGET = r"(?:对|针对|原产于|来自|输往|进口自|自)\s*(?:原产于)?\s*"
# a party's goods are taxed ("大部分中国商品适用的关税": the tariff on Chinese goods)
_GOODS = r"(?=(?:的)?(?:进口)?(?:商品|产品|货物))"
_BOUND_FOR = re.compile(
    r"(?:输|出口到|出口至|销往|运往)(?P<dest>美国?|华|中国)(?:的)?(?:商品|产品|货物)"
    r"|对(?P<to>美国?|华|中国)出口"
)


class ZhParties:
    """``parties``: the party vocabulary names to look for; ``others``: the one of third
    countries (a target of its own only where neither party is named)."""

    def __init__(self, lexicon: Lexicon, parties: tuple[str, ...], others: str) -> None:
        self.lexicon = lexicon
        self.parties = parties
        self.others = others
        src = lexicon.sources
        self._targets = {
            p: re.compile(rf"{_TARGET}(?:{src[p]})|(?=对)(?:{src[p]})|(?:{src[p]}){_GOODS}")
            for p in parties
        }

    def find(self, text: str) -> tuple[str | None, str | None]:
        """(target, actor) of ``text``, each ``None`` where it names none."""
        bound = _BOUND_FOR.search(text)
        if bound is not None:  # "中国输美商品承担的关税": goods bound for the US pay its tariff
            dest = bound.group("dest") or bound.group("to") or ""
            place = "美国" if dest.startswith("美") else "中国"
            taxer = next((p for p in self.parties if self.lexicon.any(p, place)), None)
            taxed = next((p for p in self.parties if p != taxer), None)
            if self.lexicon.any(self.others, text[max(0, bound.start() - 6) : bound.start()]):
                return self.others, taxer  # "瑞士输美商品": a third country's goods
            if taxer is not None and taxed is not None:
                return taxed, taxer
        target = self._target(text)
        actor = self._actor(text, target[1] if target else None)
        return (target[0] if target else None), actor

    def _target(self, text: str) -> tuple[str, int] | None:
        hits = [
            (match.start(), party)
            for party, pattern in self._targets.items()
            if (match := pattern.search(text)) is not None
        ]
        if not hits:
            return None
        own = [h for h in hits if h[1] != self.others]
        start, party = min(own or hits)
        return party, start

    def _actor(self, text: str, before: int | None) -> str | None:
        head = text if before is None else text[:before]
        hits = [
            (match.start(), party)
            for party in self.parties
            if (match := self.lexicon.compiled[party].search(head)) is not None
            and not match.group(0).startswith("对")
        ]
        return min(hits)[1] if hits else None
