"""Chinese names in the catalogue's Latin form: "王小洪" → "Wang Xiaohong".

A name the seeds map (``hints.zh.names``) takes that form; any other is romanised in Hanyu
Pinyin, surname first, the given name as one word ("许甘露" → "Xu Ganlu"), with the usual
readings of surnames whose characters read otherwise elsewhere (单 Shan, 曾 Zeng, 解 Xie).
``pypinyin`` ships its dictionary and is imported only when a name needs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from bot.facts.zh.script import to_simplified

_SURNAMES = {"单": "shan", "曾": "zeng", "解": "xie", "查": "zha", "仇": "qiu", "区": "ou",
             "朴": "piao", "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "召": "shao",
             "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun", "令狐": "linghu"}  # fmt: skip
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
             "令狐", "宇文", "司徒", "夏侯", "万俟")  # fmt: skip


@lru_cache(maxsize=1024)
def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # a large dictionary: loaded on first use

    return "".join(lazy_pinyin(text, style=Style.NORMAL))


def romanise(name: str) -> str:
    """A Chinese personal name in Pinyin, surname first."""
    name = to_simplified(name.strip())
    size = 2 if name[:2] in _COMPOUND else 1
    surname, given = name[:size], name[size:]
    family = _SURNAMES.get(surname) or _pinyin(surname)
    parts = [family.capitalize()] + ([_pinyin(given).capitalize()] if given else [])
    return " ".join(parts)


def latin_name(name: str, names: Mapping[str, str]) -> str:
    """The catalogue's form of a name found in Chinese text."""
    simplified = to_simplified(name)
    for written, latin in names.items():
        if to_simplified(written) == simplified:
            return latin
    return romanise(simplified)
