"""``check-config`` lists each Chinese (or listing-page) source; with ``--sources`` it fetches
each one, as the worker would, and says whether it parses: against saved copies of their pages
(no network here), served by a local HTTP server and read from files."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.hardening.conftest import clean_env, run_bot

from .conftest import FeedHost

PAGES = Path(__file__).parent / "pages"
TXT_LIST = {"items": '//ul[contains(@class, "txtList")]/li', "date": "string(.//span)"}


def _write(tmp_path: Path, feeds: list[dict[str, object]]) -> Path:
    path = tmp_path / "config.yaml"
    config = {"feeds": feeds, "fetch": {"allow_private_networks": True}}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_each_chinese_source_is_listed_and_said_to_parse_or_not(
    tmp_path: Path, feed_host: FeedHost
) -> None:
    feed_host.bodies["/xwfb/index.html"] = (PAGES / "mofcom_spokesperson.html").read_bytes()
    feed_host.bodies["/gss.html"] = (PAGES / "tariff_commission.html").read_bytes()
    feed_host.bodies["/moved.html"] = (PAGES / "mofcom_spokesperson_new_layout.html").read_bytes()
    for name in ("hk_feed_big5.xml", "broken_charset.html"):
        shutil.copy(PAGES / name, tmp_path / name)
    feeds: list[dict[str, object]] = [
        {"name": "mofcom", "url": feed_host.url("/xwfb/index.html"), "language": "zh",
         "label_zh": "商务部", "listing": TXT_LIST},
        {"name": "tariff", "url": feed_host.url("/gss.html"), "language": "zh",
         "listing": {"items": '//ul[@class="liBox"]/li', "date": "string(.//span)"}},
        {"name": "hk", "url": f"file:{tmp_path / 'hk_feed_big5.xml'}", "allow_file": True,
         "language": "zh"},
        {"name": "moved", "url": feed_host.url("/moved.html"), "language": "zh",
         "listing": TXT_LIST},
        {"name": "broken", "url": f"file:{tmp_path / 'broken_charset.html'}",
         "allow_file": True, "language": "zh", "listing": TXT_LIST},
        {"name": "gone", "url": feed_host.url("/gone.html"), "language": "zh",
         "listing": TXT_LIST},
        {"name": "english", "url": feed_host.url("/en.xml")},
    ]  # fmt: skip
    config = _write(tmp_path, feeds)
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}")
    listed = run_bot("check-config", "--config", str(config), env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("config ok: 7 feeds")
    assert "source mofcom (商务部, zh, listing page): not fetched" in lines[1]
    assert len(lines) == 7  # every source but the English feed
    checked = run_bot("check-config", "--sources", "--config", str(config), env=env)
    assert checked.returncode == 2
    out = {line.split(" (")[0]: line for line in checked.stdout.splitlines()}
    assert out["source mofcom"].endswith("parses, 4 entries, newest 2026-03-21 09:05 UTC")
    assert out["source tariff"].endswith("parses, 3 entries, newest 2026-04-27 16:00 UTC")
    assert out["source hk"].endswith("parses, 2 entries, newest 2026-04-17 02:00 UTC")
    assert "does not parse: listing layout changed" in out["source moved"]
    assert "does not parse: cannot decode the text (declared utf-8)" in out["source broken"]
    assert "cannot be fetched: http 404" in out["source gone"]
    problems = checked.stderr.splitlines()
    assert problems[-1] == "check-config: 3 problems"
    assert all(p.startswith("check-config: source ") for p in problems[:-1])
