"""WebSub subscriber against a fake hub on 127.0.0.1 that verifies intent and pushes signed
content, the way a real hub does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from bot.config.settings import FetchConfig
from bot.feeds.fetch import Fetcher
from bot.feeds.websub import (
    Mode,
    Subscription,
    WebSubHandlers,
    new_secret,
    request_subscription,
    sign,
    signature_valid,
)
from tests.feeds.conftest import FEED_XML
from tests.serving import start

TOPIC = "https://news.example/trade.xml"


@dataclass
class Subscriber:
    base: str
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    received: list[tuple[str, bytes]] = field(default_factory=list)
    verified: list[tuple[str, Mode, int | None]] = field(default_factory=list)
    denied: list[tuple[str, str]] = field(default_factory=list)
    content_arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, feed_id: str, hub: str, mode: Mode = "subscribe") -> Subscription:
        subscription = Subscription(
            feed_id=feed_id,
            topic=TOPIC,
            hub=hub,
            callback=f"{self.base}/websub/{feed_id}",
            secret=new_secret(),
            mode=mode,
        )
        self.subscriptions[feed_id] = subscription
        return subscription


@pytest.fixture
async def subscriber() -> AsyncIterator[Subscriber]:
    state = Subscriber(base="")

    async def on_content(feed_id: str, body: bytes) -> None:
        state.received.append((feed_id, body))
        state.content_arrived.set()

    async def on_verified(feed_id: str, mode: Mode, lease: int | None) -> None:
        state.verified.append((feed_id, mode, lease))

    async def on_denied(feed_id: str, reason: str) -> None:
        state.denied.append((feed_id, reason))

    handlers = WebSubHandlers(
        state.subscriptions.get,
        on_content,
        on_verified=on_verified,
        on_denied=on_denied,
        max_body_bytes=64 * 1024,
    )
    app = web.Application()
    app.add_routes(handlers.routes())
    runner, state.base = await start(app, shutdown_timeout=0.1)
    yield state
    await runner.cleanup()


@dataclass
class FakeHub:
    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)
    challenge_echoed: list[bool] = field(default_factory=list)
    push_statuses: list[int] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


@pytest.fixture
async def hub() -> AsyncIterator[FakeHub]:
    state = FakeHub()

    async def verify_then_push(form: dict[str, str]) -> None:
        async with aiohttp.ClientSession() as session:
            query = {
                "hub.mode": form["hub.mode"],
                "hub.topic": form["hub.topic"],
                "hub.challenge": "c-8b1f2e",
                "hub.lease_seconds": "86400",
            }
            async with session.get(form["hub.callback"], params=query) as response:
                state.challenge_echoed.append(
                    response.status == 200 and await response.text() == "c-8b1f2e"
                )
            if state.challenge_echoed[-1] and form["hub.mode"] == "subscribe":
                headers = {
                    "Content-Type": "application/rss+xml",
                    "X-Hub-Signature": sign(form["hub.secret"], FEED_XML),
                    "Link": f'<{form["hub.topic"]}>; rel="self"',
                }
                async with session.post(
                    form["hub.callback"], data=FEED_XML, headers=headers
                ) as pushed:
                    state.push_statuses.append(pushed.status)
        state.done.set()

    async def subscribe(request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        state.requests.append(form)
        task = asyncio.create_task(verify_then_push(form))
        state.tasks.add(task)
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/hub", subscribe)
    runner, base = await start(app, shutdown_timeout=0.1)
    state.url = f"{base}/hub"
    yield state
    for task in state.tasks:
        task.cancel()
    await runner.cleanup()


def fetcher() -> Fetcher:
    return Fetcher(FetchConfig(allow_private_networks=True, timeout_seconds=2.0))


async def test_subscribe_verify_and_receive_signed_content(
    subscriber: Subscriber, hub: FakeHub
) -> None:
    subscription = subscriber.add("ustr", hub.url)
    async with fetcher() as client:
        result = await request_subscription(client, subscription, lease_seconds=86400)
    assert result.outcome == "new" and result.http_status == 202
    await asyncio.wait_for(subscriber.content_arrived.wait(), 10)
    sent = hub.requests[0]
    assert sent["hub.mode"] == "subscribe"
    assert sent["hub.topic"] == TOPIC
    assert sent["hub.callback"] == f"{subscriber.base}/websub/ustr"
    assert sent["hub.secret"] == subscription.secret
    assert sent["hub.lease_seconds"] == "86400"
    assert hub.challenge_echoed == [True]
    assert subscriber.verified == [("ustr", "subscribe", 86400)]
    assert subscriber.received == [("ustr", FEED_XML)]
    assert hub.push_statuses == [202]


async def test_intent_for_another_topic_or_mode_is_refused(
    subscriber: Subscriber, hub: FakeHub
) -> None:
    subscriber.add("ustr", hub.url)
    async with aiohttp.ClientSession() as session:
        for query in (
            {"hub.mode": "subscribe", "hub.topic": "https://evil.example/", "hub.challenge": "x"},
            {"hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.challenge": "x"},
            {"hub.mode": "subscribe", "hub.topic": TOPIC},
        ):
            async with session.get(f"{subscriber.base}/websub/ustr", params=query) as response:
                assert response.status == 404
                assert await response.text() != "x"
        async with session.get(
            f"{subscriber.base}/websub/unknown",
            params={"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "x"},
        ) as response:
            assert response.status == 404
    assert subscriber.verified == []


async def test_unsubscribe_is_verified_only_when_requested(
    subscriber: Subscriber, hub: FakeHub
) -> None:
    subscription = subscriber.add("dea", hub.url, mode="unsubscribe")
    async with fetcher() as client:
        result = await request_subscription(client, subscription)
    await asyncio.wait_for(hub.done.wait(), 10)
    assert result.outcome == "new"
    assert "hub.secret" not in hub.requests[0]
    assert hub.challenge_echoed == [True]
    assert subscriber.verified == [("dea", "unsubscribe", 86400)]


async def test_bad_or_missing_signature_is_acknowledged_but_ignored(
    subscriber: Subscriber,
) -> None:
    subscription = subscriber.add("cbp", "http://127.0.0.1:9/hub")
    url = f"{subscriber.base}/websub/cbp"
    async with aiohttp.ClientSession() as session:
        for headers in (
            {},
            {"X-Hub-Signature": sign("wrong secret", FEED_XML)},
            {"X-Hub-Signature": "md5=00"},
            {"X-Hub-Signature": sign(subscription.secret, FEED_XML + b" ")},
        ):
            async with session.post(url, data=FEED_XML, headers=headers) as response:
                assert response.status == 202
        good = {"X-Hub-Signature": sign(subscription.secret, FEED_XML, "sha1")}
        async with session.post(url, data=FEED_XML, headers=good) as response:
            assert response.status == 202
    assert subscriber.received == [("cbp", FEED_XML)]


async def test_unknown_feed_and_oversized_notifications(subscriber: Subscriber) -> None:
    subscription = subscriber.add("big", "http://127.0.0.1:9/hub")
    huge = b"x" * (64 * 1024 + 1)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{subscriber.base}/websub/nobody", data=b"x") as response:
            assert response.status == 404
        headers = {"X-Hub-Signature": sign(subscription.secret, huge)}
        async with session.post(
            f"{subscriber.base}/websub/big", data=huge, headers=headers
        ) as response:
            assert response.status == 413
    assert subscriber.received == []


async def test_denial_is_reported(subscriber: Subscriber) -> None:
    subscriber.add("wh", "http://127.0.0.1:9/hub")
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{subscriber.base}/websub/wh",
            params={"hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "not allowed"},
        ) as response,
    ):
        assert response.status == 200
    assert subscriber.denied == [("wh", "not allowed")]


async def test_hub_urls_pass_the_ssrf_guard(subscriber: Subscriber, hub: FakeHub) -> None:
    subscription = subscriber.add("ustr", hub.url)
    async with Fetcher(FetchConfig(allow_private_networks=False)) as client:
        result = await request_subscription(client, subscription)
    assert result.error == "blocked: loopback address 127.0.0.1"
    assert hub.requests == []


def test_signature_check_is_exact() -> None:
    assert signature_valid("s", b"body", sign("s", b"body", "sha512"))
    assert not signature_valid("s", b"body", None)
    assert not signature_valid("s", b"body", "sha256")
