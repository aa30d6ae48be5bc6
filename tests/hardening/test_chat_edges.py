"""The chat endpoints as an attacker would try them: malformed or unsigned bodies, replayed
timestamps, a nesting bomb; feeds added from chat are checked at once and only by reviewers.

Both adapters are mounted on a real local server exactly as the worker mounts them (their
``http_installer`` with a real app context), and answer through the Slack and Discord
stand-ins."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from nacl.signing import SigningKey

from bot.app.context import AppContext
from bot.config import BotConfig, Environment
from bot.facts.catalogue import Catalogue
from bot.news.analysis import build_analyser
from bot.news.topics import load_topics
from bot.store import repo
from bot.store.db import Database
from tests.discord.conftest import command, discord_env, interactions_endpoint
from tests.discord.fake_discord import FakeDiscord
from tests.serving import installed
from tests.slack.conftest import SIGNING_SECRET, signed_headers, slack_signature
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack

REVIEWER_ROLE = "300000000000000001"
PUBLIC_FEED = "http://93.184.216.34/rss.xml"  # a public address: checked, never fetched here


def app_context(database: Database, catalogue: Catalogue, env: Environment) -> AppContext:
    config = BotConfig.model_validate(
        {
            "review": {
                "slack_users": ["UREVIEW"],
                "slack_user_groups": ["SREVIEWERS"],
                "discord_roles": [REVIEWER_ROLE],
            }
        }
    )
    return AppContext(
        env=env,
        config=config,
        catalogue=catalogue,
        analyser=build_analyser(catalogue, config.topics_file),
        db=database,
        instance_id="test",
        topic_ids=tuple(t.id for t in load_topics(config.topics_file).topics),
    )


def feed_names(database: Database) -> list[str]:
    with database.session() as session:
        return [f.name for f in repo.all_feeds(session)]


# --- Slack ---------------------------------------------------------------------------------


@dataclass
class SlackEndpoint:
    url: str
    fake: FakeSlack
    session: aiohttp.ClientSession

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return response.status

    def command(self, text: str, *, user: str, name: str) -> bytes:
        return urlencode(
            {
                "team_id": "T1",
                "channel_id": "C1",
                "user_id": user,
                "command": "/fentanyl",
                "text": text,
                "response_url": self.fake.response_url(name),
                "trigger_id": "1.2.3",
            }
        ).encode()


@pytest.fixture
async def slack_endpoint(
    fake_slack: FakeSlack, database: Database, catalogue: Catalogue
) -> AsyncIterator[SlackEndpoint]:
    from bot.chat.slack_app import http_installer

    env = Environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
    )
    ctx = app_context(database, catalogue, env)
    async with installed(http_installer(ctx)) as base, aiohttp.ClientSession() as session:
        yield SlackEndpoint(f"{base}/slack/events", fake_slack, session)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"payload={not json", {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=0"}),
        (b"\xff\xfe\xfa not utf-8", {"X-Slack-Signature": "v0=00"}),
        (b"command=%2Ffentanyl", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "x"}),
        (b'{"type": "url_verification"', {"Content-Type": "application/json"}),
    ],
)
async def test_unsigned_malformed_slack_bodies_get_401_without_a_traceback(
    slack_endpoint: SlackEndpoint,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    headers: dict[str, str],
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    assert await slack_endpoint.post(body, headers) == 401
    assert not [r for r in caplog.records if r.exc_info], "no traceback is logged"


async def test_a_signed_body_that_is_not_utf8_gets_400(
    slack_endpoint: SlackEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    body = b"command=%2Ffentanyl&text=\xff\xfe"
    assert await slack_endpoint.post(body, signed_headers(body)) == 400
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_signature_over_other_bytes_is_refused(slack_endpoint: SlackEndpoint) -> None:
    body = slack_endpoint.command("subscribe news", user="U1", name="x")
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": slack_signature(SIGNING_SECRET, stamp, body + b"&extra=1"),
    }
    assert await slack_endpoint.post(body, headers) == 401


async def test_slack_add_feed_is_for_reviewers_and_refuses_private_urls_at_once(
    slack_endpoint: SlackEndpoint, fake_slack: FakeSlack, database: Database
) -> None:
    async def ask(text: str, user: str, name: str) -> dict[str, Any]:
        body = slack_endpoint.command(text, user=user, name=name)
        assert await slack_endpoint.post(body, signed_headers(body)) == 200
        await fake_slack.wait_for(lambda: fake_slack.responses_to(name))
        (answer,) = fake_slack.responses_to(name)
        return answer

    stranger = await ask(f"add-feed news {PUBLIC_FEED}", "USTRANGER", "stranger")
    assert stranger["response_type"] == "ephemeral"
    assert "Only reviewers" in stranger["text"]
    removal = await ask("remove-feed news", "USTRANGER", "stranger-remove")
    assert "Only reviewers" in removal["text"]

    for index, private in enumerate(
        [
            "http://127.0.0.1:8080/feed",
            "http://10.1.2.3/rss",
            "http://localhost/feed",
            "http://[::1]/feed",
            "http://169.254.169.254/latest/meta-data/",
        ]
    ):
        answer = await ask(f"add-feed inside{index} {private}", "UREVIEW", f"private{index}")
        assert answer["response_type"] == "ephemeral"
        assert "cannot be added" in answer["text"] and "blocked" in answer["text"], answer
    assert feed_names(database) == []

    fake_slack.user_groups["SREVIEWERS"] = ["UGROUPMEMBER"]
    added = await ask(f"add-feed news {PUBLIC_FEED}", "UGROUPMEMBER", "member")
    assert "Added feed news" in added["text"]
    assert fake_slack.calls_to("usergroups.users.list")
    assert feed_names(database) == ["news"]


# --- Discord -------------------------------------------------------------------------------


@dataclass
class DiscordEndpoint:
    url: str
    key: SigningKey
    session: aiohttp.ClientSession

    async def post(
        self, body: bytes, *, stamp: int | None = None
    ) -> tuple[int, dict[str, Any] | None]:
        timestamp = str(int(time.time()) if stamp is None else stamp)
        signature = self.key.sign(timestamp.encode() + body).signature.hex()
        headers = {
            "Content-Type": "application/json",
            "X-Signature-Ed25519": signature,
            "X-Signature-Timestamp": timestamp,
        }
        async with self.session.post(self.url, data=body, headers=headers) as response:
            text = await response.text()
            data = json.loads(text) if response.content_type == "application/json" else None
            return response.status, data


@pytest.fixture
async def discord_endpoint(
    fake_discord: FakeDiscord, database: Database, catalogue: Catalogue, tmp_path: Path
) -> AsyncIterator[DiscordEndpoint]:
    key = SigningKey.generate()
    ctx = app_context(database, catalogue, discord_env(fake_discord, key))
    async with interactions_endpoint(ctx) as url, aiohttp.ClientSession() as session:
        yield DiscordEndpoint(url, key, session)


async def test_a_signed_nesting_bomb_gets_400_not_500(
    discord_endpoint: DiscordEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    bomb = b"[" * 100_000 + b"]" * 100_000
    status, _ = await discord_endpoint.post(bomb)
    assert status == 400
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_replayed_discord_interaction_is_refused(
    discord_endpoint: DiscordEndpoint, database: Database
) -> None:
    body = json.dumps(command("fentanyl", [{"type": 1, "name": "subscribe"}])).encode()
    status, _ = await discord_endpoint.post(body, stamp=int(time.time()) - 3600)
    assert status == 401
    status, _ = await discord_endpoint.post(body, stamp=int(time.time()) + 3600)
    assert status == 401
    with database.session() as session:
        assert repo.subscriptions(session) == []
    status, answer = await discord_endpoint.post(body)
    assert status == 200 and answer is not None and "Subscribed" in json.dumps(answer)


def add_feed(name: str, url: str, *, roles: list[str], permissions: str = "0") -> bytes:
    interaction = command(
        "fentanyl",
        [
            {
                "type": 1,
                "name": "add-feed",
                "options": [
                    {"type": 3, "name": "name", "value": name},
                    {"type": 3, "name": "url", "value": url},
                ],
            }
        ],
    )
    interaction["member"] = {
        "user": {"id": "500000000000000009"},
        "roles": roles,
        "permissions": permissions,
    }
    return json.dumps(interaction).encode()


def answer_text(answer: dict[str, Any] | None) -> str:
    assert answer is not None
    return json.dumps(answer["data"]["embeds"], ensure_ascii=False)


async def test_discord_add_feed_needs_a_reviewer_role_or_manage_server(
    discord_endpoint: DiscordEndpoint, database: Database
) -> None:
    status, answer = await discord_endpoint.post(add_feed("news", PUBLIC_FEED, roles=["1"]))
    assert status == 200 and answer is not None
    assert answer["data"]["flags"] == 64 and "Only reviewers" in answer_text(answer)

    inside = add_feed("inside", "http://192.168.1.10/rss", roles=[REVIEWER_ROLE])
    status, answer = await discord_endpoint.post(inside)
    assert "cannot be added" in answer_text(answer) and "private address" in answer_text(answer)
    assert feed_names(database) == []

    manage_server = str(1 << 5)
    status, answer = await discord_endpoint.post(
        add_feed("news", PUBLIC_FEED, roles=[], permissions=manage_server)
    )
    assert "Added feed news" in answer_text(answer)
    status, answer = await discord_endpoint.post(
        add_feed("more", PUBLIC_FEED + "?2", roles=[REVIEWER_ROLE])
    )
    assert "Added feed more" in answer_text(answer)
    assert feed_names(database) == ["more", "news"]


def test_discord_commands_offer_add_and_remove_feed(catalogue: Catalogue) -> None:
    from bot.chat.discord_commands import command_definitions

    (_, fentanyl) = command_definitions(catalogue, ["fentanyl"])
    names = [option["name"] for option in fentanyl["options"]]
    assert "add-feed" in names and "remove-feed" in names
    (add,) = [o for o in fentanyl["options"] if o["name"] == "add-feed"]
    assert [(o["name"], o["required"]) for o in add["options"]] == [("name", True), ("url", True)]
