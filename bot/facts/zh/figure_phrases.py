"""The words around a Chinese figure that say what it is: a quoted claim called wrong, a tariff
named before, a clause that is only the move, all that is left of the whole, a share, a level's
verb, a suspension's own figure, a removal not yet made. Used by :mod:`bot.facts.zh.figures`."""

from __future__ import annotations

import re

# a quoted headline or claim called wrong (“…”不实, 《…》标题有误)
QUOTED_DENIED = re.compile(
    r"[“\"「《]([^”\"」》]{2,60})[”\"」》]\s*(?:的?标题)?[，,]?\s*(?:表述|说法|内容)?"
    r"(?:系|是|为|属|纯属|实属)?(?:有误|不实|不准确|不确切|失实|误读|谣言|谣传|捏造|虚假)"
)
# a tariff the sentence or title has just named (该项关税, 相关关税, 上述关税)
ANAPHORA = re.compile(r"(?:该项|该|相关|上述|这一|此项|这项)(?:加征)?$")
# a clause that is only a move from one figure to another (实际为由20%下调至10%)
ONLY_THE_MOVE = re.compile(
    r"^\s*(?:即|实际|实则)?(?:为|是)?\s*"
    r"(?:由|从|降至|降到|降为|下调至|下调到|提高至|提高到|升至|上调至|调整为|调至)\s*(?:\d|百分之)"
)
# a verb that gives a level right before the figure (额外关税降至20%, 仅剩10%)
LEVEL_BEFORE = re.compile(
    r"(?:降至|降为|降到|下调至|下调为|调整为|调降至|提高至|提高到|上调至|升至|增至|达到|仅剩|只剩|剩下|为)\s*$"
)
# all that is left of the whole (仅保留10%的对等关税, 将只剩10%的对等关税)
SOLE = re.compile(r"(?:仅|只)(?:保留|剩下?|余下?)[^，。；]{0,4}$")
# not across a bracket: "20%（含芬太尼相关关税10%）" breaks the 20% down, it is not the part's
NOUN_AFTER_GAP = re.compile(r"^[^，。；：,;:（(\s]{0,14}?$")
# "对其中24%暂停执行、保留10%": a share of the duties named before, not a whole level
PART_OF = re.compile(r"其中")
# a verb to the level just before it (降至10%, 调整为10%, 由125%降至10%), or of keeping it
# (保留10%, 维持10%): the rate it comes to
TO_LEVEL = re.compile(r"(?:至|为|到|保留|维持)\s*$")
REMOVAL_GAP = 24
# a suspension's own figure right after it (暂停24%, 暂停实施其中24%)
OWN_FIGURE = re.compile(r"(?:实施|执行|征收|加征|其中|对)?\s*(?:\d+(?:\.\d+)?\s*[%％]|百分之)")
# before a removal named after the rate: not yet or not at all (不会取消, 未取消, 暂不取消)
NOT_YET = re.compile(r"(?:不|未|暂|没有|并未|是否|能否)[^，。；]{0,2}$")
LAYER_GAP = 6
# the goods a layer is laid on, between its verb and its figure (恢复对原产于美国的进口商品加征
# 24%): the verb's layer all the same
GOODS_OBJECT = re.compile(
    r"对(?:原产于)?[^，。；,;%％\d]{1,14}?(?:商品|产品|货物)(?:的)?|对[美华](?=加征|征收)"
)
# a suspension that goes on as it was (继续暂停一年, 延长暂停): it suspends nothing new
CONTINUED = re.compile(r"(?:继续|延续|延长|仍将|仍然|仍)(?:维持)?(?:暂停|暂缓)")
