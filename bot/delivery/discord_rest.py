"""Discord's REST API as the bot calls it: the transport, nothing more.

Base URL: discord.py builds every REST URL from the class attribute ``discord.http.Route.BASE``.
Rather than changing that process-wide, :class:`DiscordRest` subclasses ``HTTPClient`` and moves
each route onto ``DISCORD_API_URL`` in ``request``, the one method every call goes through (login,
messages, commands, interaction webhooks). Everything else is discord.py's own: the rate-limit
buckets and the 429 handling (it sleeps ``retry_after`` and retries; a wait longer than
``max_rate_limit_wait`` raises ``discord.RateLimited``). Every call raises what discord.py or
aiohttp raise; what a failure means is read by ``discord_result``, and message bodies are built
by ``discord_render``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord.http import HTTPClient, MultipartParameters, Route

DEFAULT_API_URL = "https://discord.com/api/v10"
ORIGINAL_ANSWER = "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
INTERACTION_CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


class DiscordRest(HTTPClient):
    """discord.py's REST client with its routes moved onto ``api_url`` (see the module doc); its
    own ``send_message``, ``edit_message``, ``logs_from`` and bulk command uploads, and the two
    interaction routes it lacks."""

    def __init__(self, api_url: str, *, max_rate_limit_wait: float = 60.0) -> None:
        super().__init__(asyncio.get_running_loop(), max_ratelimit_timeout=max_rate_limit_wait)
        self.api_url = api_url.rstrip("/")

    async def request(self, route: Route, **kwargs: Any) -> Any:
        if self.api_url != Route.BASE and route.url.startswith(Route.BASE):
            route.url = self.api_url + route.url[len(Route.BASE) :]
        return await super().request(route, **kwargs)

    async def send(self, route: Route, params: MultipartParameters) -> Any:
        if params.files:
            return await self.request(route, files=params.files, form=params.multipart)
        return await self.request(route, json=params.payload)

    async def edit_original(
        self, application_id: str, token: str, params: MultipartParameters
    ) -> Any:
        """Replace an interaction's original (deferred) answer through its webhook."""
        route = Route("PATCH", ORIGINAL_ANSWER, webhook_id=application_id, webhook_token=token)
        return await self.send(route, params)

    async def interaction_callback(
        self,
        interaction_id: str,
        token: str,
        body: dict[str, Any],
        form: list[dict[str, Any]] | None = None,
        files: list[discord.File] | None = None,
    ) -> Any:
        """Answer an interaction (gateway mode): ``body`` as JSON, or ``form`` with ``files``."""
        ids = {"interaction_id": interaction_id, "interaction_token": token}
        route = Route("POST", INTERACTION_CALLBACK, **ids)
        if files:
            return await self.request(route, form=form, files=files)
        return await self.request(route, json=body)


class DiscordConnection:
    """A :class:`DiscordRest` logged in with the bot token on first use (a refused token raises
    ``discord.LoginFailure`` and the next call tries again)."""

    def __init__(
        self, token: str, api_url: str = DEFAULT_API_URL, *, max_rate_limit_wait: float = 60.0
    ) -> None:
        self._token = token
        self._api_url = api_url
        self._max_wait = max_rate_limit_wait
        self._rest: DiscordRest | None = None
        self.user_id: str | None = None
        self._lock = asyncio.Lock()

    async def rest(self) -> DiscordRest:
        async with self._lock:
            if self._rest is None:
                self._rest = DiscordRest(self._api_url, max_rate_limit_wait=self._max_wait)
            if self.user_id is None:
                me: Any = await self._rest.static_login(self._token)
                if not isinstance(me, dict) or "id" not in me:
                    raise discord.DiscordException("GET /users/@me: not a user object")
                self.user_id = str(me["id"])
            return self._rest

    async def close(self) -> None:
        if self._rest is not None:
            await self._rest.close()
            self._rest = None
            self.user_id = None
