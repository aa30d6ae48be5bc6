"""Reading Slack's answers (bot/delivery/slack_api.py) apart from any transport: real slack_sdk
response objects as Slack would send them, turned into outcomes; the alert found among listed
messages; the request signature of HTTP mode (bot/chat/signatures.py); and Slack's link markup
in a typed command read as the link."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.chat.invocation import options_of, parse_command
from bot.chat.signatures import slack_signature_valid
from bot.chat.slack_commands import plain_links
from bot.delivery.slack_api import Uncertain, classify, find_alert


def refused(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.example/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(f"The request to the Slack API failed: {error}", response)


@pytest.mark.parametrize(
    ("status", "error", "edit", "expected"),
    [
        (429, "ratelimited", False, {"retryable": True, "retry_after": 12.0, "final": False}),
        (200, "not_in_channel", False, {"retryable": False, "retry_after": None, "final": False}),
        (200, "invalid_auth", False, {"retryable": False, "retry_after": None, "final": False}),
        (200, "message_not_found", True, {"retryable": False, "retry_after": None, "final": True}),
        (200, "edit_window_closed", True, {"retryable": False, "retry_after": None, "final": True}),
        (
            200,
            "edit_window_closed",
            False,
            {"retryable": True, "retry_after": None, "final": False},
        ),
        (400, "invalid_blocks", False, {"retryable": True, "retry_after": None, "final": False}),
    ],
)
def test_each_refusal_becomes_an_outcome(
    status: int, error: str, edit: bool, expected: dict[str, Any]
) -> None:
    result = classify(refused(status, error, {"Retry-After": "12"}), "C1", edit=edit)
    assert not result.ok
    assert {k: getattr(result, k) for k in expected} == expected
    assert result.error is not None and result.error.startswith("slack: ")


def test_a_server_error_is_uncertain() -> None:
    with pytest.raises(Uncertain, match="server error 503"):
        classify(refused(503, "service_unavailable"), "C1")


def test_the_alert_is_found_by_its_metadata_only() -> None:
    messages: list[dict[str, Any]] = [
        {"ts": "1.1", "text": "al-7 in the text is not enough"},
        {"ts": "1.2", "metadata": {"event_payload": {"alert_id": "al-8"}}},
        {"ts": "1.3", "metadata": {"event_type": "fentanyl_alert", "event_payload": {}}},
        {"ts": "1.4", "metadata": {"event_payload": {"alert_id": "al-7"}}},
    ]
    assert find_alert(messages, "al-7") == "1.4"
    assert find_alert(messages, "al-9") is None


def test_the_request_signature_needs_the_secret_and_a_fresh_timestamp() -> None:
    body, now = b"token=x&command=%2Ffentanyl", time.time()

    def sign(secret: str, timestamp: str) -> str:
        base = b"v0:" + timestamp.encode() + b":" + body
        return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()

    fresh, stale = str(int(now)), str(int(now) - 301)
    assert slack_signature_valid("s3cret", body, fresh, sign("s3cret", fresh))
    assert not slack_signature_valid("s3cret", body, fresh, sign("other", fresh))
    assert not slack_signature_valid("s3cret", body, stale, sign("s3cret", stale))
    assert not slack_signature_valid("s3cret", body, "1e9", sign("s3cret", "1e9"))
    assert not slack_signature_valid("", body, fresh, sign("", fresh))


def test_slack_link_markup_in_a_command_is_read_as_the_link() -> None:
    text = plain_links("add-feed mofcom <https://mofcom.example/rss?a=1|the MOFCOM feed>")
    assert text == "add-feed mofcom <https://mofcom.example/rss?a=1>"
    options = options_of(parse_command("fentanyl", text))
    assert options.values == {"name": "mofcom", "url": "<https://mofcom.example/rss?a=1>"}
    assert plain_links("a <@U123|bob> and <!here>") == "a <@U123|bob> and <!here>"
