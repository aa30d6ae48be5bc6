from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError, load_config, load_environment
from bot.facts.catalogue import Catalogue, SeedError, load_file

ROOT = Path(__file__).resolve().parents[2]


def test_partial_config_keeps_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("feeds:\n  - {name: one, url: 'https://a.example/feed'}\n")
    config = load_config(path)
    assert [f.name for f in config.feeds] == ["one"]
    assert config.fetch.allow_private_networks is False
    assert config.fetch.max_body_bytes == 10 * 1024 * 1024
    assert config.routes[0].to == "console"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("feeds:\n  - {name: x, url: 'ftp://a/b'}\n", "feeds.0.url"),
        ("routes:\n  - {to: 'email:me', kinds: [changes]}\n", "routes.0.to"),
        ("routes:\n  - {to: console, kinds: [gossip]}\n", "routes.0.kinds.0"),
        ("fetch:\n  max_redirects: -1\n", "fetch.max_redirects"),
        ("feeds:\n  - {name: x, url: 'file:/etc/passwd'}\n", "feeds.0"),
        ("surprise: 1\n", "surprise"),
    ],
)
def test_invalid_config_names_file_and_field(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert where in str(error.value)


def test_duplicate_feed_names_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "feeds:\n  - {name: a, url: 'https://x.example/1'}\n  - {name: a, url: 'https://x.example/2'}\n"
    )
    with pytest.raises(ConfigError, match="used twice"):
        load_config(path)


def test_secret_read_from_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "token"
    secret.write_text("xoxb-from-file\n")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN_FILE", str(secret))
    assert load_environment().SLACK_BOT_TOKEN == "xoxb-from-file"


def test_unreadable_secret_file_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DISCORD_BOT_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="DISCORD_BOT_TOKEN_FILE"):
        load_environment()


def test_shipped_configs_are_valid() -> None:
    for name in ("bot.yaml", "demo.yaml"):
        config = load_config(ROOT / "config" / name)
        assert config.feeds


def test_seeds_hold_the_ten_baseline_facts() -> None:
    catalogue = Catalogue.load(ROOT / "seeds")
    assert catalogue["us-tariff-china"].baseline == 145
    assert catalogue["china-tariff-us"].baseline == 125
    assert catalogue["us-fentanyl-tariff-china"].baseline == 20
    assert catalogue["trade-talks"].baseline == "evaluating"
    assert catalogue["china-fentanyl-envoy"].baseline == "Wang Xiaohong"
    assert catalogue["china-precursor-controls"].baseline == "2024-09"
    assert catalogue["us-de-minimis-china"].baseline == "closed"
    assert len(catalogue) == 10
    assert all("Pierson" in fact.citation for fact in catalogue.values())


def _seed_file(tmp_path: Path, fact: dict[str, object]) -> Path:
    base = {
        "id": "new-fact",
        "label": "A new fact",
        "kind": "percent",
        "baseline": 10,
        "as_of": "2025-01-01",
        "evidence": "Paraphrased.",
    }
    base.update(fact)
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({"citation": "Someone, Somewhere, 2025", "facts": [base]}))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "colour"}, "field kind"),
        ({"kind": "state", "states": ["on", "off"], "baseline": "dim"}, "'dim' is not one of"),
        ({"kind": "month", "baseline": "2025-13"}, "YYYY-MM"),
        ({"baseline": "lots"}, "could not convert"),
        ({"as_of": "yesterday"}, "field as_of"),
        ({"id": "Bad Id"}, "field id"),
        ({"kind": "state"}, "needs `states`"),
        ({"label": ""}, "field label"),
        (
            {
                "kind": "state",
                "states": ["on", "off"],
                "baseline": "on",
                "story_stages": ["on", "dim"],
            },
            "field story_stages",
        ),
    ],
)
def test_malformed_seed_names_file_fact_and_field(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = _seed_file(tmp_path, change)
    with pytest.raises(SeedError) as error:
        load_file(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_deployer_adds_a_fact_without_code(tmp_path: Path) -> None:
    path = _seed_file(tmp_path, {"id": "eu-tariff-china-evs", "baseline": 35})
    facts = load_file(path)
    assert facts[0].id == "eu-tariff-china-evs" and facts[0].baseline == 35.0
