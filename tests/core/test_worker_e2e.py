"""End to end: feeds served by a local HTTP server → worker → alerts, on a real store."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.app.context import build_context
from bot.app.worker import Worker
from bot.delivery.console import ConsoleDestination
from bot.feeds.entry import Entry
from bot.feeds.fetch import Fetcher
from bot.news.analysis import Analyser, Analysis
from bot.store import ledger, repo
from bot.store.models import AlertRow
from tests.serving import FeedHost
from tests.worker import write_config

from .conftest import ROOT
from .feeds import OFF_TOPIC, TARIFF_CUT, TARIFF_CUT_ECHO, rss


def _config(tmp_path: Path, host: FeedHost, paths: list[str], **schedule: object) -> Path:
    config = {
        "feeds": [{"name": p.strip("/").replace("/", "-"), "url": host.url(p)} for p in paths],
        "fetch": {"allow_private_networks": True, "full_text": False},
        "routes": [{"to": "console", "kinds": ["changes", "news"]}],
        "schedule": {"first_run_backlog_hours": None, **schedule},
        "seeds_dir": str(ROOT / "seeds"),
        "topics_file": str(ROOT / "config" / "topics.yaml"),
    }
    return write_config(tmp_path / "config.yaml", config)


def _cycle(config: Path, db_url: str) -> tuple[str, dict[str, int]]:
    ctx = build_context(config, db_url)
    out = io.StringIO()

    async def go() -> dict[str, int]:
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(out)})
            worker.sync_feeds()
            stats = await worker.poll(ignore_schedule=True)
            delivered = await worker.deliver()
            return {
                "alerts": stats.alerts,
                "changes": stats.changes,
                "sent": delivered.sent,
                "entries": stats.entries,
                "failed_feeds": stats.failed_feeds,
            }

    try:
        stats = asyncio.run(go())
        return out.getvalue(), stats
    finally:
        ctx.close()


def test_a_change_is_alerted_once_and_a_second_run_raises_nothing(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/wire.xml"] = rss([TARIFF_CUT, OFF_TOPIC])
    feed_host.bodies["/other.xml"] = rss([TARIFF_CUT_ECHO], title="Other")
    config = _config(tmp_path, feed_host, ["/wire.xml", "/other.xml"])
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"

    printed, stats = _cycle(config, db_url)
    assert stats["entries"] == 3 and stats["changes"] == 1
    assert "US tariff on most Chinese goods: 145% → 40%" in printed
    assert printed.count("[CHANGE]") == 1
    assert "library" not in printed

    again, stats = _cycle(config, db_url)
    assert again == "" and stats["alerts"] == 0 and stats["entries"] == 0

    status = subprocess.run(
        [sys.executable, "-m", "bot", "status", "--json", "--db", db_url, "--config", str(config)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    facts = {f["id"]: f for f in json.loads(status.stdout)["facts"]}
    assert facts["us-tariff-china"]["value"] == 40
    assert facts["us-tariff-china"]["baseline"] == 145
    assert facts["us-tariff-china"]["last_change"]["link"] == TARIFF_CUT["link"]


def test_a_broken_feed_does_not_stop_the_others(tmp_path: Path, feed_host: FeedHost) -> None:
    feed_host.bodies["/good.xml"] = rss([TARIFF_CUT])
    feed_host.bodies["/garbage.xml"] = b"\x00\xffnot a feed at all<<<"
    feed_host.statuses["/down.xml"] = 500
    feed_host.bodies["/down.xml"] = b"oops"
    config = _config(tmp_path, feed_host, ["/good.xml", "/garbage.xml", "/down.xml"])
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    printed, stats = _cycle(config, db_url)
    assert "145% → 40%" in printed
    assert stats["failed_feeds"] == 1
    ctx = build_context(config, db_url)
    try:
        with ctx.db.session() as session:
            feeds = {f.name: f for f in repo.all_feeds(session)}
    finally:
        ctx.close()
    assert feeds["down.xml"].consecutive_failures == 1
    assert "500" in (feeds["down.xml"].last_error or "")
    assert feeds["good.xml"].consecutive_failures == 0


def test_first_run_backlog_is_stored_without_alerting(tmp_path: Path, feed_host: FeedHost) -> None:
    feed_host.bodies["/wire.xml"] = rss([TARIFF_CUT])
    config = _config(tmp_path, feed_host, ["/wire.xml"], first_run_backlog_hours=24)
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    printed, stats = _cycle(config, db_url)
    assert printed == "" and stats["alerts"] == 0 and stats["entries"] == 1
    ctx = build_context(config, db_url)
    try:
        with ctx.db.session() as session:
            assert ledger.fact_states(session)["us-tariff-china"].value == 40
            assert session.query(AlertRow).count() == 0
    finally:
        ctx.close()


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_replay_prints_one_line_per_entry(tmp_path: Path, fmt: str) -> None:
    wire = tmp_path / "wire.xml"
    wire.write_bytes(rss([TARIFF_CUT, OFF_TOPIC]))
    other = tmp_path / "other.xml"
    other.write_bytes(rss([TARIFF_CUT_ECHO]))
    args = [sys.executable, "-m", "bot", "replay", str(wire), str(other)]
    result = subprocess.run(
        args + (["--jsonl"] if fmt == "jsonl" else []),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    if fmt == "jsonl":
        rows = [json.loads(line) for line in lines]
        by_link = {r["link"]: r for r in rows}
        cut = by_link[TARIFF_CUT["link"]]
        assert (
            cut["changes"][0]
            == {"fact": "us-tariff-china", "old": 145, "new": 40, "status": "changed"}
            or cut["changes"][0]["status"] == "changed"
        )
        assert cut["alert"] is True and cut["relevant"] is True
        echo = by_link[TARIFF_CUT_ECHO["link"]]
        assert echo["duplicate_of"] == TARIFF_CUT["link"] and echo["alert"] is False
        assert by_link[OFF_TOPIC["link"]]["relevant"] is False
        assert set(cut) >= {
            "id",
            "link",
            "title",
            "summary",
            "relevant",
            "topics",
            "changes",
            "alert",
            "duplicate_of",
        }


class FlakyAnalyser:
    """An analyser whose backend fails once (as an LLM-backed one might), then works."""

    def __init__(self, real: Analyser) -> None:
        self.real = real
        self.failed = False

    def analyse(self, entry: Entry) -> Analysis:
        if not self.failed:
            self.failed = True
            raise ConnectionError("analysis backend unavailable")
        return self.real.analyse(entry)


def test_an_entry_that_could_not_be_judged_is_judged_on_the_next_poll(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/wire.xml"] = rss([TARIFF_CUT])
    config = _config(tmp_path, feed_host, ["/wire.xml"])
    ctx = build_context(config, f"sqlite:///{tmp_path / 'bot.db'}")
    ctx.analyser = FlakyAnalyser(ctx.analyser)
    out = io.StringIO()

    async def two_polls() -> list[int]:
        async with Fetcher(ctx.config.fetch) as fetcher:
            worker = Worker(ctx, fetcher, {"console": ConsoleDestination(out)})
            worker.sync_feeds()
            first = await worker.poll(ignore_schedule=True)
            second = await worker.poll(ignore_schedule=True)
            await worker.deliver()
            return [first.entries, second.entries]

    try:
        assert asyncio.run(two_polls()) == [0, 1]
    finally:
        ctx.close()
    assert "145% → 40%" in out.getvalue()


ARTICLE_PAGE = """<!doctype html><html><head><title>Deal</title></head><body>
<nav>Home | World | Business</nav>
<article><h1>Washington trims China duties</h1>
<p>The administration said on Tuesday that it had lowered the tariff on most goods imported
from China to 35 percent from 145 percent, with the cut in force at midnight.</p>
<p>Officials in Beijing did not immediately respond to a request for comment on the move,
which follows weeks of talks between the two governments' trade teams.</p>
</article><footer>Copyright</footer></body></html>"""


def test_a_teaser_is_judged_on_the_full_article(tmp_path: Path, feed_host: FeedHost) -> None:
    teaser = {
        "title": "US moves on China tariffs",
        "link": feed_host.url("/2026/06/deal.html"),
        "date": "2026-06-02T10:00:00+00:00",
        "text": "Washington acts on tariffs on Chinese goods. Read more.",
    }
    feed_host.bodies["/wire.xml"] = rss([teaser])
    feed_host.bodies["/2026/06/deal.html"] = ARTICLE_PAGE.encode()
    config = _config(tmp_path, feed_host, ["/wire.xml"])
    raw = yaml.safe_load(config.read_text())
    raw["fetch"]["full_text"] = True
    config.write_text(yaml.safe_dump(raw))
    printed, stats = _cycle(config, f"sqlite:///{tmp_path / 'bot.db'}")
    assert "/2026/06/deal.html" in feed_host.requests
    assert stats["changes"] == 1 and "145% → 35%" in printed
