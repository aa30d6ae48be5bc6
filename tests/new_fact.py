"""A new fact tracked by data alone, as a deployer adds one: the US tariff on Chinese steel,
appended to a copy of the shipped seeds, its vocabulary to a copy of the shipped topics
(``tests/facts/test_new_fact.py`` in English, ``tests/zh/test_hints_zh.py`` in Chinese)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STEEL_FACT = """
  - id: us-steel-tariff-china
    label: US tariff on Chinese steel
    kind: percent
    baseline: 50
    as_of: 2025-06-04
    topics: [us-china-tariffs]
    citation: Proclamation adjusting imports of steel into the United States, June 2025
    evidence: The Section 232 tariff on steel imports was raised to 50 percent in June 2025.
    hints:
      figure: {nouns: tariff_nouns, actor: us, target: china, qualifiers: [steel_terms],
               exclude: [others]}
"""


def copy_data(
    tmp_path: Path, fact: str, vocabulary: str, zh_vocabulary: str = ""
) -> tuple[Path, Path]:
    """A seeds folder with ``fact`` appended to the shipped facts, and a topics file with
    ``vocabulary`` (and ``zh_vocabulary``, the Chinese one) added to the shipped one's."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (ROOT / "seeds" / "facts.yaml").read_text(encoding="utf-8")
    (seeds / "facts.yaml").write_text(text.rstrip() + "\n" + fact, encoding="utf-8")
    topics = (ROOT / "config" / "topics.yaml").read_text(encoding="utf-8")
    topics = topics.replace("vocabulary:\n", f"vocabulary:\n{vocabulary}", 1)
    zh = "  zh:\n    vocabulary:\n"
    topics = topics.replace(zh, f"{zh}{zh_vocabulary}", 1)
    topics_file = tmp_path / "topics.yaml"
    topics_file.write_text(topics, encoding="utf-8")
    return seeds, topics_file
