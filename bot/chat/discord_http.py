"""Discord's HTTP-interactions mode: ``POST /discord/interactions`` on the bot's HTTP server
(``DISCORD_PUBLIC_KEY``). Suits several replicas: no gateway connection.

Each request is verified first (:mod:`bot.chat.signatures`: Ed25519 over timestamp + body, and a
timestamp within 5 minutes); a bad signature or a stale timestamp gets 401. A body that is not
JSON, or an interaction type the bot does not handle, gets 400. A PING gets ``{"type": 1}``;
anything else is answered by :class:`~bot.chat.discord_interactions.Interactions`, the answer
written out (JSON, or multipart with the chart) before a deferred answer goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
from nacl.signing import VerifyKey

from bot.chat.discord_interactions import APPLICATION_COMMAND, PING, Answer, Interactions
from bot.chat.discord_review import REVIEW_TYPES
from bot.chat.signatures import discord_check, signed_view

log = logging.getLogger("bot.chat.discord_app")
ROUTE_PATH = "/discord/interactions"


def public_key(hex_key: str) -> VerifyKey:
    try:
        return VerifyKey(bytes.fromhex(hex_key.strip()))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"DISCORD_PUBLIC_KEY: not a hex Ed25519 public key ({exc})") from exc


def _http_response(answer: Answer) -> web.StreamResponse:
    if not answer.files:
        return web.json_response(answer.body)
    writer = aiohttp.MultipartWriter("form-data")
    part = writer.append_json(answer.body)
    part.set_content_disposition("form-data", name="payload_json")
    for index, file in enumerate(answer.files):
        file.reset()
        part = writer.append(file.fp.read(), {"Content-Type": "image/png"})
        part.set_content_disposition("form-data", name=f"files[{index}]", filename=file.filename)
    return web.Response(body=writer)


def interactions_view(
    interactions: Interactions, key: VerifyKey
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def answer(request: web.Request, body: bytes) -> web.StreamResponse:
        try:
            interaction = json.loads(body)
        except (ValueError, RecursionError):
            log.warning("discord: interaction body is not JSON (or nested too deep)")
            return web.Response(status=400, text="body is not JSON")
        kind = interaction.get("type") if isinstance(interaction, dict) else None
        if kind not in (PING, APPLICATION_COMMAND, *REVIEW_TYPES):
            log.warning("discord: interaction type %r not handled", kind)
            return web.Response(status=400, text="interaction type not handled")
        answered = await interactions.answer(interaction)
        response = _http_response(answered)
        await response.prepare(request)
        await response.write_eof()
        answered.sent()
        return response

    return signed_view(discord_check(key), answer)
