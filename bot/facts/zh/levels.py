"""What a Chinese figure says of its tariff's level: the level itself, a removal of that much
(取消…10%的所谓芬太尼关税, or 10%的关税…取消: relative to the current value; 取消剩余10%: zero),
or a layer on top of it (额外加征100%关税; 恢复对原产于美国的进口商品加征24%, with the goods
between the verb and the figure). A verb of keeping after the removal or the layer (保留, 维持)
or a level's verb (降至) makes the figure a level again. Used by :mod:`bot.facts.zh.figures`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.facts.model import Relative
from bot.facts.text import Role
from bot.facts.zh.figure_phrases import GOODS_OBJECT, LAYER_GAP, LEVEL_BEFORE, NOT_YET, REMOVAL_GAP
from bot.facts.zh.text import ZhFigure, figures


@dataclass(frozen=True, slots=True)
class LevelVerbs:
    """The compiled vocabularies of removal, the whole, keeping and a layer."""

    removal: re.Pattern[str]
    whole: re.Pattern[str]
    keeping: re.Pattern[str]
    layer: re.Pattern[str]


def level_of(
    text: str, figure: ZhFigure, found: list[ZhFigure], verbs: LevelVerbs
) -> tuple[float | None, Relative | None, float | None]:
    """The figure's value, how it is relative (``None``: a level) and the prior level given."""
    head = text[: figure.start]
    previous = next(
        (f.value for f in found if f.role is Role.PREVIOUS and f.end <= figure.start), None
    )
    removal = [m for m in verbs.removal.finditer(head) if figure.start - m.end() <= REMOVAL_GAP]
    if removal and not verbs.keeping.search(head[removal[-1].end() :]):
        if verbs.whole.search(head[removal[-1].end() :]):
            return 0.0, None, figure.value  # "取消剩余10%的关税"
        return -figure.value, Relative.ADD, previous  # "取消…10%的所谓芬太尼关税"
    tail = text[figure.end : figure.end + REMOVAL_GAP]
    later = verbs.removal.search(tail)
    if later and not figures(tail[: later.start()]) and not NOT_YET.search(tail[: later.start()]):
        return -figure.value, Relative.ADD, previous  # "加征的10%关税将于5月1日起取消"
    head = GOODS_OBJECT.sub("", head)  # 恢复对原产于美国的进口商品加征24%: 恢复加征24%
    layer = [m for m in verbs.layer.finditer(head) if len(head) - m.end() <= LAYER_GAP]
    if (
        layer
        and not verbs.keeping.search(head[layer[-1].end() :])
        and not LEVEL_BEFORE.search(head[layer[-1].end() :])
    ):  # "额外加征100%关税"; not "额外关税维持30%", nor "额外关税降至20%" (its level)
        return figure.value, Relative.ADD, previous
    return figure.value, None, previous
