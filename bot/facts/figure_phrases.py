"""The words around a figure that say what it is: where its phrase ends, a prior beside it, a
cap, a layer, a kept or suspended share, a clause that continues the previous one's noun. Used
by :mod:`bot.facts.figures`."""

from __future__ import annotations

import re

TRAIL_STOP = re.compile(
    r"[,;:]|\b(?:plus|and|while|but|as well as|versus|whereas|if|unless|because|when|amid|"
    r"after|before|since|until|so that|once)\b|\d",
    re.IGNORECASE,
)
WHOLE = r"(?:remaining|entire|whole|last|all|combined|total)"
NEW_POSSESSOR = re.compile(r"(?:\b(?:and|while|but|whereas)|[;,])\s+(?:the\s+)?[\w.-]+['’]s\b")
# a prior joined to its level by a comma that still belongs to it ("at 47%, down from 57%")
DOWN_FROM = re.compile(r",\s+(?:down|up)\s+from\s+", re.IGNORECASE)
# a gross rate with a share of it suspended: "to 34 percent, of which 24 points are suspended"
OF_WHICH = re.compile(
    r",?\s+(?:of\s+which\b|and\s+suspend\w*\s+\d+\s+(?:percentage\s+)?points?\s+of\s+(?:it|that|this)\b)"
    r"[^,;.]{0,60}",
    re.IGNORECASE,
)
NOT_MODIFIER = re.compile(
    r"[,;.:\d]|\b(?:and|or|plus|while|but|from|to|at|on|in|by|as|than|versus|is|are|was|were|"
    r"will|would|has|have|had)\b"
    # a verb: the noun after it is its object ("to 10 percent brings the tariff to 20 percent")
    r"|\b(?:brings?|brought|bringing|leaves|leaving|left|takes|took|taking|puts|putting|makes|"
    r"made|making|sets|setting|means|meant|pushes|pushed|pushing|lifts|lifted|raises|raised|"
    r"lowers|lowered|remains|remained|stays|stayed|becomes|became|replaces|replaced)\b",
    re.IGNORECASE,
)
MAX_PREDICATE_GAP = 150
DIRECTION_REACH = 60  # how far before a level its change verb is looked for
CONTINUES = re.compile(
    r"(?:\b(?:to|at|face|faces|facing|pay|pays|paying)"
    r"|\b(?:retain\w*|keep\w*|kept|leav\w*|left|maintain\w*|hold\w*|remain\w*)"
    r"(?:\s+(?:the|its|a|an|their|remaining|current|existing|other))*)\s+$",
    re.IGNORECASE,
)
COUNTS_IN = re.compile(
    r"\b(?:with|including|counting|together with|plus|adding|on top of)\b", re.IGNORECASE
)
KEEPING = re.compile(r"\b(?:retain\w*|keep\w*|kept|leav\w*|left|maintain\w*)\b", re.IGNORECASE)
KEPT_BEFORE = re.compile(
    r"\b(?:retain\w*|keep\w*|kept|leav\w*|maintain\w*)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
# before "N% additional tariff" where a headline drops the article: a verb that puts a duty on
LAYER_VERB = re.compile(
    r"\b(?:impos|reimpos|re-impos|restor|reinstat|levi|slap|add)(?:e|es|ed|ing|s|y|ies)?"
    r"(?:\s+(?:the|its|their))?\s+$",
    re.IGNORECASE,
)
IN_NOUN = re.compile(r"^\s+in\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
APPOSITIVE = re.compile(r",[^,;]{1,120},")
# a noun inside an inclusion with its own level ("combined duties including the 20 percent
# fentanyl tariff to 30 percent"): the level after it is the head's before "including"
INCLUDED_NOUN = re.compile(
    r"\b(?:including|counting|plus)\s+(?:the|a|its|their)?\s*[\d.]+\s*"
    r"(?:%|percent|per cent)\s+(?:[\w'’-]+\s+){0,3}$",
    re.IGNORECASE,
)
# a level said to stay as it was ("20 percent, was not changed"): a change verb negated states none
UNCHANGED = re.compile(
    r"\b(?:unchanged|untouched|(?:not|never|n['’]t)\s+(?:been\s+|be\s+)?"
    r"(?:changed|altered|touched|moved|adjusted|modified))\b",
    re.IGNORECASE,
)
# what a "with"-phrase leaves as it was ("with the 10% layer untouched, the tariff will fall to
# 20%"): another duty's standing, not the figure's
WITH_UNCHANGED = re.compile(
    r"\b(?:with|leaving)\s+[^,;]{1,80}?\b(?:unchanged|untouched|intact|in place)\b", re.IGNORECASE
)
CAP = re.compile(r"\b(?:up to|as much as|as high as|ranging|range of|between)\s+$", re.I)


def prior_beside(between: str) -> bool:
    """Whether the words between a level and a prior keep them one figure's ("to 30% from
    145%", "at 47%, down from 57%"), not two clauses'."""
    return not re.search(r"[,;]", between) or bool(DOWN_FROM.fullmatch(between))


# the level a change leaves the whole at ("..., leaving the combined emergency tariffs at 20%",
# "bringing the emergency duties to 20%"): the result of the sentence's change
RESULT_BEFORE = re.compile(
    r"\b(?:leaving|leaves|bringing|brings|taking|takes)\s+(?:[\w'’-]+\s+){1,8}?(?:at|to)\s+$",
    re.IGNORECASE,
)
