"""End to end with Chinese sources: a Chinese announcement moves a fact and raises one alert in
English (the fact line) quoting the Chinese sentence as published under the source's English and
Chinese names; its English retelling joins the same story; `status` says which sources, in which
language, moved the fact; a listing page whose layout changed marks its source failing."""

from __future__ import annotations

import asyncio
import html
import io
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.fetch import Fetcher
from bot.store import repo
from bot.store.models import EntryRow

from .conftest import FeedHost

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).parent / "pages"
SENTENCE = (
    "国务院关税税则委员会决定，自2026年7月1日起，对原产于美国的进口商品加征关税的税率调整为5%。"
)


def rss(items: list[tuple[str, str, str, str]]) -> bytes:
    parts = [f"<item><title>{html.escape(t)}</title><link>{link}</link><guid>{link}</guid>"
             f"<pubDate>{when}</pubDate><description>{html.escape(text)}</description></item>"
             for t, link, when, text in items]  # fmt: skip
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    body = f"{head}{''.join(parts)}</channel></rss>"
    return body.encode("utf-8")


ANNOUNCEMENT = (
    "国务院关税税则委员会关于调整对美加征关税措施的公告",
    "https://gss.mof.gov.cn/gzdt/zhengcefabu/202606/t20260610_1.htm",
    "Wed, 10 Jun 2026 08:00:00 GMT",
    SENTENCE,
)
RETELLING = (
    "China to cut its tariff on US goods to 5% from July",
    "https://www.reuters.com/world/china/china-cut-tariff-us-goods-2026-06-10/",
    "Wed, 10 Jun 2026 11:00:00 GMT",
    "China will lower its tariff on goods from the United States to 5% from July 1, "
    "the State Council Tariff Commission said on Wednesday.",
)


def _config(tmp_path: Path, host: FeedHost, feeds: Sequence[Mapping[str, object]]) -> Path:
    config = {
        "feeds": [{**f, "url": host.url(str(f["url"]))} for f in feeds],
        "fetch": {"allow_private_networks": True, "full_text": False},
        "routes": [{"to": "console", "kinds": ["changes", "reports"]}],
        "schedule": {"first_run_backlog_hours": None},
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _cycle(config: Path, db_url: str) -> str:
    ctx = build_context(config, db_url)
    out = io.StringIO()

    async def go() -> None:
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(out)})
            worker.sync_feeds()
            await worker.poll(ignore_schedule=True)
            await worker.deliver()

    try:
        asyncio.run(go())
        return out.getvalue()
    finally:
        ctx.close()


def _status(config: Path, db_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "status", "--config", str(config), "--db", db_url, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def test_a_chinese_announcement_and_its_english_retelling_are_one_story(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/tariff.xml"] = rss([ANNOUNCEMENT])
    feed_host.bodies["/wire.xml"] = rss([])
    feeds = [
        {"name": "tariff-commission", "url": "/tariff.xml", "language": "zh",
         "label": "State Council Tariff Commission", "label_zh": "国务院关税税则委员会"},
        {"name": "wire", "url": "/wire.xml", "label": "Reuters"},
    ]  # fmt: skip
    config = _config(tmp_path, feed_host, feeds)
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    printed = _cycle(config, db_url)
    assert "China's tariff on most US goods: 125% → 5%" in printed  # the fact line, in English
    assert "State Council Tariff Commission (国务院关税税则委员会)" in printed
    assert "加征关税的税率调整为5%" in printed  # the Chinese sentence as published
    feed_host.bodies["/wire.xml"] = rss([RETELLING])
    second = _cycle(config, db_url)
    assert "[CHANGE]" not in second.replace("follow-up", "")  # no second alert for the story
    ctx = build_context(config, db_url)
    try:
        with ctx.db.session() as session:
            entries = {e.link: e for e in session.scalars(select(EntryRow))}
    finally:
        ctx.close()
    assert entries[RETELLING[1]].duplicate_of == entries[ANNOUNCEMENT[1]].uid  # one story
    text = _status(config, db_url)
    assert "China's tariff on most US goods: 5" in text
    assert "sources: State Council Tariff Commission (国务院关税税则委员会) (Chinese)" in text
    assert "Reuters (English)" in text
    facts = {f["id"]: f for f in json.loads(_status(config, db_url, "--json"))["facts"]}
    sources = facts["china-tariff-us"]["sources"]
    assert [(s["language"], s["domain"]) for s in sources] == [
        ("zh", "gss.mof.gov.cn"),
        ("en", "reuters.com"),
    ]
    assert facts["china-tariff-us"]["last_change"]["language"] == "zh"


def test_a_listing_page_whose_layout_changed_marks_the_source_failing(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/mofcom.html"] = (PAGES / "mofcom_spokesperson.html").read_bytes()
    listing = {"items": '//ul[contains(@class, "txtList")]/li', "date": "string(.//span)"}
    feeds: list[dict[str, object]] = [
        {"name": "mofcom", "url": "/mofcom.html", "language": "zh", "listing": listing}
    ]
    config = _config(tmp_path, feed_host, feeds)
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    _cycle(config, db_url)
    feed_host.bodies["/mofcom.html"] = (PAGES / "mofcom_spokesperson_new_layout.html").read_bytes()
    _cycle(config, db_url)
    ctx = build_context(config, db_url)
    try:
        with ctx.db.session() as session:
            feed = {f.name: f for f in repo.all_feeds(session)}["mofcom"]
            stored = len(repo.latest_entries(session, 20))
    finally:
        ctx.close()
    assert stored >= 0  # the first poll's entries are kept; titles alone move nothing
    assert feed.consecutive_failures == 1
    assert "listing layout changed" in (feed.last_error or "")
    assert "mofcom: 1 failures, listing layout changed" in _status(config, db_url)
