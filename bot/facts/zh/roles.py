"""The roles of the Chinese rules: which vocabulary of ``languages.zh`` plays which part.

The roles the English rules have (:class:`bot.facts.roles.Roles`) that the Chinese rules use,
under the same default vocabulary names (looked up in the Chinese vocabularies), and the few that
Chinese needs on top: the markers of a time still ahead (``future``: 将于, 拟于), negations that
state an event (``negated_idioms``: 没有改变), conditions (``conditional``: 如果, 一旦), the
words naming both parties at once (``pair``: 中美), the opening words of a commentary
(``opinion_voices``: 社评认为), verbs of keeping a rate (``keeping``: 保留, 维持), the
words of a whole rate (``whole``: 剩余, 全部), the layers of a whole (``layers``: 对等关税), words
saying a measure stands as it was (``unchanged``: 不受影响), words of a correction retelling
its error (``retold_error``: 误写为), a correction notice (``correction``: 更正启事) and a denial
said after the claim (``denial``: 报道不实).
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
    pair: str = "pair"  # both parties at once (中美): names them near an excluded word
    opinion_voices: str = "opinion_voices"
    negated_idioms: str = "negated_idioms"
    conditional: str = "conditional_markers"
    future: str = "future_markers"
    keeping: str = "keeping_verbs"
    whole: str = "whole_words"
    layers: str = "whole_layers"  # a layer all that is left of the whole gives its level
    unchanged: str = "unchanged_markers"  # 不受影响: a pattern said to stand, no new measure
    retold_error: str = "retold_error"  # 误写为, 表述有误: a correction retelling its error
    correction: str = "correction_markers"  # 更正启事: the item corrects an earlier report
    denial: str = "denial_markers"  # after the claim: …的报道不实 (the claim is denied)
    outside: str = "outside_duties"  # duties beside the tracked ones (301, 既有关税)
    inclusion: str = "inclusion_words"  # 包含, 计入: a figure that counts them
    lowering: str = "lowering_verbs"  # the nearest verb before a level: it moves it down
    raising: str = "raising_verbs"  # ... or up
    # the party Chinese sources speak for: named in nearly every sentence (中方, 我国, 商务部), it
    # cannot show that a third country beside it is about the pair (欧盟对中国产电动汽车…谈判延期)
    home: str = "china"
