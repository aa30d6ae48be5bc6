"""Slack's HTTP mode: ``POST /slack/events`` on the bot's aiohttp server, for slash commands,
the reviewers' buttons and the Wrong value modal alike (``SLACK_SIGNING_SECRET``).

The signature is checked on the raw body before anything reads it (:mod:`bot.chat.signatures`:
a bad or missing signature, or a timestamp more than 5 minutes off, gets 401 and no listener
runs); a signed body that is not UTF-8 or that bolt cannot handle gets 400 and one log line,
never a 500 with a traceback. Then bolt dispatches it to the app's listeners.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.chat.signatures import Handler, signed_view, slack_check

log = logging.getLogger("bot.chat.slack_app")
EVENTS_PATH = "/slack/events"


def dispatcher(bolt: AsyncApp) -> Handler:
    """A signed request's body handed to bolt."""

    async def dispatch(request: web.Request, body: bytes) -> web.StreamResponse:
        try:
            bolt_request = AsyncBoltRequest(
                body=body.decode("utf-8"),
                query=request.query_string,
                headers=dict(request.headers),
            )
            bolt_response = await bolt.async_dispatch(bolt_request)
        except Exception as exc:  # signed but malformed: Slack never sends this
            log.warning("slack: a signed request could not be read: %s", type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        return await to_aiohttp_response(bolt_response)

    return dispatch


def install_events_route(
    app: web.Application, bolt: AsyncApp, signing_secret: str | None = None
) -> None:
    """Mount ``POST /slack/events``; ``signing_secret`` defaults to the one ``bolt`` was
    built with."""
    secret = signing_secret if signing_secret is not None else bolt._signing_secret
    app.router.add_post(EVENTS_PATH, signed_view(slack_check(secret), dispatcher(bolt)))
