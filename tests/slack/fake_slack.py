"""A local stand-in for Slack's Web API on 127.0.0.1 that records every call by method.

It answers ``auth.test``, ``chat.postMessage`` (messages kept per channel, with metadata;
``thread_ts`` makes a reply in that thread, ``thread_not_found`` if its first message is gone;
``reply_broadcast`` also shows it in the channel), ``chat.update`` (``message_not_found``,
``cant_update_message`` for another user's message, ``edit_window_closed`` for a ts in
``closed_for_edits``), ``conversations.history`` (top-level messages and broadcast replies, as
Slack lists them; metadata only with ``include_all_metadata``), ``conversations.replies`` (a
thread, oldest first; ``thread_not_found``), the external file upload flow,
``apps.connections.open`` (a websocket on ``/socket`` for Socket Mode), ``views.open`` (a modal;
``expired_trigger_id`` for a trigger in ``expired_triggers``), ``chat.postEphemeral``, and
``/respond/<name>`` as a slash command's or a button's ``response_url``. Faults are queued per
method.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.serving import start

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str


@dataclass
class Fault:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    after_success: bool = False  # do the work, then answer with the fault (a lost response)


class FakeSlack:
    def __init__(self, tokens: tuple[str, ...] = (BOT_TOKEN, APP_TOKEN)) -> None:
        self.tokens = set(tokens)
        self.calls: list[Call] = []
        self.call_times: list[tuple[str, float]] = []
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.updates: list[dict[str, Any]] = []  # every chat.update applied, in order
        self.closed_for_edits: set[str] = set()  # ts past the workspace's edit window
        self.channel_errors: dict[str, str] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.responses: list[dict[str, Any]] = []
        self.user_groups: dict[str, list[str]] = {}  # usergroups.users.list: group id → users
        self.uploads: dict[str, bytes] = {}
        self.views: list[dict[str, Any]] = []  # views.open: the modals opened
        self.expired_triggers: set[str] = set()
        self.ephemerals: list[dict[str, Any]] = []  # chat.postEphemeral
        self.socket_sent: list[dict[str, Any]] = []
        self.socket_acks: list[dict[str, Any]] = []
        self.socket_connected = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base = ""

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket_view)
        self._runner, self.base = await start(app)
        return self

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/respond/{name}"

    # --- inspection -----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def fail_next(
        self,
        method: str,
        status: int,
        body: dict[str, Any] | str | None = None,
        headers: dict[str, str] | None = None,
        *,
        after_success: bool = False,
    ) -> None:
        body = body if body is not None else {"ok": False}
        self.faults[method].append(Fault(status, body, headers or {}, after_success))

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        if channel is not None:
            return list(self.messages[channel])
        return [m for messages in self.messages.values() for m in messages]

    def top_level(self, channel: str) -> list[dict[str, Any]]:
        """What the channel shows: top-level messages and broadcast replies."""
        return [m for m in self.messages[channel] if _in_channel_view(m)]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The replies in the thread of message ``ts``, oldest first (without the first one)."""
        return [m for m in self.messages[channel] if m.get("thread_ts") == ts and m["ts"] != ts]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages[channel] if m["ts"] == ts), None)

    def add_foreign_message(self, channel: str, text: str, user: str = "U0PERSON") -> str:
        """A message somebody else posted (the bot may not edit it)."""
        ts = self._next_ts()
        self.messages[channel].append(
            {"type": "message", "ts": ts, "user": user, "text": text, "blocks": None}
        )
        return ts

    def delete(self, channel: str, ts: str) -> None:
        self.messages[channel] = [m for m in self.messages[channel] if m["ts"] != ts]

    def responses_to(self, name: str) -> list[dict[str, Any]]:
        return [r for r in self.responses if r["_name"] == name]

    async def wait_for(self, condition: Any, timeout: float = 10.0) -> None:
        """Wait until ``condition()`` is true (a deadline for the test, not a speed check)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the Slack stand-in did not see the expected calls")
            await asyncio.sleep(0.05)

    async def answer(self, name: str, timeout: float = 10.0) -> dict[str, Any]:
        """The one answer posted to the response URL ``name``, once it has come."""
        await self.wait_for(lambda: self.responses_to(name), timeout)
        [answer] = self.responses_to(name)
        return answer

    # --- Web API --------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        token = token or str(params.get("token", ""))
        self.calls.append(Call(method, params, token))
        self.call_times.append((method, time.monotonic()))
        fault = self.faults[method].popleft() if self.faults[method] else None
        if fault is not None and not fault.after_success:
            return self._fault_response(fault)
        if token not in self.tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = handler(params)
        if fault is not None:
            return self._fault_response(fault)
        return web.json_response(body)

    @staticmethod
    def _fault_response(fault: Fault) -> web.Response:
        if isinstance(fault.body, str):
            return web.Response(status=fault.status, text=fault.body, headers=fault.headers)
        return web.json_response(fault.body, status=fault.status, headers=fault.headers)

    def _m_usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = str(params.get("usergroup", ""))
        if group not in self.user_groups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.user_groups[group])}

    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "B1", "team": "t"}

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        message = {
            "type": "message",
            "ts": self._next_ts(),
            "channel": channel,
            "user": "UBOT",
            "bot_id": "B1",
            "text": params.get("text", ""),
            "blocks": _decoded(params.get("blocks")),
            "metadata": _decoded(params.get("metadata")),
        }
        thread_ts = params.get("thread_ts")
        if thread_ts:
            parent = self.message(channel, str(thread_ts))
            if parent is None:
                return {"ok": False, "error": "thread_not_found"}
            root = str(parent.get("thread_ts") or parent["ts"])
            message["thread_ts"] = root
            if _truthy(params.get("reply_broadcast")):
                message["subtype"] = "thread_broadcast"
            first = self.message(channel, root)
            if first is not None:
                first["thread_ts"] = root
                first["reply_count"] = int(first.get("reply_count", 0)) + 1
                first["latest_reply"] = message["ts"]
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _m_chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        ts = str(params.get("ts", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        message = self.message(channel, ts)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message.get("user") != "UBOT":
            return {"ok": False, "error": "cant_update_message"}
        if ts in self.closed_for_edits:
            return {"ok": False, "error": "edit_window_closed"}
        if "text" in params:
            message["text"] = params["text"]
        if "blocks" in params:
            message["blocks"] = _decoded(params["blocks"])
        if "metadata" in params:  # left alone when not given, as Slack does
            message["metadata"] = _decoded(params["metadata"])
        message["edited"] = {"user": "UBOT", "ts": self._next_ts()}
        self.updates.append({"channel": channel, "ts": ts, **dict(message)})
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}

    def _shown(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> list[Any]:
        with_metadata = _truthy(params.get("include_all_metadata"))
        return [{k: v for k, v in m.items() if k != "metadata" or with_metadata} for m in messages]

    def _m_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        limit = int(params.get("limit", 100))
        newest_first = list(reversed(self.top_level(channel)))[:limit]
        return {"ok": True, "messages": self._shown(newest_first, params), "has_more": False}

    def _m_conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        first = self.message(channel, str(params.get("ts", "")))
        if first is None:
            return {"ok": False, "error": "thread_not_found"}
        root = str(first.get("thread_ts") or first["ts"])
        head = self.message(channel, root)
        thread = ([head] if head is not None else []) + self.thread(channel, root)
        limit = int(params.get("limit", 1000))
        return {"ok": True, "messages": self._shown(thread[:limit], params), "has_more": False}

    def _m_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{len(self.uploads) + 1:04d}"
        self.uploads[file_id] = b""
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files", "[]")
        listed = json.loads(files) if isinstance(files, str) else files
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in listed]}

    def _m_views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger = str(params.get("trigger_id", ""))
        if not trigger or trigger in self.expired_triggers:
            return {"ok": False, "error": "expired_trigger_id"}
        view = _decoded(params.get("view"))
        self.views.append({"trigger_id": trigger, "view": view})
        return {"ok": True, "view": {"id": f"V{len(self.views):04d}", **(view or {})}}

    def _m_chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        self.ephemerals.append(
            {
                "channel": channel,
                "user": params.get("user"),
                "text": params.get("text", ""),
                "blocks": _decoded(params.get("blocks")),
            }
        )
        return {"ok": True, "message_ts": self._next_ts()}

    def _m_apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"{self.base.replace('http', 'ws', 1)}/socket"}

    # --- response_url, uploads, Socket Mode ------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        payload = await request.json()
        payload["_name"] = request.match_info["name"]
        self.responses.append(payload)
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    async def _socket_view(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1})
        self.socket_connected.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
        return socket

    async def send_socket_envelope(self, envelope: dict[str, Any]) -> None:
        assert self._socket is not None, "no Socket Mode client connected"
        self.socket_sent.append(envelope)
        await self._socket.send_json(envelope)


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _truthy(value: Any) -> bool:
    return str(value).lower() in {"1", "true"}


def _in_channel_view(message: dict[str, Any]) -> bool:
    thread_ts = message.get("thread_ts")
    return (
        not thread_ts or thread_ts == message["ts"] or message.get("subtype") == "thread_broadcast"
    )
