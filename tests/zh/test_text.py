"""Chinese text units: language, simplified characters at the same offsets, names in Pinyin,
figures with their roles, and dates placed against the entry's date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.facts.dates import Direction
from bot.facts.text import Role
from bot.facts.zh.names import latin_name, romanise
from bot.facts.zh.script import language_of, to_simplified
from bot.facts.zh.text import chinese_number, clauses, figures, sentences, time_refs


def test_language_is_what_most_of_the_text_is_written_in() -> None:
    assert language_of("商务部新闻发言人就TikTok问题答记者问") == "zh"
    assert language_of("Beijing called the cut 积极一步, a positive step, on Monday.") == "en"
    assert language_of("") == "en"


def test_traditional_characters_are_read_as_simplified_at_the_same_offsets() -> None:
    text = "中美日內瓦經貿會談落幕，雙方同意將暫停實施的關稅延長90天。"
    simple = to_simplified(text)
    assert simple == "中美日内瓦经贸会谈落幕，双方同意将暂停实施的关税延长90天。"
    assert len(simple) == len(text)
    assert to_simplified("关税") == "关税"  # simplified text stays as it is


def test_names_take_the_catalogues_form_or_pinyin() -> None:
    assert latin_name("王小洪", {"王小洪": "Wang Xiaohong"}) == "Wang Xiaohong"
    assert latin_name("王小洪", {}) == "Wang Xiaohong"
    assert romanise("曾凡明") == "Zeng Fanming"  # a surname read as a surname
    assert romanise("欧阳明") == "Ouyang Ming"
    assert romanise("許甘露") == "Xu Ganlu"


def test_sentences_and_clauses() -> None:
    assert sentences("问：是否属实？答：不属实。双方将继续沟通！") == [
        "问：是否属实？",
        "答：不属实。",
        "双方将继续沟通！",
    ]
    parts = clauses("鉴于美方的做法，中方决定暂停合作；日内瓦会谈后，双方同意保持沟通")
    assert [(p.text, p.background) for p in parts] == [
        ("鉴于美方的做法", True),
        ("中方决定暂停合作", False),
        ("日内瓦会谈后", True),
        ("双方同意保持沟通", False),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("税率由34%调整为10%", [(34.0, Role.PREVIOUS), (10.0, Role.LEVEL)]),
        ("关税从145％降至30％", [(145.0, Role.PREVIOUS), (30.0, Role.LEVEL)]),
        ("加征百分之三十四的关税", [(34.0, Role.LEVEL)]),
        ("保证金比率为15.6%至62.4%", [(62.4, Role.SHARE)]),  # a range: no level
        ("进出口同比增长3.2%", [(3.2, Role.SHARE)]),
        ("最高15%的关税", [(15.0, Role.SHARE)]),
        ("税率下调10个百分点", [(-10.0, Role.DELTA)]),
    ],
)
def test_figures_and_their_roles(text: str, expected: list[tuple[float, Role]]) -> None:
    assert [(f.value, f.role) for f in figures(text)] == expected


def test_chinese_numbers() -> None:
    assert chinese_number("一百二十五") == 125.0
    assert chinese_number("三十四") == 34.0
    assert chinese_number("十") == 10.0
    assert chinese_number("许多") is None


def test_dates_are_placed_against_the_entry() -> None:
    published = date(2025, 11, 5)
    refs = time_refs("新华社北京11月5日电 自2025年11月10日13时01分起实施", published)
    assert [(r.when, r.direction) for r in refs] == [(date(2025, 11, 10), Direction.FUTURE)]
    (old,) = time_refs("早在2019年，中国就整类列管芬太尼类物质", published)
    assert old.direction is Direction.PAST
    (recent,) = time_refs("10月30日，两国元首在釜山会晤", published)
    assert recent.direction is Direction.NOW  # days ago: news, not history
