"""The app manifest matches what the code serves and needs."""

from __future__ import annotations

from typing import Any

import yaml

from bot.chat.slack_app import COMMANDS, EVENTS_PATH
from tests.slack.conftest import ROOT


def manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_manifest_declares_the_served_commands_on_the_events_path() -> None:
    commands = manifest()["features"]["slash_commands"]
    assert tuple(c["command"] for c in commands) == COMMANDS
    for command in commands:
        assert command["url"].endswith(EVENTS_PATH)
        assert len(command["description"]) <= 2000 and len(command["usage_hint"]) <= 1000


def test_manifest_scopes_cover_posting_reconciling_and_charts() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "channels:history", "groups:history", "files:write"} <= scopes
    assert manifest()["settings"]["socket_mode_enabled"] is False
