"""Real local servers standing in for the outside world of a worker process: a feed host and a
Slack Web API. Each runs an aiohttp application on 127.0.0.1 in its own thread, so a test can
drive worker *processes* (start, kill -9, restart) from plain synchronous code, and it records
what it receives.

Both servers can kill the current worker at a precise moment through a ``trigger`` the test sets:
the Slack stand-in on the n-th ``chat.postMessage`` (or ``chat.update``) before or after recording
it (a crash between "send" and "mark sent", or between a reply and its parent's edit), the feed
host on the n-th feed request. :class:`DiscordStandIn` serves the Discord REST stand-in of
``tests/discord`` from a thread the same way (its ``kill_at`` kills on a reply or an edit).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from typing import Any

from aiohttp import web

from tests.discord.fake_discord import TOKEN as DISCORD_TOKEN
from tests.discord.fake_discord import FakeDiscord, Recorded

Kill = Callable[[], None]


class ThreadedServer:
    """An aiohttp application served on 127.0.0.1 from a background thread."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)  # aiohttp types it as AbstractServer | None
        self.port = server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


# --- the Slack Web API stand-in ------------------------------------------------------------


@dataclass
class SlackMessage:
    channel: str
    ts: str
    text: str
    metadata: dict[str, Any] | None
    thread_ts: str | None = None  # a reply: the ts of its thread's first message
    broadcast: bool = False  # a reply also shown in the channel (reply_broadcast)

    @property
    def in_channel_view(self) -> bool:
        return self.thread_ts is None or self.broadcast

    @property
    def alert_id(self) -> str | None:
        payload = (self.metadata or {}).get("event_payload") or {}
        value = payload.get("alert_id")
        return str(value) if value is not None else None


@dataclass
class PostTrigger:
    """Kill the worker on the ``nth`` call of ``method`` from now, ``before`` or after
    recording it."""

    nth: int
    before: bool
    kill: Kill
    method: str = "chat.postMessage"
    replies_only: bool = False  # count only posts in a thread (``thread_ts``)
    seen: int = 0
    fired: bool = False


@dataclass
class SlackUpdate:
    """A ``chat.update`` that was applied."""

    channel: str
    ts: str
    text: str


@dataclass
class Outage:
    """Fail calls of ``methods`` (default: every method) until ``until`` (monotonic time), in
    turn as ``pattern`` says: a 500, a 429 with Retry-After, or a post that is recorded and then
    answered with a 500 (the message did arrive; the sender cannot know)."""

    until: float
    pattern: tuple[str, ...] = ("500", "429", "recorded-500")
    methods: tuple[str, ...] = ()
    calls: int = 0


class SlackStandIn:
    """``chat.postMessage``, ``chat.update``, ``conversations.history`` and
    ``conversations.replies`` as Slack serves them: JSON or form bodies, bearer token, message
    metadata returned only with ``include_all_metadata``, history newest message first with
    cursor pagination (thread replies only when broadcast), a thread oldest first,
    ``thread_not_found`` / ``message_not_found`` for a missing message."""

    TOKEN = "xoxb-reliability-test"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages: list[SlackMessage] = []
        self.updates: list[SlackUpdate] = []
        self.calls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.trigger: PostTrigger | None = None
        self.outages: list[Outage] = []
        self._clock = 1_700_000_000.0
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._dispatch)
        self.server = ThreadedServer(app)

    @property
    def api_url(self) -> str:
        return self.server.base_url + "/api/"

    def start(self) -> SlackStandIn:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def kill_at(self, method: str, before: bool, kill: Kill) -> None:
        """Kill the worker at the first ``method`` call from now (a ``chat.postMessage``: the
        first reply in a thread), ``before`` or after recording it."""
        replies_only = method == "chat.postMessage"  # a reply, not a parent's post
        self.trigger = PostTrigger(
            nth=1, before=before, kill=kill, method=method, replies_only=replies_only
        )

    def counts_by_channel(self) -> dict[str, Counter[str]]:
        with self._lock:
            counts: dict[str, Counter[str]] = {}
            for message in self.messages:
                counts.setdefault(message.channel, Counter())[message.alert_id or "?"] += 1
            return counts

    def total(self) -> int:
        with self._lock:
            return len(self.messages)

    def top_level(self, channel: str) -> list[SlackMessage]:
        with self._lock:
            return [m for m in self.messages if m.channel == channel and m.thread_ts is None]

    def thread(self, channel: str, ts: str) -> list[SlackMessage]:
        with self._lock:
            return [m for m in self.messages if m.channel == channel and m.thread_ts == ts]

    def updates_of(self, channel: str, ts: str) -> list[SlackUpdate]:
        with self._lock:
            return [u for u in self.updates if u.channel == channel and u.ts == ts]

    def _find(self, channel: str, ts: str) -> SlackMessage | None:
        with self._lock:
            return next((m for m in self.messages if m.channel == channel and m.ts == ts), None)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    params.update(body)
            else:
                params.update(dict(await request.post()))
        return params

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.calls[method] += 1
        if request.headers.get("Authorization") != f"Bearer {self.TOKEN}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        params = await self._params(request)
        failure = self._failure(method)
        if failure in ("500", "429"):
            self.failures[f"{method}:{failure}"] += 1
            if failure == "429":
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        if method == "chat.postMessage":
            response = self._post(params)
            if failure == "recorded-500":
                self.failures[f"{method}:{failure}"] += 1
                return web.json_response({"ok": False, "error": "internal_error"}, status=500)
            return response
        if method == "chat.update":
            return self._update(params)
        if method == "conversations.history":
            return self._history(params)
        if method == "conversations.replies":
            return self._replies(params)
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "team_id": "T1"})
        return web.json_response({"ok": False, "error": "unknown_method"}, status=404)

    def _failure(self, method: str) -> str | None:
        now = time.monotonic()
        for outage in self.outages:
            if now < outage.until and (not outage.methods or method in outage.methods):
                kind = outage.pattern[outage.calls % len(outage.pattern)]
                outage.calls += 1
                return kind
        return None

    def _fire(self, before: bool, method: str) -> None:
        trigger = self.trigger
        if trigger is None or trigger.fired or trigger.before != before:
            return
        if trigger.method == method and trigger.seen >= trigger.nth:
            trigger.fired = True
            trigger.kill()

    def _arrive(self, method: str, params: dict[str, Any]) -> None:
        """Count the call for the trigger and fire it if it is due before the work; if it
        fired, the worker is gone and nothing is recorded."""
        trigger = self.trigger
        if trigger is not None and trigger.method == method:
            trigger.seen += int(not trigger.replies_only or bool(params.get("thread_ts")))
        self._fire(True, method)
        trigger = self.trigger
        if trigger is not None and trigger.fired and trigger.before and trigger.method == method:
            raise web.HTTPServiceUnavailable()

    def _post(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel") or "")
        if not channel:
            return web.json_response({"ok": False, "error": "channel_not_found"})
        thread_ts = str(params.get("thread_ts") or "") or None
        if thread_ts is not None:
            first = self._find(channel, thread_ts)
            if first is None:
                return web.json_response({"ok": False, "error": "thread_not_found"})
            thread_ts = first.thread_ts or first.ts
        self._arrive("chat.postMessage", params)
        with self._lock:
            # message timestamps are Unix times, as Slack's are (`oldest` bounds rely on it)
            self._clock = max(time.time(), self._clock + 0.001)
            ts = f"{self._clock:.6f}"
            message = SlackMessage(
                channel=channel,
                ts=ts,
                text=str(params.get("text") or ""),
                metadata=_metadata(params.get("metadata")),
                thread_ts=thread_ts,
                broadcast=str(params.get("reply_broadcast")).lower() in ("true", "1"),
            )
            self.messages.append(message)
        self._fire(False, "chat.postMessage")
        return web.json_response({"ok": True, "channel": channel, "ts": ts})

    def _update(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel") or "")
        ts = str(params.get("ts") or "")
        message = self._find(channel, ts)
        if message is None:
            return web.json_response({"ok": False, "error": "message_not_found"})
        self._arrive("chat.update", params)
        with self._lock:
            message.text = str(params.get("text") or message.text)
            if "metadata" in params:
                message.metadata = _metadata(params.get("metadata"))
            self.updates.append(SlackUpdate(channel=channel, ts=ts, text=message.text))
        self._fire(False, "chat.update")
        return web.json_response({"ok": True, "channel": channel, "ts": ts, "text": message.text})

    def _replies(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel") or "")
        first = self._find(channel, str(params.get("ts") or ""))
        if first is None:
            return web.json_response({"ok": False, "error": "thread_not_found"})
        root = first.thread_ts or first.ts
        with_metadata = str(params.get("include_all_metadata")).lower() in ("true", "1")
        thread = [first if first.ts == root else self._find(channel, root)]
        thread += self.thread(channel, root)
        messages = [_listed(m, with_metadata) for m in thread if m is not None]
        return web.json_response({"ok": True, "messages": messages, "has_more": False})

    def _history(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel") or "")
        limit = max(1, min(int(params.get("limit") or 100), 999))
        start = int(params.get("cursor") or 0)
        oldest = float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata")).lower() in ("true", "1")
        with self._lock:
            found = [
                m
                for m in reversed(self.messages)
                if m.channel == channel and float(m.ts) > oldest and m.in_channel_view
            ]
        page = found[start : start + limit]
        messages = [_listed(message, with_metadata) for message in page]
        more = start + limit < len(found)
        return web.json_response(
            {
                "ok": True,
                "messages": messages,
                "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""},
            }
        )


def _metadata(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None


def _listed(message: SlackMessage, with_metadata: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "message", "ts": message.ts, "text": message.text}
    if message.thread_ts is not None:
        item["thread_ts"] = message.thread_ts
        if message.broadcast:
            item["subtype"] = "thread_broadcast"
    if with_metadata and message.metadata is not None:
        item["metadata"] = message.metadata
    return item


# --- the Discord REST stand-in -------------------------------------------------------------


class DiscordStandIn:
    """``tests/discord/fake_discord.FakeDiscord`` served from a background thread, so worker
    processes can talk to it while the test runs synchronous code. Read ``fake`` once the
    worker is done (or dead)."""

    CHANNELS = ("700000000000000101", "700000000000000102")

    def __init__(self) -> None:
        self.fake = FakeDiscord()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return self.fake.api_url

    def start(self) -> DiscordStandIn:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @property
    def destinations(self) -> list[str]:
        return [f"discord:{channel}" for channel in self.CHANNELS]

    def worker_env(self) -> dict[str, str]:
        """What a worker needs to deliver through this stand-in: the token, the API's URL, and
        HTTP interactions (no gateway client in the worker; the server is off, port 0)."""
        return {
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_URL": self.api_url,
            "DISCORD_PUBLIC_KEY": secrets.token_hex(32),
            "DISCORD_APPLICATION_ID": "800000000000000001",
        }

    def kill_at(self, method: str, before: bool, kill: Kill) -> None:
        """Kill the worker at its first ``method`` call to a channel from now (a ``POST``: the
        first reply, not a parent's post), ``before`` or after it is applied."""
        fake = self.fake

        def hook(phase: str, request: Recorded) -> bool:
            if request.method != method or "/channels/" not in request.path:
                return False
            if method == "POST" and not (request.json or {}).get("message_reference"):
                return False  # a parent's post, not a reply
            if phase != ("before" if before else "after"):
                return False
            fake.hook = None
            kill()
            return True

        fake.hook = hook


# --- the feed host ------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    text: str
    published: Any  # datetime

    @property
    def link(self) -> str:
        return f"https://reliability.example/{self.guid}"


@dataclass
class FeedTrigger:
    """Kills at the ``nth`` feed request, or at the first one after it when ``ready`` says so
    (such as once the process to kill holds work)."""

    nth: int
    kill: Kill
    ready: Callable[[], bool] | None = None
    seen: int = 0
    fired: bool = False


@dataclass
class FeedHost:
    """Serves ``/feeds/<name>.xml`` (RSS 2.0) from ``feeds``, with an ETag, honouring
    ``If-None-Match``; unknown names get an empty channel."""

    feeds: dict[str, list[Item]] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    trigger: FeedTrigger | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        app = web.Application()
        app.router.add_get("/feeds/{name}.xml", self._serve)
        self.server = ThreadedServer(app)

    def start(self) -> FeedHost:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def url(self, name: str) -> str:
        return f"{self.server.base_url}/feeds/{name}.xml"

    def publish(self, name: str, items: list[Item]) -> None:
        with self._lock:
            self.feeds.setdefault(name, []).extend(items)

    def body(self, name: str) -> bytes:
        with self._lock:
            items = list(self.feeds.get(name, []))
        return rss(name, items)

    async def _serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.requests[name] += 1
        trigger = self.trigger
        if trigger is not None and not trigger.fired:
            trigger.seen += 1
            if trigger.seen >= trigger.nth and (trigger.ready is None or trigger.ready()):
                trigger.fired = True
                trigger.kill()
                raise web.HTTPServiceUnavailable()
        body = self.body(name)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})


def rss(name: str, items: list[Item]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>',
        f"<title>Reliability wire {escape(name)}</title><link>https://reliability.example/</link>",
        "<description>Invented items for the reliability tests</description>",
    ]
    for item in items:
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{item.link}</link>"
            f'<guid isPermaLink="false">{item.guid}</guid>'
            f"<pubDate>{format_datetime(item.published)}</pubDate>"
            f"<description>{escape(item.text)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()
