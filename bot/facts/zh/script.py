"""Which language an entry is written in, and Chinese text in simplified characters.

:func:`language_of` says ``zh`` when CJK characters outweigh Latin letters (a Chinese
announcement naming "TikTok" is Chinese; an English story quoting "加征关税" is English).
:func:`to_simplified` maps traditional (and Hong Kong / Taiwan variant) characters to simplified
ones, one character for one, so that a match in the simplified copy is at the same offsets in the
text as published. The table is OpenCC's (``opencc-python-reimplemented`` ships it; Apache-2.0).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# a CJK character says about as much as three Latin letters
_LETTERS_PER_CHARACTER = 3
_TRADITIONAL = "TSCharacters.txt"
_VARIANTS = ("HKVariantsRev.txt", "TWVariantsRev.txt")


def language_of(text: str) -> str:
    """``zh`` for text mostly in Chinese characters, else ``en``."""
    if text.isascii():
        return "en"
    characters = len(CJK.findall(text))
    if not characters:
        return "en"
    return "zh" if characters * _LETTERS_PER_CHARACTER > len(_LATIN.findall(text)) else "en"


def _pairs(name: str) -> list[tuple[str, str]]:
    text = (resources.files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1:  # phrases would move offsets: characters only
            pairs.append((source, target))
    return pairs


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table = {ord(source): target for source, target in _pairs(_TRADITIONAL)}
    for name in _VARIANTS:  # a Hong Kong or Taiwan variant of a traditional character
        for source, target in _pairs(name):
            simplified = table.get(ord(target))
            if simplified is not None and ord(source) not in table:
                table[ord(source)] = simplified
    return table


def to_simplified(text: str) -> str:
    """``text`` with traditional characters replaced by simplified ones, same length."""
    if text.isascii() or not CJK.search(text):
        return text
    return text.translate(_table())
