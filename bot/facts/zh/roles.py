"""The roles of the Chinese rules: which vocabulary of ``languages.zh`` plays which part.

The roles the English rules have (:class:`bot.facts.roles.Roles`) that the Chinese rules use,
under the same default vocabulary names (looked up in the Chinese vocabularies), and the few that
Chinese needs on top: the markers of a time still ahead (``future``: 将于, 拟于), negations that
state an event (``negated_idioms``: 没有改变), conditions (``conditional``: 如果, 一旦), the
words naming both parties at once (``pair``: 中美), the opening words of a commentary
(``opinion_voices``: 社评认为), verbs of keeping a rate (``keeping``: 保留, 维持) and the
words of a whole rate (``whole``: 剩余, 全部).
"""

from __future__ import annotations

from pydantic import Field

from bot.facts.roles import Party, RoleSet


def _parties() -> dict[str, Party]:
    return {
        "china": Party(shorthand="target", names=["中国"]),
        "us": Party(shorthand="actor", names=["美国"]),
    }


class ZhRoles(RoleSet):
    parties: dict[str, Party] = Field(default_factory=_parties)
    others: str = "others"
    pair: str = "pair"  # both parties at once (中美): names them near an excluded word
    person_titles: str = "person_titles"
    retrospective: str = "retrospective"
    republished: str = "republished"
    opinion_titles: str = "opinion_titles"
    opinion_paths: str = "opinion_paths"
    opinion_voices: str = "opinion_voices"
    negation: str = "negation_markers"
    negated_idioms: str = "negated_idioms"
    conditional: str = "conditional_markers"
    proposal: str = "proposal_markers"
    rumour: str = "rumour_markers"
    forecast: str = "forecast_markers"
    wish: str = "wish_markers"
    reporting: str = "reporting_verbs"
    decision: str = "decision_markers"
    hearsay: str = "hearsay_markers"
    historical: str = "historical_markers"
    future: str = "future_markers"
    suspension: str = "suspension_markers"
    change_verbs: str = "change_verbs"
    removal: str = "removal_verbs"
    aggregate: str = "aggregate_words"
    layer: str = "layer_words"
    keeping: str = "keeping_verbs"
    whole: str = "whole_words"
