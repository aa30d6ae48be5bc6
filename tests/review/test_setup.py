"""What a new reviewer follows: the README's steps and the files they name. The Slack manifest
turns interactivity on at the URL the bot serves, the Discord command definitions carry `set`,
and each README config snippet, used as written, makes alerts carry that service's buttons."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.chat.slack_app import EVENTS_PATH
from bot.config import BotConfig
from bot.review.actions import services_with_reviewers

ROOT = Path(__file__).resolve().parents[2]


def readme_section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n### {title}\n")
    end = readme.index("\n#", start + len(title) + 6)
    return readme[start:end]


def yaml_snippet(section: str) -> dict[str, Any]:
    [block] = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


def test_the_manifest_turns_interactivity_on_at_the_events_url() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"].endswith(EVENTS_PATH)
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert "set <fact> <value> [source]" in commands["/fentanyl"]["usage_hint"]
    assert "usergroups:read" in manifest["oauth_config"]["scopes"]["bot"]


def test_the_slack_steps_name_the_manifest_and_give_a_config_that_shows_buttons() -> None:
    section = readme_section("Becoming a reviewer on Slack")
    assert "slack/manifest.yaml" in section and "/slack/events" in section
    assert "Interactivity & Shortcuts" in section
    config = BotConfig.model_validate(yaml_snippet(section))
    assert services_with_reviewers(config.review) == ("slack",)


def test_the_discord_steps_give_a_config_that_shows_buttons() -> None:
    section = readme_section("Becoming a reviewer on Discord")
    assert "Copy Role ID" in section and "/fentanyl set" in section
    config = BotConfig.model_validate(yaml_snippet(section))
    assert services_with_reviewers(config.review) == ("discord",)
