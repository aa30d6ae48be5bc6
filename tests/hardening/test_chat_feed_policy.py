"""A feed added from chat is untrusted all the way: not only its own URL but the article pages
of its entries and the WebSub hub it names are fetched under the strict SSRF guard, even where
the deployer allows private networks for configured feeds (finding 1, "high").

The "outside" host is 127.0.0.2, let through the strict guard by ``fetch.allowed_networks`` so
that it stands for a public server; the deployer's internal server is on 127.0.0.1."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app.context import build_context
from bot.app.websub import WebSubManager
from bot.app.worker import Worker
from bot.chat.commands import Invocation, handle
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from bot.store import repo
from tests.core.feeds import rss
from tests.core.test_worker_e2e import ARTICLE_PAGE
from tests.serving import FeedHost, served
from tests.worker import write_config

from .conftest import ROOT


@pytest.fixture
async def outside() -> AsyncIterator[tuple[str, dict[str, bytes]]]:
    """A server on 127.0.0.2 serving the bodies put in the returned dict."""
    bodies: dict[str, bytes] = {}

    async def serve(request: web.Request) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/{path:.*}", serve)
    async with served(app, "127.0.0.2") as base:
        yield base, bodies


def teaser_feed(link: str, hub: str | None = None) -> bytes:
    body = rss(
        [
            {
                "title": "US moves on China tariffs",
                "link": link,
                "date": "2026-06-02T10:00:00+00:00",
                "text": "Washington acts on tariffs on Chinese goods. Read more.",
            }
        ]
    )
    if hub:
        link_tag = f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{hub}"/>'
        body = body.replace(b"<channel>", b"<channel>" + link_tag.encode(), 1)
    return body


async def test_a_chat_feed_cannot_make_the_bot_read_an_internal_page(
    tmp_path: Path, feed_host: FeedHost, outside: tuple[str, dict[str, bytes]]
) -> None:
    base, bodies = outside
    feed_host.bodies["/internal/deal.html"] = ARTICLE_PAGE.encode()
    internal_page = feed_host.url("/internal/deal.html")
    bodies["/feed.xml"] = teaser_feed(internal_page, hub=feed_host.url("/hub"))
    config = write_config(
        tmp_path / "config.yaml",
        {
            "feeds": [],
            "fetch": {
                "allow_private_networks": True,  # the deployer's own feeds may be internal
                "allowed_networks": ["127.0.0.2/32"],  # "the internet", for this test
                "full_text": True,
            },
            "routes": [{"to": "console", "kinds": ["changes", "news"]}],
            "schedule": {"first_run_backlog_hours": None},
            "websub": {"callback_base": "https://bot.example.org"},
            "review": {"slack_users": ["UREVIEW"]},
            "seeds_dir": str(ROOT / "seeds"),
            "topics_file": str(ROOT / "config" / "topics.yaml"),
        },
    )
    ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        added = handle(
            Invocation("add-feed", ("outside", f"{base}/feed.xml"), "slack:C1", "UREVIEW"),
            ctx.command_services(),
        )
        assert "Added feed outside" in added.text
        out = io.StringIO()
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(out)})
            stats = await worker.poll(ignore_schedule=True)
            await worker.deliver()
            assert stats.feeds == 1 and stats.failed_feeds == 0  # the feed itself is public
            assert await WebSubManager(ctx, worker, fetcher).renew() == 0
        with ctx.db.session() as session:
            (feed,) = repo.all_feeds(session)
            assert feed.origin == "chat" and feed.hub_url == feed_host.url("/hub")
    finally:
        ctx.close()
    assert feed_host.requests == [], "nothing on the internal server was requested"
    assert "145% → 35%" not in out.getvalue()


def test_a_private_address_is_refused_when_added(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        {"fetch": {"allow_private_networks": True}, "review": {"slack_users": ["UREVIEW"]}},
    )
    ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        answer = handle(
            Invocation("add-feed", ("lan", "http://10.0.0.7/feed"), "slack:C1", "UREVIEW"),
            ctx.command_services(),
        )
        with ctx.db.session() as session:
            assert repo.get_feed(session, "lan") is None
    finally:
        ctx.close()
    assert "cannot be added" in answer.text and "private address 10.0.0.7" in answer.text
