"""Feed HTML to plain text (bot/feeds/parse.py html_to_text, read by lxml): nothing of a comment,
a script or a style leaks into an entry's text, and a "<" that opens no tag is kept."""

from __future__ import annotations

import pytest

from bot.feeds.parse import html_to_text, parse_feed


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (
            "<p>Tariff &amp; duty<script>alert(1)</script><br/>now&nbsp;30&#37;</p>",
            "Tariff & duty now 30%",
        ),
        # a comment holding ">" leaked its tail through the old tag pattern
        ("Tariffs <!-- editor: check > 30% figure --> cut to 30%", "Tariffs cut to 30%"),
        ("<!--[if mso]><p>Outlook only</p><![endif]-->Duties rise", "Duties rise"),
        ("<style>p > b { color: red }</style><p>Talks <b>resume</b></p>", "Talks resume"),
        ("tariffs < 30% and > 10%", "tariffs < 30% and > 10%"),
        ("Tar<b>iff</b>s on <a href='x'>goods</a>", "Tariffs on goods"),
        ("<ul><li>one</li><li>two</li></ul><h2>Next</h2>", "one two Next"),
        ("&lt;b&gt;shown as written&lt;/b&gt;", "<b>shown as written</b>"),
        ('<?xml version="1.0" encoding="utf-8"?><p>declared</p>', "declared"),
        ("中美<p>关税</p>", "中美 关税"),
        ("nul\x00byte", "nulbyte"),
        ("  plain \n\t text ", "plain text"),
        ("<!-- nothing else -->", ""),
        ("", ""),
    ],
)
def test_html_becomes_plain_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_a_commented_out_paragraph_never_reaches_an_entry() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>'
        b"<item><title>Tariff news</title><guid>g1</guid>"
        b"<pubDate>Tue, 02 Jun 2026 10:00:00 GMT</pubDate><description><![CDATA["
        b"<p>Officials met.</p><!-- draft: the tariff > 145% will be cut to 30% -->"
        b"<p>No decision yet.</p>]]></description></item></channel></rss>"
    )
    parsed = parse_feed(body, "wire")
    assert [e.text for e in parsed.entries] == ["Officials met. No decision yet."]
