"""The README's worked example in Chinese: a new fact tracked in Chinese by data alone (a `zh`
part in its hints, a Chinese vocabulary), and mistakes in the `zh` part named in one line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.facts.catalogue import Catalogue, SeedError
from bot.news.analysis import build_analyser
from tests.new_fact import ROOT, STEEL_FACT, copy_data

WHEN = datetime(2026, 8, 1, tzinfo=UTC)
ZH_HINTS = """\
      zh:
        figure: {nouns: tariff_nouns, actor: us, target: china, qualifiers: [ZH_QUALIFIER],
                 exclude: [others]}
"""


def _data(tmp_path: Path, qualifier: str = "steel_terms") -> tuple[Path, Path]:
    fact = STEEL_FACT + ZH_HINTS.replace("ZH_QUALIFIER", qualifier)
    zh_vocabulary = "      steel_terms: [钢铁, 钢材]\n"
    return copy_data(tmp_path, fact, "  steel_terms: [steel]\n", zh_vocabulary)


def test_a_new_fact_is_tracked_in_chinese_by_data_alone(tmp_path: Path) -> None:
    seeds, topics = _data(tmp_path)
    analyser = build_analyser(Catalogue.load(seeds), topics)
    extract = analyser.extractor.extract  # type: ignore[attr-defined]
    found = extract("美国宣布，自9月1日起将对中国钢铁加征的关税由50%提高至75%。", WHEN)
    assert [(c.fact_id, c.value) for c in found] == [("us-steel-tariff-china", 75.0)]
    found = extract("美国宣布，自9月1日起将对中国商品加征的关税由30%降至20%。", WHEN)
    assert [(c.fact_id, c.value) for c in found] == [("us-tariff-china", 20.0)]


def test_an_unknown_chinese_vocabulary_is_named_in_one_line(tmp_path: Path) -> None:
    seeds, topics = _data(tmp_path, qualifier="steel_words")
    with pytest.raises(ValueError) as caught:
        build_analyser(Catalogue.load(seeds), topics)
    message = str(caught.value)
    assert "fact us-steel-tariff-china: hints.zh.figure.qualifiers" in message
    assert "unknown vocabulary 'steel_words'" in message and "\n" not in message


def test_a_chinese_state_pattern_must_name_a_state(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (ROOT / "seeds" / "facts.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "          stalled:\n            - '(?:推迟", "          paused:\n            - '(?:推迟", 1
    )
    (seeds / "facts.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SeedError, match=r"fact trade-talks: hints\.zh: 'paused' is not one of"):
        Catalogue.load(seeds)
