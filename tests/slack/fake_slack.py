"""A local stand-in for Slack's Web API on 127.0.0.1 that records every call by method.

It answers ``auth.test``, ``chat.postMessage`` (messages kept per channel, with metadata),
``conversations.history`` (metadata only with ``include_all_metadata``), the external file
upload flow, ``apps.connections.open`` (a websocket on ``/socket`` for Socket Mode), and
``/respond/<name>`` as a slash command's ``response_url``. Faults are queued per method.
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
        self.channel_errors: dict[str, str] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.responses: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
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
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
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

    def responses_to(self, name: str) -> list[dict[str, Any]]:
        return [r for r in self.responses if r["_name"] == name]

    async def wait_for(self, condition: Any, timeout: float = 10.0) -> None:
        """Wait until ``condition()`` is true (a deadline for the test, not a speed check)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the Slack stand-in did not see the expected calls")
            await asyncio.sleep(0.05)

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

    def _m_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "B1", "team": "t"}

    def _m_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        blocks = params.get("blocks")
        metadata = params.get("metadata")
        message = {
            "ts": f"1700000000.{next(self._ts):06d}",
            "channel": channel,
            "text": params.get("text", ""),
            "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks,
            "metadata": json.loads(metadata) if isinstance(metadata, str) else metadata,
        }
        self.messages[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _m_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        if channel in self.channel_errors:
            return {"ok": False, "error": self.channel_errors[channel]}
        with_metadata = str(params.get("include_all_metadata", "")).lower() in {"1", "true"}
        limit = int(params.get("limit", 100))
        newest_first = list(reversed(self.messages[channel]))[:limit]
        shown = []
        for message in newest_first:
            item = {k: v for k, v in message.items() if k != "metadata" or with_metadata}
            shown.append(item)
        return {"ok": True, "messages": shown, "has_more": False}

    def _m_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{len(self.uploads) + 1:04d}"
        self.uploads[file_id] = b""
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files", "[]")
        listed = json.loads(files) if isinstance(files, str) else files
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in listed]}

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
