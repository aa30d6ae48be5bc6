"""A local stand-in for Discord's REST API (real sockets on 127.0.0.1) that records every request.

It answers what the bot uses: ``GET /users/@me``, channel messages (post with nonce dedup as Discord
does under ``enforce_nonce``, and list), replies (``message_reference``: a reply of type 19 carrying
``message_reference`` and ``referenced_message``; a reference to a missing message is refused with
400 / 50035 unless ``fail_if_not_exists`` is false, when it becomes an ordinary message), message
edits (``PATCH /channels/{id}/messages/{mid}``: 404 / 10008 Unknown Message, 403 / 50005 for another
author's message), command bulk overwrites (global and guild), the interaction callback and ``PATCH
.../messages/@original`` (each kept in ``callbacks`` and ``originals``), and message components
(buttons: kept on posts and replaced by edits). Faults are scripted per channel: ``fake.plan("123",
[429, 200])`` answers the next posts to channel 123 with a 429 (with the ``Via`` header and
``retry_after`` body Discord sends) and then normally; ``fake.plan_edits`` does the same for edits.
Status 403 comes with code 50001 (Missing Access), 404 with code 10003 (Unknown Channel). ``hook``
sees each message post or edit before (``"before"``) and after (``"after"``) it is applied; a hook
that returns true before stops the request there (503, nothing applied): the reliability tests kill
a worker process at that moment.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.serving import start

PREFIX = "/api/v10"
BOT_USER_ID = "900000000000000001"
TOKEN = "test-bot-token"
ERRORS = {
    400: {"code": 50035, "message": "Invalid Form Body"},
    401: {"code": 0, "message": "401: Unauthorized"},
    403: {"code": 50001, "message": "Missing Access"},
    404: {"code": 10003, "message": "Unknown Channel"},
    500: {"code": 0, "message": "500: Internal Server Error"},
}
UNKNOWN_MESSAGE = {"code": 10008, "message": "Unknown Message"}
NOT_AUTHOR = {"code": 50005, "message": "Cannot edit a message authored by another user"}
BAD_REFERENCE = {
    "code": 50035,
    "message": "Invalid Form Body",
    "errors": {
        "message_reference": {
            "_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]
        }
    },
}
Hook = Callable[[str, "Recorded"], bool | None]  # (phase, the request) → stop the request?


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with the bare content type Discord sends (discord.py parses only that)."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(body).encode(), status=status, headers=all_headers)


@dataclass
class Recorded:
    method: str
    path: str
    json: Any = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeDiscord:
    token: str = TOKEN
    retry_after: float = 0.05
    requests: list[Recorded] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    plans: dict[str, list[int]] = field(default_factory=dict)
    edit_plans: dict[str, list[int]] = field(default_factory=dict)
    edits: list[Recorded] = field(default_factory=list)  # edits applied, in order
    callbacks: list[Recorded] = field(default_factory=list)  # interaction callbacks
    originals: list[Recorded] = field(default_factory=list)  # PATCHes of @original
    hook: Hook | None = None
    base: str = ""  # http://127.0.0.1:<port> once started
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        return f"{self.base}{PREFIX}"

    def plan(self, channel: str, statuses: list[int]) -> None:
        self.plans.setdefault(channel, []).extend(statuses)

    def plan_edits(self, channel: str, statuses: list[int]) -> None:
        self.edit_plans.setdefault(channel, []).extend(statuses)

    def message(self, channel: str, message_id: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["id"] == message_id), None)

    def replies_to(self, channel: str, message_id: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages.get(channel, [])
            if (m.get("message_reference") or {}).get("message_id") == message_id
        ]

    def add_foreign_message(self, channel: str, content: str) -> str:
        """A message somebody else posted (the bot may not edit it)."""
        message = {
            "id": str(1_000_000_000_000_000_000 + next(self._ids)),
            "channel_id": channel,
            "author": {"id": "900000000000000777", "username": "someone"},
            "content": content,
            "embeds": [],
            "type": 0,
        }
        self.messages.setdefault(channel, []).append(message)
        return str(message["id"])

    def delete(self, channel: str, message_id: str) -> None:
        self.messages[channel] = [
            m for m in self.messages.get(channel, []) if m["id"] != message_id
        ]

    def _stopped(self, phase: str, recorded: Recorded) -> bool:
        return bool(self.hook is not None and self.hook(phase, recorded))

    def posts(self, channel: str) -> list[Recorded]:
        path = f"{PREFIX}/channels/{channel}/messages"
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def matching(self, method: str, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_part in r.path]

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get(PREFIX + "/users/@me", self._me)
        app.router.add_post(PREFIX + "/channels/{channel}/messages", self._post_message)
        app.router.add_get(PREFIX + "/channels/{channel}/messages", self._list_messages)
        app.router.add_patch(
            PREFIX + "/channels/{channel}/messages/{message}", self._edit_channel_message
        )
        app.router.add_put(PREFIX + "/applications/{app}/commands", self._commands)
        app.router.add_put(PREFIX + "/applications/{app}/guilds/{guild}/commands", self._commands)
        app.router.add_post(PREFIX + "/interactions/{id}/{token}/callback", self._callback)
        app.router.add_patch(PREFIX + "/webhooks/{app}/{token}/messages/@original", self._edit)
        self._runner, self.base = await start(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, request: web.Request) -> Recorded:
        recorded = Recorded(request.method, request.path, headers=dict(request.headers))
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    recorded.files[name] = (value.filename, value.file.read())
                elif name == "payload_json":
                    recorded.json = json.loads(str(value))
        elif request.can_read_body:
            recorded.json = await request.json()
        self.requests.append(recorded)
        return recorded

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    @staticmethod
    def _error(status: int) -> web.Response:
        return _json(ERRORS.get(status, {"code": 0, "message": "error"}), status=status)

    def _too_many(self) -> web.Response:
        body = {"message": "You are being rate limited.", "retry_after": self.retry_after}
        body["global"] = False
        headers = {"Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Scope": "user"}
        return _json(body, status=429, headers=headers)

    async def _me(self, request: web.Request) -> web.Response:
        await self._record(request)
        if not self._authorised(request):
            return self._error(401)
        return _json(
            {
                "id": BOT_USER_ID,
                "username": "fentanyl-bot",
                "discriminator": "0",
                "avatar": None,
                "bot": True,
            }
        )

    def _refused(self, request: web.Request, planned: list[int] | None) -> web.Response | None:
        """The answer to a call without the bot's token (401), or the next status planned for
        its channel if that is no success (a 429 with Retry-After, an error); else ``None``."""
        if not self._authorised(request):
            return self._error(401)
        status = planned.pop(0) if planned else 200
        if status == 429:
            return self._too_many()
        if status != 200:
            return self._error(status)
        return None

    async def _post_message(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        channel = request.match_info["channel"]
        refused = self._refused(request, self.plans.get(channel))
        if refused is not None:
            return refused
        payload = recorded.json or {}
        existing = self.messages.setdefault(channel, [])
        nonce = payload.get("nonce")
        if payload.get("enforce_nonce") and nonce:
            for message in existing:
                if message.get("nonce") == nonce:
                    return _json(message)
        reference = payload.get("message_reference") or None
        referenced = None
        if reference is not None:
            referenced = self.message(channel, str(reference.get("message_id")))
            if referenced is None and reference.get("fail_if_not_exists", True):
                return _json(BAD_REFERENCE, status=400)
        if self._stopped("before", recorded):
            return _json(ERRORS[500], status=503)
        message = {
            "id": str(1_000_000_000_000_000_000 + next(self._ids)),
            "channel_id": channel,
            "author": {"id": BOT_USER_ID, "username": "fentanyl-bot", "bot": True},
            "content": payload.get("content", ""),
            "embeds": payload.get("embeds", []),
            "components": payload.get("components", []),
            "nonce": nonce,
            "type": 0,
        }
        if referenced is not None:
            message["type"] = 19  # REPLY
            message["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": channel,
            }
            message["referenced_message"] = dict(referenced)
        existing.append(message)
        self._stopped("after", recorded)
        return _json(message)

    async def _edit_channel_message(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        channel = request.match_info["channel"]
        refused = self._refused(request, self.edit_plans.get(channel))
        if refused is not None:
            return refused
        message = self.message(channel, request.match_info["message"])
        if message is None:
            return _json(UNKNOWN_MESSAGE, status=404)
        if (message.get("author") or {}).get("id") != BOT_USER_ID:
            return _json(NOT_AUTHOR, status=403)
        if self._stopped("before", recorded):
            return _json(ERRORS[500], status=503)
        payload = recorded.json or {}
        for key in ("content", "embeds", "allowed_mentions", "components"):
            if key in payload:
                message[key] = payload[key]
        message["edited_timestamp"] = "2025-05-12T10:00:00.000000+00:00"
        self.edits.append(recorded)
        self._stopped("after", recorded)
        return _json(message)

    async def _list_messages(self, request: web.Request) -> web.Response:
        await self._record(request)
        if not self._authorised(request):
            return self._error(401)
        limit = int(request.query.get("limit", "50"))
        newest_first = list(reversed(self.messages.get(request.match_info["channel"], [])))
        return _json(newest_first[:limit])

    async def _commands(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        if not self._authorised(request):
            return self._error(401)
        return _json(recorded.json)

    async def _callback(self, request: web.Request) -> web.Response:
        self.callbacks.append(await self._record(request))
        return web.Response(status=204)

    async def _edit(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        self.originals.append(recorded)
        return _json({"id": "1", "embeds": (recorded.json or {}).get("embeds", [])})
