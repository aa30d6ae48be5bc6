"""Reading Discord's answers (bot/delivery/discord_result.py) apart from the REST client: what a
failure means, what a posted message says, and the alert found among a channel's messages; and
the interaction signature of HTTP mode (bot/chat/signatures.py)."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import discord
from nacl.signing import SigningKey

from bot.alerts.card import Card, CardKind
from bot.chat.signatures import BAD_SIGNATURE, STALE, discord_check
from bot.delivery.base import FollowUp
from bot.delivery.discord_result import failure, find_alert, posted

BOT = "900"


def test_a_rate_limit_comes_back_with_its_wait() -> None:
    result = failure(discord.RateLimited(75.0))
    assert (result.retryable, result.retry_after, result.final) == (True, 75.0, False)
    assert result.error == "discord: rate limited for 75 s"


def test_a_refused_token_is_permanent_and_a_dropped_connection_is_not() -> None:
    token = failure(discord.LoginFailure("Improper token has been passed."))
    assert (token.retryable, token.error) == (False, "discord: the bot token was refused (401)")
    dropped = failure(aiohttp.ServerDisconnectedError(), edit=True)
    assert dropped.retryable and not dropped.final
    assert dropped.error is not None and "ServerDisconnectedError" in dropped.error


def test_a_reply_is_a_reply_only_when_discord_made_it_one() -> None:
    parent = Card(id="al-1", kind=CardKind.CHANGE, title="Parent")
    follow_up = FollowUp(parent=parent, message_id="111", thread_id="100")
    replied = posted({"id": "222", "message_reference": {"message_id": "111"}}, follow_up, True)
    assert (replied.ok, replied.external_id, replied.thread_id) == (True, "222", "100")
    standalone = posted({"id": "223"}, follow_up, True)  # the parent was gone by then
    assert (standalone.external_id, standalone.thread_id) == ("223", None)
    assert posted(None, None, False).external_id is None


def test_the_alert_is_found_by_nonce_or_footer_among_the_bots_messages() -> None:
    def message(id_: str, author: str, **extra: Any) -> dict[str, Any]:
        return {"id": id_, "author": {"id": author}, **extra}

    footer = {"embeds": [{"footer": {"text": "3 sources · al-7"}}]}
    messages = [
        message("1", "555", nonce="n-7"),  # someone else's message with the same nonce
        message("2", BOT, embeds=[{"footer": {"text": "about al-7 and more"}}]),
        message("3", BOT, **footer),
    ]
    assert find_alert(messages, "al-7", "n-7", BOT) == "3"
    assert find_alert([message("4", BOT, nonce="n-7")], "al-7", "n-7", BOT) == "4"
    assert find_alert(messages, "al-8", "n-8", BOT) is None
    assert find_alert(messages[:1], "al-7", "n-7", None) == "1"  # the bot's id unknown yet


def test_an_interaction_needs_a_valid_signature_and_a_fresh_timestamp() -> None:
    key = SigningKey.generate()
    check = discord_check(key.verify_key)
    body = b'{"type": 1}'

    def headers(timestamp: str, signer: SigningKey = key) -> dict[str, str]:
        signature = signer.sign(timestamp.encode() + body).signature.hex()
        return {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": timestamp}

    now = int(time.time())
    assert check(headers(str(now)), body) is None
    assert check(headers(str(now), SigningKey.generate()), body) == BAD_SIGNATURE
    assert check(headers(str(now - 301)), body) == STALE
    assert check({"X-Signature-Timestamp": str(now)}, body) == BAD_SIGNATURE
