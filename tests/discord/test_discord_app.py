"""HTTP interactions on a real local port, signed with an Ed25519 key made for the test run; the
Discord REST stand-in receives deferred answers and command syncs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import aiohttp
import pytest
from nacl.signing import SigningKey

from bot.chat.commands import CommandServices
from bot.chat.discord_app import Interactions, invocation_from
from bot.chat.discord_commands import command_definitions
from bot.chat.discord_gateway import GatewayClient
from bot.chat.discord_sync import sync_commands
from bot.config import Environment
from bot.delivery.discord import DiscordConnection
from bot.facts.catalogue import Catalogue
from bot.store import repo
from bot.store.db import Database
from tests.discord.conftest import (
    APPLICATION_ID,
    CHANNEL,
    InteractionsServer,
    command,
    interactions_endpoint,
    signed,
    stand_in,
)
from tests.discord.fake_discord import FakeDiscord

EPHEMERAL = 64


async def wait_for(condition: Callable[[], object], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_a_bad_signature_gets_401(interactions_server: InteractionsServer) -> None:
    body, headers = signed(SigningKey.generate(), {"type": 1})
    async with interactions_server.session.post(
        interactions_server.url, data=body, headers=headers
    ) as response:
        assert response.status == 401
    good_body, good_headers = signed(interactions_server.key, {"type": 1})
    tampered = good_body.replace(b"1", b"2")
    async with interactions_server.session.post(
        interactions_server.url, data=tampered, headers=good_headers
    ) as response:
        assert response.status == 401
    async with interactions_server.session.post(
        interactions_server.url, data=good_body, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 401


async def test_ping_gets_pong(interactions_server: InteractionsServer) -> None:
    async with await interactions_server.post({"type": 1}) as response:
        assert response.status == 200
        assert await response.json() == {"type": 1}


async def test_fentanyl_status_lists_the_ten_facts(
    interactions_server: InteractionsServer, catalogue: Catalogue
) -> None:
    async with await interactions_server.post(command("fentanyl-status")) as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["type"] == 4
    data = answer["data"]
    assert data["flags"] == EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    [embed] = data["embeds"]
    names = [f["name"] for f in embed["fields"]]
    assert len(names) == 10
    assert names == [fact.label for fact in catalogue.values()]
    values = " ".join(f["value"] for f in embed["fields"])
    assert "145" in values and "Wang Xiaohong" in values


async def test_fentanyl_status_with_a_query_and_public(
    interactions_server: InteractionsServer,
) -> None:
    options = [
        {"type": 3, "name": "query", "value": "us-fentanyl-tariff-china"},
        {"type": 5, "name": "public", "value": True},
    ]
    async with await interactions_server.post(command("fentanyl-status", options)) as response:
        data = (await response.json())["data"]
    assert "flags" not in data
    [embed] = data["embeds"]
    assert len(embed["fields"]) == 1 and "20%" in embed["fields"][0]["value"]


async def test_history_is_deferred_then_the_original_is_edited_with_the_chart(
    interactions_server: InteractionsServer,
) -> None:
    options = [
        {
            "type": 1,
            "name": "history",
            "options": [{"type": 3, "name": "fact", "value": "us-tariff-china"}],
        }
    ]
    async with await interactions_server.post(command("fentanyl", options)) as response:
        assert await response.json() == {"type": 5, "data": {"flags": EPHEMERAL}}
    fake = interactions_server.fake
    path = f"/webhooks/{APPLICATION_ID}/interaction-token-1/messages/@original"
    await wait_for(lambda: fake.matching("PATCH", path))
    [edit] = fake.matching("PATCH", path)
    [embed] = edit.json["embeds"]
    assert embed["title"].startswith("History of ")
    assert embed["image"]["url"] == "attachment://us-tariff-china.png"
    filename, png = edit.files["files[0]"]
    assert filename == "us-tariff-china.png" and png.startswith(b"\x89PNG")
    assert edit.json["allowed_mentions"] == {"parse": []}


async def test_subscribe_and_unsubscribe_point_at_the_discord_channel(
    interactions_server: InteractionsServer, database: Database
) -> None:
    subscribe = [
        {
            "type": 1,
            "name": "subscribe",
            "options": [
                {"type": 3, "name": "kind", "value": "news"},
                {"type": 3, "name": "topic", "value": "fentanyl"},
            ],
        }
    ]
    async with await interactions_server.post(command("fentanyl", subscribe)) as response:
        data = (await response.json())["data"]
    assert "flags" not in data  # the channel sees who subscribed it
    assert "news" in data["embeds"][0]["title"]
    with database.session() as session:
        [row] = repo.subscriptions(session)
        assert (row.destination, row.kinds, row.topic) == (
            f"discord:{CHANNEL}",
            ("news",),
            "fentanyl",
        )
    unsubscribe = [{"type": 1, "name": "unsubscribe", "options": []}]
    async with await interactions_server.post(command("fentanyl", unsubscribe)) as response:
        assert (await response.json())["data"]["flags"] == EPHEMERAL
    with database.session() as session:
        assert repo.subscriptions(session) == []


async def test_help_and_bad_input_get_answers_not_errors(
    interactions_server: InteractionsServer,
) -> None:
    async with await interactions_server.post(
        command("fentanyl", [{"type": 1, "name": "help"}])
    ) as response:
        help_embed = (await response.json())["data"]["embeds"][0]
    assert "/fentanyl-status" in help_embed["description"]
    latest = [{"type": 1, "name": "latest", "options": [{"type": 4, "name": "n", "value": -3}]}]
    async with await interactions_server.post(command("fentanyl", latest)) as response:
        assert response.status == 200
        assert "Usage" in (await response.json())["data"]["embeds"][0]["title"]
    async with await interactions_server.post({"type": 2, "data": "x"}) as response:
        assert response.status == 200
        assert (await response.json())["data"]["embeds"][0]["title"] == "Commands"
    for junk in ({"type": 99}, [1, 2]):
        async with await interactions_server.post(junk) as response:  # type: ignore[arg-type]
            assert response.status == 400
    _body, headers = signed(interactions_server.key, {"type": 1})
    async with interactions_server.session.post(
        interactions_server.url,
        data=b"not json",
        headers={
            **headers,
            "X-Signature-Ed25519": interactions_server.key.sign(
                headers["X-Signature-Timestamp"].encode() + b"not json"
            ).signature.hex(),
        },
    ) as response:
        assert response.status == 400


def test_invocations_from_interactions() -> None:
    inv = invocation_from(
        command(
            "fentanyl",
            [{"type": 1, "name": "latest", "options": [{"type": 4, "name": "n", "value": 3}]}],
        )
    )
    assert (inv.command, inv.options, inv.destination) == ("latest", {"n": 3}, f"discord:{CHANNEL}")
    assert inv.user == "500000000000000001"
    dm = invocation_from({"type": 2, "data": {"name": "fentanyl-status"}, "user": {"id": "7"}})
    assert (dm.command, dm.args, dm.destination, dm.user) == ("status", (), "", "7")


async def test_commands_are_synced_only_when_they_change(
    fake_discord: FakeDiscord, database: Database, catalogue: Catalogue
) -> None:
    connection = DiscordConnection(fake_discord.token, fake_discord.api_url)
    definitions = command_definitions(catalogue, ("fentanyl", "trade-talks"))
    try:
        assert await sync_commands(connection, database, APPLICATION_ID, definitions)
        assert not await sync_commands(connection, database, APPLICATION_ID, definitions)
        changed = command_definitions(catalogue, ("fentanyl",))
        assert await sync_commands(connection, database, APPLICATION_ID, changed)
        assert await sync_commands(connection, database, APPLICATION_ID, changed, "42")
        assert not await sync_commands(connection, database, APPLICATION_ID, changed, "42")
    finally:
        await connection.close()
    puts = [r for r in fake_discord.requests if r.method == "PUT"]
    assert [r.path.removeprefix("/api/v10") for r in puts] == [
        f"/applications/{APPLICATION_ID}/commands",
        f"/applications/{APPLICATION_ID}/commands",
        f"/applications/{APPLICATION_ID}/guilds/42/commands",
    ]
    assert [c["name"] for c in puts[0].json] == ["fentanyl-status", "fentanyl"]
    history = next(o for o in puts[0].json[1]["options"] if o["name"] == "history")
    assert [c["value"] for c in history["options"][0]["choices"]] == list(catalogue)


async def test_the_interactions_server_syncs_commands_at_start(
    interactions_server: InteractionsServer,
) -> None:
    fake = interactions_server.fake
    await wait_for(lambda: fake.matching("PUT", "/commands"))
    assert len(fake.matching("PUT", f"/applications/{APPLICATION_ID}/commands")) == 1


async def test_gateway_answers_go_to_the_callback_endpoint(
    fake_discord: FakeDiscord, database: Database, catalogue: Catalogue
) -> None:
    interactions = Interactions(
        CommandServices(database, catalogue),
        connection=DiscordConnection(fake_discord.token, fake_discord.api_url),
    )
    env = Environment(DISCORD_BOT_TOKEN=fake_discord.token, DISCORD_API_URL=fake_discord.api_url)
    client = GatewayClient(interactions, stand_in(env, database, catalogue))  # type: ignore[arg-type]
    try:
        answer = await interactions.answer(command("fentanyl-status"))
        await interactions.post_callback("600000000000000001", "tok", answer)
        deferred = await interactions.answer(
            command(
                "fentanyl",
                [
                    {
                        "type": 1,
                        "name": "history",
                        "options": [{"type": 3, "name": "fact", "value": "trade-talks"}],
                    }
                ],
                token="tok2",
            )
        )
        await interactions.post_callback("600000000000000002", "tok2", deferred)
        await wait_for(lambda: fake_discord.matching("PATCH", "/tok2/messages/@original"))
    finally:
        await client.close()
        await interactions.close()
    callbacks = fake_discord.matching("POST", "/callback")
    assert [c.json["type"] for c in callbacks] == [4, 5]
    assert len(callbacks[0].json["data"]["embeds"][0]["fields"]) == 10
    assert fake_discord.requests.index(callbacks[1]) < fake_discord.requests.index(
        fake_discord.matching("PATCH", "/tok2/")[0]
    )


@pytest.mark.parametrize("key", ["", "zz", "abcd"])
def test_a_bad_public_key_is_refused_at_start(
    key: str, database: Database, catalogue: Catalogue
) -> None:
    from bot.chat.discord_app import http_installer

    with pytest.raises(ValueError, match="DISCORD_PUBLIC_KEY"):  # the settings refuse it first
        env = Environment(DISCORD_PUBLIC_KEY=key)
        http_installer(stand_in(env, database, catalogue))  # type: ignore[arg-type]


async def test_start_gateway_constructs_and_survives_a_refused_token(
    fake_discord: FakeDiscord, database: Database, catalogue: Catalogue
) -> None:
    from discord.http import Route

    from bot.chat.discord_gateway import start_gateway

    env = Environment(DISCORD_BOT_TOKEN="refused", DISCORD_API_URL=fake_discord.api_url)
    saved = Route.BASE
    try:
        handle = await start_gateway(stand_in(env, database, catalogue))  # type: ignore[arg-type]
        await asyncio.wait_for(asyncio.shield(handle.task), timeout=10)
        await handle.close()
    finally:
        Route.BASE = saved
    logins = fake_discord.matching("GET", "/users/@me")
    assert logins and logins[0].headers["Authorization"] == "Bot refused"
    assert handle.task.done() and handle.task.exception() is None


async def test_without_a_bot_token_history_is_answered_inline_with_the_chart(
    database: Database, catalogue: Catalogue, signing_key: SigningKey
) -> None:
    from aiohttp import MultipartReader

    env = Environment(DISCORD_PUBLIC_KEY=signing_key.verify_key.encode().hex())
    history = [
        {
            "type": 1,
            "name": "history",
            "options": [{"type": 3, "name": "fact", "value": "trade-talks"}],
        }
    ]
    body, headers = signed(signing_key, command("fentanyl", history))
    parts: dict[str, tuple[str | None, bytes]] = {}
    async with (
        interactions_endpoint(stand_in(env, database, catalogue)) as url,
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        assert response.status == 200
        reader = MultipartReader.from_response(response)
        while (part := await reader.next()) is not None:
            assert isinstance(part, aiohttp.BodyPartReader)
            parts[part.name or ""] = (part.filename, await part.read())
    payload = json.loads(parts["payload_json"][1])
    assert payload["type"] == 4 and payload["data"]["flags"] == EPHEMERAL
    assert payload["data"]["embeds"][0]["image"]["url"] == "attachment://trade-talks.png"
    filename, png = parts["files[0]"]
    assert filename == "trade-talks.png" and png.startswith(b"\x89PNG")
