"""Full-text extraction of article pages served by a local host."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.config.settings import FetchConfig
from bot.feeds.article import fetch_article_text
from bot.feeds.fetch import Fetcher
from tests.serving import start

PARAGRAPHS = [
    "Trade officials from both countries met in Geneva on Saturday for the first talks since "
    "the tariffs were raised, according to people familiar with the meeting.",
    "The delegations discussed a reduction of duties and cooperation on precursor chemicals, "
    "and agreed to keep talking in the coming weeks while markets watched closely.",
    "Analysts said a deal on fentanyl enforcement could open the way to lower tariffs on a "
    "wide range of consumer goods shipped across the Pacific.",
]
ARTICLE = f"""<!doctype html><html><head><title>Talks in Geneva</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | Subscribe now for $1</nav>
<article><h1>Talks in Geneva</h1>{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</article>
<footer>Copyright Example News. All rights reserved. Cookie settings.</footer>
</body></html>"""


@pytest.fixture
async def news_site() -> AsyncIterator[str]:
    async def article(request: web.Request) -> web.Response:
        return web.Response(text=ARTICLE, content_type="text/html", charset="utf-8")

    async def pdf(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.7 ...", content_type="application/pdf")

    app = web.Application()
    app.router.add_get("/story", article)
    app.router.add_get("/report.pdf", pdf)
    runner, base = await start(app, shutdown_timeout=0.1)
    yield base
    await runner.cleanup()


async def test_main_text_without_boilerplate(news_site: str) -> None:
    async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
        text = await fetch_article_text(fetcher, f"{news_site}/story")
    assert text is not None
    assert "met in Geneva on Saturday" in text
    assert "fentanyl enforcement" in text
    assert "Subscribe now" not in text
    assert "Cookie settings" not in text


async def test_errors_and_non_html_give_none(news_site: str) -> None:
    async with Fetcher(FetchConfig(allow_private_networks=True)) as fetcher:
        missing = await fetch_article_text(fetcher, f"{news_site}/nope")
        pdf = await fetch_article_text(fetcher, f"{news_site}/report.pdf")
        blocked = await fetch_article_text(fetcher, f"{news_site}/story", untrusted=True)
    assert (missing, pdf, blocked) == (None, None, None)
