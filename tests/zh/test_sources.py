"""Chinese sources read as feeds: listing pages by their selectors, charsets as they are (GBK,
GB18030, Big5, a wrong declaration), traditional characters, and a page whose layout changed or
whose bytes decode in no charset marks its source failing. Saved copies of pages written for
these tests in the styles of those sites (``pages/``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_config
from bot.config.feeds import ListingSpec
from bot.feeds.charset import CharsetError, decode
from bot.feeds.source import SourceSpec, parse_source

PAGES = Path(__file__).parent / "pages"
MOFCOM = SourceSpec(
    ListingSpec(items='//ul[contains(@class, "txtList")]/li', date="string(.//span)"),
    "https://www.mofcom.gov.cn/xwfb/xwfyrth/index.html",
)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_a_listing_page_is_read_as_a_feed() -> None:
    parsed = parse_source(page("mofcom_spokesperson.html"), "mofcom", MOFCOM)
    assert parsed.readable and parsed.failure is None
    titles = [e.title for e in parsed.entries]
    assert titles[0] == "商务部新闻发言人就中美经贸磋商有关问题答记者问" and len(titles) == 4
    links = [e.link for e in parsed.entries]
    assert links[0] == "https://www.mofcom.gov.cn/xwfb/xwfyrth/art/2026/art_4f1c2e.html"
    assert links[2] == "https://www.mofcom.gov.cn/xwfb/xwfyrth/art/2026/art_77aa01.html"
    first = parsed.entries[0]
    assert first.published == datetime(2026, 3, 21, 9, 5, tzinfo=UTC)  # 17:05 in Beijing
    assert first.dated and first.entry_id == first.link


def test_a_gbk_page_declared_gb2312_is_decoded() -> None:
    spec = SourceSpec(
        ListingSpec(items='//ul[@class="liBox"]/li', date="string(.//span)"),
        "https://gss.mof.gov.cn/gzdt/zhengcefabu/",
    )
    parsed = parse_source(page("tariff_commission.html"), "tariff-commission", spec)
    assert parsed.entries[0].title.startswith("国务院关税税则委员会关于停止")
    assert (
        parsed.entries[0].link
        == "https://gss.mof.gov.cn/gzdt/zhengcefabu/202604/t20260428_3981201.htm"
    )


def test_a_page_that_declares_the_wrong_charset_is_read_in_the_right_one() -> None:
    body = page("mps_news_wrong_charset.html")
    decoded = decode(body)
    assert decoded.declared == "utf-8" and decoded.encoding == "gb18030" and decoded.overruled
    spec = SourceSpec(
        ListingSpec(
            items='//div[@class="list"]//li', date="string(.//span)", summary="string(.//p)"
        ),
        "https://www.mps.gov.cn/n2254098/n4904352/index.html",
    )
    parsed = parse_source(body, "mps", spec)
    assert parsed.entries[0].title == "公安部新闻发言人就中美禁毒合作答记者问"
    assert "暂停中美禁毒执法合作" in parsed.entries[0].text


def test_a_feed_in_gbk_that_declares_utf8_is_read_as_gbk_and_says_so() -> None:
    parsed = parse_source(page("people_politics_gbk_declared_utf8.xml"), "people")
    assert parsed.entries[0].title.startswith("国务院关税税则委员会发布公告")
    assert any("declares utf-8 but is gb18030" in p for p in parsed.problems)


def test_a_big5_feed_in_traditional_characters_is_read() -> None:
    parsed = parse_source(page("hk_feed_big5.xml"), "hk")
    assert [e.title for e in parsed.entries] == [
        "中國收緊芬太尼前體化學品出口管制",
        "中美日內瓦新一輪經貿會談落幕",
    ]


def test_a_page_whose_layout_changed_marks_the_source_failing_with_the_reason() -> None:
    parsed = parse_source(page("mofcom_spokesperson_new_layout.html"), "mofcom", MOFCOM)
    assert not parsed.entries and not parsed.readable
    assert parsed.failure is not None and "listing layout changed" in parsed.failure
    assert "matched nothing" in parsed.failure


def test_items_without_title_or_link_are_a_layout_change_too() -> None:
    spec = SourceSpec(ListingSpec(items="//li", title="string(.//h3)"), "https://x.example/")
    parsed = parse_source(page("mofcom_spokesperson.html"), "mofcom", spec)
    assert parsed.failure is not None and "none with a title and a link" in parsed.failure


def test_bytes_in_no_charset_are_refused_with_a_clear_message() -> None:
    with pytest.raises(CharsetError, match=r"declared utf-8.*first bad byte at offset"):
        decode(page("broken_charset.html"))
    parsed = parse_source(page("broken_charset.html"), "broken", MOFCOM)
    assert parsed.failure is not None and parsed.failure.startswith("cannot decode the text")
    assert not parsed.entries


def test_an_english_feed_is_passed_through_untouched() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>US tariff</title><link>https://x.example/a</link></item></channel></rss>'
    parsed = parse_source(body, "plain")
    assert parsed.readable and [e.title for e in parsed.entries] == ["US tariff"]
    assert not [p for p in parsed.problems if "declares" in p]


def test_the_default_config_lists_the_chinese_sources_with_their_names() -> None:
    config = load_config(None)
    chinese = {f.name: f for f in config.feeds if f.language == "zh"}
    expected = {"mofcom-spokesperson", "tariff-commission", "mps-news", "nncc-news",
                "mfa-press-conferences", "xinhua-politics", "people-politics"}  # fmt: skip
    assert expected <= set(chinese)
    assert config.source_name("tariff-commission").endswith("（财政部关税司）)")
    assert config.source_name("mofcom-spokesperson") == (
        "Ministry of Commerce, spokesperson (商务部新闻发言人)"
    )
    from bot.facts.evidence import SourceBook, Tier

    book = SourceBook(config.sources.tiers())
    assert book.source_of("https://www.mofcom.gov.cn/a.html").tier is Tier.OFFICIAL
    assert book.source_of("https://gss.mof.gov.cn/a.htm").tier is Tier.OFFICIAL
    assert book.source_of("http://www.nncc626.com/a.htm").tier is Tier.OFFICIAL
    assert book.source_of("http://www.news.cn/politics/a.htm").tier is Tier.WIRE
    assert book.source_of("http://opinion.people.com.cn/n1/a.html").tier is Tier.OPINION


def test_a_listing_with_a_bad_selector_is_refused_when_the_config_loads(tmp_path: Path) -> None:
    from bot.config import ConfigError

    path = tmp_path / "c.yaml"
    path.write_text(
        "feeds:\n  - name: bad\n    url: https://www.mofcom.gov.cn/\n"
        '    listing: {items: "//ul[@class=\'"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"feeds\.0\.listing\.items.*not an XPath expression"):
        load_config(path)
