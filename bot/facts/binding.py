"""Binding a figure's phrase to a tracked fact: which parties it names, and so which rule.

The order (see also :mod:`bot.facts.figures`): the party the local phrase names as target
("on Chinese goods", "imports from China"), else its party's shorthand ("China tariffs" are
tariffs on China), else the party named before the noun as actor ("US duties", "China's
tariffs"; "Trump cuts China's tariff" acts on China's tariff, so China is the target, but not
"... negotiate away the US fentanyl tariff", a part only the US imposes), else the
clause's target, else a qualified fact the phrase names, else the qualified duty an order's title
names, else the fact whose own duties the phrase names ("the emergency-law duties"), else the
clause's, sentence's or title's first actor. Found only outside the phrase, a
party binds *loosely*. Then qualifiers pick the qualified fact, an ``exclude`` vocabulary voids
the figure, an aggregate counting outside duties voids it, and an actor-bound figure needs the
fact's target named in the sentence or title and no other country there instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.facts.counting import counted_in, counted_outside, object_after
from bot.facts.documents import TitledDuty
from bot.facts.lexicon import Lexicon
from bot.facts.literals import Screen
from bot.facts.roles import Roles
from bot.facts.rules import FigureRule, qualified_only

WORD = r"(?:[\w'’-]+,?\s+)"
# sending goods through a third country ("goods transshipped from China" are that country's)
_VIA_VERBS = r"(?:trans-?ship\w*|re-?rout\w*|routed|re-?export\w*)"
# a word between the goods and their origin that does not send them through a third country
_NOT_VIA = rf"(?:(?!{_VIA_VERBS})[\w'’-]+,?\s+)"
_VIA = re.compile(
    rf"\b{_VIA_VERBS}\s+(?:[\w'’-]+\s+){{0,3}}?(?:from|through|via)\s+(?:the\s+)?[\w'’.-]+",
    re.IGNORECASE,
)
# a party the text sets aside ("China not included", "excluding China"): not named as target
_SET_ASIDE = re.compile(
    r"\b(?:excluding|except(?:\s+for)?|other than|not including)\s+(?:the\s+)?[\w'’.-]+"
    r"|[\w'’.-]+\s+(?:(?:was|is|were|are)\s+)?(?:not included|not among|excluded|exempt(?:ed)?)\b",
    re.IGNORECASE,
)


def _unnamed(text: str) -> str:
    """``text`` without the parties it sends through a third country or sets aside."""
    return _SET_ASIDE.sub(" ", _VIA.sub(" ", text))


_GOODS = (
    r"(?:goods|imports|products|exports|shipments|items|merchandise|purchases|wares|commodities|"
    r"sales|articles|origin goods)"
)
_STOP_BEFORE = re.compile(
    r"(?:^|[,;:]|\b(?:plus|and|or|with|but|from|to|at|by|than|versus|while|as)\b)(?!.*"
    r"(?:[,;:]|\b(?:plus|and|or|with|but|from|to|at|by|than|versus|while|as)\b))",
    re.IGNORECASE | re.DOTALL,
)


def phrase_start(text: str, head: int) -> int:
    """Up to three words before ``head``, not reaching past a conjunction or comma."""
    words = list(re.finditer(r"[\w'’.-]+", text[:head]))[-3:]
    start = words[0].start() if words else head
    stop = _STOP_BEFORE.search(text[start:head])
    if stop and stop.end() > 0:
        start += stop.end()
    return start


def _screened(source: str, flags: int) -> Screen:
    return Screen.of(re.compile(source, flags))


class PartyBinder:
    """Binds phrases to figure rules; built once from the rules, the lexicon and the roles."""

    def __init__(self, rules: Sequence[FigureRule], lexicon: Lexicon, roles: Roles) -> None:
        self.rules = list(rules)
        self.lexicon = lexicon
        self.roles = roles
        named = [n for r in self.rules for n in (r.actor, r.target) if n]
        self.parties = tuple(dict.fromkeys([*named, roles.others]))
        self.documents = TitledDuty(self.rules, lexicon, roles.aggregate)
        self._targets = self._party_patterns()
        src = lexicon.sources
        qualifiers = {q for r in self.rules for q in r.qualifiers} | {roles.layers}
        named_part = "|".join(src[q] for q in sorted(qualifiers) if q in src)
        # a qualifier between a party's bare name and the noun ("the China fentanyl duty")
        self._qualifier_between = rf"(?:(?:{named_part})[\w-]*\s+)?" if named_part else ""

    def _party_patterns(self) -> dict[str, list[Screen]]:
        kinds: dict[str, list[Screen]] = {"from": [], "on": [], "country": [], "bare": []}
        for party in self.parties:
            src = self.lexicon.sources[party]
            flags = re.IGNORECASE
            kinds["from"].append(
                _screened(
                    rf"{_GOODS}\s+{_NOT_VIA}{{0,2}}?"
                    rf"(?:from|made in|of|originating in|shipped from)\s+(?:the\s+)?{src}",
                    flags,
                )
            )
            kinds["on"].append(
                _screened(
                    rf"\b(?:on|against|for|targeting|covering)\s+{WORD}{{0,3}}?{src}(?:['’]s)?"
                    rf"(?:-made|-origin)?\s+{WORD}{{0,2}}?{_GOODS}",
                    flags,
                )
            )
            kinds["country"].append(
                _screened(rf"\b(?:on|against)\s+(?:the\s+)?{src}(?!['’]s)", flags)
            )
            kinds["bare"].append(
                _screened(
                    rf"{src}(?:-made|-origin)?\s+(?:[\w-]+\s+)?{_GOODS}"
                    r"(?!\s+(?:from|made in|of)\b)",
                    flags,
                )
            )
        return kinds

    def _target(self, text: str) -> tuple[str, str] | None:
        """The party a phrase names as target, and the phrase; a party listed with other
        countries ("on Mexico, Canada and China") wins over them."""
        for kind in ("from", "on", "country", "bare"):
            hits = sorted(
                (match.start(), party, match.group(0))
                for party, pattern in zip(self.parties, self._targets[kind], strict=True)
                for match in [pattern.search(text)]
                if match
            )
            if hits:
                own = [h for h in hits if h[1] != self.roles.others]
                pick = (
                    own[0]
                    if own and self._listed_with_others(text, own[0][0], hits[0][0])
                    else hits[0]
                )
                start = text.find(pick[2])
                return pick[1], text[start : start + len(pick[2]) + 60]  # with what follows
        return None

    def _listed_with_others(self, text: str, own_at: int, first_at: int) -> bool:
        between = text[first_at:own_at]
        return own_at <= first_at or (len(between) < 60 and not re.search(r"[;.]", between))

    def _premodifier_actor(self, text: str, nouns: str) -> str | None:
        """The party named before the noun ("US duties", "China's tariffs"); a bare name whose
        party's shorthand is ``target`` means the tariffs on it, so it names no actor."""
        noun_src = self.lexicon.sources[nouns]
        hits = []
        for party in self.parties:
            src = self.lexicon.sources[party]
            for pattern in (
                rf"{src}(?P<own>['’]s)?\s+(?:[\w%'’.-]+,?\s+){{0,2}}?{noun_src}",
                rf"{noun_src}\s+(?:imposed|levied|set|announced|charged|applied)\s+by\s+"
                rf"(?:the\s+)?{src}",
            ):
                match = re.search(pattern, text, re.IGNORECASE)
                if match:
                    hits.append((match.start(), party))
        return min(hits, key=lambda h: h[0])[1] if hits else None

    def _shorthand_target(self, text: str, nouns: str) -> str | None:
        """A bare party name right before the noun, or before a qualifier of it, read as its
        party's shorthand says ("China tariffs", "the China fentanyl duty": on China)."""
        noun_src = self.lexicon.sources[nouns]
        between = self._qualifier_between
        for party, reading in self.roles.parties.items():
            if reading.shorthand != "target" or not reading.names:
                continue
            names = "|".join(re.escape(n) for n in reading.names)
            if re.search(rf"(?<![\w'’-])(?:{names})\s+{between}(?:{noun_src}|rates?\b)", text):
                return party
        return None

    def _subject(self, text: str) -> str | None:
        hits = [
            (match.start(), party)
            for party in self.parties
            for match in [self.lexicon.screens[party].search(text)]
            if match
        ]
        return min(hits)[1] if hits else None

    def bind(
        self,
        local: str,
        clause: str,
        sentence: str,
        nouns: str,
        entry: str,
        title: str,
        foreground: str | None = None,
    ) -> tuple[FigureRule, bool] | None:
        """The rule a figure's phrase binds to, and whether it bound loosely (see the module
        docstring for the order). ``foreground``: the sentence without its background clauses
        ("Because the PRC has suspended ...", whose subject is no actor of this figure)."""
        foreground = sentence if foreground is None else foreground
        target, target_phrase = self._target(local) or (None, "")
        actor = None
        loose = False
        head = ""  # the sentence before the clause, when the sentence's subject is the actor
        if target is None:
            target = self._shorthand_target(local, nouns)
        if target is None:
            actor = self._premodifier_actor(local, nouns)
            if (
                actor is not None
                and self._acted_on(actor, local, clause)
                and not self._own_part(actor, local, nouns)
            ):
                target, actor = actor, None  # "Trump cuts China's tariff": the tariff on China
        if target is None and actor is None:
            target, target_phrase = self._target(clause) or (None, "")
            target = target or self._shorthand_target(clause, nouns)
            loose = target is not None
        if target is None and actor is None:  # "leaving the 10% reciprocal duty as the only
            rest = sentence[sentence.find(local) + len(local) :] if local in sentence else ""
            if _AS_THE_ONLY.match(rest):  # duty on Chinese goods": whose it is comes after
                target, target_phrase = self._target(rest[:80]) or (None, "")
                loose = target is not None
        if target is None and actor is None:
            # not "the fentanyl duties, which bring the combined rate to 30%": a total of them
            only = None
            if not self.lexicon.any(self.roles.aggregate, local):
                only = qualified_only(self.rules, self.lexicon, local, entry)
            if only is not None:
                return only, True
            titled = self.documents.rule_for(title, local)
            if titled is not None:
                return titled, True  # an order titled for one duty: its body speaks of it
            by_name = [
                r
                for r in self.rules
                if r.nouns == nouns and any(self.lexicon.any(name, local) for name in r.names)
            ]
            # "the emergency-law duties on most goods": whose they are; not "the fentanyl duty
            # imposed under emergency powers" (a part, in an entry that names no target)
            if by_name and not self.names_part(local):
                return by_name[0], False
            actor = self._subject(local) or self._subject(clause)  # "US to 30%, China to 10%"
            if actor is None:  # the sentence's subject: what it acts on before is this figure's
                actor = self._subject(foreground) or self._subject(title)
                head = sentence[: max(0, sentence.find(clause))]
            loose = True
        if target is None and actor is None:
            return None
        rules = [
            r
            for r in self.rules
            if r.nouns == nouns
            and ((target and r.target == target) or (not target and r.actor == actor))
        ]
        aggregate = self.lexicon.any(self.roles.aggregate, local)
        qualified = [r for r in rules if r.qualifiers and self.lexicon.any_of(r.qualifiers, local)]
        plain = [r for r in rules if not r.qualifiers]
        if aggregate or (qualified and counted_in(local, clause, self.lexicon, qualified)):
            qualified = []  # "with the fentanyl levy, a combined 30%" is no part's level
        chosen = qualified or self.documents.qualified(plain, rules, sentence, title) or plain
        if not chosen:
            return None
        rule = chosen[0]
        phrase = f"{local} {target_phrase} {object_after(local, clause)}"
        # the party came from the clause before the figure: so does what it names, unless the
        # phrase is a total of the whole's own parts ("combined duties including the fentanyl
        # tariff"): the parts named before it are what it adds up
        if loose and not (aggregate and self.names_part(local)):
            phrase = f"{phrase} {head}{clause[: max(0, clause.find(local))]}"
        opening = _OPENING.match(clause)  # "Concluding its Section 301 probe of chips, USTR ..."
        if opening and opening.end() <= clause.find(local):
            phrase = f"{phrase} {opening.group(0)}"
        excluded = any(self.lexicon.any(name, phrase) for name in rule.exclude)
        if excluded and not self.sole_layer(rule, local, sentence):
            return None
        if counted_outside(sentence, local, self.lexicon.sources[self.roles.outside]):
            return None  # "a total of 55%, counting Section 301 duties": another measure
        if not rule.qualifiers and self.documents.excludes(title, rule):
            return None  # an order titled for the reciprocal rate speaks of that part
        if target is None and not self.target_named(rule, sentence, title):
            return None
        named = rule.target is None or self.lexicon.any(rule.target, f"{entry} {title}")
        if target is None and rule.target_named and not named:
            return None  # "the president sets a 60% duty on furniture": no tariff on China
        return rule, loose

    def names_part(self, text: str) -> bool:
        """Whether ``text`` names a qualified part of a whole ("the fentanyl duty")."""
        return any(r.qualifiers and self.lexicon.any_of(r.qualifiers, text) for r in self.rules)

    def _own_part(self, party: str, local: str, nouns: str) -> bool:
        """Whether ``local`` names a qualified part of ``party``'s own measure ("China seeks to
        negotiate away the US fentanyl tariff": the fentanyl duty is only ever the US's)."""
        return any(
            r.nouns == nouns
            and r.actor == party
            and r.qualifiers
            and self.lexicon.any_of(r.qualifiers, local)
            for r in self.rules
        )

    def _acted_on(self, party: str, local: str, clause: str) -> bool:
        """Whether another party acts on ``party``'s possessive noun ("Trump cuts China's
        tariff"): the clause names another party before the noun phrase."""
        head = clause[: max(clause.find(local), 0)]
        others = [p for p in self.roles.parties if p != party and self.lexicon.has(p)]
        return bool(head) and any(self.lexicon.any(p, head) for p in others)

    def sole_layer(self, rule: FigureRule, local: str, sentence: str) -> bool:
        """Whether a layer of a whole (the reciprocal rate) is said to be all of it that is left
        ("leaving only the 10% reciprocal tariff", "leaving the 10% reciprocal duty as the only
        emergency tariff"): then its rate is the whole's level."""
        if not rule.names or not self.lexicon.any(self.roles.layers, local):
            return False
        at, digit = sentence.find(local), re.search(r"\d", local)
        if at < 0 or digit is None:
            return False
        before_figure = sentence[: at + digit.start()]
        after_phrase = sentence[at + len(local) :]
        return bool(_LEAVING.search(before_figure) or _AS_THE_ONLY.match(after_phrase))

    def target_named(self, rule: FigureRule, sentence: str, title: str) -> bool:
        """An actor-bound figure does not count for a fact where another country, and not the
        fact's target, is named in the sentence (else in the title): "a 50% US tariff" in a
        story on India is not about China, nor is one on goods "transshipped from China"."""
        if rule.target is None:
            return True
        for text in (_unnamed(sentence), _unnamed(title)):
            if self.lexicon.any(rule.target, text):
                return True
            if self.lexicon.any(self.roles.others, text):
                return False
        return True


# a participial opening that sets what the clause's act is about ("Concluding its probe of
# legacy chips, USTR imposed a tariff ..."): its parts are the tariff's
_OPENING = re.compile(r"^\s*(?-i:[A-Z][a-z]+ing)\b[^,;]{0,120},")
# what is left of a whole: "leaving (only) the 10% reciprocal tariff (as the only ...)", goods
# that "remain subject to the 10% reciprocal tariff"
_LEAVING = re.compile(
    r"\b(?:leaving|leaves|left|remains?\s+subject\s+to|remained\s+subject\s+to)\s+"
    r"(?:only\s+|just\s+)?(?:the|a|an)?\s*$|\bonly\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_AS_THE_ONLY = re.compile(r"^[^,;.]{0,50}?\bas\s+the\s+(?:only|sole)\b", re.IGNORECASE)
